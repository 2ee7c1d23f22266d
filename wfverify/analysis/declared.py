"""Which declared input types still hold where a Choice reads them.

A workflow may declare the types of its execution input (native ``input:``, or
a sidecar's ``input`` for ASL). Those types describe the data when the run
starts; the choice proofs may rely on them only where nothing since can have
changed the value. This module is deliberately coarse, so that it is sound: a
declared type is dropped when *any* state of the workflow may rewrite that
variable, a parent of it or a part of it (a native ``set``, an ASL ``Assign``,
a ResultPath, a catcher's result), when any state may replace the whole data
(ASL ``ResultPath: "$"``, ``OutputPath``), or when the Choice sits in a Map
iteration, whose data is the item rather than the execution input. Dropping a
type can only turn a ``proven`` into ``violated`` or ``unknown``, never the
other way round.
"""

from __future__ import annotations

from wfverify.core.model import State, Workflow

__all__ = ["declared_types_at"]

Path = tuple[str, ...]


def declared_types_at(workflow: Workflow, state: State) -> dict[str, str]:
    """The declared input types that certainly still hold when ``state`` reads its data."""
    if not workflow.inputs or _in_an_iteration(workflow, state):
        return {}
    written: set[Path] = set()
    for other in workflow.iter_states():
        if not other.keeps_input or any(not c.keeps_input for c in other.catch):
            return {}
        written.update(other.writes)
        written.update(w for c in other.catch for w in c.writes)
        written.update(_path(a.variable) for a in other.assignments)
    return {name: kind for name, kind in workflow.inputs.items() if not _touched(_path(name), written)}


def _path(variable: str) -> Path:
    return tuple(variable.split("."))


def _touched(path: Path, written: set[Path]) -> bool:
    """A write to the path itself, to a parent (replacing it) or to a part of it (changing its type)."""
    return any(w[: len(path)] == path or path[: len(w)] == w for w in written)


def _in_an_iteration(workflow: Workflow, state: State) -> bool:
    scope = workflow.scope_of(state.name)
    while scope.owner is not None:
        if scope.kind == "iterator":
            return True
        scope = workflow.scope_of(scope.owner)
    return False
