"""QueryLanguage JSONata: Arguments, Output, Assign, Items, Condition, Fail's Error and Cause.

moto's JSONata evaluator runs through a Java bridge (jpype and a JVM) that a plain install lacks, so
every case here fails in moto; the simulator is judged by the documented outcome (``doc``).
"""

from __future__ import annotations

from typing import Any

from tests.asl_cases import Case, chain

NO_JVM = "moto evaluates JSONata through a Java bridge that a plain install lacks: every JSONata state fails"
IN = {"a": 2, "items": [1, 2, 3], "name": "w", "n": 5}
J = {"QueryLanguage": "JSONata"}


def _case(name: str, definition: dict[str, Any], doc: dict[str, Any], data: Any = IN) -> Case:
    return Case(
        f"jsonata-{name}",
        definition,
        data,
        moto_differs=NO_JVM,
        moto={"status": "failed", "error": "States.Runtime"},
        doc=doc,
    )


def _ok(output: Any) -> dict[str, Any]:
    return {"status": "succeeded", "output": output}


CASES = [
    _case("output-expression", chain({"Type": "Pass", "Output": "{% $states.input.a + 1 %}"}, **J), _ok(3)),
    _case(
        "output-template",
        chain(
            {"Type": "Pass", "Output": {"sum": "{% $sum($states.input.items) %}", "plain": "x", "n": [1, "{% 'y' %}"]}},
            **J,
        ),
        _ok({"sum": 6, "plain": "x", "n": [1, "y"]}),
    ),
    Case("jsonata-pass-no-output", chain({"Type": "Pass"}, **J), IN),
    _case(
        "assign-then-read",
        chain(
            {"Type": "Pass", "Assign": {"x": "{% $states.input.a * 10 %}", "k": 1}},
            {"Type": "Pass", "Output": "{% $x + $k %}"},
            **J,
        ),
        _ok(21),
    ),
    _case(
        "assign-reads-old-values",
        chain(
            {"Type": "Pass", "Assign": {"x": 1}},
            {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "y": "{% $x %}"}},
            {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}"}},
            **J,
        ),
        _ok({"x": 2, "y": 1}),
    ),
    _case(
        "choice-condition",
        {
            **J,
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% $states.input.n > 3 %}", "Next": "Big"}],
                    "Default": "Small",
                },
                "Big": {"Type": "Pass", "Output": "big", "End": True},
                "Small": {"Type": "Pass", "Output": "small", "End": True},
            },
        },
        _ok("big"),
    ),
    _case(
        "map-items",
        chain(
            {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemProcessor": {
                    "StartAt": "D",
                    "States": {"D": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": True}},
                },
            },
            **J,
        ),
        _ok([2, 4, 6]),
    ),
    _case(
        "map-item-selector",
        chain(
            {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemSelector": {
                    "v": "{% $states.context.Map.Item.Value %}",
                    "i": "{% $states.context.Map.Item.Index %}",
                },
                "ItemProcessor": {"StartAt": "D", "States": {"D": {"Type": "Pass", "End": True}}},
            },
            **J,
        ),
        _ok([{"v": 1, "i": 0}, {"v": 2, "i": 1}, {"v": 3, "i": 2}]),
    ),
    _case(
        "parallel-output",
        chain(
            {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": 1, "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": 2, "End": True}}},
                ],
                "Output": "{% $states.result[0] + $states.result[1] %}",
            },
            **J,
        ),
        _ok(3),
    ),
    _case(
        "fail-expressions",
        {
            **J,
            "StartAt": "F",
            "States": {
                "F": {"Type": "Fail", "Error": "{% 'E' & $states.input.n %}", "Cause": "{% $states.input.name %}"}
            },
        },
        {"status": "failed", "error": "E5", "cause": "w"},
    ),
    _case(
        "execution-input",
        chain(
            {"Type": "Pass", "Output": 0}, {"Type": "Pass", "Output": "{% $states.context.Execution.Input.a %}"}, **J
        ),
        _ok(2),
    ),
    _case("wait-output", chain({"Type": "Wait", "Seconds": 0, "Output": "{% $states.input.name %}"}, **J), _ok("w")),
]
