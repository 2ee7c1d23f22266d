"""Seeded small JSONPath machines for the moto comparison: chains of Pass, Choice, Map, Parallel, Wait.

Deterministic for a seed (``random.Random(seed)``). The generator stays inside what moto and the AWS
guide agree on (the departures in the other modules are written by hand): no index in a path, no
decimal literal in an intrinsic, no Format escapes, no variables, no absent Choice variable.
``WFVERIFY_MOTO_GENERATED`` sets how many (default 60), ``WFVERIFY_MOTO_SEED`` the seed (default 1).
"""

from __future__ import annotations

import os
import random
from typing import Any

from tests.asl_cases import Case

__all__ = ["generated"]

PATHS = [
    "$",
    "$.missing",
    "$.a",
    "$.b",
    "$.c",
    "$.c.d",
    "$.c.e",
    "$.f",
    "$.g",
    "$.h",
    "$$.Execution.Input.a",
    "$$.State.Name",
]
INTRINSICS = [
    "States.Format('{}-{}', $.a, $.b)",
    "States.ArrayLength($.c.e)",
    "States.MathAdd($.a, {k})",
    "States.StringSplit($.b, 'a')",
    "States.JsonToString($.c)",
    "States.ArrayContains($.c.e, {k})",
    "States.ArrayPartition($.c.e, {p})",
    "States.ArrayRange(1, {p}, 1)",
    "States.Hash($.b, 'SHA-256')",
    "States.Base64Encode($.b)",
    "States.JsonMerge($.c, $$.Execution.Input.c, false)",
    "States.Array($.a, $.f, $.b)",
    "States.StringToJson(States.JsonToString($.h))",
    "States.ArrayGetItem($.c.e, {i})",
]
CHOICE_PATHS = {"$.a": "Numeric", "$.b": "String", "$.c.d": "Numeric", "$.f": "Boolean", "$.g": "Null"}


def _input(rng: random.Random) -> dict[str, Any]:
    return {
        "a": rng.randint(-3, 9),
        "b": rng.choice(["banana", "abc", "", "zeta"]),
        "c": {"d": rng.randint(0, 5), "e": [rng.randint(0, 4) for _ in range(rng.randint(1, 5))]},
        "f": rng.random() < 0.5,
        "g": None,
        "h": [{"id": i, "tag": rng.choice(["x", "y"])} for i in range(rng.randint(0, 3))],
    }


def _value(rng: random.Random) -> str:
    text = rng.choice(INTRINSICS) if rng.random() < 0.5 else rng.choice(PATHS)
    for hole, low, high in (("{k}", -2, 4), ("{p}", 1, 4), ("{i}", 0, 1)):
        text = text.replace(hole, str(rng.randint(low, high)))
    return text


def _parameters(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {"lit": rng.choice([1, "s", None, [1, {"q": True}]])}
    for i in range(rng.randint(1, 3)):
        out[f"v{i}.$"] = _value(rng)
    if rng.random() < 0.3:
        out["nest"] = {"w.$": _value(rng)}
    return out


def _result_path(rng: random.Random, k: int) -> str | None:
    return rng.choice([f"$.r{k}", f"$.c.r{k}", f"$.new{k}.deep", None, f"$.r{k}", f"$.b.r{k}", f"$.r{k}"])


def _pass(rng: random.Random, k: int) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Pass", "ResultPath": _result_path(rng, k)}
    if rng.random() < 0.5:
        state["Parameters"] = _parameters(rng)
    elif rng.random() < 0.5:
        state["Result"] = {"k": k, "list": [k]}
    else:
        state["InputPath"] = rng.choice(["$.c", "$.h", "$.b"])
    if rng.random() < 0.15:
        state["OutputPath"] = rng.choice(["$.c", "$.missing"])  # the data stays an object (see paths.py)
    return state


def _rule(rng: random.Random) -> dict[str, Any]:
    path, kind = rng.choice(sorted(CHOICE_PATHS.items()))
    literal: Any = {"Numeric": rng.randint(-1, 6), "String": rng.choice(["abc", "b", "zeta"]), "Boolean": True}.get(
        kind
    )
    if kind == "Null" or rng.random() < 0.2:
        return {
            "Variable": path,
            rng.choice(["IsNull", "IsNumeric", "IsString", "IsBoolean", "IsPresent"]): rng.random() < 0.7,
        }
    ops = (
        ["Equals"]
        if kind == "Boolean"
        else ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"]
    )
    if rng.random() < 0.2:  # a mistyped comparison is false, not an error
        kind, literal = ("String", "5") if kind == "Numeric" else ("Numeric", 5)
        ops = ["Equals", "LessThan"]
    rule = {"Variable": path, f"{kind}{rng.choice(ops)}": literal}
    if rng.random() < 0.3:
        return {rng.choice(["And", "Or"]): [rule, _rule(rng)]}
    return {"Not": rule} if rng.random() < 0.15 else rule


def _guarded(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule behind IsPresent tests of its variables (moto takes an absent variable as no match)."""
    paths, stack = set(), [rule]
    while stack:
        node = stack.pop()
        stack.extend(node.get("And", []) + node.get("Or", []) + ([node["Not"]] if "Not" in node else []))
        if "Variable" in node:
            paths.add(node["Variable"])
    return {"And": [*({"Variable": p, "IsPresent": True} for p in sorted(paths)), rule]}


def _map(rng: random.Random, k: int) -> dict[str, Any]:
    body = {"StartAt": f"M{k}P", "States": {f"M{k}P": {"Type": "Pass", "End": True}}}
    state: dict[str, Any] = {"Type": "Map", "ItemsPath": rng.choice(["$.c.e", "$.h"]), "ItemProcessor": body}
    state["ResultPath"] = f"$.m{k}"
    if rng.random() < 0.6:
        state["ItemSelector"] = {
            "v.$": "$$.Map.Item.Value",
            "i.$": "$$.Map.Item.Index",
            "x.$": rng.choice(["$.a", "$.b"]),
        }
    if rng.random() < 0.3:
        state["MaxConcurrency"] = 1
    return state


def _parallel(rng: random.Random, k: int) -> dict[str, Any]:
    branches = [
        {"StartAt": f"B{k}x{j}", "States": {f"B{k}x{j}": {**_pass(rng, 100 * k + j), "End": True}}}
        for j in range(rng.randint(1, 3))
    ]
    return {"Type": "Parallel", "Branches": branches, "ResultPath": f"$.p{k}"}


def _guard(rng: random.Random, k: int) -> dict[str, Any]:
    """A Parallel whose branch may fail (Fail with paths, or a data error), with a catcher."""
    fail = {
        "Type": "Fail",
        "ErrorPath": rng.choice(["$.b", "$$.State.Name"]),
        "CausePath": "States.Format('a={}', $.a)",
    }
    bad = {"Type": "Pass", "Parameters": {"v.$": "$.missing"}, "End": True}
    first = rng.choice([fail, bad, {"Type": "Pass", "End": True}])
    errors = rng.choice([["States.ALL"], ["banana", "abc"], ["States.Runtime"], ["States.BranchFailed"]])
    return {
        "Type": "Parallel",
        "Branches": [{"StartAt": f"G{k}", "States": {f"G{k}": first}}],
        "Catch": [{"ErrorEquals": errors, "ResultPath": rng.choice([f"$.e{k}", None]), "Next": f"H{k}"}],
        "ResultPath": f"$.g{k}",
    }


def _machine(rng: random.Random) -> dict[str, Any]:
    states: dict[str, Any] = {}
    count = rng.randint(2, 5)
    for k in range(count):
        name, after = f"S{k}", f"S{k + 1}" if k + 1 < count else None
        kind = rng.choice(["pass", "pass", "choice", "map", "parallel", "wait", "guard"])
        if kind == "choice":
            states[name] = {
                "Type": "Choice",
                "Choices": [{**_guarded(_rule(rng)), "Next": f"Y{k}"}],
                "Default": f"N{k}",
            }
            for label in ("Y", "N"):
                states[f"{label}{k}"] = {"Type": "Pass", "Result": label, "ResultPath": f"$.choice{k}"}
                states[f"{label}{k}"].update({"Next": after} if after else {"End": True})
            continue
        body = {"pass": _pass, "map": _map, "parallel": _parallel, "guard": _guard}.get(
            kind, lambda r, i: {"Type": "Wait", "Seconds": 0}
        )(rng, k)
        body.update({"Next": after} if after else {"End": True})
        states[name] = body
        if kind == "guard":
            states[f"H{k}"] = {"Type": "Pass", **({"Next": after} if after else {"End": True})}
    return {"StartAt": "S0", "States": states}


def generated(count: int | None = None, seed: int | None = None) -> list[Case]:
    """``count`` machines from ``seed`` (by default from the environment)."""
    count = int(os.environ.get("WFVERIFY_MOTO_GENERATED", "60")) if count is None else count
    seed = int(os.environ.get("WFVERIFY_MOTO_SEED", "1")) if seed is None else seed
    rng = random.Random(seed)
    return [Case(f"generated-{seed}-{i}", _machine(rng), _input(rng)) for i in range(count)]
