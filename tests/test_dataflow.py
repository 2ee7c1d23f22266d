"""What is certainly present at each state: ResultPath/ResultSelector/Parameters/Assign, catchers, joins."""

from __future__ import annotations

import json
from typing import Any

from wfverify.analysis.absent import present_at
from wfverify.analysis.dataflow import facts_at
from wfverify.testing import check_text, workflow_from_text


def _asl(states: dict[str, Any], start: str = "A") -> str:
    return json.dumps({"StartAt": start, "States": states})


def test_result_selector_and_result_path_write_their_keys() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "ResultSelector": {"status.$": "$.S"},
                    "ResultPath": "$.job",
                    "Next": "B",
                },
                "B": {"Type": "Pass", "OutputPath": "$.job", "Next": "C"},
                "C": {"Type": "Succeed"},
            }
        ),
        "x.asl.json",
    )
    facts = present_at(w)
    assert facts["A"] == frozenset()
    assert facts["B"] == {("job",), ("job", "status")}
    assert facts["C"] == {("status",)}  # OutputPath shifted the known paths


def test_paths_are_intersected_where_they_meet_and_result_path_dollar_replaces() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}],
                    "Default": "C",
                },
                "B": {"Type": "Pass", "Result": {"k": 1}, "ResultPath": "$.r", "Next": "D"},
                "C": {"Type": "Pass", "Result": {"k": 2}, "ResultPath": "$.s", "Next": "D"},
                "D": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "E"},
                "E": {"Type": "Succeed"},
            }
        ),
        "x.asl.json",
    )
    facts = present_at(w)
    assert facts["D"] == frozenset()
    assert facts["E"] == frozenset()  # a Task's default ResultPath "$" replaces the input with an unknown result


def test_catchers_hand_on_the_error_where_their_result_path_says() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "ResultPath": "$.out",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "B"}],
                    "End": True,
                },
                "B": {"Type": "Succeed"},
            }
        ),
        "x.asl.json",
    )
    assert present_at(w)["B"] == {("err",), ("err", "Error"), ("err", "Cause")}


def test_no_absent_read_warning_for_fields_written_before_the_choice() -> None:
    text = _asl(
        {
            "Get": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "ResultSelector": {"status.$": "$.Payload.S"},
                "ResultPath": "$.job",
                "Next": "Route",
            },
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.job.status", "StringEquals": "OK", "Next": "Done"},
                    {"Variable": "$.other", "StringEquals": "OK", "Next": "Done"},
                ],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
        "Get",
    )
    messages = [f.message for f in check_text(text, "x.asl.json", select=["absent-field"]).findings]
    assert len(messages) == 1 and "$.other" in messages[0] and "job.status" not in messages[0]


def test_native_set_makes_variables_present() -> None:
    w = workflow_from_text("""\
    workflow: n
    start: a
    states:
      a: {type: pass, set: {count: 0}, next: b}
      b: {type: succeed}
    """)
    assert present_at(w)["b"] == {("count",)}


def test_choice_edges_are_path_sensitive_and_earlier_rules_prove_their_variables() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {
                    "Type": "Choice",
                    "Choices": [
                        {"Variable": "$.order", "IsPresent": True, "Next": "B"},
                        {"Variable": "$.kind", "StringEquals": "x", "Next": "C"},
                    ],
                    "Default": "D",
                },
                "B": {"Type": "Succeed"},
                "C": {"Type": "Succeed"},
                "D": {"Type": "Succeed"},
            }
        ),
        "x.asl.json",
    )
    facts = facts_at(w)
    assert facts["B"].present == {("order",)} and facts["B"].guards(("order", "id"))
    assert facts["C"].present == {("kind",)} and not facts["C"].guards(("order",))
    assert facts["D"].present == {("kind",)}  # rule 2 read it without failing


def test_facts_flow_into_parallel_branches_and_map_items() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.level", "Next": "P"},
                "P": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}],
                    "Next": "M",
                },
                "M": {
                    "Type": "Map",
                    "ItemSelector": {"id.$": "$$.Map.Item.Value"},
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}},
                    "End": True,
                },
            }
        ),
        "x.asl.json",
    )
    facts = facts_at(w)
    assert facts["B"].present == {("level",), ("level", "n")}
    assert facts["I"].present == {("id",)}
    assert facts["M"].present == frozenset()  # a Parallel's output is the array of its branches


def test_a_result_path_write_replaces_what_was_known_under_it() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.x", "Next": "B"},
                "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.x", "Next": "C"},
                "C": {"Type": "Succeed"},
            }
        ),
        "x.asl.json",
    )
    facts = facts_at(w)
    assert facts["C"].present == {("x",)}
    assert [p for p, _ in facts["C"].typed] == [("x",)]
