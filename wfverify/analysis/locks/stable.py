"""Lock-name templates whose data may change while their holder runs.

The lock analyses name a data-named lock by its template: ``r:{n}`` acquired
at one state and ``r:{n}`` released at a later one are taken to be one lock,
and one holder's ``r:{n}`` has one value. That holds only while nothing
rewrites ``n``: after ``set: {n: "n + 1"}`` (or an ASL ``ResultPath``,
``Assign`` or ``OutputPath`` that replaces the data) the same template names
another lock. This module finds such *unstable* templates, coarsely and so
soundly: a template is unstable when any state of the workflow may write a
variable it reads, a parent or a part of it, or may replace the whole data.
The analyses then stop assuming one lock per template (no definite
reacquire, a self edge in the lock-order graph, and no ``proven`` from the
search when the template spans several states of one path).
"""

from __future__ import annotations

from wfverify.analysis.locks.names import PLACEHOLDER
from wfverify.core.expr import variables
from wfverify.core.exprparse import ExprError, parse
from wfverify.core.model import Workflow

__all__ = ["unstable_templates"]

DataPath = tuple[str, ...]


def unstable_templates(workflow: Workflow) -> frozenset[str]:
    return workflow.memo("locks.unstable", lambda: _compute(workflow))


def _compute(workflow: Workflow) -> frozenset[str]:
    names = {a.lock for s in workflow.iter_states() for a in s.acquire} | {
        r for s in workflow.iter_states() for r in s.release
    }
    templates = {n for n in names if PLACEHOLDER.search(n)}
    if not templates:
        return frozenset()
    written: set[DataPath] = set()
    replaced = False
    for state in workflow.iter_states():
        replaced |= not state.keeps_input or any(not c.keeps_input for c in state.catch)
        written.update(state.writes)
        written.update(w for c in state.catch for w in c.writes)
        written.update(tuple(a.variable.split(".")) for a in state.assignments)
    return frozenset(t for t in templates if replaced or _reads_any(t, written))


def _reads_any(template: str, written: set[DataPath]) -> bool:
    for m in PLACEHOLDER.finditer(template):
        try:
            read = variables(parse(m.group(1).strip()))
        except ExprError:
            return True  # cannot tell what it reads
        for path in read:
            if any(w[: len(path)] == path or path[: len(w)] == w for w in written):
                return True
    return False
