"""Lock-name templates whose data may change while their holder runs (issue 12): no claim that needs one lock per template."""

from __future__ import annotations

import json

import pytest

from wfverify.analysis.locks.stable import unstable_templates
from wfverify.testing import workflow_from_text

NATIVE = """\
workflow: t
start: first
states:
  first: {type: task, action: a, side_effects: false, acquire: ["r:{n}", "s:{m}"], set: {n: "n + 1"}, next: second}
  second: {type: task, action: b, side_effects: false, release: ["r:{n}", "s:{m}"], end: true}
"""


def _asl(result_path: str | None) -> str:
    first: dict[str, object] = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:a"}
    if result_path is not None:
        first["ResultPath"] = result_path
    first["Next"] = "Second"
    second = {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:b",
        "ResultPath": None,
        "End": True,
    }
    return json.dumps({"StartAt": "First", "States": {"First": first, "Second": second}})


SIDECAR = 'states:\n  First: {acquire: ["acct:{id}"]}\n  Second: {release: ["acct:{id}"]}\n'


def test_native_set_makes_only_its_variable_unstable() -> None:
    assert unstable_templates(workflow_from_text(NATIVE)) == frozenset({"r:{n}"})


@pytest.mark.parametrize(
    ("result_path", "unstable"),
    [(None, {"acct:{id}"}), ("$", {"acct:{id}"}), ("$.result", set()), ("$.id", {"acct:{id}"})],
)
def test_asl_results_that_replace_or_write_the_data(result_path: str | None, unstable: set[str]) -> None:
    workflow = workflow_from_text(_asl(result_path), "t.asl.json", SIDECAR)
    assert unstable_templates(workflow) == frozenset(unstable)
