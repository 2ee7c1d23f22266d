"""Property: the Z3 encoding and the reference evaluator agree on random conditions and inputs.

For a random condition and a random input, whenever the evaluator finds the
condition true without failing, the solver must find it satisfiable (no false
"unsatisfiable"), and any witness the solver gives must evaluate to true.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st
from test_smt_choices import solve

from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.core.expr import And, Arith, Cmp, Exists, In, IsType, Lit, Matches, Not, Or, Var

NAMES = [("a",), ("b",), ("o", "x")]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "ab", "b*", "2024-01-01T00:00:00Z"])
)
KINDS = st.sampled_from([None, "number", "string", "boolean", "timestamp"])


def var(asl: bool) -> st.SearchStrategy[Var]:
    return st.builds(Var, st.sampled_from(NAMES), st.just(asl))


def values(asl: bool) -> st.SearchStrategy:
    base = st.one_of(var(asl), st.builds(Lit, SCALARS))
    return st.one_of(base, st.builds(Arith, st.sampled_from("+-"), var(asl), st.builds(Lit, st.integers(-2, 2))))


def conditions(asl: bool) -> st.SearchStrategy:
    leaf = st.one_of(
        st.builds(Cmp, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), var(asl), values(asl), KINDS),
        st.builds(Exists, var(asl)),
        st.builds(
            IsType, var(asl), st.sampled_from(["null", "number", "string", "boolean", "timestamp"]), st.booleans()
        ),
        st.builds(Matches, var(asl), st.sampled_from(["a*", "*b", "a\\*", "*"])),
        st.builds(In, var(asl), st.lists(st.builds(Lit, SCALARS), min_size=1, max_size=3).map(tuple)),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        ),
        max_leaves=5,
    )


inputs = st.fixed_dictionaries(
    {},
    optional={
        "a": SCALARS,
        "b": SCALARS,
        "o": st.one_of(SCALARS, st.fixed_dictionaries({}, optional={"x": SCALARS})),
    },
)


@settings(max_examples=int(os.environ.get("WFVERIFY_PROPERTY_EXAMPLES", "150")), deadline=None)
@given(st.booleans().flatmap(conditions), inputs)
def test_encoding_agrees_with_the_evaluator(cond, data) -> None:
    try:
        truth = evaluate(cond, data)
    except AbsentVariable:
        truth = None
    for want in (True, False):
        witness = solve(cond, want)
        if truth is want:
            assert witness is not None, f"solver says no input makes it {want}, but {data} does"
        if witness is not None:
            assert evaluate(cond, witness) is want, (witness, want)
