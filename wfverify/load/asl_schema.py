"""JSON Schema of Amazon States Language, written from the specification.

Like the native schema it is split so validation never recurses with the
document: ``TOP`` checks the top level, and one schema per state type and query
language checks one state, with nested ``States`` only down to the mapping.
Choice rules, paths, intrinsic functions, JSONata and mutually exclusive
fields are checked in Python (``asl_choice``, ``asl_paths``, ``asl``), where
the messages can say exactly what to do.

``${Placeholder}`` (CloudFormation / CDK / SAM DefinitionSubstitutions) may
stand wherever a number or boolean may; strings accept it as they are.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FIELDS", "TOP", "state_checker", "top_checker", "MAX_NAME_LENGTH"]

#: Step Functions rejects state names longer than 80 characters.
MAX_NAME_LENGTH = 80

PLACEHOLDER = {"type": "string", "pattern": r"^\$\{[^}]+\}$"}
JSONATA = {"type": "string", "pattern": r"^\{%[\s\S]*%\}$"}
_STR = {"type": "string"}
_NAME = {"type": "string", "minLength": 1}
#: A CloudFormation intrinsic left in a DefinitionString template: {"Ref": ...}, {"Fn::GetAtt": [...]}.
_CFN_INTRINSIC = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "propertyNames": {"pattern": "^(Ref|Fn::[A-Za-z]+)$"},
}


def _or_placeholder(schema: dict[str, Any], jsonata: bool = False) -> dict[str, Any]:
    forms = [schema, PLACEHOLDER] + ([JSONATA] if jsonata else [])
    return {"anyOf": forms}


_INT0 = {"type": "integer", "minimum": 0}
_OBJ = {"type": "object"}
_ANY: dict[str, Any] = {}
_PATH_OR_NULL = {"type": ["string", "null"]}
_ERRORS = {"type": "array", "items": _NAME, "minItems": 1}


def _retrier(jsonata: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["ErrorEquals"],
        "additionalProperties": False,
        "properties": {
            "ErrorEquals": _ERRORS,
            "IntervalSeconds": _or_placeholder({"type": "integer"}),
            "MaxAttempts": _or_placeholder({"type": "integer"}),
            "BackoffRate": _or_placeholder({"type": "number"}),
            "MaxDelaySeconds": _or_placeholder({"type": "integer"}),
            "JitterStrategy": {"enum": ["FULL", "NONE"]},
            "Comment": _STR,
        },
    }


def _catcher(jsonata: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"ErrorEquals": _ERRORS, "Next": _NAME, "Comment": _STR, "Assign": _OBJ}
    props.update({"Output": _ANY} if jsonata else {"ResultPath": _PATH_OR_NULL})
    return {"type": "object", "required": ["ErrorEquals", "Next"], "additionalProperties": False, "properties": props}


def _body(distributed_ok: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"StartAt": _NAME, "States": {"type": "object", "minProperties": 1}, "Comment": _STR}
    if distributed_ok:
        props["ProcessorConfig"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "Mode": {"enum": ["INLINE", "DISTRIBUTED"]},
                "ExecutionType": {"enum": ["STANDARD", "EXPRESS"]},
            },
        }
    return {"type": "object", "required": ["StartAt", "States"], "additionalProperties": False, "properties": props}


def _item_reader(jsonata: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["Resource"],
        "additionalProperties": False,
        "properties": {
            "Resource": _STR,
            ("Arguments" if jsonata else "Parameters"): _ANY,
            "ReaderConfig": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "InputType": {"enum": ["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]},
                    "CSVHeaderLocation": {"enum": ["FIRST_ROW", "GIVEN"]},
                    "CSVHeaders": {"type": "array", "items": _STR},
                    "CSVDelimiter": {"enum": ["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]},
                    "ManifestType": {"enum": ["ATHENA_DATA", "S3_INVENTORY"]},
                    "MaxItems": _or_placeholder(_INT0, jsonata),
                    "MaxItemsPath": _STR,
                },
            },
        },
    }


_ITEM_BATCHER = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "MaxItemsPerBatch": _or_placeholder(_INT0, True),
        "MaxItemsPerBatchPath": _STR,
        "MaxInputBytesPerBatch": _or_placeholder(_INT0, True),
        "MaxInputBytesPerBatchPath": _STR,
        "BatchInput": _ANY,
    },
}


def _result_writer(jsonata: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "Resource": _STR,
            ("Arguments" if jsonata else "Parameters"): _ANY,
            "WriterConfig": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "OutputType": {"enum": ["JSON", "JSONL"]},
                    "Transformation": {"enum": ["NONE", "COMPACT", "FLATTEN"]},
                },
            },
        },
    }


def _fields(kind: str, jsonata: bool) -> dict[str, Any]:
    """The fields one state type accepts in one query language."""
    seconds = _or_placeholder({"type": "integer", "minimum": 0}, jsonata)
    common: dict[str, Any] = {
        "Type": {"const": kind},
        "Comment": _STR,
        "QueryLanguage": {"enum": ["JSONPath", "JSONata"]},
    }
    flow = {"Next": _NAME, "End": {"const": True}}
    io_path = {} if jsonata else {"InputPath": _PATH_OR_NULL, "OutputPath": _PATH_OR_NULL}
    output = {"Output": _ANY} if jsonata else {}
    result = {} if jsonata else {"ResultPath": _PATH_OR_NULL, "ResultSelector": _OBJ}
    args = {"Arguments": _ANY} if jsonata else {"Parameters": _ANY}
    assign = {"Assign": _OBJ}
    errors = {
        "Retry": {"type": "array", "items": _retrier(jsonata)},
        "Catch": {"type": "array", "items": _catcher(jsonata)},
    }
    f: dict[str, Any] = dict(common)
    if kind == "Pass":
        f.update(
            flow,
            **io_path,
            **output,
            **assign,
            **({} if jsonata else {"Parameters": _ANY, "ResultPath": _PATH_OR_NULL}),
            Result=_ANY,
        )
    elif kind == "Task":
        f.update(
            flow,
            **io_path,
            **output,
            **result,
            **args,
            **assign,
            **errors,
            Resource={"anyOf": [_STR, _CFN_INTRINSIC]},
            TimeoutSeconds=_or_placeholder({"type": "integer", "minimum": 1}, jsonata),
            HeartbeatSeconds=_or_placeholder({"type": "integer", "minimum": 1}, jsonata),
            Credentials={"type": "object"},
        )
        if not jsonata:
            f.update(TimeoutSecondsPath=_STR, HeartbeatSecondsPath=_STR)
    elif kind == "Choice":
        f.update(io_path, **output, **assign, Choices={"type": "array", "items": _OBJ, "minItems": 1}, Default=_NAME)
    elif kind == "Wait":
        f.update(flow, **io_path, **output, **assign, Seconds=seconds, Timestamp={"type": "string"})
        if not jsonata:
            f.update(SecondsPath=_STR, TimestampPath=_STR)
    elif kind == "Succeed":
        f.update(io_path, **output)
    elif kind == "Fail":
        f.update(Error=_STR, Cause=_STR)
        if not jsonata:
            f.update(ErrorPath=_STR, CausePath=_STR)
    elif kind == "Parallel":
        f.update(
            flow,
            **io_path,
            **output,
            **result,
            **args,
            **assign,
            **errors,
            Branches={"type": "array", "items": _body(False), "minItems": 1},
        )
    elif kind == "Map":
        f.update(
            flow,
            **io_path,
            **output,
            **result,
            **assign,
            **errors,
            ItemProcessor=_body(True),
            Iterator=_body(False),
            ItemSelector=_OBJ,
            ItemReader=_item_reader(jsonata),
            ItemBatcher=_ITEM_BATCHER,
            ResultWriter=_result_writer(jsonata),
            MaxConcurrency=_or_placeholder(_INT0, jsonata),
            Label={"type": "string", "maxLength": 40},
            ToleratedFailurePercentage=_or_placeholder({"type": "number", "minimum": 0, "maximum": 100}, jsonata),
            ToleratedFailureCount=_or_placeholder(_INT0, jsonata),
        )
        if jsonata:
            f.update(Items={"type": ["array", "string"]})
        else:
            f.update(
                ItemsPath=_PATH_OR_NULL,
                Parameters=_OBJ,
                MaxConcurrencyPath=_STR,
                ToleratedFailurePercentagePath=_STR,
                ToleratedFailureCountPath=_STR,
            )
    return f


KINDS = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
_REQUIRED = {"Task": ["Resource"], "Choice": ["Choices"], "Parallel": ["Branches"]}

#: state type -> query language -> accepted field names (for messages and for the builder).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    k: {"JSONPath": tuple(_fields(k, False)), "JSONata": tuple(_fields(k, True))} for k in KINDS
}


def _state_schema(kind: str, jsonata: bool) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["Type", *_REQUIRED.get(kind, [])],
        "properties": _fields(kind, jsonata),
        "additionalProperties": False,
    }


TOP: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Amazon States Language (top level)",
    "type": "object",
    "required": ["StartAt", "States"],
    "additionalProperties": False,
    "properties": {
        "StartAt": _NAME,
        "States": {"type": "object", "minProperties": 1},
        "Comment": _STR,
        "Version": _STR,
        "TimeoutSeconds": _or_placeholder({"type": "integer", "minimum": 0}),
        "QueryLanguage": {"enum": ["JSONPath", "JSONata"]},
    },
}

_CHECKERS: dict[str, Any] = {}


def _checker(key: str, build: Any) -> Any:
    checker = _CHECKERS.get(key)
    if checker is None:
        from wfverify.load.validation import SchemaChecker

        checker = _CHECKERS[key] = SchemaChecker(f"asl-{key}", build())
    return checker


def top_checker() -> Any:
    return _checker("top", lambda: TOP)


_STATE_CHECKERS: dict[tuple[str, str], Any] = {}


def state_checker(kind: str, language: str) -> Any:
    """The checker of one state type in one query language (``JSONPath`` or ``JSONata``)."""
    checker = _STATE_CHECKERS.get((kind, language))
    if checker is None:
        build = lambda: _state_schema(kind, language == "JSONata")  # noqa: E731
        checker = _STATE_CHECKERS[kind, language] = _checker(f"{kind}-{language}", build)
    return checker
