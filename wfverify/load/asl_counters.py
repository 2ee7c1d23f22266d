"""ASL counters the proofs can follow: ``Assign`` entries and Pass data written back by ``ResultPath``.

Kept apart from :mod:`wfverify.load.asl_model` (which builds the rest of a
state) because it reads a small arithmetic out of strings: ``States.MathAdd``
in JSONPath, ``{% $x + 1 %}`` in JSONata.
"""

from __future__ import annotations

import re
from typing import Any

from wfverify.core.expr import Arith, Lit, Var, variables
from wfverify.core.model import Assignment
from wfverify.load.asl_choice import path_to_var

__all__ = ["counter_assignments"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def counter_assignments(b: Any) -> tuple[Assignment, ...]:
    """Counters the proofs can follow: ``Assign`` entries and Pass data written back by ResultPath.

    ``{"count.$": "States.MathAdd($count, 1)"}`` (JSONPath) or ``{"count": "{% $count + 1 %}"}``
    (JSONata) in Assign sets the variable ``$count``; a Pass with
    ``Parameters: {"n.$": "States.MathAdd($.it.n, 1)"}`` or ``Result: {"n": 0}`` and
    ``ResultPath: "$.it"`` sets ``it.n``. ``Assign`` in a Choice rule or a Catch is
    recorded with ``via``: it happens only on that rule's or catcher's transition.
    Literal scalars set constants. Anything else is recorded as not expressible.
    """
    raw, p = b.raw, b.p
    jsonata = b.language == "JSONata"
    out = _assign_block(raw["Assign"], f"{p}/Assign", jsonata, "") if "Assign" in raw else []
    for key in ("Choices", "Catch"):
        for i, entry in enumerate(_list(raw.get(key)) if key == "Catch" or b.type == "Choice" else []):
            if isinstance(entry, dict) and "Assign" in entry:
                where = f"{p}/{key}/{i}"
                out += _assign_block(entry["Assign"], f"{where}/Assign", jsonata, where)
    if b.type == "Pass" and not jsonata:
        out += _pass_result(raw, p)
    return tuple(out)


def _reads_data(expr: Any) -> bool:
    return expr is not None and any(not path or not path[0].startswith("$") for path in variables(expr))


def _assign_block(assign: Any, p: str, jsonata: bool, via: str) -> list[Assignment]:
    """Assign entries. A JSONPath ``$.x`` inside Assign reads the state's result, not the data the
    Choice rules read, so only workflow variables (``$name``) and literals are followed."""
    out = []
    for key, value in assign.items() if isinstance(assign, dict) else []:
        name = key[:-2] if key.endswith(".$") else key
        expr = _jsonata_value(value) if jsonata else _value_expr(value, key.endswith(".$"))
        if _reads_data(expr):
            expr = None
        out.append(Assignment(f"${name}", expr, f"{p}/{key}", str(value), via))
    return out


def _pass_result(raw: dict[str, Any], p: str) -> list[Assignment]:
    base = raw.get("ResultPath", "$")
    target = path_to_var(base) if isinstance(base, str) else None
    if target is None:
        return []
    field = "Parameters" if "Parameters" in raw else "Result"
    value = raw.get(field)
    shifted = field == "Parameters" and raw.get("InputPath", "$") != "$"  # $.x then reads below InputPath
    if not isinstance(value, dict):
        expr = _value_expr(value, False)
        return [Assignment(".".join(target.path), expr, f"{p}/{field}", str(value))] if target.path else []
    out = []
    for key, item in value.items():
        name = key[:-2] if key.endswith(".$") and field == "Parameters" else key
        expr = _value_expr(item, field == "Parameters" and key.endswith(".$"))
        if shifted and _reads_data(expr):
            expr = None
        if expr is not None:
            out.append(Assignment(".".join((*target.path, name)), expr, f"{p}/{field}/{key}", str(item)))
    return out


_NUMBER = r"(-?\d+(?:\.\d+)?)"
_MATH_ADD = re.compile(r"States\.MathAdd\(\s*(\$[^,\s]*)\s*,\s*" + _NUMBER + r"\s*\)")
_JSONATA_STEP = re.compile(r"(\$[A-Za-z_][A-Za-z0-9_]*)\s*([+-])\s*" + _NUMBER)
_JSONATA_NUMBER = re.compile(_NUMBER)
_JSONATA_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE_PATH = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)")


def _number_lit(text: str) -> Lit:
    return Lit(float(text) if "." in text else int(text))


def _value_expr(value: Any, dynamic: bool) -> Any:
    if not dynamic:  # a literal scalar (a string too: "$.x" outside a ".$" key is only text)
        return Lit(value) if isinstance(value, (int, float, bool, str)) or value is None else None
    if not isinstance(value, str):
        return None
    m = _MATH_ADD.fullmatch(value)
    if m:
        var = _var_of(m.group(1))
        return Arith("+", var, _number_lit(m.group(2))) if var is not None else None
    return _var_of(value)


def _jsonata_value(value: Any) -> Any:
    """A JSONata ``Assign`` value: a literal, ``{% $x %}``, ``{% $x + c %}`` / ``{% $x - c %}``; else None."""
    if not isinstance(value, str):
        return _value_expr(value, False)
    text = value.strip()
    if not (text.startswith("{%") and text.endswith("%}")):
        return None  # a plain string: not a number, so never a counter
    inner = text[2:-2].strip()
    m = _JSONATA_STEP.fullmatch(inner)
    if m:
        var = _var_of(m.group(1))
        return Arith(m.group(2), var, _number_lit(m.group(3))) if var is not None else None
    if _JSONATA_NUMBER.fullmatch(inner):
        return _number_lit(inner)
    return _var_of(inner) if _JSONATA_VARIABLE.fullmatch(inner) else None


def _var_of(path: str) -> Var | None:
    if path.startswith("$.") or path == "$":
        return path_to_var(path)
    m = _VARIABLE_PATH.fullmatch(path)
    if m:
        rest = tuple(x for x in m.group(2).split(".") if x)
        return Var((f"${m.group(1)}", *rest))
    return None
