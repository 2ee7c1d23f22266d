"""The Amazon States Language loader: the model it builds and exact positions of its findings."""

from __future__ import annotations

import json

import pytest

from wfverify.core.expr import And, Cmp, Exists, IsType, Lit, Matches, Not, Opaque, Var
from wfverify.core.model import StateKind, TransitionKind
from wfverify.load import LoadOptions
from wfverify.testing import check_text, workflow_from_text

ORDER = {
    "Comment": "Order processing",
    "StartAt": "Route",
    "TimeoutSeconds": 3600,
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.order.total", "IsPresent": True},
                        {"Variable": "$.order.total", "NumericGreaterThan": 100},
                    ],
                    "Next": "Fanout",
                },
                {"Variable": "$.order.code", "StringMatches": "VIP-*", "Next": "Fanout"},
                {"Not": {"Variable": "$.order.note", "IsNull": True}, "Next": "Approve"},
            ],
            "Default": "Approve",
        },
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "TimeoutSeconds": 300,
            "HeartbeatSeconds": 60,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2, "BackoffRate": 1.5}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "Next": "Fanout",
        },
        "Fanout": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Resource": "${ShipArn}", "End": True}}}
            ],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 4,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "One",
                "States": {"One": {"Type": "Pass", "End": True}},
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "OrderFailed"},
    },
}


def test_model_of_an_asl_workflow() -> None:
    w = workflow_from_text(json.dumps(ORDER, indent=2), "order.asl.json")
    assert w.start == "Route" and w.timeout == 3600.0 and not w.annotated
    route = w.states["Route"]
    total = Var(("order", "total"), absent_fails=True)
    assert route.choices[0].condition == And((Exists(Var(("order", "total"))), Cmp(">", total, Lit(100), "number")))
    assert route.choices[1].condition == Matches(Var(("order", "code"), True), "VIP-*")
    assert route.choices[2].condition == Not(IsType(Var(("order", "note"), True), "null", True))
    assert [(t.kind, t.target) for t in route.transitions][-1] == (TransitionKind.DEFAULT, "Approve")
    approve = w.states["Approve"]
    assert approve.waits_on_outside and approve.timeout == 300.0 and approve.heartbeat == 60.0
    assert approve.retry[0].errors == ("States.Timeout",) and approve.retry[0].backoff_rate == 1.5
    assert approve.retry[0].interval == 1.0 and approve.retry[0].max_attempts == 2
    assert approve.catch[0].errors == ("*",)
    assert w.states["Ship"].scope == "/States/Fanout/Branches/0"
    assert w.states["One"].scope == "/States/Each/ItemProcessor"
    assert w.states["Each"].max_concurrency == 4 and w.states["Each"].kind is StateKind.MAP
    assert w.scopes["/States/Each/ItemProcessor"].kind == "iterator"


def _where(text: str, name: str, **kw) -> list[tuple[str, int, int, str]]:
    result = check_text(text, name, **kw)
    return [(f.rule, f.line, f.column, f.pointer) for f in result.findings]


BROKEN = """\
{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Nxt": "B",
      "ResultPath": "..x",
      "End": true
    },
    "B": {"Type": "Task", "Resource": "not-an-arn", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}
  }
}
"""


def test_findings_point_at_the_field_in_json() -> None:
    got = _where(BROKEN, "broken.asl.json", select=["schema-violation", "invalid-path"])
    assert got == [
        ("schema-violation", 6, 7, "/States/A/Nxt"),
        ("invalid-path", 7, 7, "/States/A/ResultPath"),
        ("schema-violation", 10, 27, "/States/B/Resource"),
        ("schema-violation", 10, 74, "/States/B/TimeoutSecondsPath"),
    ]


def test_findings_point_at_the_field_in_yaml() -> None:
    text = """\
    StartAt: A
    States:
      A:
        Type: Pass
        Nxt: B
        ResultPath: ..x
        End: true
    """
    got = _where(text, "broken.asl.yaml", select=["schema-violation", "invalid-path"])
    assert got == [("schema-violation", 5, 5, "/States/A/Nxt"), ("invalid-path", 6, 5, "/States/A/ResultPath")]


def test_aws_checks_can_be_turned_off() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "https://worker.example/run", "End": true}}}'
    assert _where(text, "x.asl.json", select=["schema-violation"])[0][0] == "schema-violation"
    assert _where(text, "x.asl.json", select=["schema-violation"], options=LoadOptions(aws_checks=False)) == []


@pytest.mark.parametrize(
    "resource",
    [
        "${LambdaArn}",
        "arn:${AWS::Partition}:states:::lambda:invoke",
        "arn:aws:lambda:us-east-1:1:function:f:$LATEST",
        "arn:aws:states:us-east-1:123456789012:activity:approve",
    ],
)
def test_placeholders_and_arns_are_accepted(resource: str) -> None:
    text = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": resource, "End": True}}})
    assert _where(text, "x.asl.json", select=["schema-violation"]) == []


def test_duplicate_state_keys_and_names_across_scopes() -> None:
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Fail"},\n'
        ' "P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}]}}}'
    )
    got = _where(text, "d.asl.json", select=["duplicate-state"])
    assert [g[0] for g in got] == ["duplicate-state", "duplicate-state"]
    assert got[0][1:3] == (1, 55)


def test_jsonata_states_and_counters() -> None:
    text = json.dumps(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"tries": 0}, "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% $tries > 3 %}", "Next": "Done"}],
                    "Default": "Done",
                },
                "Done": {"Type": "Succeed", "Output": "{% $states.input %}"},
            },
        }
    )
    w = workflow_from_text(text, "j.asl.json")
    assert w.states["Init"].assignments[0].variable == "$tries"
    assert w.states["Init"].assignments[0].expr == Lit(0)
    assert isinstance(w.states["Check"].choices[0].condition, Opaque)
    assert [p.language for p in w.states["Done"].paths] == ["jsonata"]


def test_math_add_counter_in_pass_parameters() -> None:
    text = json.dumps(
        {
            "StartAt": "Inc",
            "States": {
                "Inc": {
                    "Type": "Pass",
                    "Parameters": {"count.$": "States.MathAdd($.iter.count, 1)"},
                    "ResultPath": "$.iter",
                    "End": True,
                }
            },
        }
    )
    a = workflow_from_text(text, "c.asl.json").states["Inc"].assignments[0]
    assert a.variable == "iter.count" and a.expr.op == "+" and a.expr.right == Lit(1)


def test_sidecar_annotations_apply_and_unknown_names_are_reported() -> None:
    text = '{"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "${Charge}", "End": true}}}'
    sidecar = "states:\n  Charge: {compensate: Refund, idempotent: true}\n  Refnd: {compensation: true}\n"
    result = check_text(text, "pay.asl.json", sidecar=sidecar, select=["unknown-target"])
    assert [(f.rule, f.path, f.line, f.column) for f in result.findings] == [
        ("unknown-target", "pay.asl.json.wfverify.yaml", 2, 12),
        ("unknown-target", "pay.asl.json.wfverify.yaml", 3, 3),
    ]
    w = workflow_from_text(text, "pay.asl.json", sidecar=sidecar)
    assert w.annotated and w.states["Charge"].idempotent and w.states["Charge"].compensate == "Refund"
