"""Path conditions: is a Choice's counterexample input possible, given what earlier Choices established?

:func:`wfverify.analysis.dataflow.facts_at` carries the conditions known to
hold when a Choice is entered (the rule taken by an earlier Choice, and the
earlier rules not taken, while their data is unchanged). A witness input that
contradicts them cannot reach the Choice: ``Run.Status == "COMPLETED"`` was
required on the only way in, so an input with another status is no
counterexample. Equalities are repaired (the field set to the value the path
requires); a witness that cannot be made consistent is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.core.expr import And, Cmp, Lit, Not, Var

__all__ = ["consistent_witness"]


def _holds(condition: Any, data: dict[str, Any]) -> bool | None:
    """True/False, or None when evaluating it would fail on an absent field."""
    try:
        return bool(evaluate(condition, data))
    except AbsentVariable:
        return None


def _force(condition: Any, data: dict[str, Any]) -> None:
    """Set the fields an (in)equality pins: ``a == "x"`` sets "x", ``not a == "x"`` another value of its type."""
    if isinstance(condition, And):
        for item in condition.items:
            _force(item, data)
    elif isinstance(condition, Cmp) and condition.op == "==":
        _set(condition.left, condition.right, data, same=True)
    elif isinstance(condition, Not) and isinstance(condition.item, Cmp) and condition.item.op == "==":
        _set(condition.item.left, condition.item.right, data, same=False)


def _set(var: Any, lit: Any, data: dict[str, Any], same: bool) -> None:
    if not (isinstance(var, Var) and isinstance(lit, Lit) and var.path):
        return
    value = lit.value
    if not same:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return
        value = f"{value}-other" if isinstance(value, str) else value + 1
    node = data
    for key in var.path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[var.path[-1]] = value


def consistent_witness(assumed: Iterable[Any], rules: list[Any], witness: dict[str, Any]) -> dict[str, Any] | None:
    """The witness, repaired to satisfy ``assumed``, if it still matches none of ``rules``; else ``None``."""
    held = list(assumed)
    if all(_holds(a, witness) for a in held):
        return witness
    import copy  # here: a witness is seldom repaired, and the module pulls in weakref

    repaired = copy.deepcopy(witness)
    for a in held:
        if not _holds(a, repaired):
            _force(a, repaired)
    if not all(_holds(a, repaired) for a in held):
        return None
    if any(_holds(rule, repaired) is not False for rule in rules):
        return None
    return repaired
