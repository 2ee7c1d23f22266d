"""Which declared input types still hold where a Choice reads them.

A workflow may declare the types of its execution input (native ``input:``, or
a sidecar's ``input`` for ASL). Those types describe the data when the run
starts; the choice proofs may rely on them only where nothing since can have
changed the value. This module is deliberately coarse, so that it is sound: a
declared type is dropped when *any* state of the workflow may rewrite that
variable, a parent of it or a part of it (a native ``set``, an ASL ``Assign``,
a ResultPath, a catcher's result; a ResultPath that is not a plain path
drops every type), when any state may replace the whole data
(ASL ``ResultPath: "$"``, ``OutputPath``), or when the Choice sits in a Map
iteration, whose data is the item rather than the execution input; a Choice's
own ``InputPath`` moves them (``$.order`` makes ``order.total`` ``total``). Dropping a
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
        targets = _result_targets(other)
        if targets is None:
            return {}
        written.update(targets)
        written.update(other.writes)
        written.update(w for c in other.catch for w in c.writes)
        written.update(_path(a.variable) for a in other.assignments)
    kept = {name: kind for name, kind in workflow.inputs.items() if not _touched(_path(name), written)}
    return _below_input_path(state, kept)


def _below_input_path(state: State, types: dict[str, str]) -> dict[str, str]:
    """The types as the state reads its data: below its ``InputPath`` (none when that is not a plain path)."""
    from wfverify.analysis.dataflow import input_root

    root = input_root(state)
    if root is None:
        return {}
    n = len(root)
    return {
        ".".join(p[n:]): k for p, k in ((_path(name), k) for name, k in types.items()) if len(p) > n and p[:n] == root
    }


def _result_targets(state: State) -> list[Path] | None:
    """Where the state's and its catchers' ``ResultPath`` write, read from the text itself (``$['a']``
    too); None when one is not a plain path, so that the write could land anywhere."""
    from wfverify.analysis.dataflow import simple_keys

    out = []
    for p in state.paths:
        if p.pointer.endswith("/ResultPath"):
            keys = simple_keys(p.text)
            if keys is None:
                return None
            out.append(keys)
    return out


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
