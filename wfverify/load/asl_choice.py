"""ASL Choice rules -> :mod:`wfverify.core.expr` conditions, with their structural checks.

A JSONPath rule is ``Variable`` plus exactly one comparison operator, or one
of ``And``/``Or`` (non-empty lists of rules) / ``Not`` (one rule). Top-level
rules carry ``Next``; nested ones must not. A JSONata rule is a ``Condition``.

Semantics follow the Step Functions documentation: the rule's ``Variable`` is
read first, and an absent variable fails the execution (``States.Runtime``),
so every variable gets ``absent_fails=True``; a value of the wrong type makes
the comparison false; the ``...Path`` operators compare two variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from wfverify.core.expr import And, Cmp, Exists, Expr, IsType, Lit, Matches, Not, Opaque, Or, Var
from wfverify.load.asl_paths import check_jsonata, check_reference_path
from wfverify.load.jsonpos import escape

__all__ = ["convert_rule", "OPERATORS", "path_keys", "path_to_var", "rule_paths"]

_OPS = {"Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">="}
_TYPES: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "String": ("string", str),
    "Numeric": ("number", (int, float)),
    "Boolean": ("boolean", bool),
    "Timestamp": ("timestamp", str),
}
#: operator name -> (comparison op or special, operand type, value compared with a path?)
OPERATORS: dict[str, tuple[str, str, bool]] = {}
for _prefix, (_type, _) in _TYPES.items():
    for _name, _op in _OPS.items():
        if _prefix == "Boolean" and _name != "Equals":
            continue
        OPERATORS[f"{_prefix}{_name}"] = (_op, _type, False)
        OPERATORS[f"{_prefix}{_name}Path"] = (_op, _type, True)
OPERATORS["StringMatches"] = ("matches", "string", False)
for _t, _kind in (
    ("Null", "null"),
    ("Present", "present"),
    ("Numeric", "number"),
    ("String", "string"),
    ("Boolean", "boolean"),
    ("Timestamp", "timestamp"),
):
    OPERATORS[f"Is{_t}"] = ("is", _kind, False)

#: The fields a nested choice rule may have; a top-level one may also have Next and Assign.
_NESTED_FIELDS = frozenset({"Variable", "Comment", *OPERATORS, "And", "Or", "Not"})
_TOP_FIELDS = _NESTED_FIELDS | {"Next", "Assign"}
#: operand type -> the Python types of a literal it compares with
_LITERAL_TYPES = {kind: types for kind, types in _TYPES.values()}

Report = Callable[[str, str, str], None]  # (message, pointer, rule name)


def path_to_var(path: str) -> Var | None:
    """``$.order.total`` -> Var(("order", "total")); ``$$``/``$var``/filters -> None (opaque)."""
    parts = path_keys(path)
    return Var(parts, absent_fails=True) if parts is not None else None


@lru_cache(maxsize=4096)
def path_keys(path: str) -> tuple[str, ...] | None:
    """The keys of a data path (``$.order.total`` -> ``("order", "total")``), else ``None``.

    Read once per string: a Task's ``ResultPath`` is asked for by several facts of the model.
    """
    if not path.startswith("$.") and path != "$":
        return None
    parts: list[str] = []
    for piece in path[2:].replace("[", ".[").split(".") if path != "$" else []:
        if not piece:
            continue
        if piece.startswith("["):
            inner = piece.strip("[]").strip("'\"")
            parts.append(inner)
        else:
            parts.append(piece)
    return tuple(parts)


_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)")


def _operand_var(path: str) -> Any:
    """A data path, or a workflow variable ``$name.a.b`` (as ``Assign`` records it: ``("$name", "a", "b")``)."""
    var = path_to_var(path)
    if var is None and (m := _VARIABLE.fullmatch(path)):
        var = Var((f"${m.group(1)}", *[k for k in m.group(2).split(".") if k]), absent_fails=True)
    return var if var is not None else Opaque(path)


def convert_rule(rule: Any, pointer: str, top: bool, jsonata: bool, report: Report) -> Expr | None:
    """Check one rule and return its condition (``None`` when it is malformed)."""
    if not isinstance(rule, dict):
        report("a choice rule must be a mapping", pointer, "schema-violation")
        return None
    if top and "Next" not in rule:
        report("a choice rule needs 'Next' naming the state to go to", pointer, "schema-violation")
    if jsonata:
        return _jsonata_rule(rule, pointer, top, report)
    allowed = _TOP_FIELDS if top else _NESTED_FIELDS
    for key in rule:
        if key not in allowed:
            hint = " (only top-level rules take Next)" if key in ("Next", "Assign") else ""
            hint = hint or (" (a JSONata 'Condition' needs QueryLanguage JSONata)" if key == "Condition" else "")
            report(f"unknown field '{key}' in a choice rule{hint}", f"{pointer}/{escape(key)}", "schema-violation")
    combinators = [k for k in ("And", "Or", "Not") if k in rule]
    operators = [k for k in rule if k in OPERATORS]
    if combinators and (operators or "Variable" in rule):
        report(
            "a choice rule is either a comparison (Variable + operator) or And/Or/Not, not both",
            pointer,
            "schema-violation",
        )
        return None
    if len(combinators) > 1:
        report(f"a choice rule takes one of And, Or, Not; found {', '.join(combinators)}", pointer, "schema-violation")
        return None
    if combinators:
        return _combinator(rule, combinators[0], pointer, report)
    return _comparison(rule, operators, pointer, report)


def _jsonata_rule(rule: dict[str, Any], pointer: str, top: bool, report: Report) -> Expr | None:
    for key in rule:
        if key not in ("Condition", "Next", "Assign", "Output", "Comment"):
            report(
                f"unknown field '{key}' in a JSONata choice rule (use 'Condition')",
                f"{pointer}/{escape(key)}",
                "schema-violation",
            )
    cond = rule.get("Condition")
    if cond is None:
        report("a JSONata choice rule needs 'Condition'", pointer, "schema-violation")
        return None
    if isinstance(cond, bool):
        return Lit(cond)
    if not isinstance(cond, str):
        report("'Condition' must be a {% JSONata %} string or a boolean", f"{pointer}/Condition", "schema-violation")
        return None
    if check_jsonata(cond) is not None:
        return None  # reported by invalid-path from the model's paths
    return Opaque(cond.strip()[2:-2].strip())


def _combinator(rule: dict[str, Any], key: str, pointer: str, report: Report) -> Expr | None:
    value = rule[key]
    where = f"{pointer}/{key}"
    if key == "Not":
        inner = convert_rule(value, where, False, False, report)
        return Not(inner) if inner is not None else None
    if not isinstance(value, list) or not value:
        report(f"'{key}' takes a non-empty list of choice rules", where, "schema-violation")
        return None
    items = [convert_rule(item, f"{where}/{i}", False, False, report) for i, item in enumerate(value)]
    if any(i is None for i in items):
        return None
    return And(tuple(items)) if key == "And" else Or(tuple(items))  # type: ignore[arg-type]


def _comparison(rule: dict[str, Any], operators: list[str], pointer: str, report: Report) -> Expr | None:
    if "Variable" not in rule:
        report("a comparison needs 'Variable' (a reference path such as $.order.total)", pointer, "schema-violation")
        return None
    variable = rule["Variable"]
    if not isinstance(variable, str):
        report("'Variable' must be a reference path string", f"{pointer}/Variable", "schema-violation")
        return None
    if check_reference_path(variable):
        return None  # reported by invalid-path from the model's paths (see rule_paths)
    if len(operators) != 1:
        found = ", ".join(operators) or "none"
        report(
            f"a comparison takes exactly one operator (StringEquals, NumericLessThan, IsPresent...); found {found}",
            pointer,
            "schema-violation",
        )
        return None
    name = operators[0]
    op, kind, with_path = OPERATORS[name]
    value = rule[name]
    where = f"{pointer}/{name}"
    var = _operand_var(variable)
    if with_path:
        if not isinstance(value, str):
            report(f"'{name}' takes a reference path to compare with", where, "invalid-path")
            return None
        if check_reference_path(value):
            return None  # reported by invalid-path from the model's paths
        return Cmp(op, var, _operand_var(value), kind)
    if op == "is":
        if not isinstance(value, bool):
            report(f"'{name}' takes true or false", where, "schema-violation")
            return None
        if kind == "present":
            present = Exists(Var(var.path)) if isinstance(var, Var) else Opaque(f"IsPresent {variable}")
            return present if value else Not(present)
        return IsType(var, kind, value) if isinstance(var, Var) else Opaque(f"{name} {variable}")
    expected = _LITERAL_TYPES[kind]
    if not isinstance(value, expected) or (kind == "number" and isinstance(value, bool)):
        report(f"'{name}' compares with a {kind} value, not {value!r}", where, "schema-violation")
        return None
    if op == "matches":
        return Matches(var, str(value)) if isinstance(var, Var) else Opaque(f"{variable} matches {value}")
    return Cmp(op, var, Lit(value), kind)


def rule_paths(rule: Any, pointer: str) -> list[tuple[str, str]]:
    """(reference path, pointer) of every ``Variable`` and ``...Path`` operand in a JSONPath rule, nested ones too."""
    out: list[tuple[str, str]] = []
    stack = [(rule, pointer)]
    while stack:
        node, where = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            at = f"{where}/{escape(key)}"
            if key in ("And", "Or") and isinstance(value, list):
                stack.extend((item, f"{at}/{i}") for i, item in enumerate(value))
            elif key == "Not":
                stack.append((value, at))
            elif isinstance(value, str) and (key == "Variable" or (key in OPERATORS and OPERATORS[key][2])):
                out.append((value, at))
    return sorted(out, key=lambda item: item[1])
