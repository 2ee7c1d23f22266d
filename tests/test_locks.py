"""Deadlock proofs and lock rules: corpus verdicts, and every witness schedule replayed step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.solver import check_deadlock, lock_order_cycle
from wfverify.core.findings import Verdict
from wfverify.core.witness import LockSchedule
from wfverify.testing import check_text, workflow_from_text

LOCKS = Path(__file__).resolve().parents[1] / "corpus" / "locks"


def replay(witness: LockSchedule | None) -> dict[str, str]:
    """Replay a schedule on non-reentrant mutexes (the reference replayer); who is left waiting on what."""
    assert isinstance(witness, LockSchedule)
    blocked = witness.replay()
    assert LockSchedule.from_json(witness.to_json()) == witness  # one JSON form, read back unchanged
    return blocked


@pytest.mark.parametrize(
    "name, verdict, storm",
    [
        ("transfer-opposite-order.wf.yaml", "violated", False),
        ("transfer-gate-lock.wf.yaml", "proven", False),
        ("three-branch-ring.wf.yaml", "violated", False),
        ("timeouts-everywhere.wf.yaml", "proven", True),
        ("transfers-map.wf.yaml", "violated", False),
        ("nested-parallel.wf.yaml", "violated", False),
        ("one-account-per-item.wf.yaml", "proven", False),
        ("concurrent-executions.wf.yaml", "violated", False),
    ],
)
def test_deadlock_verdicts_and_replayed_witnesses(name: str, verdict: str, storm: bool) -> None:
    result = check_deadlock(lock_facts(workflow_from_text((LOCKS / name).read_text(), name)))
    assert result.verdict == Verdict(verdict), result.detail
    assert result.timeouts_only is storm
    if verdict == "violated":
        assert result.witness is not None
        blocked = replay(result.witness)
        assert blocked == result.witness.blocked


def test_ring_blocks_all_three_branches() -> None:
    result = check_deadlock(lock_facts(workflow_from_text((LOCKS / "three-branch-ring.wf.yaml").read_text())))
    assert len(replay(result.witness)) == 3


def test_map_witness_gives_two_transfers_that_deadlock() -> None:
    result = check_deadlock(lock_facts(workflow_from_text((LOCKS / "transfers-map.wf.yaml").read_text())))
    assert result.witness is not None
    items = list(result.witness.data.values())
    assert len(items) == 2
    first, second = items
    assert first["item.from"] == second["item.to"] and first["item.to"] == second["item.from"]
    assert first["item.from"] != first["item.to"]


def test_prefilter_proves_without_a_cycle() -> None:
    facts = lock_facts(workflow_from_text((LOCKS / "one-account-per-item.wf.yaml").read_text()))
    assert lock_order_cycle(facts) is None


def test_sequential_map_iterations_cannot_deadlock() -> None:
    text = (LOCKS / "transfers-map.wf.yaml").read_text().replace("max_concurrency: 10", "max_concurrency: 1")
    assert check_deadlock(lock_facts(workflow_from_text(text))).verdict != "violated"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("leak-on-catch.wf.yaml", [("lock-leak", 5, 3), ("lock-leak", 24, 3)]),
        ("reacquire.wf.yaml", [("lock-leak", 5, 3), ("lock-reacquire", 15, 15)]),
    ],
)
def test_single_holder_rules(name: str, expected: list[tuple[str, int, int]]) -> None:
    """The lock-taking task itself can fail uncaught after taking the lock: that path leaks too."""
    result = check_text((LOCKS / name).read_text(), name, select=["locks"])
    assert [(f.rule, f.line, f.column) for f in result.findings] == expected


def test_release_unheld_on_one_path() -> None:
    result = check_text(
        """\
    workflow: publish
    start: route
    states:
      route:
        type: choice
        choices: [{when: "urgent", next: publish}]
        default: lock
      lock: {type: task, acquire: [site], next: publish}
      publish: {type: task, release: [site], end: true}
    """,
        select=["release-unheld"],
    )
    assert [(f.rule, f.line) for f in result.findings] == [("release-unheld", 9)]


def test_lock_rules_are_silent_without_annotations() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
    result = check_text(text, "x.asl.json")
    assert {p.property: p.verdict.value for p in result.proofs}["deadlock-freedom"] == "n/a"
