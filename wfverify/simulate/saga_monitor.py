"""The saga contract, checked on an audit trail one entry at a time.

The contract (native format page, "Sagas"): on every run that fails after
tasks with ``compensate`` completed, the compensation of each runs, in the
reverse order of completion, unless a compensation's catcher handed the
rollback over to people (a dead-letter step). The monitor keeps, per
execution, the completed compensable tasks not compensated yet; the explorer
puts :meth:`SagaMonitor.key` into its configuration hash, since two runs at
the same place with different pending compensations are not equivalent. A
task stays pending until its compensation *completes*: a compensation that
fails with nobody to catch it has not undone anything.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.model import Workflow
from wfverify.simulate.trace import Trace, TraceStatus, execution_of

__all__ = ["SagaMonitor", "saga_on_trace"]


class SagaMonitor:
    """Pending compensations per execution, fed trail entries in order."""

    def __init__(self, workflow: Workflow) -> None:
        self.w = workflow
        self.dead_letters = {c.next for s in workflow.iter_states() if s.compensation for c in s.catch}
        self.pending: dict[str, tuple[str, ...]] = {}
        self.handed_over: set[str] = set()  # executions whose rollback went to a dead-letter step
        self.problems: dict[str, str] = {}  # execution -> compensations run out of order

    def feed(self, entry: dict[str, Any]) -> None:
        execution = execution_of(entry["holder"])
        if execution in self.handed_over or execution in self.problems:
            return
        pending = list(self.pending.get(execution, ()))
        source = self.w.states.get(entry["from"] or "")
        target = self.w.states.get(entry["to"] or "")
        why = entry["why"]
        if source is not None and source.compensate and not source.compensation and why == "next":
            if source.name in pending:
                pending.remove(source.name)
            pending.append(source.name)
        if source is not None and source.compensation and why == "next":  # a compensation completed
            pending = [n for n in pending if self.w.states[n].compensate != source.name]
        if target is not None and target.name in self.dead_letters and why.startswith("catch"):
            if source is not None and source.compensation:
                self.handed_over.add(execution)
                return
        if target is not None and target.compensation and why != "start":
            undone = [n for n in pending if self.w.states[n].compensate == target.name]
            if undone and pending[-1] not in undone:
                self.problems[execution] = (
                    f"compensation {target.name} ran while {pending[-1]} (completed later) was not compensated"
                )
                return
        self.pending[execution] = tuple(pending)

    def broken(self, failed: dict[str, str | None]) -> str | None:
        """The contract's breach for the executions that failed (execution -> error), if any."""
        for execution, error in failed.items():
            if execution in self.handed_over:
                continue
            if execution in self.problems:
                return self.problems[execution]
            pending = self.pending.get(execution, ())
            if pending:
                return f"the run failed ({error}) without compensating {', '.join(pending)}"
        return None

    def key(self) -> tuple[Any, ...]:
        return (sorted(self.pending.items()), sorted(self.handed_over), sorted(self.problems.items()))


def saga_on_trace(workflow: Workflow, trace: Trace) -> str | None:
    """The saga contract checked on one failed run; a message when broken."""
    if trace.status != TraceStatus.FAILED or not workflow.annotated:
        return None
    monitor = SagaMonitor(workflow)
    for entry in trace.trail:
        monitor.feed(entry)
    ended = trace.executions or {"main": "failed"}
    failed = {name: trace.error for name, status in ended.items() if status == "failed"}
    return monitor.broken(failed)
