"""Which data paths are certainly present when a state is entered (a must-analysis).

Choice analyses must not warn that ``$.status.status`` "may be absent" when
the task just before wrote it through ``ResultSelector`` and ``ResultPath``.
Each state says, in the model, what it writes (:attr:`State.writes`) and
whether its input survives (:attr:`State.keeps_input`); catchers say the same
for the data they hand on. Facts flow along transitions and are intersected
where paths meet (only what holds on every way in counts), iterated to a
fixpoint per scope. A nested body starts from nothing: its input is an item
or a copy whose shape the model does not know.
"""

from __future__ import annotations

from collections import deque

from wfverify.core.model import TransitionKind, Workflow

__all__ = ["present_at"]

Facts = frozenset[tuple[str, ...]]


def _variables(facts: Facts) -> Facts:
    return frozenset(p for p in facts if p and p[0].startswith("$"))


def _after(
    facts: Facts, keeps: bool, writes: tuple[tuple[str, ...], ...], root: tuple[str, ...] | None = None
) -> Facts:
    out = (facts if keeps else _variables(facts)) | frozenset(writes)
    if root is None:
        return out
    n = len(root)
    return _variables(out) | frozenset(p[n:] for p in out if p[:n] == root and len(p) > n)


def present_at(workflow: Workflow) -> dict[str, Facts]:
    """state name -> paths certainly present on entry (memoized per workflow)."""
    return workflow.memo("dataflow.present", lambda: _compute(workflow))


def _compute(workflow: Workflow) -> dict[str, Facts]:
    facts: dict[str, Facts] = {}
    for scope in workflow.scopes.values():
        if scope.start not in workflow.states:
            continue
        entry: dict[str, Facts | None] = {n: None for n in scope.states}
        entry[scope.start] = frozenset()
        queue = deque([scope.start])
        while queue:
            name = queue.popleft()
            state = workflow.states[name]
            here = entry.get(name)
            if here is None:
                continue
            catchers = {c.pointer: c for c in state.catch}
            for t in state.transitions:
                if t.target not in entry:
                    continue
                if t.kind is TransitionKind.CATCH:
                    c = catchers.get(t.pointer.rsplit("/", 1)[0])
                    out = _after(here, c.keeps_input, c.writes) if c else _variables(here)
                else:
                    out = _after(here, state.keeps_input, state.writes, state.output_root)
                old = entry[t.target]
                new = out if old is None else old & out
                if new != old:
                    entry[t.target] = new
                    queue.append(t.target)
        facts.update({n: f for n, f in entry.items() if f is not None})
    return facts
