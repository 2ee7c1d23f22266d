"""Lock facts per holder: the acquire/release events along each holder's paths.

A *holder* runs concurrently with others and owns locks: each branch of a
Parallel state, two iterations of a Map (unless ``max_concurrency`` is 1), and,
when the workflow is ``concurrent``, two executions of the root body. Paths are
enumerated depth-first over transitions, catchers included (a failing state
still releases what it lists in ``release``), visiting each state at most
:data:`LOOP_BOUND` times per path and keeping at most :data:`MAX_PATHS` paths
per holder; past either bound the facts are marked ``truncated`` and proofs
say ``unknown``.

Along the way the single-holder problems are recorded: a lock still held when
the holder ends (leak), a lock acquired while already held (reacquire), and a
release of a lock not held (release-unheld).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wfverify.analysis.graph import exits_scope
from wfverify.core.model import Scope, StateKind, Workflow

__all__ = ["Event", "Holder", "LockFacts", "lock_facts", "LOOP_BOUND", "MAX_PATHS"]

LOOP_BOUND = 2
MAX_PATHS = 64


@dataclass(frozen=True)
class Event:
    action: str  # "acquire" | "release"
    lock: str  # the lock name as written (may hold {EXPR} placeholders)
    state: str
    pointer: str
    timeout: float | None = None


@dataclass(frozen=True)
class Problem:
    kind: str  # leak | reacquire | unheld
    state: str
    pointer: str
    lock: str
    path: tuple[str, ...]


@dataclass
class Holder:
    name: str
    scope: str
    copy: int  # 0 or 1: which symbolic iteration/execution (placeholders differ per copy)
    paths: list[tuple[Event, ...]] = field(default_factory=list)
    truncated: bool = False


@dataclass
class LockFacts:
    holders: list[Holder] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False


def lock_facts(workflow: Workflow) -> LockFacts:
    return workflow.memo("locks.facts", lambda: _compute(workflow))


def _compute(workflow: Workflow) -> LockFacts:
    facts = LockFacts()
    if not any(s.acquire or s.release for s in workflow.iter_states()):
        return facts
    seen_problems: set[tuple[str, str, str]] = set()
    for scope in workflow.scopes.values():
        paths, truncated = _paths(workflow, scope, facts, seen_problems)
        facts.truncated |= truncated
        owner = workflow.states.get(scope.owner) if scope.owner else None
        if scope.owner is None:
            copies = 2 if workflow.concurrent else 1
            label = "execution"
        elif owner is not None and owner.kind is StateKind.MAP:
            copies = 1 if owner.max_concurrency == 1 else 2
            label = f"{scope.owner} iteration"
        else:
            copies = 1
            label = f"{scope.owner} branch {scope.id.rsplit('/', 1)[-1]}"
        for copy in range(copies):
            name = f"{label} {copy + 1}" if copies > 1 else label
            facts.holders.append(Holder(name, scope.id, copy, paths, truncated))
    return facts


def _state_events(workflow: Workflow, name: str) -> tuple[list[Event], list[Event]]:
    state = workflow.states[name]
    acquires = [Event("acquire", a.lock, name, a.pointer, a.timeout) for a in state.acquire]
    releases = [Event("release", lock, name, state.field_pointer("release")) for lock in state.release]
    return acquires, releases


def _paths(
    workflow: Workflow, scope: Scope, facts: LockFacts, seen: set[tuple[str, str, str]]
) -> tuple[list[tuple[Event, ...]], bool]:
    """Every event sequence from the scope's start to one of its ends (bounded)."""
    if scope.start not in workflow.states:
        return [], False
    out: list[tuple[Event, ...]] = []
    truncated = False
    # stack items: (state, events so far, held locks, visit counts, states so far)
    stack = [(scope.start, (), (), {}, ())]
    while stack:
        name, events, held, visits, trail = stack.pop()
        if visits.get(name, 0) >= LOOP_BOUND:
            truncated = True
            continue
        visits = {**visits, name: visits.get(name, 0) + 1}
        trail = (*trail, name)
        acquires, releases = _state_events(workflow, name)
        held_now = list(held)
        for e in acquires:
            if e.lock in held_now:  # blocks forever; reported, and not counted twice afterwards
                _note(facts, seen, Problem("reacquire", name, e.pointer, e.lock, trail))
                continue
            held_now.append(e.lock)
        after = list(held_now)
        for e in releases:
            if e.lock in after:
                after.remove(e.lock)
            else:
                _note(facts, seen, Problem("unheld", name, e.pointer, e.lock, trail))
        evs = (*events, *acquires, *releases)
        state = workflow.states[name]
        nexts = [
            t for t in state.transitions if t.target in workflow.states and workflow.states[t.target].scope == scope.id
        ]
        if exits_scope(state) or not nexts:
            if after:
                _note(facts, seen, Problem("leak", name, state.pointer, after[0], trail))
            if len(out) >= MAX_PATHS:
                truncated = True
                continue
            out.append(evs)
            continue
        for t in reversed(nexts):
            stack.append((t.target, evs, tuple(after), visits, trail))
    return out, truncated


def _note(facts: LockFacts, seen: set[tuple[str, str, str]], problem: Problem) -> None:
    key = (problem.kind, problem.state, problem.lock)
    if key not in seen:
        seen.add(key)
        facts.problems.append(problem)
