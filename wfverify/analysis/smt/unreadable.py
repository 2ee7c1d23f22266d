"""Comparisons with values the model cannot read, for the solver-free decision procedure.

``$$.Execution.Input.quorum`` (the context object) or ``$[0].isValid`` (an
array index on the input) name values the choice model does not follow. The
solver's encoding (:mod:`wfverify.analysis.smt.encode`) takes such a value as
any JSON value that may also fail to read, the same value for equal texts. The
decision procedure does the same with a stand-in variable: a top-level key no
JSON input can have, which the representatives then range over like any other
variable (absent included: its read fails). Answers that name inputs are not
witnesses then (the value is not the input's), and the stand-ins are taken out
of every input shown.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.expr import And, Cmp, Expr, Not, Opaque, Or, Var

__all__ = ["lift_unreadable", "without_stand_ins"]

#: First characters of a stand-in variable's key (a NUL: no key of a JSON input the rules read).
_STAND_IN = "\x00unreadable:"


def lift_unreadable(node: Expr) -> Expr:
    """The condition with every compared unreadable value replaced by its stand-in variable (the
    condition itself when it compares none: most do, and a copy would be compared with it again)."""
    if isinstance(node, (And, Or)):
        items = tuple(lift_unreadable(i) for i in node.items)
        return node if all(a is b for a, b in zip(items, node.items)) else type(node)(items)
    if isinstance(node, Not):
        item = lift_unreadable(node.item)
        return node if item is node.item else Not(item)
    if isinstance(node, Cmp) and (isinstance(node.left, Opaque) or isinstance(node.right, Opaque)):
        left, right = (_stand_in(side) for side in (node.left, node.right))
        return Cmp(node.op, left, right, node.type)
    return node


def _stand_in(side: Expr) -> Expr:
    return Var((_STAND_IN + side.text,), True) if isinstance(side, Opaque) else side


def without_stand_ins(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """An input with the stand-in variables taken out."""
    return None if data is None else {k: v for k, v in data.items() if not k.startswith(_STAND_IN)}
