"""Loops with no way out but a failure: ``violated`` only when some run certainly goes round for ever.

Each class the soundness harness found (a static "can never be left" that the explorer, exploring every
run, showed to end) has a minimal case here, with the exact static verdict and the explorer's answer;
so has each class where the static side was right and the explorer missed the loop.
"""

from __future__ import annotations

import pytest

from tests.test_soundness import BOUNDS, compare
from wfverify.core.findings import Verdict
from wfverify.simulate.explore import explore
from wfverify.simulate.gen_workflows import Generated
from wfverify.testing import check_text, load_text

CASES: list[tuple[str, str, str, str, str]] = [
    # (name, text, static verdict, a phrase of its detail, the explorer's verdict)
    (
        "certain.wf.yaml",  # the flag keeps it going for ever: violated, and the explorer goes round
        "workflow: t\nstart: spin\nstates:\n  spin: {type: choice, choices: [{when: flag, next: spin}]}\n",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "behind-a-failing-parallel.wf.yaml",  # every run fails in 'fan' before the loop
        """workflow: t
start: fan
states:
  fan: {type: parallel, branches: [{start: boom, states: {boom: {type: fail, error: E}}}], next: spin}
  spin: {type: choice, choices: [{when: flag, next: spin}]}
""",
        "unknown",
        "the branch starting at 'boom' may fail",
        "proven",
    ),
    (
        "lap-takes-its-own-lock.wf.yaml",  # the second lap blocks on L, which the first kept
        """workflow: t
start: call
states:
  call: {type: task, action: a, acquire: [L], next: check}
  check: {type: choice, choices: [{when: "not flag", next: call}]}
""",
        "unknown",
        "'call' acquires 'L', which may be held already",
        "proven",
    ),
    (
        "way-in-takes-its-own-lock.wf.yaml",  # 'again' blocks for ever on L: the loop is never reached
        """workflow: t
start: hold
states:
  hold: {type: task, action: a, acquire: [L], next: again}
  again: {type: task, action: b, acquire: [L], release: [L], next: spin}
  spin: {type: choice, choices: [{when: flag, next: spin}]}
""",
        "unknown",
        "'again' acquires 'L', which may be held already",
        "proven",
    ),
    (
        "way-in-may-take-its-own-lock.wf.yaml",  # acct = 42 blocks, other accounts loop: honest, not precise
        """workflow: t
start: hold
states:
  hold: {type: task, action: a, acquire: ["account:{acct}"], next: again}
  again: {type: task, action: b, acquire: ["account:42"], release: ["account:42"], next: spin}
  spin: {type: choice, choices: [{when: flag, next: spin}]}
""",
        "unknown",
        "'again' acquires 'account:42', which may be held already",
        "violated",
    ),
    (
        "lap-rewrites-its-data.wf.yaml",  # flag flips each lap: the Choice falls through on the second
        """workflow: t
start: flip
states:
  flip: {type: pass, set: {flag: "not flag"}, next: check}
  check: {type: choice, choices: [{when: flag, next: flip}]}
""",
        "unknown",
        "'check' reads 'flag', which a step on the way writes",
        "unknown",
    ),
    (
        "lock-released-each-lap.wf.yaml",  # takes and gives back L on every lap: goes round for ever
        """workflow: t
start: call
states:
  call: {type: task, action: a, acquire: [L], release: [L], next: check}
  check: {type: choice, choices: [{when: "s == 'A'", next: call}], default: call}
""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "native-map-item.wf.yaml",  # an item with qty > 3 keeps its iteration going: the explorer draws one
        """workflow: m
start: each
states:
  each:
    type: map
    items: orders
    iterator: {start: spin, states: {spin: {type: choice, choices: [{when: "item.qty > 3", next: spin}]}}}
    next: done
  done: {type: succeed}
""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "asl-map-item.asl.json",  # in ASL the iteration's input is the item: $.qty is the item's field
        """{"StartAt": "Each", "States": {
  "Each": {"Type": "Map", "ItemsPath": "$.orders", "ResultPath": null, "Next": "Done",
    "ItemProcessor": {"StartAt": "Spin", "States": {"Spin": {"Type": "Choice",
      "Choices": [{"Variable": "$.qty", "NumericGreaterThan": 3, "Next": "Spin"}]}}}},
  "Done": {"Type": "Succeed"}}}""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "asl-task-replaces-the-data.asl.json",  # the result replaces $.flag: the static side does not follow it
        """{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Next": "Check"},
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.flag", "BooleanEquals": true, "Next": "Call"}]}}}""",
        "unknown",
        "which a step on the way writes",
        "violated",  # an echoing task (the simulator's default result) keeps flag true
    ),
    (
        "asl-behind-a-parallel-with-a-choice.asl.json",  # the branch's Choice cannot stop the run: certain
        """{"StartAt": "Fan", "States": {
  "Fan": {"Type": "Parallel", "ResultPath": null, "Next": "Spin", "Branches": [{"StartAt": "Pick", "States": {
    "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEquals": "A", "Next": "Ok"}], "Default": "Ok"},
    "Ok": {"Type": "Pass", "End": true}}}]},
  "Spin": {"Type": "Choice", "Choices": [{"Variable": "$.flag", "BooleanEquals": true, "Next": "Spin"}]}}}""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "asl-input-path.asl.json",  # $.payload absent fails Call: the explorer draws it present and absent
        """{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
    "InputPath": "$.payload", "ResultPath": null, "Next": "Spin"},
  "Spin": {"Type": "Choice", "Choices": [{"Variable": "$.flag", "BooleanEquals": true, "Next": "Spin"}]}}}""",
        "unknown",
        "'Call' may fail on its data (States.Runtime)",
        "violated",
    ),
    (
        "asl-nested-map.asl.json",  # the inner Map iterates the outer item's own items: drawn empty, then Spin
        """{"StartAt": "Outer", "States": {
  "Outer": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "End": true,
    "ItemProcessor": {"StartAt": "Inner", "States": {
      "Inner": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "Next": "Spin",
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}}},
      "Spin": {"Type": "Choice", "Choices": [{"Variable": "$.u", "NumericGreaterThanEquals": 2, "Next": "Spin"}],
        "Default": "Spin"}}}}}}""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
    (
        "asl-map-parallel.asl.json",  # a Parallel inside the iteration sees the item too: its fields are drawn
        """{"StartAt": "Each", "States": {
  "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "End": true,
    "ItemProcessor": {"StartAt": "Fan", "States": {
      "Fan": {"Type": "Parallel", "ResultPath": null, "End": true, "Branches": [{"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEquals": "A", "Next": "B"}]},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericGreaterThan": 3, "Next": "A"}]}}}]}}}}}}""",
        "violated",
        "some run goes round it for ever",
        "violated",
    ),
]


@pytest.mark.parametrize(("name", "text", "verdict", "phrase", "explored"), CASES, ids=[c[0] for c in CASES])
def test_trap_loops(name: str, text: str, verdict: str, phrase: str, explored: str) -> None:
    proof = {p.property: p for p in check_text(text, name).proofs}["termination"]
    assert (proof.verdict.value, phrase in proof.detail) == (verdict, True), proof.detail
    workflow = load_text(text, name).workflow
    assert workflow is not None
    assert explore(workflow, BOUNDS).properties["termination"].verdict is Verdict(explored)
    assert compare(Generated(name, text)) == []


def test_a_violated_trap_names_its_cycle() -> None:
    text = "workflow: t\nstart: a\nstates:\n  a: {type: pass, next: b}\n  b: {type: pass, next: a}\n"
    proof = {p.property: p for p in check_text(text, "t.wf.yaml").proofs}["termination"]
    assert (proof.verdict, proof.witness) == (Verdict.VIOLATED, {"cycle": ["a", "b"]})
