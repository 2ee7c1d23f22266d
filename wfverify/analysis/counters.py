"""Which variables of a loop are counters, and what is known of them on the way in.

The facts a termination argument rests on, computed on the graph alone (no
solver), per *edge* rather than per state, because an assignment happens only
on some of a state's ways out:

* a task's ``set`` / ``Assign`` takes effect when it completes, never on its
  catchers' edges (the task failed); an ASL ``Assign`` inside a Choice rule or
  a Catch takes effect only on that edge (:meth:`State.assigned_on`);
* data that a state replaces wholesale (ASL ``ResultPath: "$"``, ``OutputPath``,
  a catcher's ``ResultPath``) or overwrites at a parent path is *clobbered*:
  whatever it was, it is now an outside answer;
* a declared input type holds only until something assigns the variable: a
  ``set`` may make it a fraction, a string, or ``null`` from absent data.

:func:`numeric_on_entry` is a must-analysis over the scope: a variable is a
number at a state when it is one on every edge into it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from wfverify.core.expr import Arith, Lit, Var
from wfverify.core.model import State, Transition, TransitionKind, Workflow

__all__ = [
    "Counter",
    "assigned_anywhere",
    "clobbers",
    "counters",
    "constant_on_entry",
    "every_cycle_updates",
    "numeric_on_entry",
    "step",
    "trusted_inputs",
]

Counter = tuple[int, set[tuple[str, str, int]]]  # direction, updating edges (source, target, transition index)


def step(var: str, expr: Any) -> int | None:
    """+1 / -1 when ``expr`` is ``var + c`` / ``c + var`` / ``var - c`` with a constant c != 0."""
    if not isinstance(expr, Arith) or expr.op not in "+-":
        return None
    path = _path(var)
    left_is_var = isinstance(expr.left, Var) and expr.left.path == path
    right_is_var = isinstance(expr.right, Var) and expr.right.path == path
    if left_is_var and (c := _const(expr.right)) is not None and c != 0:
        return (1 if c > 0 else -1) * (1 if expr.op == "+" else -1)
    if expr.op == "+" and right_is_var and (c := _const(expr.left)) is not None and c != 0:
        return 1 if c > 0 else -1
    return None


def _const(node: Any) -> float | None:
    ok = isinstance(node, Lit) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return float(node.value) if ok else None


def _path(var: str) -> tuple[str, ...]:
    return tuple(var.split("."))


def _is_number_literal(expr: Any) -> bool:
    return _const(expr) is not None


def clobbers(state: State, var: str, transition: Transition | None = None) -> bool:
    """The state replaces ``var`` with outside data (not through one of its own assignments).

    ASL variables (``$name``) change only through ``Assign``; data paths are
    lost when the state's output replaces its input, or when it writes the
    path or one of its parents. On a catcher's edge the catcher's own data
    effect applies.
    """
    path = _path(var)
    if path[0].startswith("$"):
        return False
    own = {_path(a.variable) for a in state.assignments}
    if transition is not None and transition.kind is TransitionKind.CATCH:
        catcher = state.catch[transition.index] if transition.index is not None else None
        if catcher is None:
            return False
        keeps, writes = catcher.keeps_input, catcher.writes
    else:
        if state.output_root is not None:
            return path[: len(state.output_root)] != state.output_root
        keeps, writes = state.keeps_input, state.writes
    if not keeps and path not in own:
        return True
    return any(w == path[: len(w)] and path not in own for w in writes if w)


def _edges(workflow: Workflow, members: set[str]) -> list[tuple[str, Transition]]:
    return [(n, t) for n in sorted(members) for t in workflow.states[n].transitions if t.target in members]


def _edge_id(source: str, t: Transition) -> tuple[str, str, int]:
    """A transition's identity: its source, its target, and its kind and index among the source's edges."""
    return (source, t.target, list(TransitionKind).index(t.kind) * 1000 + (t.index if t.index is not None else 999))


def counters(workflow: Workflow, members: set[str]) -> dict[str, Counter]:
    """Variables the cycle only ever moves one way: name -> (direction, edges that move it).

    A variable that some edge of the cycle assigns otherwise (a reset, data,
    an expression not expressible) or clobbers is not a counter.
    """
    found: dict[str, Counter] = {}
    spoiled: set[str] = set()
    for source, t in _edges(workflow, members):
        state = workflow.states[source]
        for a in state.assigned_on(t):
            direction = step(a.variable, a.expr)
            if direction is None or (a.variable in found and found[a.variable][0] != direction):
                spoiled.add(a.variable)
                continue
            found.setdefault(a.variable, (direction, set()))[1].add(_edge_id(source, t))
    for var in found:
        if any(clobbers(workflow.states[s], var, t) for s, t in _edges(workflow, members)):
            spoiled.add(var)
    return {k: v for k, v in found.items() if k not in spoiled}


def every_cycle_updates(workflow: Workflow, members: set[str], updating: set[tuple[str, str, int]]) -> bool:
    """Every cycle of ``members`` passes an updating edge (the other edges form no cycle)."""
    adj: dict[str, list[str]] = {n: [] for n in members}
    for source, t in _edges(workflow, members):
        if _edge_id(source, t) not in updating:
            adj[source].append(t.target)
    return not _cyclic(adj)


def _cyclic(adj: dict[str, list[str]]) -> bool:
    indeg = {n: 0 for n in adj}
    for n in adj:
        for m in adj[n]:
            indeg[m] += 1
    queue = deque(n for n, d in indeg.items() if d == 0)
    seen = 0
    while queue:
        n = queue.popleft()
        seen += 1
        for m in adj[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    return seen < len(adj)


def assigned_anywhere(workflow: Workflow) -> set[str]:
    """Variables some state (or rule, or catcher) assigns, or some state may overwrite with data."""
    out = {a.variable for s in workflow.iter_states() for a in s.assignments}
    for name in workflow.inputs:
        if any(clobbers(s, name) or any(clobbers(s, name, t) for t in s.transitions) for s in workflow.iter_states()):
            out.add(name)
    return out


def trusted_inputs(workflow: Workflow) -> dict[str, str]:
    """Declared input types that still hold everywhere: inputs nothing ever assigns or overwrites."""
    changed = assigned_anywhere(workflow)
    return {k: v for k, v in workflow.inputs.items() if k not in changed}


def _always_number(workflow: Workflow, var: str) -> bool:
    """Declared numeric, and every assignment anywhere keeps it a number (a literal or a step of itself)."""
    if workflow.inputs.get(var) not in ("int", "number"):
        return False
    if any(clobbers(s, var) or any(clobbers(s, var, t) for t in s.transitions) for s in workflow.iter_states()):
        return False
    return all(
        _is_number_literal(a.expr) or step(var, a.expr) is not None
        for s in workflow.iter_states()
        for a in s.assignments
        if a.variable == var
    )


def numeric_on_entry(workflow: Workflow, var: str, members: set[str]) -> bool:
    """``var`` is a number whenever the execution enters one of ``members``."""
    if _always_number(workflow, var):
        return True
    scope = workflow.scope_of(next(iter(members)))
    if scope.start not in workflow.states:
        return False  # a start naming no state (unknown-target): nothing is known on entry
    at_start = workflow.inputs.get(var) in ("int", "number")

    def transfer(state: State, t: Transition, before: Any) -> Any:
        if clobbers(state, var, t):
            return False
        value = before
        for a in state.assigned_on(t):
            if a.variable == var:
                value = _is_number_literal(a.expr) or (value and step(var, a.expr) is not None)
        return value

    known = _must(workflow, scope.id, scope.start, True, at_start, transfer, lambda x, y: x and y)
    return all(known.get(n, False) for n in members)


_UNSET, _VARIES = object(), object()


def constant_on_entry(workflow: Workflow, var: str, members: set[str]) -> float | None:
    """The one number ``var`` holds whenever the execution enters one of ``members``, if there is one.

    A Pass ``Result`` such as ``{"count": 0, "max": 5}`` sets ``max`` to 5; a
    copy of itself (``"max.$": "$.iterator.max"``) keeps it; anything else
    (other data, a clobbering state, two different values) makes it vary.
    """
    scope = workflow.scope_of(next(iter(members)))
    if scope.start not in workflow.states:
        return None
    path = _path(var)

    def transfer(state: State, t: Transition, before: Any) -> Any:
        if clobbers(state, var, t):
            return _VARIES
        value = before
        for a in state.assigned_on(t):
            if a.variable != var:
                continue
            if _is_number_literal(a.expr):
                value = float(a.expr.value)
            elif not (isinstance(a.expr, Var) and a.expr.path == path):
                value = _VARIES
        return value

    def meet(x: Any, y: Any) -> Any:
        return y if x is _UNSET else x if y is _UNSET or x == y else _VARIES

    known = _must(workflow, scope.id, scope.start, _UNSET, _VARIES, transfer, meet)
    values = {known.get(n, _VARIES) for n in members}
    value = values.pop() if len(values) == 1 else _VARIES
    return value if isinstance(value, float) else None


def _must(
    workflow: Workflow,
    scope: str,
    start: str,
    top: Any,
    at_start: Any,
    transfer: Callable[[State, Transition, Any], Any],
    meet: Callable[[Any, Any], Any],
) -> dict[str, Any]:
    """Forward must-analysis over one scope: the value on entry to each state reachable from ``start``."""
    from wfverify.analysis.graph import reachable

    live = reachable(workflow, workflow.scopes[scope], start)
    names = [n for n in workflow.scopes[scope].states if n in workflow.states and n in live]
    preds: dict[str, list[tuple[str, Transition]]] = {n: [] for n in names}
    for n in names:
        for t in workflow.states[n].transitions:
            if t.target in preds:
                preds[t.target].append((n, t))
    entry = dict.fromkeys(names, top)
    changed = True
    while changed:
        changed = False
        for n in names:
            value = at_start if n == start else top
            for p, t in preds[n]:
                value = meet(value, transfer(workflow.states[p], t, entry[p]))
            if value != entry[n]:
                entry[n], changed = value, True
    return entry
