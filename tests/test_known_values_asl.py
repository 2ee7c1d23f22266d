"""Values ASL states set before a Choice (``Assign``, Pass ``Result``), declared types under ``ResultPath`` and
``InputPath``, and variables the reference simulator shares between holders (see ``test_known_values``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_known_values import _LAMBDA, _choice_misses, _known
from wfverify.core.findings import Verdict
from wfverify.simulate.explore import Bounds, explore
from wfverify.testing import check_text, workflow_from_text

CASES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "assign-before.asl.json": (
        json.dumps(
            {
                "StartAt": "Mark",
                "States": {
                    "Mark": {"Type": "Pass", "Assign": {"ready": True, "tries": 3}, "Next": "Route"},
                    "Route": {
                        "Type": "Choice",
                        "Choices": [
                            {
                                "And": [
                                    {"Variable": "$ready", "BooleanEquals": True},
                                    {"Variable": "$tries", "NumericGreaterThan": 2},
                                ],
                                "Next": "Done",
                            }
                        ],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "proven",
        None,
    ),
    "assign-strings-before.asl.json": (
        json.dumps(
            {
                "StartAt": "Mark",
                "States": {
                    "Mark": {
                        "Type": "Pass",
                        "Assign": {"mode": "fast"},
                        "Result": {"status": "OK"},
                        "ResultPath": "$.r",
                        "Next": "Route",
                    },
                    "Route": {
                        "Type": "Choice",
                        "Choices": [
                            {
                                "And": [
                                    {"Variable": "$mode", "StringEquals": "fast"},
                                    {"Variable": "$.r.status", "StringEquals": "OK"},
                                ],
                                "Next": "Done",
                            }
                        ],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "proven",
        None,
    ),
    "assign-counter.asl.json": (
        json.dumps(
            {
                "StartAt": "Init",
                "States": {
                    "Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "Check"},
                    "Check": {
                        "Type": "Choice",
                        "Choices": [
                            {"Variable": "$n", "NumericLessThan": 3, "Next": "Work"},
                            {"Variable": "$n", "NumericGreaterThanEquals": 3, "Next": "Done"},
                        ],
                    },
                    "Work": {
                        "Type": "Task",
                        "Resource": _LAMBDA,
                        "Assign": {"n.$": "States.MathAdd($n, 1)"},
                        "Next": "Check",
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "proven",
        None,
    ),
    "assign-skipped-by-catch.asl.json": (
        json.dumps(
            {
                "StartAt": "Call",
                "States": {
                    "Call": {
                        "Type": "Task",
                        "Resource": _LAMBDA,
                        "Assign": {"ready": True},
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Route"}],
                        "Next": "Route",
                    },
                    "Route": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$ready", "BooleanEquals": True, "Next": "Done"}],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "violated",
        {"$ready": None},
    ),
    "catcher-keeps-the-earlier-assign.asl.json": (
        json.dumps(
            {
                "StartAt": "Init",
                "States": {
                    "Init": {"Type": "Pass", "Assign": {"flag": False}, "Next": "Call"},
                    "Call": {
                        "Type": "Task",
                        "Resource": _LAMBDA,
                        "Assign": {"flag": True},
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Route"}],
                        "Next": "Route",
                    },
                    "Route": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$flag", "BooleanEquals": True, "Next": "Done"}],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "violated",
        {"$flag": False},  # the Task failed: its Assign never ran
    ),
    "pass-result-before.asl.json": (
        json.dumps(
            {
                "StartAt": "Defaults",
                "States": {
                    "Defaults": {"Type": "Pass", "Result": {"limit": 5}, "ResultPath": "$.cfg", "Next": "Route"},
                    "Route": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.cfg.limit", "NumericLessThan": 10, "Next": "Done"}],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "proven",
        None,
    ),
    "pass-result-then-task.asl.json": (
        json.dumps(
            {
                "StartAt": "Defaults",
                "States": {
                    "Defaults": {"Type": "Pass", "Result": {"limit": 5}, "ResultPath": "$.cfg", "Next": "Work"},
                    "Work": {"Type": "Task", "Resource": _LAMBDA, "Next": "Route"},
                    "Route": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.cfg.limit", "NumericLessThan": 10, "Next": "Done"}],
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        ),
        "violated",
        {"cfg": {"limit": None}},
    ),
}

#: Violations beyond the explorer, and why: it must then not claim ``proven``.
EXPLORER_BLIND = {
    "pass-result-then-task.asl.json": "the Task's result replaces the data (ResultPath $); the explorer's tasks echo",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_choice_verdict_and_witness(name: str) -> None:
    text, verdict, witness = CASES[name]
    proof = next(p for p in check_text(text, name).proofs if p.property == "choice-exhaustiveness")
    assert proof.verdict.value == verdict, proof.detail
    if verdict == "proven":
        assert proof.witness is None
        return
    assert isinstance(proof.witness, dict) and proof.witness["input"] == witness
    assert _choice_misses(workflow_from_text(text, name), proof.witness["state"], witness)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_explorer_agrees(name: str) -> None:
    text, verdict, _ = CASES[name]
    found = explore(workflow_from_text(text, name), Bounds(executions=1, seconds=10.0))
    got = found.properties["choice-exhaustiveness"]
    if name in EXPLORER_BLIND:
        assert got.verdict is Verdict.UNKNOWN, got.detail
    elif verdict == "violated":
        assert got.verdict is Verdict.VIOLATED, got.detail
    else:
        assert got.verdict is not Verdict.VIOLATED, got.detail


def test_a_bracketed_result_path_overwrites_a_declared_input() -> None:
    """``ResultPath: "$['total']"`` writes total: its declared type no longer holds (was a false ``proven``)."""
    doc = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": _LAMBDA, "ResultPath": "$['total']", "Next": "C"},
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.total", "NumericGreaterThan": 1, "Next": "D"},
                    {"Variable": "$.total", "NumericLessThanEquals": 1, "Next": "D"},
                ],
            },
            "D": {"Type": "Succeed"},
        },
    }
    text, sidecar = json.dumps(doc), "input: {total: number}\n"
    proof = next(
        p for p in check_text(text, "t.asl.json", sidecar=sidecar).proofs if p.property == "choice-exhaustiveness"
    )
    assert (proof.verdict, proof.witness) == (Verdict.VIOLATED, {"state": "C", "input": {"total": None}})
    workflow = workflow_from_text(text, "t.asl.json", sidecar)
    assert explore(workflow, Bounds(executions=1, seconds=10.0)).properties[proof.property].verdict is Verdict.VIOLATED


def test_declared_types_and_witnesses_follow_a_choice_input_path() -> None:
    """With ``InputPath: $.sub`` the rules read sub.total: the declared root ``total`` says nothing of it,
    and the witness is the state's input (it replays in the simulator)."""
    rules = [
        {"Variable": "$.total", "NumericGreaterThan": 1, "Next": "D"},
        {"Variable": "$.total", "NumericLessThanEquals": 1, "Next": "D"},
    ]
    doc = {
        "StartAt": "C",
        "States": {"C": {"Type": "Choice", "InputPath": "$.sub", "Choices": rules}, "D": {"Type": "Succeed"}},
    }
    text, sidecar = json.dumps(doc), "input: {total: number}\n"
    proof = next(
        p for p in check_text(text, "t.asl.json", sidecar=sidecar).proofs if p.property == "choice-exhaustiveness"
    )
    assert (proof.verdict, proof.witness) == (Verdict.VIOLATED, {"state": "C", "input": {"sub": {"total": None}}})
    assert _choice_misses(workflow_from_text(text, "t.asl.json", sidecar), "C", {"sub": {"total": None}})
    typed = check_text(text, "t.asl.json", sidecar="input: {sub.total: number}\n").proofs
    assert [p.verdict for p in typed if p.property == "choice-exhaustiveness"] == [Verdict.PROVEN]


_BRANCH_RACE = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "ResultPath": None,
            "Next": "Done",
            "Branches": [
                {
                    "StartAt": "A",
                    "States": {
                        "A": {"Type": "Pass", "Assign": {"flag": True}, "Next": "W"},
                        "W": {"Type": "Wait", "Seconds": 1, "Next": "R"},
                        "R": {"Type": "Choice", "Choices": [{"Variable": "$flag", "BooleanEquals": True, "Next": "E"}]},
                        "E": {"Type": "Succeed"},
                    },
                },
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"flag": False}, "End": True}}},
            ],
        },
        "Done": {"Type": "Succeed"},
    },
}
_EXECUTION_RACE = {
    "StartAt": "Pick",
    "States": {
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "MarkA"}],
            "Default": "MarkB",
        },
        "MarkA": {"Type": "Pass", "Assign": {"flag": True}, "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$flag", "BooleanEquals": True, "Next": "Done"}]},
        "MarkB": {"Type": "Pass", "Assign": {"flag": False}, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


_CONCURRENT = "concurrent: true\ninput: {go: bool}\nstates:\n  MarkB: {acquire: [L], release: [L]}\n"


@pytest.mark.parametrize(
    ("doc", "sidecar", "witness"),
    [
        (_BRANCH_RACE, None, {"state": "R", "input": {"$flag": None}}),
        (_EXECUTION_RACE, _CONCURRENT, {"state": "Route", "input": {"$flag": None, "go": True}}),
    ],
    ids=["parallel-branches", "concurrent-executions"],
)
def test_variables_other_holders_assign_are_free(doc: dict[str, Any], sidecar: str | None, witness: Any) -> None:
    """The reference simulator shares ASL variables between Parallel branches and between concurrent
    executions, so a variable another holder assigns may change under the Choice: no proof from it."""
    text = json.dumps(doc)
    proofs = check_text(text, "t.asl.json", sidecar=sidecar).proofs
    proof = next(p for p in proofs if p.property == "choice-exhaustiveness")
    assert (proof.verdict, proof.witness) == (Verdict.VIOLATED, witness)
    found = explore(workflow_from_text(text, "t.asl.json", sidecar), Bounds(executions=2, seconds=10.0))
    assert found.properties[proof.property].verdict is Verdict.VIOLATED


def test_asl_input_path_and_tasks_move_or_drop_data_facts() -> None:
    doc = {
        "StartAt": "Defaults",
        "States": {
            "Defaults": {"Type": "Pass", "Result": {"limit": 5}, "ResultPath": "$.cfg", "Next": "Route"},
            "Route": {
                "Type": "Choice",
                "InputPath": "$.cfg",
                "Choices": [{"Variable": "$.limit", "NumericEquals": 5, "Next": "Done"}],
            },
            "Done": {"Type": "Succeed"},
        },
    }
    assert _known(json.dumps(doc), "t.asl.json", "Route") == {("limit",): (5,)}
    result = check_text(json.dumps(doc), "t.asl.json")
    assert [p.verdict for p in result.proofs if p.property == "choice-exhaustiveness"] == [Verdict.PROVEN]
