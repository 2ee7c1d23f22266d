"""JSON Schema of the native format, version 1 (docs/native-format.md explains it).

The schema is split in two so validation never recurses with the nesting of
the document: ``TOP`` checks the file's top level, ``STATE`` checks one state
(its branch and iterator bodies only down to their ``states`` mapping). The
loader walks every body itself and validates each state on its own, so 400
nested parallels validate as easily as one.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.durations import DURATION_PATTERN

__all__ = ["STATE", "TOP", "FIELDS", "validators"]

_DURATION = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": DURATION_PATTERN}]}
_NAME = {"type": "string", "minLength": 1}
_ERRORS = {"type": "array", "items": _NAME, "minItems": 1}
_BODY = {
    "type": "object",
    "required": ["start", "states"],
    "properties": {"start": _NAME, "states": {"type": "object", "minProperties": 1}, "comment": {"type": "string"}},
    "additionalProperties": False,
}
_LOCK = {
    "anyOf": [
        _NAME,
        {
            "type": "object",
            "required": ["lock"],
            "additionalProperties": False,
            "properties": {"lock": _NAME, "timeout": _DURATION},
        },
    ]
}

_FIELD_SCHEMAS: dict[str, Any] = {
    "type": {"enum": ["task", "pass", "choice", "parallel", "map", "wait", "event", "succeed", "fail"]},
    "comment": {"type": "string"},
    "next": _NAME,
    "end": {"const": True},
    "action": _NAME,
    "timeout": _DURATION,
    "heartbeat": _DURATION,
    "retry": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "errors": _ERRORS,
                "max_attempts": {"type": "integer"},
                "interval": _DURATION,
                "backoff_rate": {"type": "number"},
                "max_delay": _DURATION,
                "jitter": {"type": "boolean"},
            },
        },
    },
    "catch": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["errors", "next"],
            "properties": {"errors": _ERRORS, "next": _NAME},
        },
    },
    "compensate": _NAME,
    "compensation": {"type": "boolean"},
    "idempotent": {"type": "boolean"},
    "side_effects": {"type": "boolean"},
    "acquire": {"type": "array", "items": _LOCK},
    "release": {"type": "array", "items": _NAME},
    "set": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
    "choices": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["when", "next"],
            "properties": {"when": {"type": "string"}, "next": _NAME},
        },
    },
    "default": _NAME,
    "branches": {"type": "array", "items": _BODY, "minItems": 1},
    "items": {"type": "string"},
    "max_concurrency": {"type": "integer", "minimum": 0},
    "iterator": _BODY,
    "duration": _DURATION,
    "until": {"type": "string"},
    "on": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["event", "next"],
            "properties": {"event": _NAME, "next": _NAME},
        },
    },
    "on_timeout": _NAME,
    "error": {"type": "string"},
    "cause": {"type": "string"},
}

_COMMON = ("type", "comment")
_FLOW = ("next", "end")
#: Fields each state type accepts.
FIELDS: dict[str, tuple[str, ...]] = {
    "task": _COMMON
    + _FLOW
    + (
        "action",
        "timeout",
        "heartbeat",
        "retry",
        "catch",
        "compensate",
        "compensation",
        "idempotent",
        "side_effects",
        "acquire",
        "release",
        "set",
    ),
    "pass": _COMMON + _FLOW + ("set",),
    "choice": _COMMON + ("choices", "default"),
    "parallel": _COMMON + _FLOW + ("branches", "retry", "catch"),
    "map": _COMMON + _FLOW + ("items", "max_concurrency", "iterator", "retry", "catch"),
    "wait": _COMMON + _FLOW + ("duration", "until"),
    "event": _COMMON + ("on", "timeout", "on_timeout"),
    "succeed": _COMMON,
    "fail": _COMMON + ("error", "cause"),
}
_REQUIRED = {"choice": ["choices"], "parallel": ["branches"], "map": ["iterator"], "event": ["on"]}


def _state_schema() -> dict[str, Any]:
    branches = []
    for kind, names in FIELDS.items():
        then: dict[str, Any] = {
            "properties": {n: _FIELD_SCHEMAS[n] for n in names},
            "additionalProperties": False,
        }
        if kind in _REQUIRED:
            then["required"] = _REQUIRED[kind]
        branches.append({"if": {"properties": {"type": {"const": kind}}, "required": ["type"]}, "then": then})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["type"],
        "properties": {"type": _FIELD_SCHEMAS["type"]},
        "allOf": branches,
    }


TOP: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "wfverify native workflow, version 1 (top level)",
    "type": "object",
    "required": ["workflow", "start", "states"],
    "additionalProperties": False,
    "properties": {
        "workflow": _NAME,
        "version": {"const": 1},
        "start": _NAME,
        "states": {"type": "object", "minProperties": 1},
        "timeout": _DURATION,
        "input": {"type": "object", "additionalProperties": {"enum": ["int", "number", "string", "bool"]}},
        "concurrent": {"type": "boolean"},
        "comment": {"type": "string"},
    },
}

STATE: dict[str, Any] = _state_schema()

_CHECKERS: tuple[Any, Any] | None = None


def validators() -> tuple[Any, Any]:
    """(top-level checker, state checker), built once per process (see load/validation.py)."""
    global _CHECKERS
    if _CHECKERS is None:
        from wfverify.load.validation import SchemaChecker

        _CHECKERS = (SchemaChecker("native-top", TOP), SchemaChecker("native-state", STATE))
    return _CHECKERS
