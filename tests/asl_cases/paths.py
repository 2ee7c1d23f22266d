"""InputPath, Parameters, ResultSelector, ResultPath, OutputPath, Pass Result, the context object, Assign."""

from __future__ import annotations

from tests.asl_cases import Case, chain, one

PASS = {"Type": "Pass"}
TASK_ECHO = {
    "Type": "Task",
    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:echo",
}  # moto echoes the payload
SINGLE_NODE = "the guide: a reference path names one node, so $.list[0].k is its value; moto returns a list for any path with an index"
VARIABLES = "the guide on variables: Assign sets them and $name reads them; moto cannot evaluate them (its variable store needs the JVM JSONata bridge)"
NO_VARIABLES = {"status": "failed", "error": "States.Runtime"}
LISTS = {
    "h": [{"id": 0, "tag": "x"}, {"id": 1, "tag": "y"}, {"id": 2, "tag": "x"}],
    "e": [5, 6, 7, 8],
    "c": {"p": 1, "q": 2},
}
# paths with a wildcard, slice, filter or descent select every match: a list (Jayway, as the service)
INDEFINITE = [
    "$.h[*].id",
    "$.h[?(@.id > 0)]",
    "$.h[?(@.tag == 'x')].id",
    "$.e[1:3]",
    "$.e[-1:]",
    "$..id",
    "$.e[*]",
    "$.c.*",
]
IN = {"a": {"b": 1, "c": [10, 20, 30]}, "s": "x", "n": 2, "list": [{"k": 1}, {"k": 2}], "z": None}

CASES = [
    Case("pass-identity", one(PASS), IN),
    Case("pass-result", one({**PASS, "Result": {"r": 1}}), IN),
    Case("pass-result-resultpath", one({**PASS, "Result": [1, 2], "ResultPath": "$.out"}), IN),
    Case("pass-result-resultpath-null", one({**PASS, "Result": 5, "ResultPath": None}), IN),
    Case("pass-result-nested-create", one({**PASS, "Result": 5, "ResultPath": "$.x.y.z"}), IN),
    Case("pass-result-overwrite-scalar", one({**PASS, "Result": 5, "ResultPath": "$.s.t"}), IN),
    Case("pass-result-into-existing", one({**PASS, "Result": {"q": 1}, "ResultPath": "$.a.b"}), IN),
    Case("pass-resultpath-root", one({**PASS, "Result": "v", "ResultPath": "$"}), IN),
    Case("inputpath-object", one({**PASS, "InputPath": "$.a"}), IN),
    Case("inputpath-index", one({**PASS, "InputPath": "$.a.c[1]"}), IN),
    Case("inputpath-null", one({**PASS, "InputPath": None}), IN),
    Case("inputpath-missing", one({**PASS, "InputPath": "$.nope"}), IN),
    Case("inputpath-then-resultpath", one({**PASS, "InputPath": "$.a", "ResultPath": "$.copy"}), IN),
    Case("outputpath", one({**PASS, "OutputPath": "$.a.c"}), IN),
    Case("outputpath-null", one({**PASS, "OutputPath": None}), IN),
    Case("outputpath-missing", one({**PASS, "OutputPath": "$.nope"}), IN),
    Case("outputpath-after-resultpath", one({**PASS, "Result": 3, "ResultPath": "$.r", "OutputPath": "$.r"}), IN),
    Case("parameters-static", one({**PASS, "Parameters": {"k": "v", "nested": {"x": [1, {"y": 2}]}}}), IN),
    Case("parameters-paths", one({**PASS, "Parameters": {"b.$": "$.a.b", "all.$": "$"}}), IN),
    Case(
        "parameters-index-path",
        one({**PASS, "Parameters": {"i.$": "$.list[0].k"}}),
        IN,
        moto_differs=SINGLE_NODE,
        moto={"status": "succeeded", "output": {"i": [1]}},
        doc={"status": "succeeded", "output": {"i": 1}},
    ),
    Case("parameters-nested-dollar", one({**PASS, "Parameters": {"o": {"p.$": "$.s", "q": [{"r.$": "$.n"}]}}}), IN),
    Case("parameters-null-value", one({**PASS, "Parameters": {"z.$": "$.z"}}), IN),
    Case("parameters-bracket", one({**PASS, "Parameters": {"v.$": "$['a']['b']"}}), IN),
    Case("parameters-after-inputpath", one({**PASS, "InputPath": "$.a", "Parameters": {"b.$": "$.b"}}), IN),
    Case("parameters-missing", one({**PASS, "Parameters": {"v.$": "$.a.nope"}}), IN),
    Case("parameters-resultpath", one({**PASS, "Parameters": {"v.$": "$.n"}, "ResultPath": "$.p"}), IN),
    Case("parameters-result-wins", one({**PASS, "Parameters": {"v": 1}, "Result": {"r": 2}}), IN),
    Case("context-input", one({**PASS, "Parameters": {"i.$": "$$.Execution.Input"}}), IN),
    Case("context-input-field", one({**PASS, "Parameters": {"i.$": "$$.Execution.Input.a.c[2]"}}), IN),
    Case("context-state-name", one({**PASS, "Parameters": {"n.$": "$$.State.Name"}}), IN),
    Case(
        "context-input-after-change",
        chain(
            {**PASS, "Result": {"other": 1}}, {**PASS, "Parameters": {"orig.$": "$$.Execution.Input.s", "now.$": "$"}}
        ),
        IN,
    ),
    Case("chain-data-flows", chain({**PASS, "Result": 1, "ResultPath": "$.one"}, {**PASS, "InputPath": "$.one"}), IN),
    Case("wait-zero", chain({"Type": "Wait", "Seconds": 0, "InputPath": "$.a", "OutputPath": "$.c"}), IN),
    Case("wait-secondspath", chain({"Type": "Wait", "SecondsPath": "$.zero"}), {"zero": 0}),
    Case("succeed-paths", chain({"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}), IN),
    Case("input-scalar-resultpath", one({**PASS, "Result": 1, "ResultPath": "$.x"}), "text"),
    Case(
        "resultpath-below-null",
        one({**PASS, "Result": 1, "ResultPath": "$.z.q"}),
        IN,
        moto_differs="moto drops the result when ResultPath steps below a value that is no object; the guide applies ResultPath to objects only",
        moto={"status": "succeeded", "output": IN},
        doc={"status": "failed", "error": "States.Runtime"},
    ),
    Case(
        "input-number-nested-resultpath",
        one({**PASS, "Result": 1, "ResultPath": "$.x.y"}),
        5,
        moto_differs="moto drops the result when a nested ResultPath meets input that is no object (a one-step path fails there); the guide applies ResultPath to an object only",
        moto={"status": "succeeded", "output": 5},
        doc={"status": "failed", "error": "States.Runtime"},
    ),
    Case(
        "assign-then-read",
        chain({**PASS, "Assign": {"v": 3, "w.$": "$.s"}}, {**PASS, "Parameters": {"v.$": "$v", "w.$": "$w"}}),
        IN,
        moto_differs=VARIABLES,
        moto=NO_VARIABLES,
        doc={"status": "succeeded", "output": {"v": 3, "w": "x"}},
    ),
    Case(
        "assign-reads-pass-result",
        chain({**PASS, "Result": 9, "Assign": {"before.$": "$.n"}}, {**PASS, "Parameters": {"b.$": "$before"}}),
        IN,
    ),
    Case(
        "assign-nested-path",
        chain({**PASS, "Assign": {"o.$": "$.a"}}, {**PASS, "Parameters": {"c.$": "$o.c[0]"}}),
        IN,
        moto_differs=VARIABLES,
        moto=NO_VARIABLES,
        doc={"status": "succeeded", "output": {"c": 10}},
    ),
    Case(
        "assign-in-choice-rule",
        {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Assign": {"hit": "yes"}, "Next": "D"}],
                    "Default": "D",
                },
                "D": {**PASS, "Parameters": {"h.$": "$hit"}, "End": True},
            },
        },
        IN,
        moto_differs=VARIABLES,
        moto=NO_VARIABLES,
        doc={"status": "succeeded", "output": {"h": "yes"}},
    ),
    Case(
        "assign-choice-reads-variable",
        {
            "StartAt": "A",
            "States": {
                "A": {**PASS, "Assign": {"limit": 5}, "Next": "C"},
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$limit", "NumericGreaterThan": 4, "Next": "Y"}],
                    "Default": "N",
                },
                "Y": {**PASS, "Result": "yes", "End": True},
                "N": {**PASS, "Result": "no", "End": True},
            },
        },
        IN,
        moto_differs=VARIABLES,
        moto={"status": "succeeded", "output": "no"},
        doc={"status": "succeeded", "output": "yes"},
    ),
    Case(
        "assign-choice-default-and-wait",
        {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.n", "NumericEquals": 0, "Assign": {"r": "rule"}, "Next": "W"}],
                    "Default": "W",
                    "Assign": {"r": "default", "m.$": "$.s"},
                },
                "W": {"Type": "Wait", "Seconds": 0, "Assign": {"w.$": "$.n"}, "Next": "D"},
                "D": {**PASS, "Parameters": {"r.$": "$r", "m.$": "$m", "w.$": "$w"}, "End": True},
            },
        },
        IN,
        moto_differs=VARIABLES,
        moto=NO_VARIABLES,
        doc={"status": "succeeded", "output": {"r": "default", "m": "x", "w": 2}},
    ),
    Case("task-echo", one(TASK_ECHO), IN),
    Case(
        "task-echo-paths",
        one(
            {
                **TASK_ECHO,
                "InputPath": "$.a",
                "Parameters": {"x.$": "$.c", "k": 1},
                "ResultSelector": {"first.$": "$.x", "k2.$": "$.k"},
                "ResultPath": "$.out",
                "OutputPath": "$.out",
            }
        ),
        IN,
    ),
    Case("task-echo-resultpath-null", one({**TASK_ECHO, "Parameters": {"x": 1}, "ResultPath": None}), IN),
    Case(
        "map-items-from-context",
        one(
            {
                "Type": "Map",
                "ItemsPath": "$$.Execution.Input.a.c",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            }
        ),
        IN,
    ),
    Case(
        "wait-secondspath-context",
        chain({"Type": "Wait", "SecondsPath": "$$.Execution.Input.zero"}),
        {"zero": 0, "k": 1},
    ),
    Case(
        "fail-cause-only", {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "only cause"}}}, IN
    ),
    *[
        Case(f"indefinite-path-{i}", one({**PASS, "Parameters": {"v.$": path}}), LISTS)
        for i, path in enumerate(INDEFINITE)
    ],
    Case("indefinite-inputpath", one({**PASS, "InputPath": "$.h[?(@.id > 0)]"}), LISTS),
    Case("indefinite-outputpath", one({**PASS, "OutputPath": "$.h[*].id"}), LISTS),
    Case(
        "indefinite-itemspath",
        one(
            {
                "Type": "Map",
                "ItemsPath": "$.h[*].tag",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {**PASS, "End": True}}},
            }
        ),
        LISTS,
    ),
    Case("pass-ignores-result-selector", one({**PASS, "Parameters": {"n.$": "$.n"}, "ResultSelector": {"x": 1}}), IN),
]
