"""The simulator and the static analyses must agree; a disagreement is a bug in one of them.

* no run enters a state the reachability rule calls unreachable (generated workflows and the corpus);
* a proven termination never meets the step bound;
* a proven saga is never violated under failure injection, and a violated one is caught by fuzzing;
* every saga witness replays: failing the witness's failing state reproduces the violation;
* proven deadlock freedom is never contradicted; a violated one deadlocks under some schedule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfverify.analysis.graph import reachable_states
from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.solver import check_deadlock
from wfverify.analysis.saga import analyze
from wfverify.simulate import Environment, Outcome, simulate
from wfverify.simulate.fuzz import fuzz, saga_on_trace
from wfverify.simulate.strategies import environments, native_workflows
from wfverify.testing import workflow_from_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FLOWS = sorted(p for p in CORPUS.rglob("*.wf.yaml"))


@settings(suppress_health_check=list(HealthCheck), deadline=None)
@given(st.data())
def test_generated_workflows_agree(data: st.DataObject) -> None:
    workflow = workflow_from_text(data.draw(native_workflows()))
    env = data.draw(environments(workflow))
    trace = simulate(workflow, env)
    assert set(trace.entered) <= reachable_states(workflow)
    assert trace.status in ("succeeded", "failed")  # generated flows are acyclic and lock-free
    report = analyze(workflow)
    if report.applicable and not report.violations:
        assert saga_on_trace(workflow, trace) is None, (trace.entered, trace.error)


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_corpus_runs_stay_in_the_reachable_set(path: Path) -> None:
    try:
        workflow = workflow_from_text(path.read_text(), path.name)
    except AssertionError:
        pytest.skip("does not load (deliberately broken)")
    result = fuzz(workflow, examples=25)
    assert result.coverage.states <= reachable_states(workflow)
    from wfverify.testing import check_text

    proofs = {p.property: p.verdict.value for p in check_text(path.read_text(), path.name).proofs}
    if proofs.get("termination") == "proven":  # a proven termination never meets the step bound
        assert result.failure != "the run did not end within the step bound"


@pytest.mark.parametrize(
    "name",
    [
        "travel-booking.wf.yaml",
        "travel-booking-parallel.wf.yaml",
        "travel-booking-forgot-hotel.wf.yaml",
        "travel-booking-reversed.wf.yaml",
    ],
)
def test_saga_verdicts_agree_with_failure_injection(name: str) -> None:
    workflow = workflow_from_text((CORPUS / "sagas" / name).read_text(), name)
    report = analyze(workflow)
    result = fuzz(workflow, examples=150)
    if report.violations:
        assert result.failure is not None and ("compensat" in result.failure)
    else:
        assert result.failure is None, result.failure


@pytest.mark.parametrize("name", ["travel-booking-forgot-hotel.wf.yaml", "travel-booking-reversed.wf.yaml"])
def test_saga_witnesses_replay_in_the_simulator(name: str) -> None:
    workflow = workflow_from_text((CORPUS / "sagas" / name).read_text(), name)
    for violation in analyze(workflow).violations:
        steps = violation.witness.steps
        failing = next(s.state for s in steps if "caught" in s.message or "uncaught" in s.message)
        trace = simulate(workflow, Environment(outcomes={failing: [Outcome(error="Injected")]}))
        assert trace.entered[: len(list(violation.witness.path))] == list(violation.witness.path)
        assert saga_on_trace(workflow, trace) is not None


@pytest.mark.parametrize("path", sorted((CORPUS / "locks").glob("*.wf.yaml")), ids=lambda p: p.name)
def test_deadlock_verdicts_agree_with_schedules(path: Path) -> None:
    workflow = workflow_from_text(path.read_text(), path.name)
    verdict = check_deadlock(lock_facts(workflow))
    deadlocked = fuzz(workflow, examples=120).failure == "the run deadlocked"
    if verdict.verdict == "proven":
        assert not deadlocked
    if verdict.verdict == "violated" and not verdict.timeouts_only and "concurrent" not in path.name:
        assert deadlocked  # two executions at once are outside one simulated run


def _witness_environment(workflow, witness: dict) -> Environment:  # noqa: ANN001
    """A deadlock witness as simulator picks: holder names map to the simulator's ``state[index]`` holders."""
    from wfverify.core.expr import Var
    from wfverify.core.model import StateKind
    from wfverify.core.witness import LockSchedule

    picks: list = LockSchedule.from_json(witness).simulator_picks()
    data: dict = {}
    for state in workflow.iter_states():
        if state.kind is StateKind.MAP and isinstance(state.items, Var):
            items = []
            for _holder, values in sorted(witness.get("data", {}).items()):
                items.append({k.split(".", 1)[1]: v for k, v in values.items()})
            data[state.items.path[0]] = items
    return Environment(input=data, schedule=picks)


@pytest.mark.parametrize(
    "name", ["transfer-opposite-order.wf.yaml", "three-branch-ring.wf.yaml", "transfers-map.wf.yaml"]
)
def test_deadlock_witnesses_replay_in_the_simulator(name: str) -> None:
    workflow = workflow_from_text((CORPUS / "locks" / name).read_text(), name)
    result = check_deadlock(lock_facts(workflow))
    trace = simulate(workflow, _witness_environment(workflow, result.witness.to_json()))
    assert trace.status == "deadlocked", trace.trail
