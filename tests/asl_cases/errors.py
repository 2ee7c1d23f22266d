"""Fail (Error/Cause, ErrorPath/CausePath), Catch with ResultPath, Retry on States.ALL vs States.Runtime."""

from __future__ import annotations

from typing import Any

from tests.asl_cases import Case, one

IN = {"code": "E42", "why": "broken", "n": 3}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "bad"}}}
TABLE = {"TableName": "missing-table", "Key": {"k": {"S": "1"}}}


def _fail(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "F", "States": {"F": {"Type": "Fail", **fields}}}


def _guarded(
    body: dict[str, Any], catch: list[dict[str, Any]], retry: list[dict[str, Any]] | None = None, **more: Any
) -> dict[str, Any]:
    guard = {"Type": "Parallel", "Branches": [body], "Catch": catch, "Next": "Ok", **more}
    if retry is not None:
        guard["Retry"] = retry
    return {
        "StartAt": "G",
        "States": {
            "G": guard,
            "Ok": {"Type": "Pass", "End": True},
            "Handled": {"Type": "Pass", "End": True},
        },
    }


def _catch(errors: list[str], **fields: Any) -> dict[str, Any]:
    return {"ErrorEquals": errors, "Next": "Handled", **fields}


RUNTIME_BODY = one({"Type": "Pass", "Parameters": {"v.$": "$.missing"}})
NO_TABLE = {"S": [{"error": "DynamoDB.ResourceNotFoundException"}]}
TASK = {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Parameters": TABLE}

CASES = [
    Case("fail-plain", FAIL, IN),
    Case("fail-error-only", _fail(Error="Only"), IN),
    Case("fail-error-path", _fail(ErrorPath="$.code", CausePath="$.why"), IN),
    Case("fail-cause-format", _fail(Error="E", CausePath="States.Format('n={}', $.n)"), IN),
    Case("fail-error-path-number", _fail(ErrorPath="$.n", Cause="c"), IN),
    Case(
        "fail-cause-path-object",
        _fail(Error="E", CausePath="$.obj"),
        {**IN, "obj": {"a": 1}},
        moto_differs="the guide: CausePath must select a string; moto prints the object instead",
        moto={"status": "failed", "error": "E", "cause": "{'a': 1}"},
        doc={"status": "failed", "error": "States.Runtime"},
    ),
    Case("fail-error-path-intrinsic", _fail(ErrorPath="States.Format('E{}', $.n)", Cause="c"), IN),
    Case("catch-all", _guarded(FAIL, [_catch(["States.ALL"])]), IN),
    Case("catch-resultpath", _guarded(FAIL, [_catch(["Oops"], ResultPath="$.err")]), IN),
    Case("catch-resultpath-null", _guarded(FAIL, [_catch(["Oops"], ResultPath=None)]), IN),
    Case("catch-resultpath-nested", _guarded(FAIL, [_catch(["Oops"], ResultPath="$.a.b")]), IN),
    Case(
        "catch-order",
        _guarded(FAIL, [_catch(["Other"], ResultPath="$.first"), _catch(["Oops"], ResultPath="$.second")]),
        IN,
    ),
    Case("catch-no-match", _guarded(FAIL, [_catch(["Other"])]), IN),
    Case("catch-error-path", _guarded(_fail(ErrorPath="$.code", Cause="c"), [_catch(["E42"], ResultPath="$.e")]), IN),
    Case("catch-all-not-runtime", _guarded(RUNTIME_BODY, [_catch(["States.ALL"])]), IN),
    Case("catch-runtime-by-name", _guarded(RUNTIME_BODY, [_catch(["States.Runtime"])]), IN),
    Case("catch-branchfailed", _guarded(FAIL, [_catch(["States.BranchFailed"])]), IN),
    Case(
        "retry-then-catch",
        _guarded(
            FAIL,
            [_catch(["States.ALL"], ResultPath="$.e")],
            [{"ErrorEquals": ["Oops"], "MaxAttempts": 2, "IntervalSeconds": 1, "BackoffRate": 1}],
        ),
        IN,
    ),
    Case(
        "retry-all-not-runtime",
        _guarded(
            RUNTIME_BODY,
            [_catch(["Nothing"])],
            [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        ),
        IN,
    ),
    Case(
        "retry-zero-attempts",
        _guarded(FAIL, [_catch(["Oops"], ResultPath="$.e")], [{"ErrorEquals": ["Oops"], "MaxAttempts": 0}]),
        IN,
    ),
    Case("task-error", one(TASK), IN, NO_TABLE, cause=False),
    Case(
        "task-catch",
        {
            "StartAt": "T",
            "States": {
                "T": {
                    **TASK,
                    "Catch": [
                        {"ErrorEquals": ["DynamoDB.ResourceNotFoundException"], "ResultPath": "$.e", "Next": "H"}
                    ],
                    "End": True,
                },
                "H": {"Type": "Pass", "Parameters": {"error.$": "$.e.Error", "n.$": "$.n"}, "End": True},
            },
        },
        IN,
        {"T": [{"error": "DynamoDB.ResourceNotFoundException"}]},
        cause=False,
    ),
    Case(
        "task-retry-all",
        {
            "StartAt": "T",
            "States": {
                "T": {
                    **TASK,
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": None, "Next": "H"}],
                    "End": True,
                },
                "H": {"Type": "Pass", "Result": "handled", "End": True},
            },
        },
        IN,
        {"T": [{"error": "DynamoDB.ResourceNotFoundException"}, {"error": "DynamoDB.ResourceNotFoundException"}]},
        cause=False,
    ),
    Case("catch-taskfailed-on-parallel", _guarded(FAIL, [_catch(["States.TaskFailed"], ResultPath="$.e")]), IN),
    Case(
        "map-catch",
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "MaxConcurrency": 1,
                    "ItemProcessor": {
                        "StartAt": "F",
                        "States": {"F": {"Type": "Fail", "ErrorPath": "$", "Cause": "c"}},
                    },
                    "Catch": [{"ErrorEquals": ["first"], "ResultPath": "$.caught", "Next": "H"}],
                    "End": True,
                },
                "H": {"Type": "Pass", "End": True},
            },
        },
        {"items": ["first", "second"]},
    ),
]
