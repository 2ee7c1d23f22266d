"""The 18 intrinsic functions and the documented data flow, in the simulator (exact values from the AWS guide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wfverify.simulate import Environment, simulate
from wfverify.simulate.asl_intrinsics import IntrinsicError, Random, evaluate_intrinsic
from wfverify.testing import workflow_from_text

DATA = {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "dup": [1, 2, 2, 3, 1], "s": "Hello", "n": 7, "obj": {"x": 1}}


def _run(text: str, data: Any = DATA) -> Any:
    return evaluate_intrinsic(text, lambda p: data[p[2:]] if p.startswith("$.") else data, Random())


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("States.Format('Hello, my name is {}.', $.s)", "Hello, my name is Hello."),
        ("States.Format('{} and {}', 1, true)", "1 and true"),
        ("States.Format('{} {}', $.dup, $.obj)", "[1, 2, 2, 3, 1] {x=1}"),  # as the service's Java prints them
        ("States.MathAdd(1.5, 1)", 3),  # the guide: rounded to the nearest integer
        ("States.MathAdd(-2.5, 0)", -2),  # halves round up, as Java's Math.round
        (r"States.Format('\{\} is a \'literal\' \\ {}', null)", "{} is a 'literal' \\ null"),
        ("States.StringToJson('{\"number\": 20}')", {"number": 20}),
        ("States.JsonToString($.obj)", '{"x":1}'),
        ("States.Array('Foo', 2020, $.obj, null)", ["Foo", 2020, {"x": 1}, None]),
        ("States.ArrayPartition($.a, 4)", [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
        ("States.ArrayContains($.a, 5)", True),
        ("States.ArrayContains($.a, '5')", False),
        ("States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9]),
        ("States.ArrayGetItem($.a, 5)", 6),
        ("States.ArrayLength($.a)", 9),
        ("States.ArrayUnique($.dup)", [1, 2, 3]),
        ("States.Base64Encode('Data to encode')", "RGF0YSB0byBlbmNvZGU="),
        ("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "Data to encode"),
        ("States.Hash('input data', 'SHA-1')", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("States.JsonMerge($.obj, States.StringToJson('{\"y\": 2}'), false)", {"x": 1, "y": 2}),
        ("States.MathAdd($.n, -3)", 4),
        ("States.StringSplit('1,2,3,4,5', ',')", ["1", "2", "3", "4", "5"]),
        ("States.StringSplit('This.is+a,test=string', '.+,=')", ["This", "is", "a", "test", "string"]),
    ],
)
def test_documented_values(text: str, value: Any) -> None:
    assert _run(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "States.Format('{} {}', 1)",
        "States.Format('{}', 1, 2)",
        "States.ArrayPartition($.a, 0)",
        "States.ArrayRange(1, 2, 0)",
        "States.ArrayRange(0, 2000, 1)",
        "States.ArrayGetItem($.a, 9)",
        "States.Hash('x', 'SHA-3')",
        "States.JsonMerge($.obj, $.obj, true)",
        "States.MathAdd('1', 1)",
        "States.MathRandom(5, 4)",
        "States.Base64Decode('not base64!')",
        "States.StringToJson('{')",
        "States.Nope(1)",
    ],
)
def test_documented_errors(text: str) -> None:
    with pytest.raises(IntrinsicError):
        _run(text)


def test_random_and_uuid_are_seeded_and_reproducible() -> None:
    first, again = Random(), Random()
    seeded = [evaluate_intrinsic("States.MathRandom(1, 999, 42)", lambda p: None, r) for r in (first, again)]
    assert seeded[0] == seeded[1] and 1 <= seeded[0] <= 999
    uuids = [evaluate_intrinsic("States.UUID()", lambda p: None, Random()) for _ in range(2)]
    assert uuids[0] == uuids[1] and uuids[0][14] == "4"


def _asl(states: dict[str, Any], start: str = "A") -> Any:
    return workflow_from_text(json.dumps({"StartAt": start, "States": states}), "t.asl.json")


def test_context_execution_input_and_variables_in_paths() -> None:
    flow = _asl(
        {
            "A": {"Type": "Pass", "Assign": {"limit": 3}, "Result": {"x": 1}, "Next": "B"},
            "B": {
                "Type": "Pass",
                "Parameters": {"original.$": "$$.Execution.Input", "limit.$": "$limit", "name.$": "$$.State.Name"},
                "End": True,
            },
        }
    )
    trace = simulate(flow, Environment(input={"order": 7}))
    assert trace.output == {"original": {"order": 7}, "limit": 3, "name": "B"}


def test_map_legacy_parameters_apply_per_item() -> None:
    flow = _asl(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "Parameters": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
                "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
        "M",
    )
    trace = simulate(flow, Environment(input={"items": ["a", "b"], "tag": "t"}))
    assert trace.output == [{"index": 0, "value": "a", "tag": "t"}, {"index": 1, "value": "b", "tag": "t"}]


def test_catch_all_never_takes_runtime_and_fail_paths() -> None:
    flow = _asl(
        {
            "A": {
                "Type": "Pass",
                "Parameters": {"v.$": "$.missing"},
                "Next": "F",
            },
            "F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('because {}', $.why)"},
        }
    )
    trace = simulate(flow, Environment(input={}))
    assert (trace.status, trace.error) == ("failed", "States.Runtime")
    caught = _asl(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "Parameters": {"v.$": "$.missing"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                "End": True,
            },
            "F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('because {}', $.why)"},
        },
        "T",
    )
    assert simulate(caught, Environment(input={})).error == "States.Runtime"  # States.ALL did not catch it
    failing = _asl(
        {"F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('because {}', $.why)"}}, "F"
    )
    trace = simulate(failing, Environment(input={"code": "E42", "why": "late"}))
    assert (trace.error, trace.cause) == ("E42", "because late")
