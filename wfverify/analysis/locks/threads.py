"""Who runs at the same time as whom: holder groups, nested bodies inlined, and locks held around a fork.

A *group* is a set of holders that run concurrently: the branches of one
Parallel state, two copies of a Map iterator (unless ``max_concurrency`` is 1),
two executions of the root body when the workflow is ``concurrent``. Each
member is a *thread*: its body's paths with every nested Parallel/Map
*inlined* (the nested bodies run one after another at the fork, while the
thread still holds its locks), so a nested branch meets its outer siblings
and a Map iteration's locking inside a nested Parallel meets the other
iteration's. Inlining runs nested branches one after another, which is one
schedule among many: a thread that inlines nested locking is ``inexact`` and
cannot support a ``proven`` by search; copies of one body (``repeated``) never
can either, since a ring of k copies needs k of them.

A lock held by a body when it forks is held until every branch or iteration
ends: a branch (at any depth) that waits for a lock its ancestor holds waits
forever (:func:`ancestor_conflicts`).
"""

from __future__ import annotations

import itertools

from wfverify.analysis.failures import can_succeed
from wfverify.analysis.locks.facts import Event, LockFacts, Path
from wfverify.analysis.locks.names import is_template, may_alias
from wfverify.analysis.locks.numeric import declared_ints
from wfverify.core.model import Dialect, State, StateKind, Workflow
from wfverify.core.records import dataclass

__all__ = ["Conflict", "Group", "Thread", "ancestor_conflicts", "drop_released", "edge_events", "groups"]

MAX_INLINED = 64


@dataclass
class Thread:
    name: str
    scope: str
    copy: int  # which instance: placeholders of different copies take independent values
    paths: list[Path]
    inexact: str = ""  # why inlining under-approximates this thread ("" when it does not)
    ints: frozenset[str] | None = None  # variables declared ``int`` wherever its paths read them (None: reads none)


@dataclass
class Group:
    fork: str  # the Parallel/Map state, "" for concurrent executions
    threads: list[Thread]
    repeated: bool = False

    @property
    def locking(self) -> list[Thread]:
        return [t for t in self.threads if any(e.action == "acquire" for p in t.paths for e in p)]


@dataclass
class Conflict:
    """A body waits for a lock that an enclosing body holds around the fork: a wait that never ends."""

    chain: list[tuple[str, Path]]  # (holder, its executed events) from the outermost down; the last waits
    lock: str  # the lock the last holder waits for (as written)
    held: str  # the ancestor's lock it may be
    holder: str  # the ancestor holding it
    timeout: bool
    wait: Event  # the acquire that waits
    scopes: tuple[str, ...] = ()  # the bodies of the chain, outermost first


def holder_name(workflow: Workflow, scope_id: str, copy: int = 0, copies: int = 1) -> str:
    scope = workflow.scopes[scope_id]
    if scope.owner is None:
        return f"execution {copy + 1}" if copies > 1 else "execution"
    owner = workflow.states[scope.owner]
    if owner.kind is StateKind.MAP:
        return f"{scope.owner} iteration {copy + 1}" if copies > 1 else f"{scope.owner} iteration"
    return f"{scope.owner} branch {scope_id.rsplit('/', 1)[-1]}"


def _inline(
    facts: LockFacts, workflow: Workflow, scope_id: str, memo: dict[str, tuple[list[Path], str, bool]]
) -> tuple[list[Path], str, bool]:
    """(paths with forks replaced by their bodies' events, why inexact, truncated)."""
    if scope_id in memo:
        return memo[scope_id]
    out: list[Path] = []
    inexact, truncated = "", False
    for path in facts.paths(scope_id):
        variants: list[Path] = [()]
        for e in path:
            if e.action != "fork":
                variants = [(*v, e) for v in variants]
                continue
            bodies = []
            for child in workflow.children(e.state):
                paths, why, cut = _inline(facts, workflow, child.id, memo)
                truncated |= cut
                inexact = inexact or why
                if any(x.action == "acquire" for p in paths for x in p):
                    inexact = inexact or f"the locking inside '{e.state}' is inlined one body after another"
                bodies.append(paths or [()])
            combos = list(itertools.islice(itertools.product(*bodies), MAX_INLINED + 1))
            variants = [(*v, *itertools.chain.from_iterable(c)) for v in variants for c in combos]
            if len(variants) > MAX_INLINED:
                variants, truncated = variants[:MAX_INLINED], True
        out += [v for v in variants if v not in out]
    if len(out) > MAX_INLINED:
        out, truncated = out[:MAX_INLINED], True
    memo[scope_id] = (out, inexact, truncated)
    return memo[scope_id]


def groups(facts: LockFacts) -> tuple[list[Group], bool]:
    """Every group of concurrent holders, and whether inlining was cut short."""
    workflow = facts.workflow
    assert workflow is not None
    memo: dict[str, tuple[list[Path], str, bool]] = {}
    out: list[Group] = []
    truncated = False
    if workflow.concurrent:
        paths, why, cut = _inline(facts, workflow, "", memo)
        truncated |= cut
        threads = [Thread(holder_name(workflow, "", c, 2), "", c, paths, why) for c in range(2)]
        out.append(Group("", threads, repeated=True))
    for state in workflow.iter_states():
        if state.kind is StateKind.PARALLEL and len(state.branches) >= 2:
            threads = []
            for index, scope_id in enumerate(state.branches):
                paths, why, cut = _inline(facts, workflow, scope_id, memo)
                truncated |= cut
                copy = 0 if _reads_fork_data(workflow, scope_id) else index + 1
                threads.append(Thread(holder_name(workflow, scope_id), scope_id, copy, paths, why))
            out.append(Group(state.name, threads))
        elif state.kind is StateKind.MAP and state.max_concurrency != 1 and state.branches:
            paths, why, cut = _inline(facts, workflow, state.branches[0], memo)
            truncated |= cut
            threads = [
                Thread(holder_name(workflow, state.branches[0], c, 2), state.branches[0], c, paths, why)
                for c in range(2)
            ]
            out.append(Group(state.name, threads, repeated=True))
    for group in out:
        for thread in group.threads:
            thread.ints = _ints_throughout(workflow, thread.paths)
    return out, truncated


def _ints_throughout(workflow: Workflow, paths: list[Path]) -> frozenset[str] | None:
    """The variables declared ``int`` at every state of the paths that names a lock with a placeholder
    (None when no state does)."""
    states = {e.state for p in paths for e in p if is_template(e.lock)}
    if not states:
        return None
    if not workflow.inputs:
        return frozenset()
    return frozenset.intersection(*(declared_ints(workflow, workflow.states[s]) for s in sorted(states)))


def sibling_always_fails(workflow: Workflow, involved: set[str]) -> str:
    """A branch beside the holders of a deadlock that fails on every run: its Parallel then cancels them.

    Walks up from every involved body: at each enclosing Parallel, the branches not on the way must be
    able to complete (:func:`wfverify.analysis.failures.can_succeed`). Returns the failing branch's
    Parallel state, or "" when none always fails."""
    on_path: set[str] = set()
    for scope_id in involved:
        current: str | None = scope_id
        while current is not None and current not in on_path:
            on_path.add(current)
            owner = workflow.states.get(workflow.scopes[current].owner or "")
            current = owner.scope if owner is not None else None
    for scope_id in on_path:
        owner = workflow.states.get(workflow.scopes[scope_id].owner or "")
        if owner is None or owner.kind is not StateKind.PARALLEL:
            continue
        if any(b not in on_path and not can_succeed(workflow, b) for b in owner.branches):
            return owner.name
    return ""


def _takes_locks(workflow: Workflow, scope_id: str) -> bool:
    """Some state of the body, nested bodies included, has an ``acquire`` (read from the model, not paths)."""
    pending = [scope_id]
    while pending:
        for name in workflow.scopes[pending.pop()].states:
            state = workflow.states.get(name)
            if state is not None and state.scope in workflow.scopes:
                if state.acquire:
                    return True
                pending += list(state.branches)
    return False


def may_contend(workflow: Workflow, found: list[Group]) -> bool:
    """Whether two concurrent holders, or a body and its enclosing body, may both take locks, judged from
    the model alone (sound when paths were cut short)."""
    if any(sum(_takes_locks(workflow, t.scope) for t in g.threads) >= 2 for g in found):
        return True
    for state in workflow.iter_states():
        if state.branches and any(_takes_locks(workflow, b) for b in state.branches):
            if any(s.acquire for s in _enclosing(workflow, state.scope)):
                return True
    return False


def _enclosing(workflow: Workflow, scope_id: str) -> list[State]:
    """The states of this body and of every body around it."""
    out: list[State] = []
    current: str | None = scope_id
    while current is not None:
        scope = workflow.scopes[current]
        out += [workflow.states[n] for n in scope.states if n in workflow.states]
        owner = workflow.states.get(scope.owner) if scope.owner is not None else None
        current = owner.scope if owner is not None else None
    return out


def _reads_fork_data(workflow: Workflow, scope_id: str) -> bool:
    """Branches of one Parallel see the same data unless they change it (native ``set``; ASL rewrites
    its data at every state): then one placeholder has one value in every branch that keeps it."""
    if workflow.dialect is not Dialect.NATIVE:
        return False
    pending = [scope_id]
    while pending:
        for name in workflow.scopes[pending.pop()].states:
            state = workflow.states.get(name)
            if state is None:
                continue
            if state.assignments:
                return False
            pending += list(state.branches)
    return True


MAX_CONFLICTS = 16
MAX_CHAIN = 8


def ancestor_conflicts(facts: LockFacts) -> tuple[list[Conflict], bool]:
    """Bodies that wait for a lock an enclosing body holds across the fork (shortest chains first), and
    whether the search stopped at :data:`MAX_CONFLICTS` or at a nesting deeper than :data:`MAX_CHAIN`."""
    workflow = facts.workflow
    assert workflow is not None
    found: list[Conflict] = []
    seen: set[tuple[str, str, str]] = set()
    cut = False
    stack: list[tuple[str, list[tuple[str, Path]], list[tuple[str, str, str]], tuple[str, ...]]] = [("", [], [], ())]
    while stack:
        if len(found) >= MAX_CONFLICTS:
            cut = True
            break
        scope_id, chain, held_above, outer = stack.pop()
        name = holder_name(workflow, scope_id)
        for path in facts.paths(scope_id):
            held: list[str] = []
            for k, e in enumerate(path):
                if e.action == "timeout" and not _may_time_out(workflow, e, held_above):
                    break  # a lock timeout needs another holder of the lock
                if e.action == "acquire":
                    clash = next(((h, lk) for h, lk, _ in held_above if may_alias(lk, e.lock)), None)
                    if clash is not None:  # the body cannot get past this acquire: the rest of the path is moot
                        if (e.state, e.lock, clash[1]) not in seen:
                            seen.add((e.state, e.lock, clash[1]))
                            found.append(
                                Conflict(
                                    [*chain, (name, path[:k])],
                                    e.lock,
                                    clash[1],
                                    clash[0],
                                    e.timeout is not None,
                                    e,
                                    (*outer, scope_id),
                                )
                            )
                        if e.timeout is None or (clash[1] == e.lock and not is_template(e.lock)):
                            break  # it waits for good, or surely times out: the rest of this path is moot
                    held.append(e.lock)  # a timed acquire of a name that may differ goes on when it does
                elif e.action == "release" and e.lock in held:
                    held.remove(e.lock)
                elif e.action == "fork" and len(chain) >= MAX_CHAIN:
                    cut = True
                elif e.action == "fork":
                    above = held_above + [(name, lock, e.state) for lock in held]
                    for child in workflow.children(e.state):
                        stack.append((child.id, [*chain, (name, path[: k + 1])], above, (*outer, scope_id)))
    found.sort(key=lambda c: (c.timeout, len(c.chain)))
    return found, cut


def _may_time_out(workflow: Workflow, e: Event, held_above: list[tuple[str, str, str]]) -> bool:
    """Some other holder may hold the lock the event gives up on: an enclosing body, another copy of a
    repeated body around it (Map iterations, concurrent executions), or any state that acquires it."""
    if any(may_alias(lk, e.lock) for _, lk, _ in held_above):
        return True
    current: str | None = workflow.states[e.state].scope
    while current is not None:
        owner = workflow.scopes[current].owner
        if (owner is None and workflow.concurrent) or (owner and workflow.states[owner].kind is StateKind.MAP):
            return True
        current = workflow.states[owner].scope if owner else None
    return any(may_alias(a.lock, e.lock) for s in workflow.iter_states() if s.name != e.state for a in s.acquire)


def edge_events(path: Path, unstable: frozenset[str] = frozenset()) -> list[tuple[list[str], Event]]:
    """(locks held, acquire) for each acquire of a path, in order. A release of an ``unstable`` template
    at another state than its acquire may name another lock: the acquired one then counts as held."""
    held: list[tuple[str, str]] = []
    out = []
    for e in path:
        if e.action == "acquire":
            out.append(([lock for lock, _ in held], e))
            held.append((e.lock, e.state))
        elif e.action == "release":
            drop_released(held, e, unstable)
    return out


def drop_released(held: list[tuple[str, str]], e: Event, unstable: frozenset[str]) -> None:
    """Remove what a release frees from (lock, state that took it); keep a changing template's lock."""
    for i, (lock, at) in enumerate(held):
        if lock == e.lock:
            if lock not in unstable or at == e.state:
                del held[i]
            return
