"""Issue 12, choices: doubles as the engine computes them, values the model cannot read, non-linear rules.

Each case is a claim that used to be wrong (a false ``proven``, a dead rule
that is live, an internal error) and now has the right verdict.
"""

from __future__ import annotations

import json

from test_smt_choices import choice

from wfverify.analysis.smt.choices import analyze_choice
from wfverify.core.evaluate import evaluate
from wfverify.core.expr import And, Arith, Cmp, Lit, Var
from wfverify.core.model import ChoiceRule, Dialect, Scope, State, StateKind, Workflow
from wfverify.testing import check_text

X = Var(("x",))


def test_one_plus_a_huge_double_is_the_same_double() -> None:
    """``x + 1 == x`` holds for x = 1e16 in doubles (never in the reals): the rule is live."""
    wf, state = choice([Cmp("==", Arith("+", X, Lit(1)), X), Cmp(">", X, Lit(0))], {"x": "number"}, "done")
    report = analyze_choice(wf, state)
    assert report.dead == [] and report.unknown == []
    assert evaluate(state.choices[0].condition, {"x": 1e16}) is True


def test_point_one_plus_point_two_is_not_point_three() -> None:
    never = And((Cmp("==", X, Lit(0.1)), Cmp("==", Arith("+", X, Lit(0.2)), Lit(0.3))))
    always = And((Cmp("==", X, Lit(0.1)), Cmp("==", Arith("+", X, Lit(0.2)), Lit(0.30000000000000004))))
    wf, state = choice([never, always], {"x": "number"}, "done")
    report = analyze_choice(wf, state)
    assert [(d.index, d.shadowed_by) for d in report.dead] == [(0, ())]


def test_integers_beyond_53_bits_compare_as_doubles() -> None:
    wf, state = choice([Cmp("==", X, Lit(10000000000000001)), Cmp("==", X, Lit(1e16))], {"x": "number"}, "done")
    report = analyze_choice(wf, state)
    assert [(d.index, d.shadowed_by) for d in report.dead] == [(1, (0,))]


def test_no_double_between_adjacent_doubles() -> None:
    """``x > 1`` and ``x < 1.0000000000000002`` leave no double: the split is exhaustive."""
    rules = [Cmp("<=", X, Lit(1)), Cmp(">=", X, Lit(1.0000000000000002))]
    wf, state = choice(rules, {"x": "number"})
    assert analyze_choice(wf, state).exhaustive == "proven"


def test_non_linear_rule_is_unknown_with_the_reason() -> None:
    wf, state = choice([Cmp("<", Arith("*", X, X), Lit(2))], {"x": "number"})
    report = analyze_choice(wf, state)
    assert report.exhaustive == "unknown"
    assert report.unknown == ["C: non-linear arithmetic (x * x) is beyond the checker"]


def test_non_linear_native_file_keeps_its_proof() -> None:
    text = (
        "workflow: nl\nstart: c\ninput: {x: number}\nstates:\n  c:\n    type: choice\n"
        "    choices:\n      - {when: 'x * x < 2', next: a}\n  a: {type: succeed}\n"
    )
    result = check_text(text)
    verdicts = {p.property: p.verdict.value for p in result.proofs}
    assert verdicts["choice-exhaustiveness"] == "unknown"
    assert [f.rule for f in result.findings if f.rule == "internal-error"] == []


def _asl(rules: list[dict[str, object]]) -> str:
    return json.dumps(
        {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": rules}, "Met": {"Type": "Succeed"}}}
    )


def test_a_variable_reference_is_not_assumed_boolean() -> None:
    """``"Variable": "$flag"`` may hold a string: true/false rules do not cover every input."""
    rules = [
        {"Variable": "$flag", "BooleanEquals": True, "Next": "Met"},
        {"Variable": "$flag", "BooleanEquals": False, "Next": "Met"},
    ]
    result = check_text(_asl(rules), "flag.asl.json", select=["missing-default"])
    verdicts = {p.property: p.verdict.value for p in result.proofs}
    assert verdicts["choice-exhaustiveness"] == "violated"
    assert [f.witness for f in result.findings] == [{"$flag": None}]


def test_context_object_operand_does_not_make_a_rule_dead() -> None:
    rules = [{"Variable": "$.votes", "NumericGreaterThanEqualsPath": "$$.Execution.Input.quorum", "Next": "Met"}]
    result = check_text(_asl(rules), "quorum.asl.json", select=["unreachable-choice-rule"])
    assert result.findings == []


def test_array_root_variable_does_not_make_a_rule_dead() -> None:
    rules = [{"Variable": "$[0].isValidImage", "BooleanEquals": True, "Next": "Met"}]
    result = check_text(_asl(rules), "thumb.asl.json", select=["unreachable-choice-rule"])
    assert result.findings == []


def test_declared_input_types_do_not_hold_for_a_map_item() -> None:
    """Inside a Map iterator the Choice reads the item: a declared ``x: number`` says nothing of it."""
    x = Var(("x",), absent_fails=True)
    rules = (
        ChoiceRule(Cmp("<", x, Lit(0), "number"), "done", "/r0"),
        ChoiceRule(Cmp(">=", x, Lit(0), "number"), "done", "/r1"),
    )
    inner = "/States/M/ItemProcessor"
    states = {
        "M": State("M", StateKind.MAP, "/States/M", "", branches=(inner,), end=True),
        "C": State("C", StateKind.CHOICE, f"{inner}/States/C", inner, choices=rules),
        "done": State("done", StateKind.SUCCEED, f"{inner}/States/done", inner),
    }
    scopes = {"": Scope("", "M", ("M",)), inner: Scope(inner, "C", ("C", "done"), owner="M", kind="iterator")}
    wf = Workflow("t", Dialect.ASL, states, scopes, inputs={"x": "number"})
    report = analyze_choice(wf, states["C"])
    assert report.exhaustive == "violated"
    assert [(r.index, r.fields, r.witness) for r in report.absent_reads] == [(0, ("x",), {})]


def test_a_choice_on_the_whole_input_gives_a_witness_not_an_internal_error() -> None:
    from wfverify.testing import check_text

    text = """{"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [{"Variable": "$", "BooleanEquals": true, "Next": "D"}]},
      "D": {"Type": "Succeed"}}}"""
    report = check_text(text, name="whole.asl.json")
    assert [f.rule for f in report.findings] == ["missing-default"]
    assert report.findings[0].witness == {"$": None}
