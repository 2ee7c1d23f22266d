"""The lock-order graph over alias classes: the argument that covers every number of holders.

An edge ``A -> B`` when some holder acquires ``B`` while holding ``A``, where
"holding" includes what the enclosing bodies hold around the fork it runs in
(they hold it until the join). Nodes are alias classes
(:func:`wfverify.analysis.locks.names.alias_classes`). Every holder of a
deadlock waits for the next one's lock while holding its own (its own, or its
ancestor's, which the ancestor keeps until this holder ends): the holders'
locks form a cycle of this graph. No cycle, then, means no deadlock among any
number of Map iterations, executions and nested branches. A holder waiting
for the very lock it took itself is ``lock-reacquire``'s business, not an edge.
"""

from __future__ import annotations

from wfverify.analysis.locks.facts import LockFacts
from wfverify.analysis.locks.names import alias_classes, is_template, may_alias
from wfverify.analysis.locks.stable import unstable_templates
from wfverify.analysis.locks.threads import drop_released, edge_events

__all__ = ["class_map", "inherited_locks", "lock_order_cycle"]


def inherited_locks(facts: LockFacts) -> dict[str, set[str]]:
    """Scope -> locks that an enclosing body may hold while the scope runs."""
    workflow = facts.workflow
    assert workflow is not None
    unstable = unstable_templates(workflow)
    out: dict[str, set[str]] = {"": set()}
    pending = [""]
    while pending:
        scope_id = pending.pop()
        for path in facts.paths(scope_id):
            held: list[tuple[str, str]] = []
            for e in path:
                if e.action == "acquire":
                    held.append((e.lock, e.state))
                elif e.action == "release":
                    drop_released(held, e, unstable)
                elif e.action == "fork":
                    for child in workflow.children(e.state):
                        grown = out.get(child.id, set()) | out[scope_id] | {lock for lock, _ in held}
                        if child.id not in out or grown != out[child.id]:
                            out[child.id] = grown
                            pending.append(child.id)
    return out


def class_map(facts: LockFacts) -> dict[str, str]:
    names = {e.lock for paths in facts.scopes.values() for p in paths for e in p if e.lock}
    return alias_classes(names)


def lock_order_cycle(facts: LockFacts) -> list[str] | None:
    """A cycle of the lock-order graph (as alias-class representatives), or None.

    Nesting counts: a body holds what its enclosing bodies hold around its fork.
    A gate lock (a constant lock the acquiring holder itself holds at every
    ordering edge) makes every cycle through two or more holders infeasible.
    """
    cls = class_map(facts)
    inherited = inherited_locks(facts)
    assert facts.workflow is not None
    unstable = unstable_templates(facts.workflow)  # one template, two locks: r:{n}, then set n, r:{n}
    edges: set[tuple[str, str]] = set()
    guards: list[frozenset[str]] = []
    for scope_id, paths in facts.scopes.items():
        above = inherited.get(scope_id, set())
        for path in paths:
            for own, e in edge_events(path, unstable):
                held = [h for h in own if h != e.lock or h in unstable] + sorted(above)
                if not held:
                    continue
                edges.update((cls[h], cls[e.lock]) for h in held)
                guards.append(frozenset(h for h in own if not is_template(h)))
    if not edges or (guards and frozenset.intersection(*guards) and not _self_waits(facts, inherited)):
        return None
    import networkx as nx

    graph = nx.DiGraph(sorted(edges))  # sorted: the cycle reported (and checked) is the same on every run
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [a for a, _ in cycle]


def _self_waits(facts: LockFacts, inherited: dict[str, set[str]]) -> bool:
    """Some body acquires a lock that an enclosing body may hold (a gate does not help there)."""
    return any(
        may_alias(h, e.lock)
        for scope_id, paths in facts.scopes.items()
        for h in inherited.get(scope_id, set())
        for p in paths
        for e in p
        if e.action == "acquire"
    )
