"""Z3 choice encoding: every ASL operator family, type mismatches, absent reads, witness replay.

Conditions are built as the ASL loader builds them (``Var(..., absent_fails=True)``,
``Cmp.type`` pinned); each solver answer is checked against the reference
evaluator :func:`wfverify.core.evaluate.evaluate`.
"""

from __future__ import annotations

from typing import Any

import pytest

from wfverify.analysis.smt.choices import analyze_choice
from wfverify.analysis.smt.encode import Encoder
from wfverify.analysis.smt.inputs import input_from_model
from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.core.expr import And, Arith, Cmp, Exists, In, IsType, Lit, Matches, Not, Opaque, Or, Var
from wfverify.core.model import ChoiceRule, Dialect, Scope, State, StateKind, Workflow


def v(name: str, asl: bool = True) -> Var:
    return Var(tuple(name.split(".")), absent_fails=asl)


def choice(
    conds: list[Any], inputs: dict[str, str] | None = None, default: str | None = None
) -> tuple[Workflow, State]:
    rules = tuple(ChoiceRule(c, "done", f"/States/C/Choices/{i}") for i, c in enumerate(conds))
    state = State("C", StateKind.CHOICE, "/States/C", "", choices=rules, default=default)
    done = State("done", StateKind.SUCCEED, "/States/done", "")
    wf = Workflow(
        "t", Dialect.ASL, {"C": state, "done": done}, {"": Scope("", "C", ("C", "done"))}, inputs=inputs or {}
    )
    return wf, state


def solve(cond: Any, want: bool, inputs: dict[str, str] | None = None) -> dict[str, Any] | None:
    """An input on which ``cond`` evaluates to ``want`` without failing, or None."""
    import z3

    enc = Encoder(inputs)
    value, fails = enc.condition(cond)
    solver = z3.Solver()
    solver.set("rlimit", 5_000_000)
    solver.add(*enc.domain, value if want else z3.Not(value), z3.Not(fails))
    if solver.check() != z3.sat:
        return None
    return input_from_model(enc, solver.model())


TS = "2024-03-01T12:00:00Z"
FAMILIES = {
    "StringEquals": Cmp("==", v("s"), Lit("gold"), "string"),
    "StringLessThan": Cmp("<", v("s"), Lit("m"), "string"),
    "StringGreaterThanEquals": Cmp(">=", v("s"), Lit("m"), "string"),
    "StringEqualsPath": Cmp("==", v("s"), v("t"), "string"),
    "StringLessThanPath": Cmp("<", v("s"), v("t"), "string"),
    "NumericEquals": Cmp("==", v("n"), Lit(3), "number"),
    "NumericLessThan": Cmp("<", v("n"), Lit(2.5), "number"),
    "NumericGreaterThanEquals": Cmp(">=", v("n"), Lit(-7), "number"),
    "NumericGreaterThanPath": Cmp(">", v("n"), v("m"), "number"),
    "NumericLessThanEqualsPath": Cmp("<=", v("n"), v("m"), "number"),
    "BooleanEquals": Cmp("==", v("b"), Lit(True), "boolean"),
    "BooleanEqualsPath": Cmp("==", v("b"), v("c"), "boolean"),
    "TimestampEquals": Cmp("==", v("ts"), Lit(TS), "timestamp"),
    "TimestampLessThan": Cmp("<", v("ts"), Lit(TS), "timestamp"),
    "TimestampGreaterThanEquals": Cmp(">=", v("ts"), Lit(TS), "timestamp"),
    "TimestampGreaterThanPath": Cmp(">", v("ts"), v("other"), "timestamp"),
    "StringMatches": Matches(v("file"), "log-*.txt"),
    "StringMatchesEscapedStar": Matches(v("file"), "a\\*b*"),
    "IsPresent": Exists(v("p")),
    "IsPresentFalse": Not(Exists(v("p"))),
    "IsNull": IsType(v("p"), "null"),
    "IsNumeric": IsType(v("p"), "number"),
    "IsNumericFalse": IsType(v("p"), "number", expected=False),
    "IsString": IsType(v("p"), "string"),
    "IsBoolean": IsType(v("p"), "boolean"),
    "IsTimestamp": IsType(v("p"), "timestamp"),
    "AndOrNot": And(
        (Exists(v("a")), Or((Cmp(">", v("a"), Lit(10), "number"), Not(Cmp("==", v("a"), Lit(0), "number")))))
    ),
    "NestedNot": Not(And((Not(IsType(v("x"), "string")), Or((Exists(v("y")), IsType(v("x"), "null")))))),
    "NativeSameType": Cmp("!=", v("x", False), Lit(5)),
    "NativeArith": Cmp(">", Arith("+", v("x", False), Lit(1)), Arith("*", v("y", False), Lit(2))),
    "NativeIn": In(v("x", False), (Lit("a"), Lit(2), Lit(None))),
    "NativeBoolVar": Not(v("flag", False)),
    "NativeNestedPaths": And((Cmp(">", v("order.total", False), Lit(1)), Cmp("==", v("order", False), Lit(None)))),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
@pytest.mark.parametrize("want", [True, False])
def test_solver_and_evaluator_agree(name: str, want: bool) -> None:
    cond = FAMILIES[name]
    witness = solve(cond, want)
    if name == "NativeNestedPaths" and want:
        assert witness is None  # order.total present forces order to be an object, never null
        return
    assert witness is not None, f"{name} has no input making it {want}"
    assert evaluate(cond, witness) is want, witness


def test_type_mismatch_is_false_not_an_error() -> None:
    numeric = Cmp("==", v("n"), Lit(3), "number")
    assert evaluate(numeric, {"n": "3"}) is False
    assert evaluate(Cmp(">", v("n", False), Lit(1)), {"n": True}) is False  # booleans are not numbers
    # a declared string can never satisfy a numeric comparison: the rule is dead
    wf, state = choice([numeric, Cmp("==", v("n"), Lit("x"), "string")], inputs={"n": "string"}, default="done")
    report = analyze_choice(wf, state)
    assert [(d.index, d.shadowed_by) for d in report.dead] == [(0, ())]


def test_native_not_equal_on_a_mistyped_value_is_false() -> None:
    cond = Cmp("!=", v("x", False), Lit(5))
    assert evaluate(cond, {"x": "five"}) is False
    assert evaluate(cond, {}) is False
    assert solve(cond, True, {"x": "string"}) is None


def test_absent_variable_raises_only_when_absent_fails() -> None:
    with pytest.raises(AbsentVariable):
        evaluate(Cmp("==", v("s"), Lit("a"), "string"), {})
    assert evaluate(Cmp("==", v("s", False), Lit("a")), {}) is False
    assert evaluate(And((Exists(v("s")), Cmp("==", v("s"), Lit("a"), "string"))), {}) is False


def replay_falls_through(conds: list[Any], data: Any) -> bool:
    return not any(evaluate(c, data) for c in conds)


def test_exhaustive_numeric_split_is_proven_when_typed() -> None:
    conds = [Cmp("<", v("total", False), Lit(100)), Cmp(">=", v("total", False), Lit(100))]
    wf, state = choice(conds, inputs={"total": "number"})
    assert analyze_choice(wf, state).exhaustive == "proven"


def test_untyped_split_falls_through_with_a_replayable_witness() -> None:
    conds = [Cmp("<", v("total", False), Lit(100)), Cmp(">=", v("total", False), Lit(100))]
    wf, state = choice(conds)
    report = analyze_choice(wf, state)
    assert report.exhaustive == "violated"
    assert replay_falls_through(conds, report.witness)


def test_gap_at_the_boundary_is_found() -> None:
    conds = [Cmp("<", v("total", False), Lit(100)), Cmp(">", v("total", False), Lit(100))]
    wf, state = choice(conds, inputs={"total": "int"})
    report = analyze_choice(wf, state)
    assert report.exhaustive == "violated" and report.witness == {"total": 100}
    assert replay_falls_through(conds, report.witness)


def test_asl_rule_reading_an_absent_field_is_reported_even_with_default() -> None:
    conds = [Cmp("==", v("status"), Lit("DONE"), "string"), Cmp(">", v("retries"), Lit(3), "number")]
    wf, state = choice(conds, default="done")
    report = analyze_choice(wf, state)
    assert [(r.index, r.fields) for r in report.absent_reads] == [(0, ("status",)), (1, ("retries",))]
    second = report.absent_reads[1].witness
    assert evaluate(conds[0], second) is False
    with pytest.raises(AbsentVariable):
        evaluate(conds[1], second)


def test_ispresent_guard_prevents_the_absent_read() -> None:
    guarded = And((Exists(v("status")), Cmp("==", v("status"), Lit("DONE"), "string")))
    either = Or((Not(Exists(v("n"))), Cmp(">", v("n"), Lit(3), "number")))
    wf, state = choice([guarded, either], default="done")
    assert analyze_choice(wf, state).absent_reads == []


def test_shadowed_rule_names_the_earlier_rules_and_replays() -> None:
    conds = [
        Cmp(">", v("n"), Lit(100), "number"),
        Cmp("<", v("n"), Lit(0), "number"),
        Cmp("==", v("s"), Lit("x"), "string"),
        And((Cmp(">", v("n"), Lit(1000), "number"), Exists(v("s")))),
    ]
    wf, state = choice(conds, inputs={"n": "number", "s": "string"}, default="done")
    report = analyze_choice(wf, state)
    assert [(d.index, d.shadowed_by) for d in report.dead] == [(3, (0,))]
    sample = solve(conds[3], True, {"n": "number", "s": "string"})
    assert sample is not None and evaluate(conds[0], sample)
    own = report.dead[0].sample  # the analysis' own replayed sample
    assert own is not None and evaluate(conds[3], own) and evaluate(conds[0], own)


def test_shadowing_by_a_union_of_rules() -> None:
    conds = [
        Cmp("<", v("n"), Lit(5), "number"),
        Cmp(">=", v("n"), Lit(5), "number"),
        Cmp("==", v("n"), Lit(7), "number"),
    ]
    wf, state = choice(conds, inputs={"n": "number"}, default="done")
    assert [(d.index, d.shadowed_by) for d in analyze_choice(wf, state).dead] == [(2, (1,))]


def test_unsatisfiable_rule() -> None:
    cond = And((Cmp(">", v("n"), Lit(5), "number"), Cmp("<", v("n"), Lit(3), "number")))
    wf, state = choice([cond], default="done")
    assert [(d.index, d.shadowed_by) for d in analyze_choice(wf, state).dead] == [(0, ())]


def test_opaque_conditions_give_unknown_not_a_wrong_witness() -> None:
    wf, state = choice([Opaque("$x > 1"), Opaque("$x <= 1")])
    report = analyze_choice(wf, state)
    assert report.exhaustive == "unknown" and report.witness is None
    wf, state = choice([Opaque("$x > 1"), Opaque("$x > 1")], default="done")
    assert [(d.index, d.shadowed_by) for d in analyze_choice(wf, state).dead] == [(1, (0,))]


def test_resource_limit_gives_unknown_with_reason() -> None:
    conds = [Matches(v("f"), "*a*b*c*"), Cmp("<", v("f"), Lit("m"), "string")]
    wf, state = choice(conds)
    report = analyze_choice(wf, state, rlimit=1)
    assert report.exhaustive == "unknown" and report.unknown and "gave up" in report.unknown[0]


def test_timestamp_witness_is_rfc3339_and_replays() -> None:
    cond = And(
        (
            Cmp(">", v("at"), Lit("2024-01-01T00:00:00Z"), "timestamp"),
            Cmp("<", v("at"), Lit("2024-01-01T00:00:00.000002+00:00"), "timestamp"),
        )
    )
    witness = solve(cond, True)
    assert witness == {"at": "2024-01-01T00:00:00.000001Z"}
    assert evaluate(cond, witness)
