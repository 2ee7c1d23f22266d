"""Our simulator against a real ASL interpreter: moto's, run in-process, one fresh process per definition.

Compared: the states entered (as a multiset where Parallel/Map interleave) and the final status.
Where moto and the service's documented behaviour differ, the simulator follows the service and the
case records the difference (``moto_differs``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from wfverify.simulate import Environment, simulate
from wfverify.testing import workflow_from_text

pytest.importorskip("moto")
pytest.importorskip("boto3")

RUNNER = r"""
import json, sys, time
import boto3
from moto import mock_aws
definition, payload = sys.argv[1], sys.argv[2]
with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    arn = sfn.create_state_machine(name="m", definition=definition,
                                   roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
    for _ in range(500):
        described = sfn.describe_execution(executionArn=run)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.01)
    events = sfn.get_execution_history(executionArn=run)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    print(json.dumps({"status": described["status"], "entered": entered}))
"""

PASS_CHOICE = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Big"},
                {
                    "And": [{"Variable": "$.tier", "IsPresent": True}, {"Variable": "$.tier", "StringEquals": "gold"}],
                    "Next": "Gold",
                },
            ],
            "Default": "Small",
        },
        "Big": {"Type": "Pass", "Result": {"size": "big"}, "ResultPath": "$.label", "Next": "Pause"},
        "Gold": {"Type": "Pass", "Next": "Done"},
        "Small": {"Type": "Fail", "Error": "TooSmall"},
        "Pause": {"Type": "Wait", "Seconds": 0, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

PARALLEL_MAP = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "ResultPath": "$.both",
            "Next": "Each",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "B",
                    "States": {"B": {"Type": "Wait", "Seconds": 0, "Next": "B2"}, "B2": {"Type": "Pass", "End": True}},
                },
            ],
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "One",
                "States": {
                    "One": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Two"}],
                        "Default": "Other",
                    },
                    "Two": {"Type": "Pass", "End": True},
                    "Other": {"Type": "Succeed"},
                },
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

PARALLEL_REPLACES_INPUT = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Next": "Each",
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

ABSENT_VARIABLE = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.missing", "NumericEquals": 1, "Next": "Done"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

CASES = [
    ("choice-big", PASS_CHOICE, {"amount": 500}, None),
    ("choice-gold", PASS_CHOICE, {"amount": 5, "tier": "gold"}, None),
    ("choice-small", PASS_CHOICE, {"amount": 5}, None),
    ("parallel-map", PARALLEL_MAP, {"items": [1, 2, 3]}, None),
    ("parallel-replaces-input", PARALLEL_REPLACES_INPUT, {"items": [1]}, None),
    # AWS: reading an absent Choice variable fails the execution (States.Runtime); moto takes the default.
    ("absent-variable", ABSENT_VARIABLE, {}, {"status": "succeeded", "entered": ["Route", "Done"]}),
]


def _moto(definition: dict, payload: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(definition), json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"status": data["status"].lower(), "entered": data["entered"]}


@pytest.mark.parametrize("name, definition, payload, moto_differs", CASES, ids=[c[0] for c in CASES])
def test_simulator_agrees_with_moto(name: str, definition: dict, payload: dict, moto_differs: dict | None) -> None:
    ours = simulate(workflow_from_text(json.dumps(definition), f"{name}.asl.json"), Environment(input=payload))
    theirs = _moto(definition, payload)
    if moto_differs is not None:
        assert theirs["status"] == moto_differs["status"] and theirs["entered"] == moto_differs["entered"]
        assert (ours.status, ours.error) == ("failed", "States.Runtime")  # the service's documented behaviour
        return
    assert ours.status == theirs["status"], (ours.entered, ours.error, theirs)
    assert Counter(ours.entered) == Counter(theirs["entered"])
    assert ours.entered[0] == theirs["entered"][0] and ours.entered[-1] == theirs["entered"][-1]


MANY_RUNNER = r"""
import json, sys, time
import boto3
from moto import mock_aws
cases = json.loads(sys.argv[1])
with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    out = []
    for i, (definition, payload) in enumerate(cases):
        arn = sfn.create_state_machine(name=f"m{i}", definition=json.dumps(definition),
                                       roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
        run = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload))["executionArn"]
        for _ in range(500):
            described = sfn.describe_execution(executionArn=run)
            if described["status"] != "RUNNING":
                break
            time.sleep(0.01)
        output = json.loads(described["output"]) if described.get("output") else None
        out.append({"status": described["status"].lower(), "output": output,
                    "error": described.get("error"), "cause": described.get("cause")})
    print(json.dumps(out))
"""

PAYLOAD = {"n": 7, "a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "dup": [1, 2, 2, 3, 1], "obj": {"x": 1}, "obj2": {"y": 2}}
INTRINSICS = {
    "format.$": "States.Format('x{}y', $.n)",
    "json.$": "States.StringToJson('{\"a\":1}')",
    "str.$": "States.JsonToString($.obj)",
    "arr.$": "States.Array(1, 'b')",
    "part.$": "States.ArrayPartition($.a, 4)",
    "contains.$": "States.ArrayContains($.a, 5)",
    "range.$": "States.ArrayRange(1, 9, 2)",
    "item.$": "States.ArrayGetItem($.a, 5)",
    "len.$": "States.ArrayLength($.a)",
    "uniq.$": "States.ArrayUnique($.dup)",
    "b64.$": "States.Base64Encode('Data to encode')",
    "unb64.$": "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
    "hash.$": "States.Hash('input data', 'SHA-1')",
    "merge.$": "States.JsonMerge($.obj, $.obj2, false)",
    "add.$": "States.MathAdd($.n, -3)",
    "split.$": "States.StringSplit('a,b,,c', ',')",
    "input.$": "$$.Execution.Input.n",
    "rnd.$": "States.MathRandom(1, 5)",
    "uuid.$": "States.UUID()",
}
FAIL_PATHS = {
    "StartAt": "F",
    "States": {"F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('because {}', $.n)"}},
}
DATA_CASES = [
    # (name, definition, payload, moto_differs: what moto does where it departs from the AWS guide)
    (
        "intrinsics",
        {"StartAt": "I", "States": {"I": {"Type": "Pass", "Parameters": INTRINSICS, "End": True}}},
        PAYLOAD,
        None,
    ),
    (
        "map-legacy-parameters",
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$.dup",
                    "MaxConcurrency": 1,
                    "Parameters": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "n.$": "$.n"},
                    "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                    "End": True,
                }
            },
        },
        PAYLOAD,
        None,
    ),
    ("fail-paths", FAIL_PATHS, {**PAYLOAD, "code": "E42"}, None),
    (
        "absent-parameter-path",
        {"StartAt": "T", "States": {"T": {"Type": "Pass", "Parameters": {"v.$": "$.missing"}, "End": True}}},
        PAYLOAD,
        None,
    ),
    (
        "variables-in-paths",
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Assign": {"limit": 3}, "Next": "B"},
                "B": {
                    "Type": "Pass",
                    "Parameters": {"limit.$": "$limit", "sum.$": "States.MathAdd($limit, $.n)"},
                    "End": True,
                },
            },
        },
        PAYLOAD,
        # The AWS guide on variables: "$limit" reads a variable in Parameters and intrinsics; moto fails inside.
        {"status": "failed", "error": "States.Runtime", "ours": {"limit": 3, "sum": 10}},
    ),
    # The AWS guide: \{ and \} in a States.Format template stand for literal braces; moto fails on them.
    (
        "format-escapes",
        {
            "StartAt": "I",
            "States": {"I": {"Type": "Pass", "Parameters": {"f.$": "States.Format('\\{{}\\}', $.n)"}, "End": True}},
        },
        PAYLOAD,
        {"status": "failed", "error": "States.Runtime", "ours": {"f": "{7}"}},
    ),
]


def test_data_flow_agrees_with_moto() -> None:
    """Intrinsics, the context object, Map Parameters, Fail paths and variables: outputs and errors."""
    cases = [[definition, payload] for _, definition, payload, _ in DATA_CASES]
    done = subprocess.run(
        [sys.executable, "-c", MANY_RUNNER, json.dumps(cases)], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    theirs_all = json.loads(done.stdout.strip().splitlines()[-1])
    for (name, definition, payload, moto_differs), theirs in zip(DATA_CASES, theirs_all, strict=True):
        ours = simulate(workflow_from_text(json.dumps(definition), f"{name}.asl.json"), Environment(input=payload))
        if moto_differs is not None:
            assert (theirs["status"], theirs["error"]) == (moto_differs["status"], moto_differs["error"]), name
            assert ours.status == "succeeded" and ours.output == moto_differs["ours"], name  # the guide's behaviour
            continue
        assert (ours.status.value, ours.error) == (theirs["status"], theirs["error"]), (name, ours.cause, theirs)
        if ours.status == "succeeded":
            mine, other = dict(ours.output) if isinstance(ours.output, dict) else ours.output, theirs["output"]
            if name == "intrinsics":  # random values: equal in kind, not in value
                assert 1 <= mine.pop("rnd") <= 5 and 1 <= other.pop("rnd") <= 5
                assert len(mine.pop("uuid")) == len(other.pop("uuid")) == 36
            assert mine == other, name
        elif name == "fail-paths":
            assert ours.cause == theirs["cause"] == "because 7"
