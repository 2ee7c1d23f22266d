"""Render a generated native workflow (a dict) as Amazon States Language plus a sidecar.

What ASL cannot say (compensations, idempotency, side effects, locks, input
types) goes into the sidecar, as the native format page describes. Native
conditions become Choice rules on ``$.name`` paths; an event gateway becomes a
Wait (ASL has none); ``set`` counters are dropped, since ASL's counters are
intrinsic-function Assigns that the generator does not need to cover.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

__all__ = ["to_asl"]

_RESOURCE = "arn:aws:lambda:us-east-1:123456789012:function:act"
_SIDECAR_FIELDS = ("compensate", "compensation", "idempotent", "side_effects", "acquire", "release")


def _errors(names: list[str]) -> list[str]:
    return ["States.ALL" if n == "*" else n for n in names]


def _rule(condition: str, target: str) -> dict[str, Any]:
    """One native condition of the generator's small set as an ASL Choice rule."""
    negate = condition.startswith("not ")
    text = condition[4:] if negate else condition
    if text.startswith("exists("):
        rule: dict[str, Any] = {"Variable": f"$.{text[7:-1]}", "IsPresent": True}
    elif " " not in text:
        rule = {"Variable": f"$.{text}", "BooleanEquals": True}
    else:
        var, op, value = text.split(" ", 2)
        literal = json.loads(value.replace("'", '"'))
        if isinstance(literal, str):
            rule = {"Variable": f"$.{var}", "StringEquals": literal}
            negate = negate != (op == "!=")
        else:
            names = {">": "GreaterThan", "<=": "LessThanEquals", ">=": "GreaterThanEquals", "<": "LessThan"}
            rule = {"Variable": f"$.{var}", f"Numeric{names[op]}": literal}
    if negate:
        rule = {"Not": rule}
    return {**rule, "Next": target}


def _flow(state: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    if state.get("end"):
        out["End"] = True
    elif "next" in state:
        out["Next"] = state["next"]
    return out


def _state(state: dict[str, Any]) -> dict[str, Any]:
    kind = state["type"]
    if kind == "task":
        out: dict[str, Any] = {"Type": "Task", "Resource": _RESOURCE, "ResultPath": None}
        if "timeout" in state:
            out["TimeoutSeconds"] = state["timeout"]
    elif kind == "choice":
        out = {"Type": "Choice", "Choices": [_rule(r["when"], r["next"]) for r in state["choices"]]}
        if "default" in state:
            out["Default"] = state["default"]
        return out
    elif kind == "event":
        return {"Type": "Wait", "Seconds": 1, "Next": state.get("on_timeout", state["on"][0]["next"])}
    elif kind == "pass":
        out = {"Type": "Pass"}
    elif kind == "parallel":
        out = {"Type": "Parallel", "Branches": [_body(b) for b in state["branches"]], "ResultPath": None}
    elif kind == "map":
        out = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": _body(state["iterator"]), "ResultPath": None}
        out["MaxConcurrency"] = state["max_concurrency"]
    elif kind == "succeed":
        return {"Type": "Succeed"}
    else:
        return {"Type": "Fail", "Error": state.get("error", "Failed")}
    if "retry" in state:
        out["Retry"] = [
            {"ErrorEquals": _errors(r.get("errors", ["*"])), "MaxAttempts": r["max_attempts"]} for r in state["retry"]
        ]
    if "catch" in state:
        out["Catch"] = [{"ErrorEquals": _errors(c["errors"]), "Next": c["next"]} for c in state["catch"]]
    return _flow(state, out)


def _body(body: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": body["start"], "States": {n: _state(s) for n, s in body["states"].items()}}


def _annotations(states: dict[str, Any], out: dict[str, Any]) -> None:
    for name, state in states.items():
        fields = {k: state[k] for k in _SIDECAR_FIELDS if k in state}
        if fields:
            out[name] = fields
        for body in [*state.get("branches", []), *([state["iterator"]] if "iterator" in state else [])]:
            _annotations(body["states"], out)


def to_asl(doc: dict[str, Any]) -> tuple[str, str]:
    """The ASL text and the sidecar YAML of a generated native workflow."""
    asl = _body(doc)
    annotations: dict[str, Any] = {}
    _annotations(doc["states"], annotations)
    sidecar: dict[str, Any] = {"states": annotations}
    if doc.get("input"):
        sidecar["input"] = doc["input"]
    if doc.get("concurrent"):
        sidecar["concurrent"] = True
    return json.dumps(asl, indent=1), yaml.safe_dump(sidecar, sort_keys=True)
