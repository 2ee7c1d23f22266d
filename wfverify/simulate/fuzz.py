"""``wfverify fuzz``: drive the simulator with Hypothesis environments and check properties.

Properties: the run ends (succeeds or fails) within the step bound; it never
deadlocks; on failure the saga contract holds on the trace (every completed
compensable task's compensation ran after it, in reverse order, unless a
dead-letter step took over); no state outside the reachable set is entered;
no "no choice matched" where the choice proof says exhaustive. The first
broken property is shrunk by Hypothesis to a smallest environment.
"""

from __future__ import annotations

from typing import Any

from wfverify.analysis.graph import reachable_states
from wfverify.core.findings import Verdict
from wfverify.core.model import Workflow
from wfverify.core.records import dataclass, field
from wfverify.simulate.engine import simulate
from wfverify.simulate.environment import Environment
from wfverify.simulate.saga_monitor import saga_on_trace
from wfverify.simulate.trace import Trace

__all__ = ["Coverage", "FuzzResult", "broken_property", "fuzz", "saga_on_trace"]


@dataclass
class Coverage:
    states: set[str] = field(default_factory=set)
    transitions: set[tuple[str, str]] = field(default_factory=set)
    choice_outcomes: set[tuple[str, str]] = field(default_factory=set)
    catchers: set[tuple[str, str]] = field(default_factory=set)
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=set)

    def add(self, trace: Trace) -> None:
        self.states |= set(trace.entered)
        last: dict[str, tuple[str, str]] = {}
        for t in trace.trail:
            if t["from"] is None or t["to"] is None or t["from"] == t["to"]:
                continue
            edge = (t["from"], t["to"])
            self.transitions.add(edge)
            if t["why"].startswith("choice") or t["why"] == "default":
                self.choice_outcomes.add((t["from"], t["why"]))
            if t["why"].startswith("catch"):
                self.catchers.add((t["from"], t["why"]))
            if t["holder"] in last:
                self.pairs.add((last[t["holder"]], edge))
            last[t["holder"]] = edge

    def summary(self, workflow: Workflow) -> dict[str, str]:
        edges = {
            (s.name, t.target) for s in workflow.iter_states() for t in s.transitions if t.target in workflow.states
        }
        outcomes = sum(len(s.choices) + (1 if s.default else 0) for s in workflow.iter_states())
        catchers = sum(len(s.catch) for s in workflow.iter_states())
        fired = {c for source, why in self.catchers if (c := _catcher(workflow, source, why)) is not None}
        return {
            "states": f"{len(self.states & set(workflow.states))}/{len(workflow.states)}",
            "transitions": f"{len(self.transitions & edges)}/{len(edges)}",
            "choice outcomes": f"{len(self.choice_outcomes)}/{outcomes}",
            # one count per catcher, however many error names it took
            "catchers fired": f"{len(fired)}/{catchers}",
            "transition pairs": str(len(self.pairs)),
        }


def _catcher(workflow: Workflow, source: str, why: str) -> tuple[str, int] | None:
    """Which catcher of ``source`` a ``catch ERROR`` step took: the first naming the error, else a catch-all."""
    state = workflow.states.get(source)
    if state is None:
        return None
    error = why.removeprefix("catch").strip()
    for names in ((error,), ("*", "States.ALL")):
        for i, c in enumerate(state.catch):
            if any(n in c.errors for n in names):
                return source, i
    return None


@dataclass
class FuzzResult:
    tried: int
    coverage: Coverage
    failure: str | None = None
    environment: Environment | None = None
    trace: Trace | None = None


def broken_property(workflow: Workflow, trace: Trace, proven: dict[str, str]) -> str | None:
    if trace.status == "out-of-steps":
        return "the run did not end within the step bound"
    if trace.status == "deadlocked":
        return "the run deadlocked"
    outside = [s for s in trace.entered if s not in reachable_states(workflow)]
    if outside:
        return f"the run entered {outside[0]}, which reachability calls unreachable"
    if proven.get("choice-exhaustiveness") == Verdict.PROVEN and trace.error in (
        "NoChoiceMatched",
        "States.NoChoiceMatched",
    ):
        return "no choice rule matched although the choice proof says exhaustive"
    return saga_on_trace(workflow, trace)


class _Broken(Exception):
    pass


def fuzz(
    workflow: Workflow, examples: int = 200, seed: int | None = None, proven: dict[str, str] | None = None
) -> FuzzResult:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from wfverify.simulate.strategies import environments

    coverage = Coverage()
    found: dict[str, Any] = {}
    tried = [0]

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=seed is None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    @given(environments(workflow))
    def run(env: Environment) -> None:
        tried[0] += 1
        trace = simulate(workflow, env)
        coverage.add(trace)
        problem = broken_property(workflow, trace, proven or {})
        if problem:
            found.update(message=problem, env=env, trace=trace)  # the last one is the shrunk one
            raise _Broken(problem)

    if seed is not None:
        run = fixed_seed(seed)(run)
    try:
        run()
    except _Broken:
        return FuzzResult(tried[0], coverage, found["message"], found["env"], found["trace"])
    return FuzzResult(tried[0], coverage)
