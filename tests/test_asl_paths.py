"""The path, intrinsic and JSONata grammars, form by form (Jayway JsonPath, the AWS intrinsic and JSONata docs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfverify.load.asl_paths import (
    check_jsonata,
    check_jsonpath,
    check_payload_value,
    check_reference_path,
    style_note,
    variable_reads,
)

PATHS_JAYWAY_ACCEPTS = [
    "$",
    "$.a",
    "$.[0]",
    "$.Snapshots.[0].State",
    "$.[*].['bucket', 'key']",
    "$.[?(@.OU > 0)]",
    "$.items.length()",
    "$[-1]",
    "$[1:3]",
    "$[:2]",
    "$[-2:]",
    "$[0, 2]",
    "$..name",
    "$..*",
    "$.*",
    "$['with blank']",
    '$["double"]',
    "$.a[?(@.x == 'y')]",
    "$.a[?(@.x =~ /(a|b)/)]",
    "$.a[ * ]",
    "$..[0]",
    "$.a-b",
    "$var",
    "$var.a[0]",
    "$$.Map.Item.Value",
    "$.${Placeholder}",
]
PATHS_JAYWAY_REJECTS = [
    (".guid", "a path starts with $"),
    ("$...", "cannot end with '.'"),
    ("$...name", "'.' cannot follow '.'"),
    ("$.a b", "['my name']"),
    ("$[?]", "[?] needs a filter predicate"),
    ("$[1,,2]", "not a list of whole-number indexes"),
    ("$.rows.total()", "total() is not a JSONPath function"),
    ("$[abc]", "must hold a quoted name"),
    ("$['a'", "closed by ']'"),
    ("$['a', ]", "empty or unquoted name"),
    ("$[?(@.a]", "filter [?(...)] is not closed"),
    ("$*", "comes '.' or '['"),
    ("$[:]", "not a slice"),
]


@pytest.mark.parametrize("text", PATHS_JAYWAY_ACCEPTS)
def test_paths_jayway_accepts(text: str) -> None:
    assert check_jsonpath(text) is None


@pytest.mark.parametrize("text, words", PATHS_JAYWAY_REJECTS)
def test_paths_jayway_rejects(text: str, words: str) -> None:
    problem = check_jsonpath(text)
    assert problem is not None and words in problem, problem


def test_blanks_around_a_path_are_trimmed_and_noted() -> None:
    assert check_jsonpath("$$.Execution.Name ") is None
    assert style_note("$$.Execution.Name ") is not None
    assert style_note("$$.Execution.Name") is None


@pytest.mark.parametrize("text", ["$", "$.a[0]", "$.[0].n", "$['a'].b", "$var.x", "$$.Execution.Input.x"])
def test_reference_paths_accept_single_nodes(text: str) -> None:
    assert check_reference_path(text) is None


@pytest.mark.parametrize(
    "text", ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0,1]", "$.a[1:2]", "$['a','b']", "$.a.length()", "$.*"]
)
def test_reference_paths_reject_what_selects_several_nodes(text: str) -> None:
    assert check_reference_path(text) is not None
    assert check_jsonpath(text) is None  # the same text is a fine path


def test_result_path_cannot_name_a_variable() -> None:
    assert check_reference_path("$total", variables=False) == (
        "ResultPath cannot write to a variable: use Assign to set variables"
    )


INTRINSICS_ACCEPTED = [
    "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
    "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), $.a)",
    "States.StringToJson($.[0].body)",
    "States.Array('Foo', 2020, $.someJson, null)",
    "States.ArrayRange(1, 9, 2)",
    "States.JsonMerge($.json1, $.json2, false)",
    "States.Hash($.Data, 'SHA-256')",
    "States.MathRandom($.start, $.end, 7)",
    "States.MathAdd($count, -1)",
    "States.UUID()",
    "States.Array($.items[?(@.a, 1)], $['x,y'])",
]
INTRINSICS_REJECTED = [
    ("States.UUID($.x)", "takes 0 argument(s), not 1"),
    ("States.ArrayLength()", "takes 1 argument(s), not 0"),
    ("States.MathRandom(1)", "takes 2 to 3 argument(s)"),
    ("States.Foo($.x)", "unknown intrinsic function States.Foo"),
    ("States.MathAdd($.x, 'a')", "takes numbers or paths"),
    ("States.Hash($.x, 'SHA1')", "is not one of MD5"),
    ("States.JsonMerge($.a, $.b, true)", "must be false"),
    ("States.ArrayRange(0, 5000, 1)", "more than 1,000 items"),
    ("States.ArrayRange(0, 5, 0)", "step other than 0"),
    ("States.Array(foo)", "is not a 'string', number"),
    ("States.Format('x)", "never closed"),
    ("States.Array($.a) x", "unexpected text 'x'"),
    ("States.Array($.a b)", "['my name']"),
    ("States.ArrayLength(" * 11 + "$.a" + ")" * 11, "more than 10 intrinsic functions nested"),
]


@pytest.mark.parametrize("text", INTRINSICS_ACCEPTED)
def test_intrinsics_accepted(text: str) -> None:
    assert check_payload_value(text) is None


@pytest.mark.parametrize("text, words", INTRINSICS_REJECTED)
def test_intrinsics_rejected(text: str, words: str) -> None:
    problem = check_payload_value(text)
    assert problem is not None and words in problem, problem


@pytest.mark.parametrize("text", ["{%10%}", "{% \n10  %}", "{%$lowercase('a')%}", "{% $states.input%}", "{% ${X} %}"])
def test_jsonata_needs_only_its_delimiters(text: str) -> None:
    assert check_jsonata(text) is None


@pytest.mark.parametrize(
    "text, words",
    [
        ("{% %}", "empty"),
        ("{% 1 + %}", "JSONata syntax error"),
        ("{% x", "starts with {% and ends with %}"),
        ("x %}", "starts with {% and ends with %}"),
    ],
)
def test_jsonata_rejected(text: str, words: str) -> None:
    problem = check_jsonata(text)
    assert problem is not None and words in problem, problem


def test_variable_reads_of_jsonata_skip_functions_lambdas_and_bindings() -> None:
    text = (
        "{% ( $x := $count($items); $map($arr, function($v){ $v + $x + $outer }) ~> $string )"
        " & $states.input.a[$i > 0] & $y.field & $arr@$e#$k.($e & $k) & $uuid() %}"
    )
    assert variable_reads(text, "jsonata") == ["items", "arr", "outer", "i", "y"]


def test_variable_reads_of_paths_and_intrinsics() -> None:
    assert variable_reads("States.Format('{} $no', $name.a, $$.x, $.y, States.Array($other))", "payload") == [
        "name",
        "other",
    ]
    assert variable_reads("$v[0]", "reference-path") == ["v"]
    assert variable_reads("$total", "result-path") == []


def test_a_line_break_after_the_closing_delimiter_is_only_noted() -> None:
    from wfverify.load.asl_paths import jsonata_note

    assert check_jsonata("{% $x %}\n") is None
    assert jsonata_note("{% $x %}\n") is not None
    assert jsonata_note("{% $x %}") is None
    assert check_jsonata("{% $x +\n") is not None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="$.[]()?@*:,'\"\\ -_ab01{}%States", max_size=40))
def test_the_checkers_answer_every_string_without_raising(text: str) -> None:
    for language in ("jsonpath", "reference-path", "payload", "jsonata"):
        variable_reads(text, language)
    for result in (check_jsonpath(text), check_reference_path(text), check_payload_value(text), check_jsonata(text)):
        assert result is None or isinstance(result, str)


def test_a_variable_tested_for_presence_is_not_a_plain_read() -> None:
    assert variable_reads("{% $exists($n) ? $n + 1 : 0 %}", "jsonata") == []
    assert variable_reads("{% $m ? $m : $k %}", "jsonata") == ["k"]
