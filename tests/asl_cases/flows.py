"""Whole small flows: Choice routing, Parallel then Map, an absent Choice variable."""

from __future__ import annotations

from tests.asl_cases import Case

PASS_CHOICE = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Big"},
                {
                    "And": [{"Variable": "$.tier", "IsPresent": True}, {"Variable": "$.tier", "StringEquals": "gold"}],
                    "Next": "Gold",
                },
            ],
            "Default": "Small",
        },
        "Big": {"Type": "Pass", "Result": {"size": "big"}, "ResultPath": "$.label", "Next": "Pause"},
        "Gold": {"Type": "Pass", "Next": "Done"},
        "Small": {"Type": "Fail", "Error": "TooSmall"},
        "Pause": {"Type": "Wait", "Seconds": 0, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

PARALLEL_MAP = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "ResultPath": "$.both",
            "Next": "Each",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "B",
                    "States": {"B": {"Type": "Wait", "Seconds": 0, "Next": "B2"}, "B2": {"Type": "Pass", "End": True}},
                },
            ],
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "One",
                "States": {
                    "One": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Two"}],
                        "Default": "Other",
                    },
                    "Two": {"Type": "Pass", "End": True},
                    "Other": {"Type": "Succeed"},
                },
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

PARALLEL_REPLACES_INPUT = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Next": "Each",
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

ABSENT_VARIABLE = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.missing", "NumericEquals": 1, "Next": "Done"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

CASES = [
    Case("flow-choice-big", PASS_CHOICE, {"amount": 500}),
    Case("flow-choice-gold", PASS_CHOICE, {"amount": 5, "tier": "gold"}),
    Case("flow-choice-small", PASS_CHOICE, {"amount": 5}),
    Case("flow-parallel-map", PARALLEL_MAP, {"items": [1, 2, 3]}),
    Case("flow-parallel-replaces-input", PARALLEL_REPLACES_INPUT, {"items": [1]}),
    Case(
        "flow-absent-variable",
        ABSENT_VARIABLE,
        {},
        moto_differs="the AWS guide: reading an absent Choice variable fails the execution (States.Runtime); moto takes the default",
        moto={"status": "succeeded", "entered": ["Route", "Done"]},
        doc={"status": "failed", "error": "States.Runtime"},
    ),
]
