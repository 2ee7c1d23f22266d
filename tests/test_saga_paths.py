"""Saga failure paths that no run takes (issue 12): static verdicts that the explorer reproduces.

Each class of false ``violated`` that the soundness harness found has a minimal
workflow here whose static verdict and explorer verdict are both pinned, and a
neighbour with one change that makes the violation real, so that the fix can
never turn a true violation into a proof.
"""

from __future__ import annotations

import pytest

from wfverify.core.findings import Verdict
from wfverify.simulate import Environment, Outcome, Run
from wfverify.simulate.explore import Bounds, explore
from wfverify.testing import check_text, workflow_from_text

TAIL = """
  refund:
    type: task
    action: unpay
    compensation: true
    idempotent: true
    retry: [{max_attempts: 2}]
    catch: [{errors: ["*"], next: failed}]
    next: failed
  done: {type: succeed}
  failed: {type: fail, error: Failed}
"""

# A lock the execution holds: acquiring it again waits forever, so `ship` never fails.
REACQUIRE = """
workflow: reacquire
start: charge
states:
  charge: {type: task, action: pay, acquire: [L], compensate: refund, next: ship}
  ship: {type: task, action: ship, acquire: [L], release: [L], next: done}
"""
# ... with a timeout it can only fail with LockTimeout, which is caught and compensated.
REACQUIRE_TIMEOUT = """
workflow: reacquire-timeout
start: charge
states:
  charge: {type: task, action: pay, acquire: [L], compensate: refund, next: ship}
  ship:
    type: task
    action: ship
    acquire: [{lock: L, timeout: 5s}]
    release: [L]
    catch: [{errors: [LockTimeout], next: refund}]
    next: done
"""
# A retried task that keeps its lock waits for it forever on the retry: every error it retries goes nowhere.
RETRY_KEEPS_LOCK = """
workflow: retry-keeps-lock
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: ship}
  ship: {type: task, action: ship, idempotent: true, acquire: [M], retry: [{errors: ["*"], max_attempts: 2}], next: drop}
  drop: {type: task, action: drop, side_effects: false, release: [M], catch: [{errors: ["*"], next: refund}], next: done}
"""
# A task's error is raised after its locks are taken: the catcher's way still holds them.
CAUGHT_KEEPS_LOCK = """
workflow: caught-keeps-lock
start: check
states:
  check: {type: task, action: check, side_effects: false, acquire: [L], catch: [{errors: [E1], next: charge}], next: charge}
  charge: {type: task, action: pay, acquire: [{lock: L, timeout: 3s}], compensate: refund, next: wait}
  wait: {type: wait, duration: 1s, next: failed}
"""
# The same condition on unchanged data: `s == 'A'` cannot be false at `first` and true at `second`.
CORRELATED_CHOICES = """
workflow: correlated-choices
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: first}
  first:
    type: choice
    choices: [{when: "s == 'A'", next: done}]
    default: second
  second:
    type: choice
    choices: [{when: "s == 'A'", next: failed}]
    default: done
"""
# A Parallel whose branches cannot fail never takes its catcher.
QUIET_PARALLEL = """
workflow: quiet-parallel
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: fan}
  fan:
    type: parallel
    branches:
      - start: note
        states:
          note: {type: pass, set: {n: "n + 1"}, end: true}
          never: {type: fail, error: Never}
    catch: [{errors: ["*"], next: failed}]
    next: done
"""

# An event without a timeout waits for its events: nothing runs out, so it never fails with Timeout.
EVENT_WITHOUT_TIMEOUT = """
workflow: event-without-timeout
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: hold}
  hold: {type: event, on: [{event: Go, next: done}]}
"""

# A failed Parallel whose only compensable task is the last step of its only branch completed nothing.
LAST_STEP_OF_ONLY_BRANCH = """
workflow: last-step-of-only-branch
start: fan
states:
  fan:
    type: parallel
    branches:
      - start: charge
        states:
          charge: {type: task, action: pay, compensate: refund, end: true}
    next: done
"""

# A Map whose iterations always fail completes only when it has no items: then `charge` never ran.
MAP_THAT_ALWAYS_FAILS = """
workflow: map-that-always-fails
start: each
states:
  each:
    type: map
    items: items
    iterator:
      start: charge
      states:
        charge: {type: task, action: pay, compensate: refund, next: stop}
        stop: {type: fail, error: Stop}
    catch: [{errors: ["*"], next: refund}]
    next: ship
  ship: {type: task, action: ship, next: done}
"""

# A branch is its own lock holder: `ship` acquires the lock its branch took at `hold`, so it waits forever.
REACQUIRE_IN_BRANCH = """
workflow: reacquire-in-branch
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: fan}
  fan:
    type: parallel
    branches:
      - start: hold
        states:
          hold: {type: task, action: hold, side_effects: false, acquire: [L], catch: [{errors: ["*"], next: ship}], next: ship}
          ship: {type: task, action: ship, side_effects: false, acquire: [L], end: true}
    next: done
"""
# A finished nested branch keeps the lock it never released: `ship` after the nested Parallel waits forever.
LEAKED_BY_NESTED_BRANCH = """
workflow: leaked-by-nested-branch
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: fan}
  fan:
    type: parallel
    branches:
      - start: grab
        states:
          grab:
            type: parallel
            branches:
              - start: take
                states:
                  take: {type: task, action: take, side_effects: false, acquire: [L], catch: [{errors: ["*"], next: kept}], next: kept}
                  kept: {type: pass, end: true}
            next: ship
          ship: {type: task, action: ship, side_effects: false, acquire: [L], end: true}
    next: done
"""

# ... also at the root: after `grab` completed, its finished branch still holds L.
LEAKED_BY_BRANCH = """
workflow: leaked-by-branch
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: grab}
  grab:
    type: parallel
    branches:
      - start: take
        states:
          take: {type: task, action: take, side_effects: false, acquire: [L], catch: [{errors: ["*"], next: kept}], next: kept}
          kept: {type: pass, end: true}
    next: ship
  ship: {type: task, action: ship, side_effects: false, acquire: [L], next: done}
"""

CASES = {
    "reacquire": (REACQUIRE, ("ship", "acquire: [L], release: [L]", "acquire: [K], release: [K]")),
    "reacquire-timeout": (REACQUIRE_TIMEOUT, ("charge", "acquire: [L],", "")),
    "retry-keeps-lock": (RETRY_KEEPS_LOCK, ("ship", "acquire: [M], retry", "acquire: [M], release: [M], retry")),
    "caught-keeps-lock": (CAUGHT_KEEPS_LOCK, ("check", "acquire: [L],", "")),
    "correlated-choices": (CORRELATED_CHOICES, ("second", "default: second", "default: flip")),
    "event-without-timeout": (EVENT_WITHOUT_TIMEOUT, ("hold", "next: done}]}", "next: done}], timeout: 1h}")),
    "last-step-of-only-branch": (
        LAST_STEP_OF_ONLY_BRANCH,
        (
            "fan",
            "    next: done",
            "      - {start: check, states: {check: {type: task, action: c, end: true}}}\n    next: done",
        ),
    ),
    "map-that-always-fails": (MAP_THAT_ALWAYS_FAILS, ("each", "next: stop}", "end: true}")),
    "reacquire-in-branch": (REACQUIRE_IN_BRANCH, ("ship", "acquire: [L], end", "acquire: [K], end")),
    "leaked-by-nested-branch": (LEAKED_BY_NESTED_BRANCH, ("ship", "acquire: [L], end", "acquire: [K], end")),
    "leaked-by-branch": (LEAKED_BY_BRANCH, ("ship", "acquire: [L], next: done", "acquire: [K], next: done")),
    "quiet-parallel": (QUIET_PARALLEL, ("fan", "note: {type: pass, set:", "note: {type: task, action: x, set:")),
}
FLIP = "\n  flip: {type: pass, set: {s: \"'A'\"}, next: second}\n"


def _verdicts(text: str) -> tuple[Verdict, Verdict]:
    name = "case.wf.yaml"
    static = {p.property: p.verdict for p in check_text(text, name).proofs}["saga"]
    found = explore(workflow_from_text(text, name), Bounds(configurations=20_000, seconds=20.0))
    return static, found.properties["saga"].verdict


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_path_no_run_takes_is_no_violation(name: str) -> None:
    text = CASES[name][0] + TAIL
    assert _verdicts(text) == (Verdict.PROVEN, Verdict.PROVEN)


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_change_makes_the_violation_real(name: str) -> None:
    """Soundness: the neighbour where the path is possible stays violated, and the explorer shows it."""
    text, (_, old, new) = CASES[name][0] + TAIL, CASES[name][1]
    assert old in text
    changed = text.replace(old, new) + (FLIP if name == "correlated-choices" else "")
    assert _verdicts(changed) == (Verdict.VIOLATED, Verdict.VIOLATED)


def test_the_witness_names_the_real_path() -> None:
    text = CASES["correlated-choices"][0].replace("default: second", "default: flip") + TAIL + FLIP
    proof = {p.property: p for p in check_text(text, "case.wf.yaml").proofs}["saga"]
    assert proof.witness.path == ("charge", "first", "flip", "second", "failed")


def test_a_compensable_task_that_ends_its_branch_is_pending() -> None:
    """The saga monitor sees a task complete on its branch's ``end`` (the trail records it)."""
    text = (
        """
workflow: end-in-branch
start: fan
states:
  fan:
    type: parallel
    branches:
      - {start: charge, states: {charge: {type: task, action: pay, compensate: refund, end: true}}}
    next: check
  check: {type: task, action: check, side_effects: false, next: done}
"""
        + TAIL
    )
    workflow = workflow_from_text(text, "case.wf.yaml")
    env = Environment(outcomes={"check": [Outcome(error="Boom")]})
    trace = Run(workflow, env).run()
    assert [(t["from"], t["why"]) for t in trace.trail if t["why"] == "end"] == [("charge", "end")]
    assert explore(workflow).properties["saga"].verdict is Verdict.VIOLATED


HANDOVER = 'catch: [{errors: ["*"], next: dead_letter}]'


def _fan_order(d_catch: str, chain: tuple[str, str, str]) -> str:
    """Two concurrent compensable branches, then ``c`` (compensable) and ``d``; compensations run along ``chain``."""
    comps = "".join(
        f"  {name}: {{type: task, action: undo, compensation: true, idempotent: true, {HANDOVER}, next: {nxt}}}\n"
        for name, nxt in zip(chain, (*chain[1:], "failed"))
    )
    return f"""
workflow: fan-order
start: fan
states:
  fan:
    type: parallel
    branches:
      - {{start: a, states: {{a: {{type: task, action: a, compensate: undo_a, end: true}}}}}}
      - {{start: b, states: {{b: {{type: task, action: b, compensate: undo_b, end: true}}}}}}
    catch: [{{errors: ["*"], next: {chain[1]}}}]
    next: c
  c: {{type: task, action: c, compensate: undo_c, catch: [{{errors: ["*"], next: {chain[1]}}}], next: d}}
  d: {{type: task, action: d, side_effects: false, catch: [{{errors: ["*"], next: {d_catch}}}], next: done}}
{comps}  dead_letter: {{type: task, action: ops, side_effects: false, next: failed}}
  done: {{type: succeed}}
  failed: {{type: fail, error: Failed}}
"""


@pytest.mark.parametrize(
    ("d_catch", "chain", "expected"),
    [
        ("undo_c", ("undo_c", "undo_a", "undo_b"), Verdict.PROVEN),
        ("undo_c", ("undo_c", "undo_b", "undo_a"), Verdict.PROVEN),  # concurrent work: either order
        ("undo_a", ("undo_c", "undo_a", "undo_b"), Verdict.VIOLATED),  # c completed later, still pending
    ],
)
def test_the_monitor_groups_concurrent_completions(
    d_catch: str, chain: tuple[str, str, str], expected: Verdict
) -> None:
    """Branch tasks that end their branch now count, and (as statically) in either order among themselves."""
    assert _verdicts(_fan_order(d_catch, chain)) == (expected, expected)


ASL = """{
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:pay", "ResultPath": null,
               "Next": "Ship"},
    "Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ship", "ResultPath": null,
             "End": true},
    "Refund": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:unpay", "ResultPath": null,
               "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "Next": "Failed"},
    "Failed": {"Type": "Fail", "Error": "Failed"}
  }
}"""
ASL_SIDECAR = """
states:
  Charge: {acquire: ["account:{acct}"], compensate: Refund}
  Ship: {acquire: ["account:{acct}"], release: ["account:{acct}"]}
  Refund: {compensation: true, idempotent: true}
"""


@pytest.mark.parametrize(
    ("sidecar", "expected"),
    [
        (ASL_SIDECAR, Verdict.PROVEN),  # Ship waits forever for the lock Charge kept (its data unchanged)
        (
            ASL_SIDECAR.replace("compensate: Refund}", 'compensate: Refund, release: ["account:{acct}"]}'),
            Verdict.VIOLATED,
        ),
    ],
)
def test_a_data_named_lock_the_execution_holds_in_asl(sidecar: str, expected: Verdict) -> None:
    name = "case.asl.json"
    static = {p.property: p.verdict for p in check_text(ASL, name, sidecar=sidecar).proofs}["saga"]
    found = explore(workflow_from_text(ASL, name, sidecar), Bounds(configurations=20_000, seconds=20.0))
    assert (static, found.properties["saga"].verdict) == (expected, expected)


RUNTIME_ASL = """{"StartAt": "Charge", "States": {
 "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:pay", "ResultPath": null,
            "Next": "Ship"},
 "Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ship",
          "Parameters": {"x.$": "$.missing"}, "ResultPath": null,
          "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "Next": "Drop"},
 "Drop": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:drop", "ResultPath": null,
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], "End": true},
 "Refund": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:unpay", "ResultPath": null,
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "Next": "Failed"},
 "Failed": {"Type": "Fail", "Error": "Failed"}}}"""
RUNTIME_SIDECAR = """
states:
  Charge: {compensate: Refund}
  Ship: {acquire: [M], idempotent: true}
  Drop: {release: [M], side_effects: false}
  Refund: {compensation: true, idempotent: true}
"""


def test_a_retry_stopped_by_its_lock_still_reads_data_on_the_first_attempt() -> None:
    """Soundness: the retry of ``Ship`` waits forever, but its first attempt may fail with States.Runtime."""
    proof = {p.property: p for p in check_text(RUNTIME_ASL, "case.asl.json", sidecar=RUNTIME_SIDECAR).proofs}["saga"]
    assert proof.verdict is Verdict.UNKNOWN
    assert proof.detail.startswith("'Ship' reads data that may be absent: States.Runtime")


CANCELLED_ITERATION = """
workflow: cancelled-iteration
start: fan
states:
  fan:
    type: parallel
    branches:
      - start: each
        states:
          each:
            type: map
            items: items
            iterator: {start: charge, states: {charge: {type: task, action: pay, compensate: refund, end: true}}}
            end: true
      - start: check
        states:
          check: {type: task, action: check, side_effects: false, end: true}
    catch: [{errors: ["*"], next: refund}]
    next: done
"""


def test_a_failed_parallel_stops_the_map_iterations_inside_it() -> None:
    """The explorer: when ``check`` fails, ``fan`` goes to ``refund`` and the iterations of ``each`` stop
    with it (before the fix, an iteration went on and completed ``charge`` after the rollback)."""
    assert _verdicts(CANCELLED_ITERATION + TAIL) == (Verdict.PROVEN, Verdict.PROVEN)


# Nested Maps in Amazon States Language: the inner `ItemsPath: $.items` reads the outer item, so the explorer's
# outer items carry an `items` list (before, the inner Map always failed there and `Charge` never ran).
NESTED_MAPS_ASL = """{"StartAt": "Outer", "States": {
 "Outer": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null,
   "ItemProcessor": {"StartAt": "Inner", "States": {
     "Inner": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null,
       "ItemProcessor": {"StartAt": "Charge", "States": {
         "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:pay",
                    "ResultPath": null, "End": true}}},
       "End": true}}},
   "Next": "Ship"},
 "Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ship", "ResultPath": null,
          "End": true},
 "Refund": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:unpay", "ResultPath": null,
   "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}], "Next": "Failed"},
 "Failed": {"Type": "Fail", "Error": "Failed"}}}"""
NESTED_MAPS_SIDECAR = """
input:
  items: list
states:
  Charge: {compensate: Refund}
  Refund: {compensation: true, idempotent: true}
"""


CATCH_REFUND = '"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], '


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            (),
            (Verdict.VIOLATED, Verdict.UNKNOWN),
        ),  # Ship (or Outer) fails after an inner iteration charged: nothing refunds. The explorer gives the
        # inner Map no items (it says so), so it cannot show the run; it must not call it impossible
        (
            (
                (' "End": true},\n "Refund"', f' {CATCH_REFUND}"End": true}},\n "Refund"'),
                ('"Next": "Ship"', CATCH_REFUND + '"Next": "Ship"'),
            ),
            (Verdict.UNKNOWN, Verdict.UNKNOWN),  # caught; an inner `items` may be absent: States.Runtime
        ),
    ],
)
def test_nested_asl_maps_are_never_refuted_for_want_of_an_items_field(
    edits: tuple[tuple[str, str], ...], expected: tuple[Verdict, Verdict]
) -> None:
    name, text = "case.asl.json", NESTED_MAPS_ASL
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    static = {p.property: p.verdict for p in check_text(text, name, sidecar=NESTED_MAPS_SIDECAR).proofs}["saga"]
    found = explore(workflow_from_text(text, name, NESTED_MAPS_SIDECAR), Bounds(configurations=20_000, seconds=20.0))
    assert (static, found.properties["saga"].verdict) == expected
    if found.properties["saga"].verdict is Verdict.UNKNOWN:
        assert any("are given no items" in note for note in found.notes)
