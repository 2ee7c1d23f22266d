"""Seeded random workflows that set values before their Choices, checked against the explorer.

The soundness harness's generator sets only a counter, and its ASL rendering
drops ``set``; these workflows set flags, modes and numbers (constants,
expressions, IEEE sums, null, strings) with native ``set`` and ASL ``Assign``
and Pass ``Result``, on some paths only, in loops, on tasks whose catcher
skips them, inside Parallel branches and Map iterations. Each one goes
through :func:`tests.test_soundness.compare`: a static ``proven`` the explorer
refutes, or a ``violated`` witness that does not replay, fails the test.

CI runs :data:`CASES` workflows per dialect; ``WFVERIFY_KNOWN_FUZZ=N`` runs N
(a few thousand take about a minute per dialect).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.test_soundness import _loads, compare
from wfverify.simulate.gen_workflows import Generated

CASES = int(os.environ.get("WFVERIFY_KNOWN_FUZZ", "500"))
_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"

_NATIVE_SETS = {
    "flag": ["true", "false", "x > 1", "mode == 'a'"],
    "mode": ["'a'", "'b'", "'c'"],
    "x": ["0", "1", "2", "x + 1", "x * 2", "0.1 + 0.2", "1.5", "null", "y"],
}
_NATIVE_CONDITIONS = [
    "flag == true",
    "flag == false",
    "flag",
    "not flag",
    "mode == 'a'",
    "mode != 'a'",
    "x > 1",
    "x <= 1",
    "x == 0.30000000000000004",
    "x < 0.3",
    "exists(x)",
    "x == 2 and flag",
]
_ASL_ASSIGN: dict[str, list[Any]] = {
    "flag": [True, False, "yes"],
    "x": [0, 1, 2, 1.5, None, "2"],
    "y.$": ["$x", "$flag"],
    "mode": ["a", "b", "$.a"],
}
_ASL_RULES: list[dict[str, Any]] = [
    {"Variable": "$flag", "BooleanEquals": True},
    {"Variable": "$flag", "BooleanEquals": False},
    {"Variable": "$x", "NumericGreaterThan": 1},
    {"Variable": "$x", "NumericLessThanEquals": 1},
    {"Variable": "$x", "IsNull": True},
    {"Variable": "$y", "NumericEquals": 2},
    {"Variable": "$mode", "StringEquals": "a"},
    {"Not": {"Variable": "$mode", "StringEquals": "b"}},
    {"Variable": "$.cfg.limit", "NumericLessThan": 10},
    {"Variable": "$.cfg.tag", "StringEquals": "t"},
]


def _targets(rng: random.Random, names: list[str], i: int) -> Callable[[], str]:
    """Mostly the next state, sometimes a later one, now and then an earlier one (a loop)."""

    def pick() -> str:
        if rng.random() < 0.15:
            return rng.choice(names[: i + 1] + names[i + 1 :])
        return names[i + 1] if rng.random() < 0.6 else rng.choice(names[i + 1 :])

    return pick


def _native_state(rng: random.Random, target: Callable[[], str], name: str) -> dict[str, Any]:
    kind = rng.choice(["pass", "pass", "task", "choice", "choice", "parallel", "map"])
    if kind in ("pass", "task"):
        state: dict[str, Any] = {"type": kind, "next": target()}
        if kind == "task":
            state.update(action="act", side_effects=False)
            if rng.random() < 0.5:
                state["catch"] = [{"errors": ["*"], "next": target()}]
        if rng.random() < 0.8:
            chosen = rng.sample(sorted(_NATIVE_SETS), rng.randint(1, 2))
            state["set"] = {v: rng.choice(_NATIVE_SETS[v]) for v in chosen}
        return state
    if kind == "choice":
        rules = [{"when": rng.choice(_NATIVE_CONDITIONS), "next": target()} for _ in range(rng.randint(1, 3))]
        return {"type": "choice", "choices": rules, **({"default": target()} if rng.random() < 0.2 else {})}
    inner = {"type": "pass", "set": {"flag": "true"}, "end": True} if rng.random() < 0.5 else {"type": "succeed"}
    body = {"start": f"{name}_b0", "states": {f"{name}_b0": inner}}  # state names are unique in a file
    if kind == "parallel":
        return {"type": kind, "next": target(), "branches": [body]}
    return {"type": kind, "next": target(), "items": "items", "iterator": body}


def _native(rng: random.Random, index: int) -> Generated:
    names = [f"s{i}" for i in range(rng.randint(2, 6))] + ["done"]
    states = {names[i]: _native_state(rng, _targets(rng, names, i), names[i]) for i in range(len(names) - 1)}
    states["done"] = {"type": "succeed"}
    text = yaml.safe_dump({"workflow": "f", "start": "s0", "states": states}, sort_keys=False)
    return Generated(f"known-{index}.wf.yaml", text)


def _asl_state(rng: random.Random, target: Callable[[], str], name: str) -> dict[str, Any]:
    kind = rng.choice(["Pass", "Pass", "Task", "Choice", "Choice", "Parallel", "Map", "Result"])
    assign = {v: rng.choice(_ASL_ASSIGN[v]) for v in rng.sample(sorted(_ASL_ASSIGN), rng.randint(1, 2))}
    if kind == "Pass":
        return {"Type": "Pass", "Assign": assign, "Next": target()}
    if kind == "Result":
        result = {"limit": rng.choice([5, 20]), "tag": rng.choice(["t", "u"])}
        return {"Type": "Pass", "Result": result, "ResultPath": rng.choice(["$.cfg", "$"]), "Next": target()}
    if kind == "Task":
        state: dict[str, Any] = {"Type": "Task", "Resource": _LAMBDA, "Next": target(), "Assign": assign}
        if rng.random() < 0.5:
            state["ResultPath"] = None
        if rng.random() < 0.7:
            catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"], "Next": target()}
            if rng.random() < 0.3:
                catcher["Assign"] = {"flag": rng.choice([True, False])}
            state["Catch"] = [catcher]
        return state
    if kind == "Choice":
        rules = [{**rng.choice(_ASL_RULES), "Next": target()} for _ in range(rng.randint(1, 2))]
        return {"Type": "Choice", "Choices": rules, **({"Default": target()} if rng.random() < 0.2 else {})}
    body = _asl_body(rng, f"{name}A")
    if kind == "Parallel":
        branches = [body] + ([_asl_body(rng, f"{name}B")] if rng.random() < 0.5 else [])
        return {"Type": kind, "Next": target(), "ResultPath": None, "Branches": branches}
    return {"Type": kind, "Next": target(), "ResultPath": None, "ItemsPath": "$.items", "ItemProcessor": body}


def _asl_body(rng: random.Random, tag: str) -> dict[str, Any]:
    """A branch or iteration: nothing, an Assign, or an Assign, a Wait and a Choice on the variable
    (state names unique in the machine: ``tag`` and a number)."""
    shape = rng.choice(["empty", "assign", "assign-choose"])
    if shape == "empty":
        return {"StartAt": f"{tag}0", "States": {f"{tag}0": {"Type": "Succeed"}}}
    assign: dict[str, Any] = {"Type": "Pass", "Assign": {"flag": rng.choice([True, False])}}
    if shape == "assign":
        return {"StartAt": f"{tag}0", "States": {f"{tag}0": {**assign, "End": True}}}
    rule = {"Variable": "$flag", "BooleanEquals": True, "Next": f"{tag}3"}
    states = {
        f"{tag}0": {**assign, "Next": f"{tag}1"},
        f"{tag}1": {"Type": "Wait", "Seconds": 1, "Next": f"{tag}2"},
        f"{tag}2": {"Type": "Choice", "Choices": [rule]},
        f"{tag}3": {"Type": "Succeed"},
    }
    return {"StartAt": f"{tag}0", "States": states}


def _asl(rng: random.Random, index: int) -> Generated:
    names = [f"S{i}" for i in range(rng.randint(2, 6))] + ["Done"]
    states = {names[i]: _asl_state(rng, _targets(rng, names, i), names[i]) for i in range(len(names) - 1)}
    states["Done"] = {"Type": "Succeed"}
    start = {"flag": rng.choice([True, False]), "x": rng.choice([0, 2]), "y": 1, "mode": rng.choice(["a", "b"])}
    states["Init"] = {"Type": "Pass", "Assign": start, "Next": "S0"}  # no read of a never-assigned variable
    return Generated(f"known-{index}.asl.json", json.dumps({"StartAt": "Init", "States": states}))


@pytest.mark.parametrize("make", [_native, _asl], ids=["native", "asl"])
def test_values_set_before_choices_never_give_a_false_proof(make: Callable[[random.Random, int], Generated]) -> None:
    rng = random.Random(12)
    loaded = sum(_loads(make(random.Random(i), i)) for i in range(20))
    assert loaded >= 15, "the generator writes files that do not load"
    found = [d for i in range(CASES) for d in compare(make(rng, i)) if d.property == "choice-exhaustiveness"]
    assert not found, json.dumps(found[0].to_json(), indent=1, default=str)
