"""The exhaustive explorer: the issue's minimal cases are refuted with witnesses that replay.

Each case is a workflow that a static proof once called ``proven`` or ``n/a``;
the explorer must say ``violated`` and its environment must reproduce the
violation in the simulator (``wfverify simulate --outcomes``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_locks_soundness import PARENT_HOLDS
from wfverify.core.findings import Verdict
from wfverify.simulate import simulate
from wfverify.simulate.environment import Environment
from wfverify.simulate.explore import Bounds, explore
from wfverify.simulate.saga_monitor import saga_on_trace
from wfverify.testing import workflow_from_text

COUNTER_ON_FAILURE = """
workflow: t1
start: check
input: {n: int}
states:
  check:
    type: choice
    choices: [{when: "n >= 5", next: done}]
    default: call
  call: {type: task, action: a, set: {n: "n + 1"}, catch: [{errors: ["*"], next: check}], next: check}
  done: {type: succeed}
"""

EVENT_TIMEOUT_SAGA = """
workflow: s1
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, next: approval}
  approval:
    type: event
    on: [{event: Approved, next: done}]
    timeout: 1h
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

NO_CHOICE_SAGA = """
workflow: s2
start: charge
input: {kind: string}
states:
  charge: {type: task, action: pay, compensate: refund, catch: [{errors: ["*"], next: failed}], next: route}
  route:
    type: choice
    choices: [{when: "kind == 'a'", next: done}]
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

CONSTANT_ALIASES_TEMPLATE = """
workflow: alias
start: fan
input: {acct: string}
states:
  fan:
    type: parallel
    branches:
      - start: one
        states:
          one: {type: task, action: a, acquire: ["account:42", "ledger"], release: ["account:42", "ledger"], end: true}
      - start: two
        states:
          two: {type: task, action: b, acquire: [ledger, "account:{acct}"], release: [ledger, "account:{acct}"], end: true}
    next: done
  done: {type: succeed}
"""

TIMED_OUT_GATE = """
workflow: gate
start: fan
states:
  fan:
    type: parallel
    branches:
      - start: a1
        states:
          a1: {type: task, action: a, acquire: [{lock: gate, timeout: 5}, x], next: a2}
          a2: {type: task, action: a, acquire: [y], release: [y, x, gate], end: true}
      - start: b1
        states:
          b1: {type: task, action: b, acquire: [y], next: b2}
          b2: {type: task, action: b, acquire: [x], release: [x, y], end: true}
    next: done
  done: {type: succeed}
"""

CONCURRENT_NESTED = """
workflow: c1
concurrent: true
start: fan
states:
  fan:
    type: parallel
    branches:
      - start: a
        states:
          a: {type: task, action: a, acquire: [p, q], release: [p, q], end: true}
      - start: b
        states:
          b: {type: task, action: b, side_effects: false, end: true}
    next: other
  other: {type: task, action: c, acquire: [q, p], release: [q, p], next: done}
  done: {type: succeed}
"""


def _violated(text: str, prop: str, bounds: Bounds = Bounds()) -> Environment:
    workflow = workflow_from_text(text)
    result = explore(workflow, bounds)
    got = result.properties[prop]
    assert got.verdict is Verdict.VIOLATED, (prop, got.verdict, got.detail)
    assert got.environment is not None
    return got.environment


def test_parent_holds_the_lock_a_branch_waits_for() -> None:
    env = _violated(PARENT_HOLDS, "deadlock-freedom")
    assert env.schedule == ["main", "main", "main", "fan[0]"]
    assert simulate(workflow_from_text(PARENT_HOLDS), env).status == "deadlocked"


def test_counter_set_only_on_success_loops_forever_when_the_task_keeps_failing() -> None:
    env = _violated(COUNTER_ON_FAILURE, "termination")
    assert env.input == {"n": 4}
    assert set(o.error for o in env.outcomes["call"]) == {"wfverify.UnnamedError"}
    assert simulate(workflow_from_text(COUNTER_ON_FAILURE), env).status == "out-of-steps"


@pytest.mark.parametrize("text", [EVENT_TIMEOUT_SAGA, NO_CHOICE_SAGA], ids=["event-timeout", "no-choice"])
def test_failures_that_are_not_task_errors_are_saga_failure_paths(text: str) -> None:
    env = _violated(text, "saga")
    workflow = workflow_from_text(text)
    trace = simulate(workflow, env)
    assert trace.status == "failed"
    assert saga_on_trace(workflow, trace) == f"the run failed ({trace.error}) without compensating charge"


def test_choice_without_default_is_refuted_with_the_input_that_misses() -> None:
    env = _violated(NO_CHOICE_SAGA, "choice-exhaustiveness")
    assert env.input == {"kind": "~other"}


def test_a_constant_lock_aliases_a_data_named_one() -> None:
    env = _violated(CONSTANT_ALIASES_TEMPLATE, "deadlock-freedom")
    assert env.input == {"acct": "42"}


def test_a_timed_out_acquire_holds_nothing_so_the_gate_does_not_protect() -> None:
    env = _violated(TIMED_OUT_GATE, "deadlock-freedom")
    assert any(isinstance(pick, str) and pick == "fan[0]" for pick in env.schedule)
    assert simulate(workflow_from_text(TIMED_OUT_GATE), env).status == "deadlocked"


def test_concurrent_executions_contend_for_nested_branch_locks() -> None:
    env = _violated(CONCURRENT_NESTED, "deadlock-freedom")
    assert env.executions == 2
    assert simulate(workflow_from_text(CONCURRENT_NESTED), env).status == "deadlocked"


def test_a_correct_saga_is_proven_and_bounds_make_unknown() -> None:
    root = Path(__file__).resolve().parents[1] / "corpus" / "native"
    workflow = workflow_from_text((root / "order-fulfillment.wf.yaml").read_text(), "order-fulfillment.wf.yaml")
    result = explore(workflow)
    assert {p: r.verdict.value for p, r in result.properties.items()} == {
        "choice-exhaustiveness": "proven",
        "termination": "proven",
        "saga": "proven",
        "deadlock-freedom": "proven",
    }
    small = explore(workflow, Bounds(configurations=10))
    assert small.properties["saga"].verdict is Verdict.UNKNOWN
    assert "configurations explored (10)" in small.properties["saga"].detail


def test_explore_command_prints_a_witness_that_simulate_replays(tmp_path: Path) -> None:
    flow = tmp_path / "r1.wf.yaml"
    flow.write_text(PARENT_HOLDS)
    cli = [sys.executable, "-m", "wfverify"]
    done = subprocess.run([*cli, "explore", str(flow), "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    out = json.loads(done.stdout)
    verdicts = {p["property"]: p["verdict"] for p in out["properties"]}
    assert verdicts == {
        "choice-exhaustiveness": "n/a",
        "termination": "proven",
        "saga": "n/a",
        "deadlock-freedom": "violated",
    }
    env = next(p["environment"] for p in out["properties"] if p["verdict"] == "violated")
    (tmp_path / "env.json").write_text(json.dumps(env))
    replay = subprocess.run(
        [*cli, "simulate", str(flow), "--outcomes", str(tmp_path / "env.json"), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert json.loads(replay.stdout)["status"] == "deadlocked"


_KNOWN_FALSE_PROOFS = [
    (COUNTER_ON_FAILURE, "termination"),
]
#: False proofs of issue 12 that the static analyses no longer give (helper 'sound').
_CLOSED_FALSE_PROOFS = [
    (PARENT_HOLDS, "deadlock-freedom"),
    (EVENT_TIMEOUT_SAGA, "saga"),
    (NO_CHOICE_SAGA, "saga"),
    (CONSTANT_ALIASES_TEMPLATE, "deadlock-freedom"),
    (CONCURRENT_NESTED, "deadlock-freedom"),
]


TEMPLATES_ALIAS = """
workflow: alias2
start: fan
states:
  fan:
    type: parallel
    branches:
      - start: one
        states:
          one: {type: task, action: a, acquire: ["res-{r}", "other"], release: ["res-{r}", "other"], end: true}
      - start: two
        states:
          two: {type: task, action: b, acquire: [other, "res-eu-{z}"], release: [other, "res-eu-{z}"], end: true}
    next: done
  done: {type: succeed}
"""

MAP_RING = """
workflow: ring
start: transfer_all
states:
  transfer_all:
    type: map
    items: transfers
    iterator:
      start: move
      states:
        move:
          type: task
          action: money.move
          acquire: ["acct:{item.from}", "acct:{item.to}"]
          release: ["acct:{item.from}", "acct:{item.to}"]
          end: true
    next: done
  done: {type: succeed}
"""

COMPENSATION_FAILS_UNCAUGHT = """
workflow: s3
start: charge
states:
  charge: {type: task, action: pay, compensate: refund, catch: [{errors: ["*"], next: failed}], next: ship}
  ship: {type: task, action: ship, side_effects: false, catch: [{errors: ["*"], next: refund}], next: done}
  refund: {type: task, action: unpay, compensation: true, idempotent: true, next: failed}
  done: {type: succeed}
  failed: {type: fail, error: Failed}
"""

STRING_BOUND = """
workflow: t2
start: init
states:
  init: {type: pass, set: {n: 0}, next: check}
  check:
    type: choice
    choices: [{when: "n >= '5'", next: done}]
    default: bump
  bump: {type: pass, set: {n: "n + 1"}, next: check}
  done: {type: succeed}
"""


def test_two_templates_that_can_spell_the_same_name_alias() -> None:
    env = _violated(TEMPLATES_ALIAS, "deadlock-freedom")
    assert env.input["r"] == "eu-" + env.input["z"]


def test_map_iterations_that_lock_each_others_accounts_deadlock() -> None:
    env = _violated(MAP_RING, "deadlock-freedom")
    items = env.input["transfers"]
    assert len(items) >= 2 and {(i["from"], i["to"]) for i in items} >= {("a", "b"), ("b", "a")}


def test_a_compensation_that_fails_uncaught_breaks_the_saga() -> None:
    env = _violated(COMPENSATION_FAILS_UNCAUGHT, "saga")
    assert [o.error is not None for o in env.outcomes["refund"]] == [True]


def test_a_loop_no_finite_exploration_can_refute_stays_unknown() -> None:
    """``n >= '5'`` is always false (a number against a string): the run never ends, but every
    configuration is new (n grows), so the explorer can only say which bound it reached."""
    got = explore(workflow_from_text(STRING_BOUND), Bounds(loop_iterations=50)).properties["termination"]
    assert got.verdict is Verdict.UNKNOWN and "loop iterations (50 entries of" in got.detail


_KNOWN_FALSE_PROOFS += [
    (TEMPLATES_ALIAS, "deadlock-freedom"),
    (COMPENSATION_FAILS_UNCAUGHT, "saga"),
    (STRING_BOUND, "termination"),
]


@pytest.mark.parametrize(
    ("text", "prop"), _CLOSED_FALSE_PROOFS, ids=[f"{p}-{i}" for i, (_, p) in enumerate(_CLOSED_FALSE_PROOFS)]
)
def test_closed_false_proofs_stay_closed(text: str, prop: str) -> None:
    from wfverify.testing import check_text

    verdicts = {p.property: p.verdict for p in check_text(text).proofs}
    assert verdicts[prop] in (Verdict.VIOLATED, Verdict.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "prop"), _KNOWN_FALSE_PROOFS, ids=[f"{p}-{i}" for i, (_, p) in enumerate(_KNOWN_FALSE_PROOFS)]
)
def test_static_proofs_are_not_proven_where_the_explorer_refutes(text: str, prop: str) -> None:
    from wfverify.testing import check_text

    verdicts = {p.property: p.verdict for p in check_text(text).proofs}
    assert verdicts[prop] in (Verdict.VIOLATED, Verdict.UNKNOWN)


def test_a_condition_on_the_whole_input_is_explored_without_crashing() -> None:
    text = json.dumps(
        {
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$", "IsPresent": True, "Next": "D"}], "Default": "D"},
                "D": {"Type": "Succeed"},
            },
        }
    )
    result = explore(workflow_from_text(text, "whole.asl.json"))
    assert "a condition reads the whole input" in result.properties["termination"].detail


TWO_MAPS_SAME_ITEMS = json.dumps(
    {
        "StartAt": "Spin",
        "States": {
            "Spin": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Again",
                    "States": {
                        "Again": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$.x", "NumericLessThanEquals": 3, "Next": "Again"}],
                            "Default": "Again",
                        }
                    },
                },
                "ResultPath": None,
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}},
                "End": True,
            },
        },
    }
)


def test_two_maps_over_the_same_items_give_each_item_the_fields_both_read() -> None:
    """The second Map reads no field; its items once replaced the first's, whose loop on $.x was then never
    tried, and the explorer said "every run explored" for a workflow that can loop forever."""
    env = _violated(TWO_MAPS_SAME_ITEMS, "termination")
    assert env.input is not None and any("x" in item for item in env.input["items"])
    assert simulate(workflow_from_text(TWO_MAPS_SAME_ITEMS), env).status == "out-of-steps"
