"""Map (ItemsPath, ItemSelector, legacy Parameters, MaxConcurrency, ResultPath) and Parallel outputs."""

from __future__ import annotations

from typing import Any

from tests.asl_cases import Case, one

IN = {"items": [1, 2, 3], "objs": [{"id": "a", "v": 1}, {"id": "b", "v": 2}], "tag": "T", "empty": []}
ECHO = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def _map(body: dict[str, Any] = ECHO, **fields: Any) -> dict[str, Any]:
    return one({"Type": "Map", "ItemProcessor": body, **fields})


def _legacy(body: dict[str, Any] = ECHO, **fields: Any) -> dict[str, Any]:
    return one({"Type": "Map", "Iterator": body, **fields})


def _branches(*bodies: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return one({"Type": "Parallel", "Branches": list(bodies), **fields})


def _pass(name: str = "P", **fields: Any) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Pass", **fields, "End": True}}}


CASES = [
    Case("map-items", _map(ItemsPath="$.items"), IN),
    Case("map-root-input", _map(), [4, 5]),
    Case("map-empty", _map(ItemsPath="$.empty"), IN),
    Case("map-max-concurrency", _map(ItemsPath="$.items", MaxConcurrency=1), IN),
    Case("map-resultpath", _map(ItemsPath="$.items", ResultPath="$.out"), IN),
    Case("map-resultpath-null", _map(ItemsPath="$.items", ResultPath=None), IN),
    Case("map-outputpath", _map(ItemsPath="$.items", OutputPath="$[1]"), IN),
    Case("map-inputpath", _map(InputPath="$.objs"), IN),
    Case("map-body-transforms", _map(_pass(Parameters={"id.$": "$.id", "tag": "x"}), ItemsPath="$.objs"), IN),
    Case(
        "map-item-selector",
        _map(
            ItemsPath="$.objs", ItemSelector={"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value.v", "t.$": "$.tag"}
        ),
        IN,
    ),
    Case(
        "map-legacy-parameters",
        _legacy(ItemsPath="$.items", Parameters={"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"}),
        IN,
    ),
    Case("map-legacy-iterator", _legacy(_pass(Result="r"), ItemsPath="$.items"), IN),
    Case("map-item-selector-static", _map(ItemsPath="$.items", ItemSelector={"k": 1}), IN),
    Case("map-result-selector", _map(ItemsPath="$.items", ResultSelector={"first.$": "$[0]", "all.$": "$"}), IN),
    Case("map-items-missing", _map(ItemsPath="$.nope"), IN),
    Case(
        "map-nested",
        _map(
            {"StartAt": "In", "States": {"In": {"Type": "Map", "ItemProcessor": ECHO, "End": True}}},
            ItemsPath="$.nested",
        ),
        {"nested": [[1], [2, 3]]},
    ),
    Case(
        "map-item-fails",
        _map(
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Bad", "Cause": "item"}}},
            ItemsPath="$.items",
            MaxConcurrency=1,
        ),
        IN,
    ),
    Case("parallel-two", _branches(_pass("A", Result=1), _pass("B", InputPath="$.tag")), IN),
    Case("parallel-resultpath", _branches(ECHO, _pass("B", Result={"b": 2}), ResultPath="$.both"), IN),
    Case("parallel-parameters", _branches(ECHO, _pass("B"), Parameters={"t.$": "$.tag"}), IN),
    Case("parallel-result-selector", _branches(ECHO, _pass("B", Result=2), ResultSelector={"second.$": "$[1]"}), IN),
    Case("parallel-outputpath", _branches(_pass("A", Result=1), _pass("B", Result=2), OutputPath="$[0]"), IN),
    Case(
        "parallel-nested",
        _branches(
            {
                "StartAt": "In",
                "States": {"In": {"Type": "Parallel", "Branches": [_pass("X", Result="x")], "End": True}},
            },
            _pass("Y", Result="y"),
        ),
        IN,
    ),
    Case(
        "parallel-branch-chain",
        _branches(
            {
                "StartAt": "A",
                "States": {
                    "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
                    "B": {"Type": "Pass", "InputPath": "$.a", "End": True},
                },
            }
        ),
        IN,
    ),
    Case(
        "parallel-branch-fails",
        _branches(_pass("A"), {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E1", "Cause": "c1"}}}),
        IN,
    ),
    Case(
        "map-inputpath-item-selector",
        _map(InputPath="$.wrap", ItemsPath="$.list", ItemSelector={"v.$": "$$.Map.Item.Value", "t.$": "$.tag"}),
        {"wrap": {"list": [1, 2], "tag": "in"}, "tag": "out"},
    ),
    Case(
        "map-selector-and-result-selector",
        _map(
            ItemsPath="$.items",
            ItemSelector={"x.$": "$$.Map.Item.Value"},
            ResultSelector={"all.$": "$"},
            ResultPath="$.r",
        ),
        IN,
    ),
]
