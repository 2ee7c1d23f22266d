"""Choice: every comparison operator, And/Or/Not, the Is* tests, the *Path variants, StringMatches."""

from __future__ import annotations

from typing import Any

from tests.asl_cases import Case

IN = {
    "n": 5,
    "f": 2.5,
    "s": "abc",
    "b": True,
    "z": None,
    "t": "2024-01-02T03:04:05Z",
    "t2": "2024-01-02T03:04:05.500+01:00",
    "m": 5.0,
    "o": {"k": 1},
    "arr": [1, 2],
    "star": "a*b",
    "slash": "a\\b",
    "u": "5",
    "t3": "2024-01-02T03:04:06Z",
    "t4": "2024-01-02T03:04:05.5Z",
    "lower": "2024-01-02t03:04:05z",
    "big": 10000000000000001,
}


def _choose(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
    }


def _cmp(variable: str, operator: str, value: Any) -> dict[str, Any]:
    return {"Variable": variable, operator: value}


_RULES: dict[str, dict[str, Any]] = {
    "num-eq": _cmp("$.n", "NumericEquals", 5),
    "num-eq-float": _cmp("$.m", "NumericEquals", 5),
    "num-lt": _cmp("$.n", "NumericLessThan", 5),
    "num-lte": _cmp("$.n", "NumericLessThanEquals", 5),
    "num-gt": _cmp("$.f", "NumericGreaterThan", 2),
    "num-gte": _cmp("$.f", "NumericGreaterThanEquals", 2.5),
    "num-on-string": _cmp("$.u", "NumericEquals", 5),
    "num-on-null": _cmp("$.z", "NumericEquals", 0),
    "str-eq": _cmp("$.s", "StringEquals", "abc"),
    "str-lt": _cmp("$.s", "StringLessThan", "abd"),
    "str-lte": _cmp("$.s", "StringLessThanEquals", "ab"),
    "str-gt": _cmp("$.s", "StringGreaterThan", "ABC"),
    "str-gte": _cmp("$.s", "StringGreaterThanEquals", "abc"),
    "str-on-number": _cmp("$.n", "StringEquals", "5"),
    "bool-eq": _cmp("$.b", "BooleanEquals", True),
    "bool-eq-false": _cmp("$.b", "BooleanEquals", False),
    "bool-on-string": _cmp("$.s", "BooleanEquals", True),
    "ts-eq": _cmp("$.t", "TimestampEquals", "2024-01-02T03:04:05Z"),
    "ts-gt": _cmp("$.t", "TimestampGreaterThan", "2024-01-01T00:00:00Z"),
    "ts-lte": _cmp("$.t", "TimestampLessThanEquals", "2024-01-02T03:04:05Z"),
    "ts-on-plain-string": _cmp("$.s", "TimestampEquals", "2024-01-02T03:04:05Z"),
    "num-eq-path": _cmp("$.n", "NumericEqualsPath", "$.m"),
    "num-lt-path": _cmp("$.f", "NumericLessThanPath", "$.n"),
    "num-gte-path": _cmp("$.f", "NumericGreaterThanEqualsPath", "$.n"),
    "str-eq-path": _cmp("$.s", "StringEqualsPath", "$.s"),
    "str-gt-path": _cmp("$.s", "StringGreaterThanPath", "$.star"),
    "bool-eq-path": _cmp("$.b", "BooleanEqualsPath", "$.b"),
    "ts-lt-path": _cmp("$.t", "TimestampLessThanPath", "$.t3"),
    "num-path-on-string": _cmp("$.n", "NumericEqualsPath", "$.u"),
    "is-present": _cmp("$.s", "IsPresent", True),
    "is-present-missing": _cmp("$.nope", "IsPresent", True),
    "is-present-false": _cmp("$.nope", "IsPresent", False),
    "is-null": _cmp("$.z", "IsNull", True),
    "is-null-false": _cmp("$.n", "IsNull", False),
    "is-numeric": _cmp("$.f", "IsNumeric", True),
    "is-numeric-string": _cmp("$.u", "IsNumeric", True),
    "is-string": _cmp("$.s", "IsString", True),
    "is-boolean": _cmp("$.b", "IsBoolean", True),
    "is-timestamp": _cmp("$.t", "IsTimestamp", True),
    "is-timestamp-not": _cmp("$.s", "IsTimestamp", True),
    "is-string-on-object": _cmp("$.o", "IsString", False),
    "matches-star": _cmp("$.s", "StringMatches", "a*"),
    "matches-middle": _cmp("$.s", "StringMatches", "*b*"),
    "matches-no": _cmp("$.s", "StringMatches", "b*"),
    "matches-escaped-star-no": _cmp("$.s", "StringMatches", "a\\*"),
    "and-true": {"And": [_cmp("$.n", "NumericEquals", 5), _cmp("$.s", "StringEquals", "abc")]},
    "and-false": {"And": [_cmp("$.n", "NumericEquals", 5), _cmp("$.s", "StringEquals", "x")]},
    "or-true": {"Or": [_cmp("$.n", "NumericEquals", 6), _cmp("$.s", "StringEquals", "abc")]},
    "or-false": {"Or": [_cmp("$.n", "NumericEquals", 6), _cmp("$.s", "StringEquals", "x")]},
    "not": {"Not": _cmp("$.n", "NumericEquals", 6)},
    "not-and": {"Not": {"And": [_cmp("$.b", "BooleanEquals", True), _cmp("$.z", "IsNull", True)]}},
    "and-guard-absent": {"And": [_cmp("$.nope", "IsPresent", True), _cmp("$.nope", "NumericEquals", 1)]},
    "nested-field": _cmp("$.o.k", "NumericEquals", 1),
    "array-index": _cmp("$.arr[1]", "NumericEquals", 2),
    "context-input": _cmp("$$.Execution.Input.n", "NumericEquals", 5),
}

_OFFSETS = "the guide: timestamps are RFC 3339 instants (offsets, fractions); moto compares them without the offset or the fraction"
_ABSENT = "the guide: a rule reading an absent variable fails the execution (States.Runtime), IsPresent is the guard; moto treats it as a value"
_ESCAPES = "the guide: in StringMatches \\* is a literal star and \\\\ a backslash; moto does not match them"
_DEPARTURES: dict[str, tuple[dict[str, Any], str, str]] = {
    # name: (rule, reason, the documented branch); moto takes the other one
    "ts-offset-lt": (_cmp("$.t2", "TimestampLessThan", "2024-01-02T03:04:05Z"), _OFFSETS, "yes"),
    "ts-offset-gte": (_cmp("$.t2", "TimestampGreaterThanEquals", "2024-01-02T02:04:05.5Z"), _OFFSETS, "yes"),
    "ts-offset-lt-path": (_cmp("$.t2", "TimestampLessThanPath", "$.t"), _OFFSETS, "yes"),
    "ts-fraction-gt": (_cmp("$.t4", "TimestampGreaterThan", "2024-01-02T03:04:05Z"), _OFFSETS, "yes"),
    "ts-lowercase-t": (
        _cmp("$.lower", "IsTimestamp", True),
        "the guide: an uppercase T separates date and time and an uppercase Z marks UTC; moto takes lowercase too",
        "no",
    ),
    "num-eq-doubles": (
        _cmp("$.big", "NumericEquals", 10000000000000000),
        "the service compares numbers as IEEE doubles (10000000000000001 is 1e16); moto compares Python integers exactly",
        "yes",
    ),
    "matches-escaped-star": (_cmp("$.star", "StringMatches", "a\\*b"), _ESCAPES, "yes"),
    "matches-escaped-backslash": (_cmp("$.slash", "StringMatches", "a\\\\b"), _ESCAPES, "yes"),
}

CASES = [Case(f"choice-{name}", _choose(rule), IN) for name, rule in _RULES.items()]
CASES += [
    Case(
        f"choice-{name}",
        _choose(rule),
        IN,
        moto_differs=reason,
        moto={"status": "succeeded", "output": "no" if branch == "yes" else "yes"},
        doc={"status": "succeeded", "output": branch},
    )
    for name, (rule, reason, branch) in _DEPARTURES.items()
]
CASES += [
    Case(
        "choice-no-match-no-default",
        {
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [_cmp("$.n", "NumericEquals", 0) | {"Next": "D"}]},
                "D": {"Type": "Succeed"},
            },
        },
        IN,
        moto_differs="the guide: a Choice state without a match or Default fails with States.NoChoiceMatched; moto says States.Runtime",
        moto={"status": "failed", "error": "States.Runtime"},
        doc={"status": "failed", "error": "States.NoChoiceMatched"},
    ),
    Case(
        "choice-inputpath-outputpath",
        {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "InputPath": "$.o",
                    "OutputPath": "$.k",
                    "Choices": [_cmp("$.k", "NumericEquals", 1) | {"Next": "D"}],
                },
                "D": {"Type": "Pass", "End": True},
            },
        },
        IN,
    ),
    Case(
        "choice-first-match-wins",
        {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [
                        _cmp("$.n", "NumericGreaterThan", 1) | {"Next": "A"},
                        _cmp("$.n", "NumericGreaterThan", 2) | {"Next": "B"},
                    ],
                },
                "A": {"Type": "Pass", "Result": "a", "End": True},
                "B": {"Type": "Pass", "Result": "b", "End": True},
            },
        },
        IN,
    ),
    *[
        Case(
            f"choice-absent-{operator.lower()}",
            _choose(_cmp("$.missing", operator, False)),
            IN,
            moto_differs=_ABSENT,
            moto={"status": "succeeded", "output": "yes"},
            doc={"status": "failed", "error": "States.Runtime"},
        )
        for operator in ("IsNull", "IsString")
    ],
]
