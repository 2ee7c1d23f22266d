"""The solver-free decision procedure and Z3 never disagree (differential, Hypothesis).

Both answer the same three questions for generated choice states in the
fragment the procedure covers (one variable against constants, presence and
type tests, wildcards, opaque conditions, ``And``/``Or``/``Not``), with numbers chosen where doubles and
reals part ways (``0.1 + 0.2``, ``1e16 + 1``, adjacent doubles). Z3 over IEEE
doubles must agree exactly, dead rules and their shadowing sets included;
Z3 over reals (what it uses without arithmetic) must never contradict.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_smt_choices import choice

from wfverify.analysis.smt.choices import _decided, _solved
from wfverify.analysis.smt.conditions import replay as _replay
from wfverify.analysis.smt.values import pick as _pick
from wfverify.core.expr import And, Cmp, Exists, In, IsType, Lit, Matches, Not, Opaque, Or, Var

NAMES = [("a",), ("b",), ("o",), ("o", "x")]
NUMBERS = [0, 1, -1, 2.5, 0.1, 0.2, 0.3, 0.30000000000000004, 1e16, 10000000000000001, 1.0000000000000002, -0.0]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NUMBERS), st.floats(allow_nan=False, allow_infinity=False, width=64)
)
LITERALS = st.one_of(SCALARS, st.sampled_from(["", "a", "b", "2024-01-01T00:00:00Z"]))


def leaves(asl: bool) -> st.SearchStrategy[Any]:
    names = NAMES + [()] if asl else NAMES  # ASL rules may compare the whole input ("Variable": "$")
    var = st.builds(Var, st.sampled_from(names), st.just(asl))
    return st.one_of(
        st.builds(
            Cmp,
            st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
            var,
            st.builds(Lit, SCALARS),
            st.sampled_from([None, "number", "boolean"]),
        ),
        st.builds(Cmp, st.sampled_from(["==", "!="]), var, st.builds(Lit, LITERALS), st.sampled_from([None, "string"])),
        st.builds(Cmp, st.sampled_from(["==", "!=", "<", ">="]), var, var, st.sampled_from([None, "number", "string"])),
        st.builds(Exists, var),
        st.builds(IsType, var, st.sampled_from(["null", "number", "string", "boolean"]), st.booleans()),
        st.builds(In, var, st.lists(st.builds(Lit, LITERALS), min_size=1, max_size=3).map(tuple)),
        st.builds(Matches, var, st.sampled_from(["a*", "*b", "a\\*", "*", "", "a", "*.b", "*ab", "ab*", "b*", "*a*"])),
        st.builds(Opaque, st.sampled_from(["$states.input.p", "$states.input.q"])),
        st.builds(  # a comparison with a value the model cannot read
            Cmp,
            st.sampled_from(["==", "!=", "<", ">="]),
            var,
            st.builds(Opaque, st.sampled_from(["$$.Execution.Input.q", "$[0].x"])),
            st.sampled_from([None, "number", "string"]),
        ),
        var,
    )


def conditions(asl: bool) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves(asl),
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        ),
        max_leaves=4,
    )


def choices(asl: bool) -> st.SearchStrategy[Any]:
    declared = st.dictionaries(st.sampled_from(["a", "b", "o.x"]), st.sampled_from(["int", "number", "string", "bool"]))
    return st.tuples(st.lists(conditions(asl), min_size=1, max_size=4), declared, st.booleans())


def _both(conds: list[Any], inputs: dict[str, str], default: bool, doubles: bool) -> tuple[Any, Any]:
    wf, state = choice(conds, inputs, "done" if default else None)
    fast = _decided(state, conds, inputs, set())
    assume(fast is not None)  # beyond the procedure's input budget: the solver's case
    return fast, _solved(state, conds, inputs, set(), 5_000_000, doubles=doubles)


def _fast_answers_replay(fast: Any, conds: list[Any]) -> None:
    if fast.witness is not None:
        assert _replay(conds, fast.witness, len(conds)) == ("none", len(conds))
    for read in fast.absent_reads:
        assert _replay(conds, read.witness, read.index + 1) == ("fail", read.index)


@settings(
    max_examples=int(os.environ.get("WFVERIFY_DECIDE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.booleans().flatmap(choices))
def test_decision_procedure_agrees_with_z3_over_doubles(case: Any) -> None:
    conds, inputs, default = case
    fast, slow = _both(conds, inputs, default, doubles=True)
    _fast_answers_replay(fast, conds)
    if any("gave up" in u or "did not replay" in u for u in slow.unknown):
        return  # the solver's limit or a modelling gap on its side: nothing to compare
    assert slow.exhaustive == fast.exhaustive
    assert slow.unknown == fast.unknown
    assert [r.index for r in slow.absent_reads] == [r.index for r in fast.absent_reads]
    assert [(d.index, d.shadowed_by) for d in slow.dead] == [(d.index, d.shadowed_by) for d in fast.dead]


@settings(
    max_examples=int(os.environ.get("WFVERIFY_DECIDE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.booleans().flatmap(choices))
def test_z3_over_reals_never_contradicts_the_procedure(case: Any) -> None:
    conds, inputs, default = case
    fast, slow = _both(conds, inputs, default, doubles=False)
    if slow.exhaustive in ("proven", "violated"):
        assert slow.exhaustive == fast.exhaustive
    assert {d.index for d in slow.dead} <= {d.index for d in fast.dead}
    assert {r.index for r in slow.absent_reads} <= {r.index for r in fast.absent_reads}


def test_a_gap_without_a_double_has_no_representative() -> None:
    assert _pick(1.0, 1.0000000000000002, integral=False) is None
    assert _pick(0.1, 0.2, integral=False) == 0.2 or 0.1 < _pick(0.1, 0.2, integral=False) < 0.2
    assert _pick(2.5, 3.5, integral=True) == 3.0
    assert _pick(-3.5, -2.5, integral=True) == -3.0
    assert _pick(-1.0, 5.0, integral=False) == 0.0


def test_several_suffix_patterns_on_one_variable_are_decided_without_the_solver() -> None:
    """S3 keys routed by extension: which rules can fire, and which are shadowed by a shorter suffix."""
    key = Var(("key",), True)
    conds = [Matches(key, "*xt"), Matches(key, "*.pdf"), Matches(key, "*.txt"), Cmp("==", key, Lit("a.pdf"), "string")]
    wf, state = choice(conds, {}, None)
    fast = _decided(state, conds, {}, set())
    assert fast is not None
    assert [(d.index, d.shadowed_by) for d in fast.dead] == [(2, (0,)), (3, (1,))]
    assert fast.exhaustive == "violated" and fast.witness is not None
    _fast_answers_replay(fast, conds)
    slow = _solved(state, conds, {}, set(), 5_000_000, doubles=True)
    assert [(d.index, d.shadowed_by) for d in slow.dead] == [(2, (0,)), (3, (1,))]


def test_rules_on_the_whole_input_are_decided_without_the_solver() -> None:
    """``"Variable": "$"``: the input is always there (no absent read), and a witness that is not an
    object is named ``{"$": value}`` as the solver names it; it replays."""
    whole = Var((), True)
    conds = [Cmp("==", whole, Lit("No messages"), "string"), IsType(whole, "null", True)]
    wf, state = choice(conds, {}, None)
    fast = _decided(state, conds, {}, set())
    assert fast is not None and fast.exhaustive == "violated" and fast.absent_reads == [] and fast.dead == []
    assert list(fast.witness) == ["$"] and fast.witness["$"] not in ("No messages", None)
    _fast_answers_replay(fast, conds)
    slow = _solved(state, conds, {}, set(), 5_000_000, doubles=True)
    assert (slow.exhaustive, slow.absent_reads) == ("violated", [])
