"""Failures that are not a task's error, and the rules that were silent on them (issue 12), one case per class.

Saga: an `event` timeout without `on_timeout`, a choice that matches no rule, a compensation that fails
uncaught are failure paths. Rules: `lock-reacquire` on data-named locks that may be one, `lock-leak` on an
uncaught error, `non-idempotent-retry` on a retried Parallel or Map. Each saga witness replays in the
reference simulator: the run it describes fails without the compensation.
"""

from __future__ import annotations

from wfverify.analysis.saga import analyze
from wfverify.core.findings import Verdict
from wfverify.core.witness import PathWitness, SagaTrace
from wfverify.simulate import Environment, Outcome, simulate
from wfverify.simulate.fuzz import saga_on_trace
from wfverify.testing import check_text, workflow_from_text

REFUND = """\
  refund:
    type: task
    action: pay.refund
    compensation: true
    idempotent: true
    retry: [{max_attempts: 3}]
    catch: [{errors: ["*"], next: failed}]
    next: failed
  failed: {type: fail, error: Failed}
"""


def _saga(text: str) -> tuple[Verdict, list[tuple[str, str, tuple[str, ...]]]]:
    report = check_text(text, select=["uncompensated-path"])
    verdict = {p.property: p.verdict for p in report.proofs}["saga"]
    return verdict, [(f.rule, f.state or "", tuple(f.witness.missing)) for f in report.findings]


def test_an_event_timeout_without_on_timeout_is_a_failure_path() -> None:
    text = (
        """\
workflow: s1
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, catch: [{errors: ["*"], next: refund}], next: approval}
  approval:
    type: event
    on: [{event: Approved, next: done}]
    timeout: 1d
  done: {type: succeed}
"""
        + REFUND
    )
    assert _saga(text) == (Verdict.VIOLATED, [("uncompensated-path", "approval", ("charge",))])
    workflow = workflow_from_text(text)
    (violation,) = analyze(workflow).violations
    assert isinstance(violation.witness, SagaTrace) and violation.witness.failure_error == "Timeout"
    trace = simulate(workflow, Environment(events={"approval": ["timeout"]}))
    assert trace.entered == list(violation.witness.path) and trace.status == "failed"
    assert saga_on_trace(workflow, trace) is not None


def test_a_choice_that_matches_no_rule_after_a_compensable_step() -> None:
    text = (
        """\
workflow: s2
start: charge
input: {kind: string}
states:
  charge: {type: task, action: pay.charge, compensate: refund, catch: [{errors: ["*"], next: refund}], next: route}
  route:
    type: choice
    choices: [{when: "kind == 'a'", next: done}]
  done: {type: succeed}
"""
        + REFUND
    )
    assert _saga(text) == (Verdict.VIOLATED, [("uncompensated-path", "route", ("charge",))])
    workflow = workflow_from_text(text)
    trace = simulate(workflow, Environment(input={"kind": "b"}))
    assert trace.error == "NoChoiceMatched" and saga_on_trace(workflow, trace) is not None


def test_an_exhaustive_choice_is_no_failure_path() -> None:
    text = (
        """\
workflow: s3
start: charge
input: {n: int}
states:
  charge: {type: task, action: pay.charge, compensate: refund, catch: [{errors: ["*"], next: refund}], next: route}
  route:
    type: choice
    choices: [{when: "n >= 0", next: done}, {when: "n < 0", next: done}]
  done: {type: succeed}
"""
        + REFUND
    )
    assert _saga(text) == (Verdict.PROVEN, [])


def test_a_compensation_that_fails_uncaught_leaves_the_work_undone() -> None:
    text = """\
workflow: s4
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, next: ship}
  ship: {type: task, action: ship, catch: [{errors: ["*"], next: refund}], end: true}
  refund: {type: task, action: pay.refund, compensation: true, idempotent: true, next: failed}
  failed: {type: fail, error: Failed}
"""
    assert _saga(text) == (Verdict.VIOLATED, [("uncompensated-path", "refund", ("charge",))])
    workflow = workflow_from_text(text)
    env = Environment(outcomes={"ship": [Outcome(error="Boom")], "refund": [Outcome(error="Down")]})
    trace = simulate(workflow, env)
    assert trace.status == "failed" and trace.error == "Down"


def test_data_named_locks_that_may_be_one_are_a_reacquire() -> None:
    text = """\
workflow: l1
start: each
states:
  each:
    type: map
    items: transfers
    max_concurrency: 1
    iterator:
      start: move
      states:
        move:
          type: task
          acquire: ["account:{item.from}", "account:{item.to}"]
          release: ["account:{item.to}", "account:{item.from}"]
          end: true
    end: true
"""
    (finding,) = check_text(text, select=["lock-reacquire"]).findings
    assert (finding.line, finding.column) == (13, 44)
    assert "item.from = 'v', item.to = 'v'" in finding.message
    workflow = workflow_from_text(text)
    same = simulate(workflow, Environment(input={"transfers": [{"from": "x", "to": "x"}]}))
    assert same.status == "deadlocked"
    assert not check_text(text.replace("account:{item.to}", "dest:{item.to}"), select=["lock-reacquire"]).findings


def test_an_uncaught_error_ends_the_holder_holding_its_lock() -> None:
    text = """\
workflow: l2
start: lock
states:
  lock: {type: task, acquire: [report], catch: [{errors: ["*"], next: failed}], next: render}
  render: {type: task, side_effects: false, next: unlock}
  unlock: {type: task, release: [report], next: done}
  done: {type: succeed}
  failed: {type: fail, error: Failed}
"""
    findings = check_text(text, select=["lock-leak"]).findings
    assert [(f.state, f.witness) for f in findings] == [
        ("render", PathWitness(("lock", "render"))),
        ("failed", PathWitness(("lock", "failed"))),
    ]
    assert "with an error nothing catches" in findings[0].message


def test_a_retried_parallel_reruns_the_tasks_inside() -> None:
    text = """\
workflow: r
start: both
states:
  both:
    type: parallel
    retry: [{errors: ["*"], max_attempts: 2}]
    branches:
      - {start: charge, states: {charge: {type: task, action: pay.charge, end: true}}}
      - {start: read, states: {read: {type: task, action: db.read, side_effects: false, end: true}}}
    end: true
"""
    (finding,) = check_text(text, select=["non-idempotent-retry"]).findings
    assert (finding.state, finding.line) == ("both", 6)
    assert "'charge'" in finding.message and "'read'" not in finding.message
    fixed = text.replace("action: pay.charge,", "action: pay.charge, idempotent: true,")
    assert not check_text(fixed, select=["non-idempotent-retry"]).findings
