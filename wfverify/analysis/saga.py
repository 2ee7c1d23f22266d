"""Saga analysis: is every failure path compensated, in the reverse order of completion?

The contract (native format page, "Sagas"): on every path that reaches a
``fail`` state, or ends the execution with an uncaught error, after tasks with
``compensate`` completed, the compensation of each of them runs, in reverse
order of completion; tasks completed in concurrent branches may be
compensated in either order; extra compensations are harmless; a path through
a dead-letter step (where a compensation's catcher leads) has handed the
rollback to people.

Instead of enumerating paths, a breadth-first search explores *abstract
configurations* ``(state, pending, dead_lettered)`` of the root body, where
``pending`` is the stack of completed, not yet compensated work: a tuple of
groups, each a frozenset of task names (a singleton for a sequential task, all
compensable tasks of a Parallel/Map for a concurrent step). A task completed
again moves to the top instead of growing the stack, so the space is finite
(at most states x orderings actually reachable) and the search stays fast on
long sagas. The first configuration that breaks the contract gives the witness,
and BFS makes it a shortest one.

Modelling choices (documented for users in docs/sagas.md):
* every task, Parallel and Map may fail, with any error its catchers name or
  one they do not; choices may take any rule or the default (data is opaque);
* a failed Parallel/Map may have completed any of its branches' compensable
  tasks, so all of them count as completed (extra compensation is allowed);
* compensation steps are assumed to succeed here; their own failure handling
  is what ``unprotected-compensation`` checks;
* no-choice-matched failures are ``missing-default``'s business, not this one's.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from wfverify.core.model import ALL_ERRORS, State, StateKind, TransitionKind, Workflow

__all__ = ["SagaReport", "Violation", "analyze", "compensable_tasks"]

Pending = tuple[frozenset[str], ...]
MAX_CONFIGURATIONS = 200_000


@dataclass(frozen=True)
class Violation:
    kind: str  # "uncompensated" or "order"
    state: str  # where it shows: the fail state / failing task, or the out-of-order compensation
    missing: tuple[str, ...]  # tasks left uncompensated (uncompensated) or still above (order)
    witness: dict


@dataclass
class SagaReport:
    applicable: bool
    violations: list[Violation] = field(default_factory=list)
    configurations: int = 0
    seconds: float = 0.0
    complete: bool = True  # false when the configuration bound was reached


@dataclass(frozen=True)
class _Config:
    state: str
    pending: Pending
    dead_lettered: bool


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


def _can_fail(state: State) -> bool:
    return state.kind in (StateKind.TASK, StateKind.PARALLEL, StateKind.MAP) and not state.compensation


def _catches_all(state: State) -> bool:
    return any(ALL_ERRORS in c.errors for c in state.catch)


@dataclass
class _Search:
    workflow: Workflow
    parent: dict[_Config, tuple[_Config | None, str]] = field(default_factory=dict)

    def witness(self, config: _Config, last: str, failure: dict, missing: tuple[str, ...]) -> dict:
        """The path from the start to ``config`` with what happened at each state, then ``last``."""
        chain: list[tuple[_Config, str]] = []
        node: _Config | None = config
        while node is not None:
            prev, note = self.parent[node]
            chain.append((node, note))
            node = prev
        chain.reverse()
        steps, completed, compensated = [], [], []
        for (cfg, _), (_, note) in zip(chain, chain[1:]):
            if not note:
                continue
            steps.append({"state": cfg.state, "pointer": self.workflow.states[cfg.state].pointer, "message": note})
            if note == "completed" and self.workflow.states[cfg.state].compensate:
                completed.append(cfg.state)
            if note == "compensation ran":
                compensated.append(cfg.state)
        steps.append({"state": config.state, "pointer": self.workflow.states[config.state].pointer, "message": last})
        return {
            "path": [cfg.state for cfg, _ in chain],
            "failure": failure,
            "completed": completed,
            "compensations_run": compensated,
            "missing": list(missing),
            "steps": steps,
        }


def _successors(workflow: Workflow, cfg: _Config) -> Iterator[tuple[str | None, Pending, bool, str, str]]:
    """(next state or None for an end, pending, dead_lettered, note on leaving, end kind) per outcome."""
    state = workflow.states[cfg.state]
    pending, dl = cfg.pending, cfg.dead_lettered
    ok = pending
    if state.kind in (StateKind.PARALLEL, StateKind.MAP):
        ok = _push(pending, _in_bodies(workflow, state.name))
    elif state.compensate and not state.compensation:
        ok = _push(pending, frozenset({state.name}))
    for t in state.transitions:
        if t.target not in workflow.states or workflow.states[t.target].scope != state.scope:
            continue
        if t.kind is TransitionKind.CATCH:
            if state.compensation:
                yield t.target, pending, True, f"compensation failed; {t.target} takes over (dead letter)", ""
                continue
            after = _push(pending, _in_bodies(workflow, state.name)) if state.kind != StateKind.TASK else pending
            yield t.target, after, dl, f"failed with {'/'.join(t.errors)}, caught", ""
        else:
            yield t.target, ok, dl, "", ""
    if state.end:
        yield None, ok, dl, "", "success"
    if state.kind is StateKind.FAIL:
        yield None, pending, dl, f"failed with {state.error or 'an error'}", "failure"
    elif _can_fail(state) and not _catches_all(state):
        after = _push(pending, _in_bodies(workflow, state.name)) if state.kind != StateKind.TASK else pending
        yield None, after, dl, "failed with an uncaught error", "failure"


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
                            {"state": state.name, "error": None},
                            missing,
                        ),
                    )
                )
        current = _Config(cfg.state, pending, cfg.dead_lettered)
        for target, after, dl, note, end in _successors(workflow, current):
            if target is None:
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
                                    {
                                        "state": state.name,
                                        "error": state.error if state.kind is StateKind.FAIL else "uncaught",
                                    },
                                    missing,
                                ),
                            )
                        )
                continue
            nxt = _Config(target, after, dl)
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
