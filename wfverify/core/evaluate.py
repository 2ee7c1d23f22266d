"""Reference evaluation of :mod:`wfverify.core.expr` conditions on concrete data.

Pure Python, no ``eval``. The Z3 encoding in :mod:`wfverify.analysis.smt.encode`
follows exactly these semantics, and every witness the solver produces is
replayed here before it is reported (the simulator may use it too).

Semantics (see :mod:`wfverify.core.expr`):

* A comparison on an absent or mistyped value is false (native rule). With
  ``Cmp.type is None`` both sides must be of the same JSON type; ``< <= > >=``
  order numbers and strings only; ``==``/``!=`` also work on booleans and
  null (``x != 5`` is *false* when ``x`` is a string).
* ``Var.absent_fails``: reading the variable while it is absent raises
  :class:`AbsentVariable` (ASL JSONPath Choice rules fail the execution with
  ``States.Runtime``; AWS documents ``IsPresent`` as the guard).
  ``Exists`` (``IsPresent``) never fails.
* ``And``/``Or`` evaluate left to right and stop at the first deciding item:
  the AWS Choice state page shows ``And: [IsPresent x, StringEquals x]`` as
  the way to read ``x`` only when present; ``Or`` is taken to behave alike.
* Timestamps are RFC 3339 strings (``T`` and a ``Z`` or offset required);
  they compare by instant, to the microsecond.
* Numbers are IEEE 754 doubles, as the service's engine compares them:
  ``10000000000000001 == 1e16`` holds, ``0.1 + 0.2 == 0.3`` does not.
  Integer arithmetic stays exact (and integer-valued) while every operand and
  the result fit in 53 bits, where it is identical to double arithmetic.

>>> from wfverify.core.expr import Cmp, Var, Lit
>>> evaluate(Cmp(">", Var(("order", "total")), Lit(1000)), {"order": {"total": 1500}})
True
>>> evaluate(Cmp(">", Var(("order", "total")), Lit(1000)), {"order": {"total": "1500"}})
False
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from wfverify.core.expr import And, Arith, Cmp, Exists, Expr, In, IsType, Lit, Matches, Not, Opaque, Or, Var

__all__ = [
    "AbsentVariable",
    "UNDEFINED",
    "arithmetic",
    "evaluate",
    "json_type",
    "lookup",
    "parse_timestamp",
    "put",
    "present",
    "to_double",
]

_MISSING = object()
#: The value of an expression that has none (absent variable, arithmetic on a non-number).
UNDEFINED = object()

_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


class AbsentVariable(Exception):
    """An ``absent_fails`` variable was read while absent (ASL ``States.Runtime``)."""

    def __init__(self, path: tuple[str, ...]) -> None:
        super().__init__(".".join(path))
        self.path = path


def lookup(data: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` or the private missing marker."""
    cur = data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return _MISSING
        cur = cur[key]
    return cur


def present(data: Any, path: tuple[str, ...]) -> bool:
    """True when ``path`` names a value in ``data``."""
    return lookup(data, path) is not _MISSING


def put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set the value at a (non-empty) path, making the objects on the way (replacing non-objects)."""
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def json_type(value: Any) -> str:
    """``null``, ``boolean``, ``number``, ``string``, ``object``, ``array`` or ``undefined``."""
    if value is UNDEFINED or value is _MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def parse_timestamp(value: Any) -> int | None:
    """Microseconds since the epoch of an RFC 3339 string, None when it is not one."""
    if not isinstance(value, str) or not _TS.match(value):
        return None
    text = value.replace("Z", "+00:00")
    frac = re.search(r"\.(\d+)", text)
    if frac:  # Python keeps microseconds: cut longer fractions
        text = text.replace(frac.group(0), "." + frac.group(1)[:6].ljust(6, "0"))
    from datetime import UTC, datetime  # only timestamps need it

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _value(node: Expr, data: Any) -> Any:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Var):
        found = lookup(data, node.path)
        if found is _MISSING:
            if node.absent_fails:
                raise AbsentVariable(node.path)
            return UNDEFINED
        return found
    if isinstance(node, Arith):
        left, right = _value(node.left, data), _value(node.right, data)
        if json_type(left) != "number" or json_type(right) != "number":
            return UNDEFINED
        return arithmetic(node.op, left, right)
    return evaluate(node, data)


_EXACT = 2**53  # every integer of magnitude up to this is a double


def to_double(value: int | float) -> float:
    """The double a JSON number denotes (an integer too large for a double is infinite)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def arithmetic(op: str, left: int | float, right: int | float) -> int | float:
    """``left op right`` in double arithmetic; integer-valued while that is exact."""
    if isinstance(left, int) and isinstance(right, int) and abs(left) <= _EXACT and abs(right) <= _EXACT:
        exact = {"+": left + right, "-": left - right, "*": left * right}[op]
        if abs(exact) <= _EXACT:
            return exact
    a, b = to_double(left), to_double(right)
    return {"+": a + b, "-": a - b, "*": a * b}[op]


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


#: Operand types a comparison can pin (``Cmp.type``); any other compares values of the same type.
_PINNED = frozenset(("number", "string", "boolean"))


def _compare(op: str, kind: str | None, left: Any, right: Any) -> bool:
    lt, rt = json_type(left), json_type(right)
    if kind == "timestamp":
        a, b = parse_timestamp(left), parse_timestamp(right)
        return a is not None and b is not None and _ORDER[op](a, b)
    wanted = kind if kind in _PINNED else lt
    if lt != wanted or rt != wanted or lt in ("undefined", "object", "array"):
        return False
    if op not in ("==", "!=") and lt not in ("number", "string"):
        return False
    if lt == "number":
        return bool(_ORDER[op](to_double(left), to_double(right)))
    return bool(_ORDER[op](left, right))


def _same(value: Any, lit: Any) -> bool:
    if json_type(value) != json_type(lit):
        return False
    return to_double(value) == to_double(lit) if json_type(lit) == "number" else bool(value == lit)


@functools.lru_cache(maxsize=1024)
def wildcard_regex(pattern: str) -> str:
    """The Python regex of an ASL ``StringMatches`` pattern (``*`` any run, ``\\*`` a star)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    return "".join(out)


def evaluate(node: Expr, data: Any) -> bool:
    """The truth of a condition on ``data``; raises :class:`AbsentVariable` (ASL)."""
    if isinstance(node, And):
        return all(evaluate(item, data) for item in node.items)  # all() stops early
    if isinstance(node, Or):
        return any(evaluate(item, data) for item in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, data)
    if isinstance(node, Cmp):
        return _compare(node.op, node.type, _value(node.left, data), _value(node.right, data))
    if isinstance(node, In):
        value = _value(node.item, data)
        return any(_same(value, lit.value) for lit in node.values)
    if isinstance(node, Exists):
        return lookup(data, node.var.path) is not _MISSING
    if isinstance(node, IsType):
        value = _value(node.var, data)
        if node.type == "timestamp":
            holds = parse_timestamp(value) is not None
        else:
            holds = json_type(value) == node.type
        return holds == node.expected
    if isinstance(node, Matches):
        value = _value(node.var, data)
        return isinstance(value, str) and re.fullmatch(wildcard_regex(node.pattern), value, re.S) is not None
    if isinstance(node, Var):
        return _value(node, data) is True
    if isinstance(node, Lit):
        return node.value is True
    if isinstance(node, Opaque):
        raise ValueError(f"cannot evaluate an opaque condition: {node.text}")
    raise TypeError(f"not a condition node: {node!r}")


def value_of(node: Expr, data: Any) -> Any:
    """The value of a value expression (literal, variable, arithmetic); ``UNDEFINED`` when absent or mistyped."""
    return _value(node, data)
