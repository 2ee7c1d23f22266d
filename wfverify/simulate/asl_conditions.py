"""ASL JSONPath Choice rules evaluated from their text, as the simulator reads every other field.

The loader's condition (:mod:`wfverify.core.expr`) cannot hold every operand the service reads: the
context object (``$$.Execution.Input.n``), an array element (``$.items[1]``), a variable set by
``Assign`` (``$limit``). Here each ``Variable`` and ``...Path`` operand is read with the simulator's
own JSONPath resolver, and the comparison itself is :func:`wfverify.core.evaluate.evaluate` on the
two values, so the comparison semantics stay those of the analyses (types must match, timestamps
compare by instant, doubles, ``StringMatches`` wildcards with ``\\*`` and ``\\\\`` escapes).
An absent operand raises :class:`~wfverify.core.evaluate.AbsentVariable` (``States.Runtime``);
``IsPresent`` never does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wfverify.core.evaluate import AbsentVariable, evaluate, json_type, parse_timestamp, wildcard_regex
from wfverify.core.expr import Cmp, Lit

__all__ = ["rule_holds"]

Read = Callable[[str], Any]


def rule_holds(rule: dict[str, Any], read: Read) -> bool:
    """The truth of one JSONPath choice rule; ``read`` resolves a path or raises KeyError when absent."""
    from wfverify.load.asl_choice import OPERATORS

    if "And" in rule:
        return all(rule_holds(item, read) for item in rule["And"])
    if "Or" in rule:
        return any(rule_holds(item, read) for item in rule["Or"])
    if "Not" in rule:
        return not rule_holds(rule["Not"], read)
    name = next(key for key in rule if key in OPERATORS)
    op, kind, with_path = OPERATORS[name]
    variable, operand = rule["Variable"], rule[name]
    if name == "IsPresent":
        return _present(variable, read) is bool(operand)
    value = _read(variable, read)
    if op == "is":
        holds = parse_timestamp(value) is not None if kind == "timestamp" else json_type(value) == kind
        return holds is bool(operand)
    if op == "matches":
        import re

        return isinstance(value, str) and re.fullmatch(wildcard_regex(operand), value, re.S) is not None
    other = _read(operand, read) if with_path else operand
    return evaluate(Cmp(op, Lit(value), Lit(other), kind), {})


def _read(path: str, read: Read) -> Any:
    try:
        return read(path)
    except (KeyError, IndexError) as exc:
        raise AbsentVariable(tuple(path.split("."))) from exc


def _present(path: str, read: Read) -> bool:
    try:
        read(path)
    except (KeyError, IndexError):
        return False
    return True
