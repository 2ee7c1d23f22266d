"""Saga analysis: is every failure path compensated, in the reverse order of completion?

The contract (native format page, "Sagas"): on every path that reaches a
``fail`` state, or ends the execution with an uncaught error, after tasks with
``compensate`` completed, the compensation of each of them runs, in reverse
order of completion; tasks completed in concurrent branches may be
compensated in either order; extra compensations are harmless; a path through
a dead-letter step (where a compensation's catcher leads) has handed the
rollback to people.

Instead of enumerating paths, a breadth-first search explores *abstract
configurations* ``(state, pending, dead_lettered, facts)`` of the root body, where
``pending`` is the stack of completed, not yet compensated work: a tuple of
groups, each a frozenset of task names (a singleton for a sequential task, all
compensable tasks of a Parallel/Map for a concurrent step). A task completed
again moves to the top instead of growing the stack, so the space is finite
(at most states x orderings actually reachable) and the search stays fast on
long sagas. The first configuration that breaks the contract gives the witness,
and BFS makes it a shortest one.

Modelling choices (documented for users on the uncompensated-path rule page, docs/rules.md):
* every task, Parallel and Map may fail, with any error its catchers name or
  one they do not; choices may take any rule or the default (data is opaque),
  unless the path already took a contradicting rule on the same unchanged data;
* failures that are not a task's error are failure paths too
  (:mod:`wfverify.analysis.failures`): an ``event`` whose ``timeout`` runs out
  with no ``on_timeout`` (``Timeout``), a choice without a default whose rules
  are not proven exhaustive (``NoChoiceMatched``), and a compensation step that
  fails with nothing to catch it (its own work and everything below it on the
  stack stay undone; a catcher hands over to a dead-letter step);
* in Amazon States Language, ``States.Runtime`` (a read of absent data) is
  caught by nothing, not even ``States.ALL``; whether data is absent only its
  producer knows, so such a path makes the proof ``unknown`` (``runtime_risk``),
  not ``violated``;
* a Parallel with a branch that fails on every run never completes, and one
  whose branches cannot fail never takes its catchers; a Map whose iterations
  fail on every run completes only without items, having completed nothing;
* each configuration carries :class:`~wfverify.analysis.saga_facts.PathFacts`
  (the locks its execution certainly holds, the choice rules it took on data
  unchanged since), which removes only outcomes no run has: a state that
  acquires a lock its own execution holds waits forever or fails with
  ``LockTimeout``, and a rule that contradicts an earlier one is not taken;
* each Parallel branch is its own lock holder (:func:`~wfverify.analysis.failures.body_ends`): a branch
  state that can only wait forever for a lock its branch (or a finished nested branch) holds does not
  fail the Parallel, and the constant locks a completed Parallel's branches kept stay held after it;
* a failed Parallel/Map may have completed its branches' compensable tasks
  (extra compensation is allowed), all of them but those that complete only
  after every way it can fail (a single branch whose task is its last step);
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator

from wfverify.analysis.failures import (
    after_completion,
    can_fail,
    can_succeed,
    catches_all,
    done_when_failing,
    parallel_completes,
    runtime_possible,
)
from wfverify.analysis.saga_facts import Outcomes, PathFacts, after_choice, caught, outcomes
from wfverify.core.model import State, StateKind, Transition, TransitionKind, Workflow
from wfverify.core.records import dataclass, field
from wfverify.core.witness import SagaTrace, TraceStep

__all__ = ["SagaReport", "Violation", "analyze", "compensable_tasks"]

Pending = tuple[frozenset[str], ...]
MAX_CONFIGURATIONS = 200_000


@dataclass(frozen=True)
class Violation:
    kind: str  # "uncompensated" or "order"
    state: str  # where it shows: the fail state / failing task, or the out-of-order compensation
    missing: tuple[str, ...]  # tasks left uncompensated (uncompensated) or still above (order)
    witness: SagaTrace


@dataclass
class SagaReport:
    applicable: bool
    violations: list[Violation] = field(default_factory=list)
    configurations: int = 0
    seconds: float = 0.0
    complete: bool = True  # false when the configuration bound was reached
    #: (state, tasks left uncompensated) where a read of data that may be absent fails with States.Runtime
    runtime_risk: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class _Config:
    state: str
    pending: Pending
    dead_lettered: bool
    facts: PathFacts = PathFacts()


def compensable_tasks(workflow: Workflow) -> list[State]:
    return [s for s in workflow.iter_states() if s.compensate]


def _in_bodies(workflow: Workflow, owner: str) -> frozenset[str]:
    """Compensable tasks anywhere inside a Parallel/Map (nested bodies included)."""
    found: set[str] = set()
    stack = [owner]
    while stack:
        for scope in workflow.children(stack.pop()):
            for name in scope.states:
                state = workflow.states.get(name)
                if state is None or state.scope != scope.id:
                    continue
                if state.compensate:
                    found.add(name)
                stack.append(name)
    return frozenset(found)


def _iterations_can_end(workflow: Workflow, state: State) -> bool:
    """A Map whose iterations all fail completes only when it has no items: then it completed no work."""
    return all(can_succeed(workflow, body) for body in state.branches)


def _push(pending: Pending, tasks: frozenset[str]) -> Pending:
    if not tasks:
        return pending
    rest = tuple(g - tasks for g in pending)
    return tuple(g for g in rest if g) + (tasks,)


def _compensate(workflow: Workflow, pending: Pending, step: str) -> tuple[Pending, tuple[str, ...] | None]:
    """Run compensation ``step``: remove the tasks it undoes. Returns (pending, tasks above it if out of order)."""
    undone = {n for g in pending for n in g if workflow.states[n].compensate == step}
    if not undone:
        return pending, None  # an extra compensation: harmless
    top = pending[-1]
    above: tuple[str, ...] | None = None
    if not undone <= top:
        depth = min(i for i, g in enumerate(pending) if g & undone)
        above = tuple(sorted(n for g in pending[depth + 1 :] for n in g if n not in undone))
    rest = tuple(g - undone for g in pending)
    return tuple(g for g in rest if g), above or None


def _error_of(state: State) -> str:
    """The error a failure path ends with, as the witness names it."""
    if state.kind is StateKind.FAIL:
        return state.error or "uncaught"
    if state.kind is StateKind.EVENT and not state.compensation:
        return "Timeout"
    if state.kind is StateKind.CHOICE:
        return "NoChoiceMatched"
    return "uncaught"


def _failure_name(state: State) -> str:
    """How an uncaught failure of this state reads in a witness."""
    if state.compensation:
        return "the compensation failed with an uncaught error"
    if state.kind is StateKind.EVENT:
        return "no event came before the timeout (Timeout), uncaught"
    if state.kind is StateKind.CHOICE:
        return "no choice rule matched (NoChoiceMatched), uncaught"
    return "failed with an uncaught error"


@dataclass
class _Search:
    workflow: Workflow
    parent: dict[_Config, tuple[_Config | None, str]] = field(default_factory=dict)

    def witness(
        self, config: _Config, last: str, failure: tuple[str, str | None], missing: tuple[str, ...]
    ) -> SagaTrace:
        """The path from the start to ``config`` with what happened at each state, then ``last``."""
        chain: list[tuple[_Config, str]] = []
        node: _Config | None = config
        while node is not None:
            prev, note = self.parent[node]
            chain.append((node, note))
            node = prev
        chain.reverse()
        steps: list[TraceStep] = []
        completed: list[str] = []
        compensated: list[str] = []
        for (cfg, _), (_, note) in zip(chain, chain[1:]):
            if not note:
                continue
            steps.append(TraceStep(cfg.state, self.workflow.states[cfg.state].pointer, note))
            if note == "completed" and self.workflow.states[cfg.state].compensate:
                completed.append(cfg.state)
            if note == "compensation ran":
                compensated.append(cfg.state)
        steps.append(TraceStep(config.state, self.workflow.states[config.state].pointer, last))
        return SagaTrace(
            tuple(cfg.state for cfg, _ in chain),
            failure[0],
            failure[1],
            tuple(completed),
            tuple(compensated),
            tuple(missing),
            tuple(steps),
        )


def _successors(
    workflow: Workflow, cfg: _Config, before: Pending
) -> Iterator[tuple[str | None, Pending, bool, str, str, PathFacts]]:
    """(next state or None for an end, pending, dead_lettered, note on leaving, end kind, facts) per outcome.

    ``before``: the pending work before this state ran (a compensation that fails undid nothing)."""
    state = workflow.states[cfg.state]
    pending, dl, facts = cfg.pending, cfg.dead_lettered, cfg.facts
    ok = pending
    if state.kind is StateKind.PARALLEL or (state.kind is StateKind.MAP and _iterations_can_end(workflow, state)):
        ok = _push(pending, _in_bodies(workflow, state.name))
    elif state.compensate and not state.compensation:
        ok = _push(pending, frozenset({state.name}))
    failed = pending
    if state.kind in (StateKind.PARALLEL, StateKind.MAP):  # what its branches may have completed before it failed
        failed = _push(pending, done_when_failing(workflow, state, _in_bodies(workflow, state.name)))
    limits = outcomes(state, facts)  # a lock the execution holds may stop the state or its retry
    completes = parallel_completes(workflow, state) and (limits is None or limits.success)
    errs = can_fail(workflow, state) or runtime_possible(workflow, state)  # a Parallel of passes never fails
    for t in state.transitions:
        if t.target not in workflow.states or workflow.states[t.target].scope != state.scope:
            continue
        if t.kind is TransitionKind.CATCH:
            if not errs or (limits is not None and t.index not in limits.catchers):
                continue
            after = caught(workflow, state, t.index, facts)
            if state.compensation:
                yield t.target, before, True, f"compensation failed; {t.target} takes over (dead letter)", "", after
                continue
            yield t.target, failed, dl, f"failed with {'/'.join(t.errors)}, caught", "", after
        elif completes:
            taken = _taken(workflow, state, t, facts)
            if taken is not None:
                yield t.target, ok, dl, "", "", taken
    if state.end and completes:
        yield None, ok, dl, "", "success", facts
    yield from _failures(workflow, state, limits, (before, failed, dl, facts))


def _taken(workflow: Workflow, state: State, t: Transition, facts: PathFacts) -> PathFacts | None:
    """Facts on a normal way out; ``None`` when a choice rule contradicts what the path established."""
    if state.kind is StateKind.CHOICE and t.kind in (TransitionKind.CHOICE, TransitionKind.DEFAULT):
        return after_choice(workflow, state, t.index if t.kind is TransitionKind.CHOICE else None, facts)
    return after_completion(workflow, state, facts)


def _failures(
    workflow: Workflow, state: State, limits: Outcomes | None, context: tuple[Pending, Pending, bool, PathFacts]
) -> Iterator[tuple[str | None, Pending, bool, str, str, PathFacts]]:
    """The ways the state ends its execution with an error (a fail state, an uncaught error, States.Runtime)."""
    before, failed, dl, facts = context
    left = before if state.compensation else failed
    if state.kind is StateKind.FAIL:
        if limits is None or limits.uncaught:
            yield None, failed, dl, f"failed with {state.error or 'an error'}", "failure", facts
        return
    if limits is not None:
        if limits.uncaught:
            yield None, left, dl, _failure_name(state), "failure", facts
    else:
        no_rule = state.kind is not StateKind.CHOICE or after_choice(workflow, state, None, facts) is not None
        if can_fail(workflow, state) and not catches_all(state) and no_rule:
            yield None, left, dl, _failure_name(state), "failure", facts
    reads = limits is None or limits.success  # a state stopped at its acquire reads no data
    if reads and runtime_possible(workflow, state):  # States.Runtime on data that may be absent: nothing catches it
        yield None, left, dl, "States.Runtime on absent data", "runtime", facts


def analyze(workflow: Workflow) -> SagaReport:
    """Explore every failure path of the root body (memoized per workflow)."""
    return workflow.memo("saga.analyze", lambda: _analyze(workflow))


def _analyze(workflow: Workflow) -> SagaReport:
    began = time.perf_counter()
    if not workflow.annotated or not compensable_tasks(workflow) or workflow.start not in workflow.states:
        return SagaReport(applicable=False)
    report = SagaReport(applicable=True)
    search = _Search(workflow)
    first = _Config(workflow.start, (), False)
    search.parent[first] = (None, "")
    queue = deque([first])
    seen_violations: set[tuple[str, str]] = set()
    while queue:
        cfg = queue.popleft()
        if len(search.parent) > MAX_CONFIGURATIONS:
            report.complete = False
            break
        state = workflow.states[cfg.state]
        pending = cfg.pending
        if state.compensation:
            pending, above = _compensate(workflow, cfg.pending, state.name)
            if above and not cfg.dead_lettered and ("order", state.name) not in seen_violations:
                seen_violations.add(("order", state.name))
                missing = above
                report.violations.append(
                    Violation(
                        "order",
                        state.name,
                        missing,
                        search.witness(
                            cfg,
                            f"compensation {state.name} ran while {', '.join(above)} (completed later) was not yet "
                            "compensated",
                            (state.name, None),
                            missing,
                        ),
                    )
                )
        current = _Config(cfg.state, pending, cfg.dead_lettered, cfg.facts)
        for target, after, dl, note, end, facts in _successors(workflow, current, cfg.pending):
            if target is None:
                if end == "runtime" and after and not dl and not report.runtime_risk:
                    report.runtime_risk = (state.name, tuple(sorted(n for g in after for n in g)))
                if end == "failure" and after and not dl:
                    missing = tuple(sorted(n for g in after for n in g))
                    key = ("uncompensated", state.name)  # one per place: BFS found the shortest first
                    if key not in seen_violations:
                        seen_violations.add(key)
                        report.violations.append(
                            Violation(
                                "uncompensated",
                                state.name,
                                missing,
                                search.witness(
                                    cfg,
                                    note + f"; never compensated: {', '.join(missing)}",
                                    (state.name, _error_of(state)),
                                    missing,
                                ),
                            )
                        )
                continue
            nxt = _Config(target, after, dl, facts)
            if nxt not in search.parent:
                label = note or (
                    "compensation ran"
                    if state.compensation
                    else "completed"
                    if state.kind in (StateKind.TASK, StateKind.PARALLEL, StateKind.MAP)
                    else ""
                )
                search.parent[nxt] = (cfg, label)
                queue.append(nxt)
    report.configurations = len(search.parent)
    report.seconds = time.perf_counter() - began
    return report
