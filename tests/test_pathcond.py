"""wfverify.analysis.pathcond: a Choice's counterexample must be possible given what earlier Choices established."""

from __future__ import annotations

from wfverify.analysis.pathcond import consistent_witness
from wfverify.core.expr import And, Cmp, Lit, Not, Var

KIND = Var(("run", "kind"), True)
IS_A = Cmp("==", KIND, Lit("a"), "string")
IS_B = Cmp("==", KIND, Lit("b"), "string")


def test_a_witness_that_holds_the_path_conditions_is_kept() -> None:
    assert consistent_witness([Not(IS_A)], [IS_B], {"run": {"kind": "z"}}) == {"run": {"kind": "z"}}


def test_equalities_and_inequalities_are_repaired() -> None:
    assert consistent_witness([IS_A], [IS_B], {}) == {"run": {"kind": "a"}}
    assert consistent_witness([Not(IS_A)], [IS_B], {"run": {"kind": "a"}}) == {"run": {"kind": "a-other"}}
    n = Var(("n",), True)
    assert consistent_witness([Not(Cmp("==", n, Lit(0), "number"))], [], {"n": 0}) == {"n": 1}


def test_no_witness_when_the_path_forces_a_rule_to_match() -> None:
    assert consistent_witness([IS_B], [IS_B], {"run": {"kind": "z"}}) is None
    assert consistent_witness([And((IS_A, IS_B))], [], {}) is None  # contradictory: nothing reaches the Choice
