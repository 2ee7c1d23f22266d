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


Group = tuple[str, ...]  # compensable tasks completed together (one sequential step, or one Parallel/Map)


class SagaMonitor:
    """Pending compensations per execution, fed trail entries in order.

    Like the static analysis, completions are kept as a stack of groups: a task
    the execution completes is a group of its own; tasks completed inside the
    branches and iterations of one Parallel or Map step form one group, since
    concurrent work may be compensated in either order.
    """

    def __init__(self, workflow: Workflow) -> None:
        self.w = workflow
        self.dead_letters = {c.next for s in workflow.iter_states() if s.compensation for c in s.catch}
        self.pending: dict[str, tuple[Group, ...]] = {}
        #: execution -> (the running Parallel/Map step, the group its branches and iterations completed)
        self.open: dict[str, tuple[str, Group]] = {}
        self.handed_over: set[str] = set()  # executions whose rollback went to a dead-letter step
        self.problems: dict[str, str] = {}  # execution -> compensations run out of order

    def copy(self) -> SagaMonitor:
        twin = SagaMonitor.__new__(SagaMonitor)
        twin.w, twin.dead_letters = self.w, self.dead_letters
        twin.pending, twin.open = dict(self.pending), dict(self.open)
        twin.handed_over, twin.problems = set(self.handed_over), dict(self.problems)
        return twin

    def feed(self, entry: dict[str, Any]) -> None:
        holder = entry["holder"]
        execution = execution_of(holder)
        if execution in self.handed_over or execution in self.problems:
            return
        step = _fan_out_step(holder, execution)
        if step is None:
            self.open.pop(execution, None)  # the execution itself moves: any fan-out is over
        pending = self.pending.get(execution, ())
        source = self.w.states.get(entry["from"] or "")
        target = self.w.states.get(entry["to"] or "")
        why = entry["why"]
        completed = why in ("next", "end")  # the state's work is done: it moves on, or ends its branch
        if source is not None and source.compensate and not source.compensation and completed:
            pending = self._push(execution, pending, source.name, step)
        if source is not None and source.compensation and completed:  # a compensation completed
            pending = _without(pending, {n for g in pending for n in g if self.w.states[n].compensate == source.name})
        if target is not None and target.name in self.dead_letters and why.startswith("catch"):
            if source is not None and source.compensation:
                self.handed_over.add(execution)
                return
        if target is not None and target.compensation and why != "start":
            above = _above(pending, {n for g in pending for n in g if self.w.states[n].compensate == target.name})
            if above:
                self.problems[execution] = (
                    f"compensation {target.name} ran while {above[-1]} (completed later) was not compensated"
                )
                return
        self.pending[execution] = pending

    def _push(self, execution: str, pending: tuple[Group, ...], task: str, step: str | None) -> tuple[Group, ...]:
        """``task`` completed: it moves to the top, joining the open group of its Parallel/Map step."""
        rest = _without(pending, {task})
        opened = self.open.get(execution)
        group: Group = (task,)
        if step is not None and opened is not None and opened[0] == step:
            shrunk = tuple(n for n in opened[1] if n != task)
            if shrunk and rest and rest[-1] == shrunk:
                group, rest = tuple(sorted({*shrunk, task})), rest[:-1]
        if step is not None:
            self.open[execution] = (step, group)
        return rest + (group,)

    def broken(self, failed: dict[str, str | None]) -> str | None:
        """The contract's breach for the executions that failed (execution -> error), if any."""
        for execution, error in failed.items():
            if execution in self.handed_over:
                continue
            if execution in self.problems:
                return self.problems[execution]
            pending = [n for g in self.pending.get(execution, ()) for n in g]
            if pending:
                return f"the run failed ({error}) without compensating {', '.join(pending)}"
        return None

    def key(self) -> tuple[Any, ...]:
        return (
            sorted(self.pending.items()),
            sorted(self.open.items()),
            sorted(self.handed_over),
            sorted(self.problems.items()),
        )


def _fan_out_step(holder: str, execution: str) -> str | None:
    """The top-level Parallel/Map step a branch or iteration holder runs in; None for the execution itself."""
    if holder == execution:
        return None
    rest = holder[len(execution) + 1 :] if holder.startswith(execution + "/") else holder
    return rest.split("/", 1)[0].rsplit("[", 1)[0]


def _without(pending: tuple[Group, ...], tasks: set[str]) -> tuple[Group, ...]:
    kept = (tuple(n for n in g if n not in tasks) for g in pending)
    return tuple(g for g in kept if g)


def _above(pending: tuple[Group, ...], undone: set[str]) -> list[str]:
    """Tasks completed after the earliest group holding ``undone`` and not undone with it (out of order)."""
    depths = [i for i, g in enumerate(pending) if undone & set(g)]
    if not depths:
        return []
    return [n for g in pending[depths[0] + 1 :] for n in g if n not in undone]


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
