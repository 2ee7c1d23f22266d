"""The intrinsic functions in Parameters, with their documented errors."""

from __future__ import annotations

from tests.asl_cases import Case, one

IN = {
    "n": 7,
    "f": 2.5,
    "s": "Hello",
    "a": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "dup": [1, 2, 2, "2", {"x": 1}, {"x": 1}, None, None, True, 1],
    "obj": {"x": 1, "y": {"z": [1, 2]}},
    "obj2": {"y": 3, "w": "w"},
    "json": '{"k": [1, 2, {"m": null}]}',
    "csv": "a,b;c,,d",
    "nested": [[1, 2], [3]],
    "z": None,
    "half": 0.5,
    "neg": -2.5,
    "dupscalar": [3, 1, 3, "3", None, None, 1],
}


def _p(expression: str, name: str = "v") -> dict:
    return one({"Type": "Pass", "Parameters": {f"{name}.$": expression}})


_OK = {
    "format-one": "States.Format('Hello {}', $.s)",
    "format-many": "States.Format('{}-{}-{}', $.n, $.f, true)",
    "format-no-placeholder": "States.Format('plain')",
    "format-nested-call": "States.Format('len={}', States.ArrayLength($.a))",
    "string-to-json": "States.StringToJson($.json)",
    "string-to-json-literal": "States.StringToJson('[1,2]')",
    "json-to-string-object": "States.JsonToString($.obj)",
    "json-to-string-array": "States.JsonToString($.a)",
    "json-to-string-string": "States.JsonToString($.s)",
    "array-mixed": "States.Array('a', 1, true, $.obj, $.z)",
    "array-empty": "States.Array()",
    "array-nested-call": "States.Array(States.ArrayLength($.a), $.s)",
    "partition-4": "States.ArrayPartition($.a, 4)",
    "partition-1": "States.ArrayPartition($.a, 1)",
    "partition-big": "States.ArrayPartition($.a, 20)",
    "contains-yes": "States.ArrayContains($.a, 5)",
    "contains-no": "States.ArrayContains($.a, 50)",
    "contains-object": "States.ArrayContains($.dup, $.obj)",
    "contains-string": "States.ArrayContains($.dup, '2')",
    "range-step-2": "States.ArrayRange(1, 9, 2)",
    "range-single": "States.ArrayRange(3, 3, 1)",
    "range-empty": "States.ArrayRange(5, 1, 1)",
    "getitem": "States.ArrayGetItem($.a, 0)",
    "getitem-nested": "States.ArrayGetItem($.nested, 1)",
    "length": "States.ArrayLength($.a)",
    "length-empty": "States.ArrayLength(States.Array())",
    "unique": "States.ArrayUnique($.dupscalar)",
    "base64-encode": "States.Base64Encode($.s)",
    "base64-decode": "States.Base64Decode('SGVsbG8=')",
    "hash-md5": "States.Hash($.s, 'MD5')",
    "hash-sha1": "States.Hash($.s, 'SHA-1')",
    "hash-sha256": "States.Hash($.s, 'SHA-256')",
    "hash-sha384": "States.Hash($.s, 'SHA-384')",
    "hash-sha512": "States.Hash($.s, 'SHA-512')",
    "merge-shallow": "States.JsonMerge($.obj, $.obj2, false)",
    "mathadd": "States.MathAdd($.n, -10)",
    "mathadd-literals": "States.MathAdd(1, 2)",
    "mathadd-rounds": "States.MathAdd($.f, $.half)",
    "mathadd-rounds-negative": "States.MathAdd($.neg, 0)",
    "format-array-object": "States.Format('{} / {}', $.nested, $.obj)",
    "split-many-delimiters": "States.StringSplit($.csv, ',;')",
    "split-one": "States.StringSplit('a b  c', ' ')",
    "split-absent-delimiter": "States.StringSplit($.s, ',')",
}

_FAILS = {
    "format-too-few-args": "States.Format('{} {}', 1)",
    "string-to-json-invalid": "States.StringToJson('{nope')",
    "partition-zero": "States.ArrayPartition($.a, 0)",
    "partition-not-array": "States.ArrayPartition($.s, 2)",
    "range-step-zero": "States.ArrayRange(1, 5, 0)",
    "range-too-long": "States.ArrayRange(1, 2000, 1)",
    "getitem-out-of-range": "States.ArrayGetItem($.a, 9)",
    "length-not-array": "States.ArrayLength($.s)",
    "hash-unknown": "States.Hash($.s, 'SHA-3')",
    "merge-deep": "States.JsonMerge($.obj, $.obj2, true)",
    "mathadd-string": "States.MathAdd($.s, 1)",
    "unknown-path-arg": "States.ArrayLength($.nope)",
}

CASES = [Case(f"intrinsic-{name}", _p(text), IN) for name, text in _OK.items()]
CASES += [Case(f"intrinsic-fails-{name}", _p(text), IN) for name, text in _FAILS.items()]
_SINGLE_NODE = (
    "the guide: a reference path names one node, so $[0].s is its value; moto returns a list for any path with an index"
)
_LITERAL_NUMBER = "moto's intrinsic parser rejects a decimal literal argument (AttributeError on Func_arg_float)"
_JAVA_EQUALITY = "moto compares items with Python equality, where true == 1; the guide removes duplicate JSON values"
_FORMAT_ESCAPES = "the guide: in States.Format's template \\' is a quote and \\\\ a backslash; moto keeps the escapes"


def _moto_differs(name: str, expression: str, reason: str, moto: dict, doc_value: object) -> Case:
    return Case(
        f"intrinsic-{name}",
        _p(expression),
        IN,
        moto_differs=reason,
        moto=moto,
        doc={"status": "succeeded", "output": {"v": doc_value}},
    )


CASES += [
    _moto_differs("array-float", "States.Array(2.5, 1)", _LITERAL_NUMBER, {"status": "rejected"}, [2.5, 1]),
    _moto_differs(
        "array-null-literal",
        "States.Array(1, null)",
        "the guide: States.Array holds every argument, null too; moto drops a null literal",
        {"status": "succeeded", "output": {"v": [1]}},
        [1, None],
    ),
    _moto_differs(
        "unique-objects",
        "States.ArrayUnique($.dup)",
        "moto's ArrayUnique hashes the items and fails on an object",
        {"status": "failed", "error": "States.Runtime"},
        [1, 2, "2", {"x": 1}, None, True],
    ),
    _moto_differs(
        "unique-true-and-one",
        "States.ArrayUnique(States.Array(1, true, 1))",
        _JAVA_EQUALITY,
        {"status": "succeeded", "output": {"v": [1]}},
        [1, True],
    ),
    _moto_differs(
        "contains-true-not-one",
        "States.ArrayContains(States.Array(true), 1)",
        _JAVA_EQUALITY,
        {"status": "succeeded", "output": {"v": True}},
        False,
    ),
    _moto_differs(
        "format-quote-escape",
        "States.Format('it\\'s {}', $.s)",
        _FORMAT_ESCAPES,
        {"status": "succeeded", "output": {"v": "it\\\\"}},
        "it's Hello",
    ),
    _moto_differs(
        "format-backslash-escape",
        "States.Format('a\\\\b {}', $.n)",
        _FORMAT_ESCAPES,
        {"status": "succeeded", "output": {"v": "a\\\\\\\\b 7"}},
        "a\\b 7",
    ),
    _moto_differs(
        "format-brace-escape",
        "States.Format('\\{{}\\}', $.n)",
        "the guide: \\{ and \\} in States.Format's template are literal braces; moto fails on them",
        {"status": "failed", "error": "States.Runtime"},
        "{7}",
    ),
    _moto_differs(
        "base64-non-ascii",
        "States.Base64Decode(States.Base64Encode('über'))",
        "moto encodes the text as ASCII and fails on other characters; a JSON string is Unicode (UTF-8)",
        {"status": "failed", "error": "States.Runtime"},
        "über",
    ),
    Case("intrinsic-uuid", _p("States.UUID()", "u"), IN, shape_only=("u",)),
    Case("intrinsic-math-random", _p("States.MathRandom(1, 5)", "r"), IN, shape_only=("r",)),
    Case("intrinsic-math-random-seeded", _p("States.MathRandom(1, 100, 7)", "r"), IN, shape_only=("r",)),
    Case(
        "intrinsic-in-resultselector",
        one(
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}],
                "ResultSelector": {"n.$": "States.ArrayLength($)", "first.$": "$[0].s"},
            }
        ),
        IN,
        moto_differs=_SINGLE_NODE,
        moto={"status": "succeeded", "output": {"n": 1, "first": ["Hello"]}},
        doc={"status": "succeeded", "output": {"n": 1, "first": "Hello"}},
    ),
]
