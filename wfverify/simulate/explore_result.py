"""What the explorer found: per property a verdict, and for a violation an environment that replays it.

Every witness is replayed with :func:`wfverify.simulate.simulate` before it is
reported, so ``violated`` always comes with a run that
``wfverify simulate --outcomes`` reproduces; a witness that does not replay
(the explorer lets a workflow's timeout strike at any moment) is dropped and
the verdict is at most ``unknown``.
"""

from __future__ import annotations

import time
from typing import Any

from wfverify.core.findings import PROOF_PROPERTIES, Verdict
from wfverify.core.model import StateKind, Workflow
from wfverify.core.records import dataclass, field
from wfverify.simulate.engine import Run
from wfverify.simulate.environment import Environment, Outcome
from wfverify.simulate.explore_waits import stuck_kind
from wfverify.simulate.saga_monitor import saga_on_trace
from wfverify.simulate.trace import Trace, TraceStatus

__all__ = ["Exploration", "Finding", "PropertyResult", "summarize"]

_CYCLE_STEPS = 60  # a non-terminating witness goes round its cycle until at least this many steps


@dataclass
class Finding:
    """A violation as the search saw it: the start environment and the moves (nodes) that lead to it."""

    property: str
    message: str
    start: Environment
    path: list[Any]
    cycle: list[Any] = field(default_factory=list)
    kind: str = ""  # deadlock-freedom: cycle, reacquire or leak

    def environment(self) -> Environment:
        """The replay: the moves as scheduler picks, the forced answers as task outcomes and events."""
        nodes = list(self.path)
        if self.cycle:
            while len(nodes) < len(self.path) + _CYCLE_STEPS:
                nodes += self.cycle
        outcomes: dict[str, list[Outcome]] = {}
        events: dict[str, list[str]] = {}
        for node in nodes:
            answer = node.move[2]
            if isinstance(answer, Outcome):
                outcomes.setdefault(node.state, []).append(answer)
            elif answer is not None:
                events.setdefault(node.state, []).append(answer)
        return Environment(
            input=self.start.input,
            outcomes=outcomes,
            events=events,
            schedule=[node.move[1] for node in nodes],
            max_steps=len(nodes) if self.cycle else len(nodes) + 1,
            executions=self.start.executions,
            inputs=list(self.start.inputs),
        )


@dataclass
class PropertyResult:
    property: str
    verdict: Verdict
    detail: str
    environment: Environment | None = None
    trace: Trace | None = None
    kind: str = ""  # deadlock-freedom: cycle (holders wait for each other), reacquire, or leak

    def to_json(self) -> dict[str, Any]:
        return {
            "property": self.property,
            **({"kind": self.kind} if self.kind else {}),
            "verdict": self.verdict.value,
            "detail": self.detail,
            "environment": self.environment.to_json() if self.environment else None,
            "trace": self.trace.to_json() if self.trace else None,
        }


@dataclass
class Exploration:
    properties: dict[str, PropertyResult]
    configurations: int
    seconds: float
    bounds_reached: list[str]
    notes: list[str]
    cpu_seconds: float = 0.0
    #: A reachable moment where holders wait on each other and every wait has a timeout (replayed).
    timeout_storm: PropertyResult | None = None

    def verdict(self, prop: str) -> Verdict:
        return self.properties[prop].verdict

    def to_json(self, path: str = "") -> dict[str, Any]:
        return {
            "version": 1,
            "path": path,
            "configurations": self.configurations,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "bounds_reached": self.bounds_reached,
            "notes": self.notes,
            "properties": [self.properties[p].to_json() for p in PROOF_PROPERTIES],
            "timeout_storm": self.timeout_storm.to_json() if self.timeout_storm else None,
        }


def replays(workflow: Workflow, finding: Finding, env: Environment) -> Trace | None:
    """The replayed trace when it shows the violation, else None."""
    run = Run(workflow, env)
    trace = run.run()
    if finding.property == "timeout-storm":
        return trace if trace.status == TraceStatus.OUT_OF_STEPS and stuck_kind(run) == "cycle" else None
    shown = {
        "termination": trace.status == TraceStatus.OUT_OF_STEPS,
        "deadlock-freedom": trace.status == TraceStatus.DEADLOCKED,
        "choice-exhaustiveness": bool(run.unmatched),
        "saga": saga_on_trace(workflow, trace) is not None,
    }[finding.property]
    return trace if shown else None


def _applicable(workflow: Workflow, prop: str) -> bool:
    states = list(workflow.iter_states())
    if prop == "deadlock-freedom":
        return any(s.acquire for s in states)
    if prop == "saga":
        return workflow.annotated and any(s.compensate for s in states)
    if prop == "choice-exhaustiveness":
        return any(s.kind is StateKind.CHOICE and (not s.default or _reads_may_fail(s)) for s in states)
    return True


def _reads_may_fail(state: Any) -> bool:
    """An ASL JSONPath choice rule fails the execution when it reads an absent variable."""
    from wfverify.core.expr import Var

    stack: list[Any] = [rule.condition for rule in state.choices if rule.condition is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, Var) and node.absent_fails:
            return True
        for name in ("left", "right", "item"):
            if hasattr(node, name):
                stack.append(getattr(node, name))
        stack.extend(getattr(node, "items", ()) if isinstance(getattr(node, "items", ()), tuple) else ())
    return False


def summarize(
    workflow: Workflow,
    found: dict[str, Finding],
    bounds_reached: list[str],
    notes: list[str],
    configurations: int,
    started: float,
    cpu_started: float = 0.0,
) -> Exploration:
    results: dict[str, PropertyResult] = {}
    notes = list(notes)
    for prop in PROOF_PROPERTIES:
        finding = found.get(prop)
        if finding is not None:
            env = finding.environment()
            trace = replays(workflow, finding, env)
            if trace is not None:
                results[prop] = PropertyResult(prop, Verdict.VIOLATED, finding.message, env, trace, finding.kind)
                continue
            notes.append(f"{prop}: a violation found by the search did not replay ({finding.message})")
        if not _applicable(workflow, prop):
            results[prop] = PropertyResult(prop, Verdict.NOT_APPLICABLE, "nothing to prove")
        elif bounds_reached or notes:
            results[prop] = PropertyResult(prop, Verdict.UNKNOWN, "; ".join(bounds_reached + notes))
        else:
            detail = f"every run explored ({configurations} configurations)"
            results[prop] = PropertyResult(prop, Verdict.PROVEN, detail)
    cpu = time.process_time() - cpu_started
    storm = None
    if "timeout-storm" in found:
        env = found["timeout-storm"].environment()
        env.max_steps -= 1  # stop at the moment itself
        trace = replays(workflow, found["timeout-storm"], env)
        if trace is not None:
            storm = PropertyResult(
                "timeout-storm", Verdict.VIOLATED, found["timeout-storm"].message, env, trace, "cycle"
            )
    return Exploration(results, configurations, time.monotonic() - started, bounds_reached, notes, cpu, storm)
