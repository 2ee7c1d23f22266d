"""Dialect-neutral condition and value expressions (the AST).

Native ``EXPR`` strings, ASL Choice rules and the supported subset of JSONata
conditions all become these nodes, so the Z3 encoding and the simulator deal
with one language. Nothing here evaluates Python code; the native parser lives
in :mod:`wfverify.core.exprparse`.

Semantics shared by every consumer:

* ``Var.path`` is a tuple of keys from the data root (``order.total`` ->
  ``("order", "total")``; ASL ``$.order.total`` likewise).
* A comparison on an absent or mistyped value is false. Where the dialect
  fails the execution instead (ASL JSONPath Choice rules read an absent
  ``Variable`` as a ``States.Runtime`` error), the variable has
  ``absent_fails=True``.
* ``Cmp.type`` pins the operand type the dialect compares with (ASL
  ``NumericEquals`` is ``"number"``, ``StringLessThan`` ``"string"``,
  ``TimestampEquals`` ``"timestamp"``); ``None`` means the native rule: both
  sides must have the same type (numbers together, strings together, ...).
"""

from __future__ import annotations

from typing import Any

from wfverify.core.records import dataclass

__all__ = [
    "And",
    "Arith",
    "Cmp",
    "Exists",
    "Expr",
    "In",
    "IsType",
    "Lit",
    "Matches",
    "Not",
    "Opaque",
    "Or",
    "Var",
    "variables",
]


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any  # int, float, str, bool, None


@dataclass(frozen=True, slots=True)
class Var:
    path: tuple[str, ...]
    absent_fails: bool = False

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str  # == != < <= > >=
    left: Expr
    right: Expr
    type: str | None = None  # number, string, boolean, timestamp or None (same-type rule)


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # + - *
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Expr


@dataclass(frozen=True, slots=True)
class In:
    item: Expr
    values: tuple[Lit, ...]


@dataclass(frozen=True, slots=True)
class Exists:
    var: Var


@dataclass(frozen=True, slots=True)
class IsType:
    """ASL ``IsNull``/``IsNumeric``/``IsString``/``IsBoolean``/``IsTimestamp``."""

    var: Var
    type: str  # null, number, string, boolean, timestamp
    expected: bool = True  # IsNumeric: false means "is not numeric"


@dataclass(frozen=True, slots=True)
class Matches:
    """ASL ``StringMatches``: ``*`` is a wildcard, ``\\*`` a literal star."""

    var: Var
    pattern: str


@dataclass(frozen=True, slots=True)
class Opaque:
    """A condition the model cannot express (an arbitrary JSONata expression):
    analyses treat it as an unknown boolean."""

    text: str


Expr = Lit | Var | Cmp | Arith | And | Or | Not | In | Exists | IsType | Matches | Opaque


def variables(node: Expr) -> set[tuple[str, ...]]:
    """Every variable path an expression reads."""
    out: set[tuple[str, ...]] = set()
    stack: list[Any] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            out.add(n.path)
        elif isinstance(n, (Cmp, Arith)):
            stack += [n.left, n.right]
        elif isinstance(n, (And, Or)):
            stack += list(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, In):
            stack.append(n.item)
        elif isinstance(n, (Exists, IsType, Matches)):
            out.add(n.var.path)
    return out
