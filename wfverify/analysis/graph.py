"""Graph algorithms on the workflow model.

Reachability and the "can reach an end" sets are plain breadth-first searches
over the model's adjacency and strongly connected components are Tarjan's
algorithm, so checking a file never imports networkx (90 ms of start-up);
only the exported view (:func:`to_networkx`) uses it, imported on first use.

Scopes are analysed separately: a parallel branch or map iterator is a state
machine of its own, entered when its owner is entered and left through its
``end`` states and terminal states.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from wfverify.core.model import Scope, State, StateKind, TransitionKind, Workflow

__all__ = [
    "exits_scope",
    "has_cycle",
    "reachable",
    "reachable_states",
    "reaches_exit",
    "sccs",
    "successors_in_scope",
    "to_networkx",
]


def successors_in_scope(workflow: Workflow, name: str) -> list[str]:
    """Targets of a state's transitions that exist in its scope (unknown targets dropped)."""
    return list(_successors(workflow)[name])


def _successors(workflow: Workflow) -> dict[str, tuple[str, ...]]:
    """state name -> :func:`successors_in_scope`, worked out once per workflow for the searches below."""

    def compute() -> dict[str, tuple[str, ...]]:
        states = workflow.states
        out = {}
        for name, state in states.items():
            scope = state.scope
            out[name] = tuple(
                t.target for t in state.transitions if t.target in states and states[t.target].scope == scope
            )
        return out

    return workflow.memo("graph.successors", compute)


def exits_scope(state: State) -> bool:
    """True when the state can end its scope: ``end: true``, succeed or fail."""
    return state.end or state.kind in (StateKind.SUCCEED, StateKind.FAIL)


def reachable(workflow: Workflow, scope: Scope, start: str | None = None) -> set[str]:
    """States of one scope entered from its start (or ``start``), by breadth-first search."""
    first = start or scope.start
    if first not in workflow.states or workflow.states[first].scope != scope.id:
        return set()
    successors = _successors(workflow)
    seen = {first}
    queue = deque([first])
    while queue:
        for nxt in successors[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def reachable_states(workflow: Workflow) -> set[str]:
    """Every state entered on some path from the workflow's start, nested bodies included.

    A branch or iterator body is entered when its owner is reachable.
    """

    def compute() -> set[str]:
        seen: set[str] = set()
        pending = [workflow.root]
        while pending:
            scope = pending.pop()
            found = reachable(workflow, scope)
            seen |= found
            for name in found:
                if workflow.states[name].branches:
                    pending.extend(workflow.children(name))
        return seen

    return workflow.memo("graph.reachable_states", compute)


def reaches_exit(workflow: Workflow, scope: Scope) -> set[str]:
    """States of the scope from which some path leaves the scope (backward search from exits)."""
    names = [n for n in scope.states if n in workflow.states and workflow.states[n].scope == scope.id]
    successors = _successors(workflow)
    preds: dict[str, list[str]] = {n: [] for n in names}
    for n in names:
        for m in successors[n]:
            preds[m].append(n)
    good = {n for n in names if exits_scope(workflow.states[n])}
    queue = deque(good)
    while queue:
        for p in preds[queue.popleft()]:
            if p not in good:
                good.add(p)
                queue.append(p)
    return good


def has_cycle(workflow: Workflow, names: Iterable[str]) -> bool:
    """Does the subgraph on ``names`` contain a cycle? (iterative colouring DFS, no networkx)"""
    members = set(names)
    successors = _successors(workflow)
    colour: dict[str, int] = {}
    for root in members:
        if root in colour:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(successors[root]))]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            advanced = False
            for nxt in it:
                if nxt not in members:
                    continue
                if colour.get(nxt) == 1:
                    return True
                if nxt not in colour:
                    colour[nxt] = 1
                    stack.append((nxt, iter(successors[nxt])))
                    advanced = True
                    break
            if not advanced:
                colour[node] = 2
                stack.pop()
    return False


def sccs(workflow: Workflow, scope: Scope) -> list[set[str]]:
    """Non-trivial strongly connected components of a scope (cycles), in a stable order.

    Tarjan's algorithm, iterative, in pure Python: importing networkx for this
    alone would cost more start-up time than checking a typical file. Worked out
    once per scope (several rules ask); each call gets sets of its own.
    """
    found = workflow.memo(f"graph.sccs.{scope.id}", lambda: _cycles(workflow, scope))
    return [set(c) for c in found]


def _cycles(workflow: Workflow, scope: Scope) -> tuple[frozenset[str], ...]:
    names = [n for n in scope.states if n in workflow.states and workflow.states[n].scope == scope.id]
    members = set(names)
    successors = _successors(workflow)
    edges = {n: [m for m in successors[n] if m in members] for n in names}
    looping = _on_or_after_cycles(names, edges)
    if not looping:
        return ()
    names = [n for n in names if n in looping]
    edges = {n: [m for m in edges[n] if m in looping] for n in names}
    comps = [c for c in _tarjan(names, edges) if len(c) > 1 or any(n in edges[n] for n in c)]
    order = {n: i for i, n in enumerate(names)}
    return tuple(frozenset(c) for c in sorted(comps, key=lambda c: min(order[n] for n in c)))


def _on_or_after_cycles(names: list[str], edges: dict[str, list[str]]) -> set[str]:
    """The states a topological sort cannot remove: those on a cycle or reached from one.

    Most scopes have no cycle, and this (Kahn's algorithm) says so more cheaply than Tarjan's. The cycles
    of what remains are the cycles of the whole: a cycle's states each keep an edge from the cycle."""
    indegree = dict.fromkeys(names, 0)
    for n in names:
        for m in edges[n]:
            indegree[m] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    while ready:
        for m in edges[ready.pop()]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    return {n for n, d in indegree.items() if d > 0}


def _tarjan(names: list[str], edges: dict[str, list[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    for root in names:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = edges[node]
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = set()
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.add(top)
                    if top == node:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


_F = TypeVar("_F")


def forward_facts(
    workflow: Workflow,
    start: Callable[[Scope, dict[str, _F]], _F | None],
    edges: Callable[[State, _F], Iterable[tuple[str, _F]]],
    meet: Callable[[_F, _F], _F],
) -> dict[str, _F]:
    """Facts on entry to every state, by a forward worklist fixpoint per scope, outer scopes first.

    ``start(scope, facts so far)`` gives the facts at the scope's start (a body starts from its owner's
    entry facts; ``None`` skips the scope), ``edges(state, facts)`` the facts carried along each way
    out of it, and ``meet`` joins the facts of two ways into one state. The data-flow analyses
    (:mod:`~wfverify.analysis.dataflow`, :mod:`~wfverify.analysis.known`) differ only in these three.
    """
    facts: dict[str, _F] = {}
    for scope in sorted(workflow.scopes.values(), key=lambda s: len(s.id)):
        if scope.start not in workflow.states:
            continue
        first = start(scope, facts)
        if first is None:
            continue
        entry: dict[str, _F | None] = {n: None for n in scope.states}
        entry[scope.start] = first
        queue = deque([scope.start])
        while queue:
            name = queue.popleft()
            here = entry.get(name)
            if here is None:
                continue
            for target, out in edges(workflow.states[name], here):
                if target not in entry:
                    continue
                old = entry[target]
                new = out if old is None else meet(old, out)
                if new != old:
                    entry[target] = new
                    queue.append(target)
        facts.update({n: f for n, f in entry.items() if f is not None})
    return facts


def to_networkx(workflow: Workflow) -> Any:
    """The whole workflow as a ``networkx.MultiDiGraph``, built once per workflow.

    One node per state, edges labelled by kind. Entering a branch or iterator is
    an edge of kind ``branch`` / ``iteration`` from the owner to the body's
    start; leaving it is an edge of kind ``join`` from each state that ends the
    body to the owner's ``next``. networkx is imported here, not at start-up.
    """
    return workflow.memo("networkx", lambda: _build_networkx(workflow))


def _build_networkx(workflow: Workflow) -> Any:
    import networkx as nx

    g = nx.MultiDiGraph(name=workflow.name)
    for s in workflow.iter_states():
        g.add_node(s.name, kind=s.kind.value, scope=s.scope, pointer=s.pointer)
    for s in workflow.iter_states():
        for t in s.transitions:
            if t.target in workflow.states:
                g.add_edge(s.name, t.target, kind=t.kind.value, index=t.index, errors=t.errors, label=t.label)
        for body in workflow.children(s.name):
            kind = "iteration" if body.kind == "iterator" else "branch"
            if body.start in workflow.states:
                g.add_edge(s.name, body.start, kind=kind)
            for n in body.states:
                inner = workflow.states.get(n)
                if inner is not None and inner.scope == body.id and exits_scope(inner) and inner.kind != StateKind.FAIL:
                    for t in s.transitions:
                        if t.kind == TransitionKind.NEXT:
                            g.add_edge(n, t.target, kind="join")
    return g
