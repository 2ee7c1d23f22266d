"""Deadlock proofs that never lie: one case per class of false `proven`/`n/a` (issue 12), with replayed witnesses.

Every `violated` witness replays on non-reentrant mutexes (`LockSchedule.replay`), and where one simulated
run can show it, the reference simulator deadlocks on it too. Where the search cannot cover every holder
count the verdict is `unknown` with the reason, never `proven`.
"""

from __future__ import annotations

import pytest

from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.names import common_name, may_alias, placeholder_values
from wfverify.analysis.locks.solver import DeadlockResult, check_deadlock
from wfverify.core.findings import Verdict
from wfverify.core.witness import LockSchedule
from wfverify.simulate import Environment, simulate
from wfverify.testing import check_text, workflow_from_text

PARENT_HOLDS = """\
workflow: r1
start: hold
states:
  hold: {type: task, action: a, acquire: [L], next: fan}
  fan:
    type: parallel
    branches:
      - {start: use, states: {use: {type: task, action: b, acquire: [L], release: [L], end: true}}}
    next: drop
  drop: {type: task, action: c, release: [L], next: done}
  done: {type: succeed}
"""


def _deadlock(text: str) -> DeadlockResult:
    return check_deadlock(lock_facts(workflow_from_text(text)))


def _replayed(result: DeadlockResult) -> dict[str, str]:
    assert result.verdict is Verdict.VIOLATED, result.detail
    assert isinstance(result.witness, LockSchedule)
    assert LockSchedule.from_json(result.witness.to_json()) == result.witness
    return result.witness.replay()


def test_parent_holding_a_lock_while_a_branch_waits_for_it_deadlocks() -> None:
    result = _deadlock(PARENT_HOLDS)
    assert _replayed(result) == {"fan branch 0": "L"}
    assert result.witness is not None
    assert [(s.holder, s.action, s.lock, s.state) for s in result.witness.steps] == [
        ("execution", "acquire", "L", "hold"),
        ("execution", "join", "", "fan"),
        ("fan branch 0", "block", "L", "use"),
    ]
    picks = result.witness.simulator_picks()
    assert picks == ["main", "main", "main", "fan[0]"]
    trace = simulate(workflow_from_text(PARENT_HOLDS), Environment(schedule=list(picks)))
    assert trace.status == "deadlocked"


def test_parent_case_is_an_error_finding_at_the_waiting_acquire() -> None:
    report = check_text(PARENT_HOLDS, select=["deadlock"])
    assert [(f.rule, f.line, f.column) for f in report.findings] == [("deadlock", 8, 70)]
    assert {p.property: p.verdict for p in report.proofs}["deadlock-freedom"] is Verdict.VIOLATED


def test_a_lock_held_around_a_map_blocks_its_iterations_at_any_depth() -> None:
    text = """\
workflow: r2
start: hold
states:
  hold: {type: task, action: a, acquire: ["order:{id}"], next: each}
  each:
    type: map
    items: lines
    max_concurrency: 1
    iterator:
      start: inner
      states:
        inner:
          type: parallel
          branches:
            - {start: use, states: {use: {type: task, action: b, acquire: ["order:{item.order}"], release: ["order:{item.order}"], end: true}}}
          end: true
    next: drop
  drop: {type: task, action: c, release: ["order:{id}"], end: true}
"""
    result = _deadlock(text)
    assert _replayed(result) == {"inner branch 0": "order:v"}
    assert result.witness is not None
    assert result.witness.data == {"execution": {"id": "v"}, "inner branch 0": {"item.order": "v"}}
    assert [s.action for s in result.witness.steps] == ["acquire", "join", "join", "block"]


NESTED_VS_OUTER = """\
workflow: r3
start: both
states:
  both:
    type: parallel
    branches:
      - start: inner
        states:
          inner:
            type: parallel
            branches:
              - {start: x, states: {x: {type: task, acquire: [A, B], release: [B, A], end: true}}}
              - {start: y, states: {y: {type: task, side_effects: false, end: true}}}
            end: true
      - {start: z, states: {z: {type: task, acquire: [B, A], release: [A, B], end: true}}}
    next: done
  done: {type: succeed}
"""


def test_a_nested_branch_meets_its_outer_sibling() -> None:
    result = _deadlock(NESTED_VS_OUTER)
    assert set(_replayed(result)) == {"both branch 0", "both branch 1"}
    assert result.witness is not None
    # the simulator names the nested holder both[0]/inner[0]: the picks reach the same waits with that name
    picks = [p.replace("both[0]", "both[0]/inner[0]") for p in result.witness.simulator_picks()]
    trace = simulate(workflow_from_text(NESTED_VS_OUTER), Environment(schedule=["main", "both[0]", *picks]))
    assert trace.status == "deadlocked", trace.trail


def test_map_iterations_whose_locking_sits_in_a_nested_parallel() -> None:
    text = """\
workflow: r4
start: each
states:
  each:
    type: map
    items: pairs
    iterator:
      start: inner
      states:
        inner:
          type: parallel
          branches:
            - {start: x, states: {x: {type: task, acquire: [A, B], release: [B, A], end: true}}}
            - {start: y, states: {y: {type: task, acquire: [B, A], release: [A, B], end: true}}}
          end: true
    next: done
  done: {type: succeed}
"""
    # the two branches of one iteration, or two iterations (each running its branches in turn)
    assert set(_replayed(_deadlock(text))) in (
        {"inner branch 0", "inner branch 1"},
        {"each iteration 1", "each iteration 2"},
    )


@pytest.mark.parametrize("width", [1, 4])
def test_concurrent_executions_meet_inside_nested_bodies_and_sequential_maps(width: int) -> None:
    text = f"""\
workflow: r5
start: each
concurrent: true
states:
  each:
    type: map
    items: pairs
    max_concurrency: {width}
    iterator:
      start: pick
      states:
        pick:
          type: choice
          choices: [{{when: "item.forward", next: ab}}]
          default: ba
        ab: {{type: task, acquire: [A, B], release: [B, A], end: true}}
        ba: {{type: task, acquire: [B, A], release: [A, B], end: true}}
    next: done
  done: {{type: succeed}}
"""
    assert set(_replayed(_deadlock(text))) in ({"execution 1", "execution 2"}, {"each iteration 1", "each iteration 2"})


def test_a_ring_that_needs_three_iterations_is_not_proven() -> None:
    text = """\
workflow: r6
start: each
states:
  each:
    type: map
    items: zones
    iterator:
      start: pick
      states:
        pick:
          type: choice
          choices: [{when: "item.k == 0", next: ab}, {when: "item.k == 1", next: bc}]
          default: ca
        ab: {type: task, acquire: [A, B], release: [B, A], end: true}
        bc: {type: task, acquire: [B, C], release: [C, B], end: true}
        ca: {type: task, acquire: [C, A], release: [A, C], end: true}
    next: done
  done: {type: succeed}
"""
    result = _deadlock(text)
    assert result.verdict is Verdict.UNKNOWN
    assert "ring of any size" in result.detail


def test_a_constant_lock_aliases_a_data_named_one() -> None:
    text = """\
workflow: r7
start: both
states:
  both:
    type: parallel
    branches:
      - {start: x, states: {x: {type: task, acquire: ["account:42", audit], release: [audit, "account:42"], end: true}}}
      - {start: y, states: {y: {type: task, acquire: [audit, "account:{acct}"], release: ["account:{acct}", audit], end: true}}}
    next: done
  done: {type: succeed}
"""
    result = _deadlock(text)
    assert _replayed(result) == {"both branch 0": "audit", "both branch 1": "account:42"}
    # branches read the same data: both see acct = "42"
    assert result.witness is not None and result.witness.data["both branch 1"] == {"acct": "42"}


def test_templates_that_can_spell_the_same_name_alias() -> None:
    assert may_alias("res-{r}", "res-eu-{z}") and not may_alias("res-{r}", "lock-{z}")
    assert not may_alias("a:{x}-1", "a:{y}-2") and may_alias("{x}", "anything")
    name = common_name("res-{r}", "res-eu-{z}")
    assert name is not None
    assert placeholder_values("res-{r}", name) is not None and placeholder_values("res-eu-{z}", name) is not None
    text = """\
workflow: r8
start: both
states:
  both:
    type: parallel
    branches:
      - {start: x, states: {x: {type: task, acquire: ["res-{r}", gate2], release: [gate2, "res-{r}"], end: true}}}
      - {start: y, states: {y: {type: task, acquire: [gate2, "res-eu-{z}"], release: ["res-eu-{z}", gate2], end: true}}}
    next: done
  done: {type: succeed}
"""
    _replayed(_deadlock(text))


def test_a_gate_skipped_after_its_timeout_does_not_protect() -> None:
    text = """\
workflow: r9
start: both
states:
  both:
    type: parallel
    branches:
      - start: g1
        states:
          g1: {type: task, acquire: [{lock: gate, timeout: 5s}], catch: [{errors: [LockTimeout], next: a1}], next: a1}
          a1: {type: task, acquire: [A, B], release: [B, A], end: true}
      - start: g2
        states:
          g2: {type: task, acquire: [gate, B, A], release: [A, B, gate], end: true}
    next: done
  done: {type: succeed}
"""
    result = _deadlock(text)
    blocked = _replayed(result)
    assert blocked == {"both branch 0": "B", "both branch 1": "A"}
    assert result.witness is not None
    assert any(s.action == "timeout" and s.lock == "gate" for s in result.witness.steps)


def test_a_gate_without_timeout_still_proves_it() -> None:
    text = """\
workflow: r10
start: both
states:
  both:
    type: parallel
    branches:
      - {start: a, states: {a: {type: task, acquire: [gate, A, B], release: [B, A, gate], end: true}}}
      - {start: b, states: {b: {type: task, acquire: [gate, B, A], release: [A, B, gate], end: true}}}
    next: done
  done: {type: succeed}
"""
    assert _deadlock(text).verdict is Verdict.PROVEN


def test_a_gate_held_by_the_parent_does_not_separate_its_branches() -> None:
    text = """\
workflow: r11
start: gate
states:
  gate: {type: task, acquire: [gate], catch: [{errors: ["*"], next: fan}], next: fan}
  fan:
    type: parallel
    branches:
      - {start: a, states: {a: {type: task, acquire: [A, B], release: [B, A], end: true}}}
      - {start: b, states: {b: {type: task, acquire: [B, A], release: [A, B], end: true}}}
    next: done
  done: {type: task, release: [gate], end: true}
"""
    assert set(_replayed(_deadlock(text))) == {"fan branch 0", "fan branch 1"}


def test_one_global_order_proves_any_number_of_iterations() -> None:
    text = """\
workflow: r12
start: each
concurrent: true
states:
  each:
    type: map
    items: transfers
    iterator:
      start: t
      states:
        t: {type: task, acquire: [ledger, "account:{item.id}"], release: ["account:{item.id}", ledger], end: true}
    next: done
  done: {type: succeed}
"""
    result = _deadlock(text)
    assert result.verdict is Verdict.PROVEN and "any number of holders" in result.detail


def test_without_lock_facts_the_proof_is_not_applicable() -> None:
    report = check_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', "x.asl.json")
    assert {p.property: p.verdict for p in report.proofs}["deadlock-freedom"] is Verdict.NOT_APPLICABLE


def test_the_json_form_of_a_schedule_is_the_documented_one() -> None:
    (finding,) = check_text(NESTED_VS_OUTER, select=["deadlock"]).findings
    data = finding.to_json()["witness"]
    assert sorted(data) == ["blocked", "data", "holders", "schedule"]
    assert sorted(data["schedule"][0]) == ["action", "holder", "lock", "pointer", "state", "step"]
    assert all("message" in s for steps in data["holders"].values() for s in steps)
    assert LockSchedule.from_json(data) == finding.witness


def test_paths_cut_at_the_loop_bound_are_not_a_proof_of_anything() -> None:
    text = """\
workflow: r13
start: both
states:
  both:
    type: parallel
    branches:
      - start: a
        states:
          a: {type: task, acquire: [A], release: [A], next: again}
          again: {type: choice, choices: [{when: "more", next: a}], default: stop}
          stop: {type: succeed}
      - {start: b, states: {b: {type: task, acquire: [A], release: [A], end: true}}}
    next: done
  done: {type: succeed}
"""
    result = _deadlock(text)
    assert result.verdict is Verdict.UNKNOWN and "loop bound" in result.detail


def test_asl_with_lock_facts_in_a_sidecar_points_at_the_state() -> None:
    asl = """\
{"StartAt": "Hold", "States": {
  "Hold": {"Type": "Pass", "Next": "Fan"},
  "Fan": {"Type": "Parallel", "Branches": [
     {"StartAt": "Use", "States": {"Use": {"Type": "Pass", "End": true}}},
     {"StartAt": "Other", "States": {"Other": {"Type": "Pass", "End": true}}}], "Next": "Drop"},
  "Drop": {"Type": "Pass", "End": true}}}
"""
    sidecar = "states:\n  Hold: {acquire: [L]}\n  Use: {acquire: [L], release: [L]}\n  Drop: {release: [L]}\n"
    report = check_text(asl, "m.asl.json", sidecar=sidecar, select=["deadlock"])
    assert [(f.rule, f.line, f.column, f.state) for f in report.findings] == [("deadlock", 4, 36, "Use")]
