"""Values set before a Choice (native ``set``, ASL ``Assign``/Pass ``Result``) restrict the choice proofs.

Each case gives the exact ``choice-exhaustiveness`` verdict and witness. Every
``violated`` witness is replayed on the Choice in the simulator, and the
exhaustive explorer (:func:`wfverify.simulate.explore.explore`) must agree with
the verdict: it finds the violation, or refutes no ``proven``. The
soundness counter-cases (a value set on one way in only, a loop that changes
it, a catcher that skips the ``set``, a branch of a Parallel that sets it)
must stay ``violated``.
"""

from __future__ import annotations

from typing import Any

import pytest

from wfverify.analysis.known import MAX_VALUES, known_at, known_before_choice
from wfverify.analysis.smt.given import Given
from wfverify.core.expr import And, Arith, Cmp, Lit, Var
from wfverify.core.findings import Verdict
from wfverify.simulate import Environment, Run
from wfverify.simulate.explore import Bounds, explore
from wfverify.simulate.trace import Holder
from wfverify.testing import check_text, workflow_from_text

_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def _native(states: str, start: str = "pick", extra: str = "") -> str:
    return f"workflow: t\nstart: {start}\n{extra}states:\n{states}"


_PICK = """  pick:
    type: choice
    choices: [{when: "go == 'fast'", next: fast}]
    default: slow
"""

CASES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    # (file text, verdict, witness input of the first missing Choice)
    "set-before.wf.yaml": (
        _native(
            """  mark: {type: pass, set: {flag: "true"}, next: route}
  route: {type: choice, choices: [{when: "flag == true", next: done}]}
  done: {type: succeed}
""",
            start="mark",
        ),
        "proven",
        None,
    ),
    "set-on-one-path-only.wf.yaml": (
        _native(
            _PICK
            + """  fast: {type: pass, set: {flag: "true"}, next: route}
  slow: {type: pass, next: route}
  route: {type: choice, choices: [{when: "flag == true", next: done}]}
  done: {type: succeed}
"""
        ),
        "violated",
        {},
    ),
    "two-values-both-routed.wf.yaml": (
        _native(
            _PICK
            + """  fast: {type: pass, set: {mode: "'a'"}, next: route}
  slow: {type: pass, set: {mode: "'b'"}, next: route}
  route:
    type: choice
    choices: [{when: "mode == 'a'", next: done}, {when: "mode == 'b'", next: done}]
  done: {type: succeed}
"""
        ),
        "proven",
        None,
    ),
    "two-values-one-routed.wf.yaml": (
        _native(
            _PICK
            + """  fast: {type: pass, set: {mode: "'a'"}, next: route}
  slow: {type: pass, set: {mode: "'b'"}, next: route}
  route: {type: choice, choices: [{when: "mode == 'a'", next: done}]}
  done: {type: succeed}
"""
        ),
        "violated",
        {"mode": "b"},
    ),
    "loop-changes-the-value.wf.yaml": (
        _native(
            """  init: {type: pass, set: {n: 0}, next: route}
  route:
    type: choice
    choices: [{when: "n == 0", next: bump}, {when: "n == 1", next: bump}]
  bump: {type: pass, set: {n: "n + 2"}, next: route}
""",
            start="init",
        ),
        "violated",
        {"n": -1},  # n took more than MAX_VALUES values: only "an integer" is left
    ),
    "counter-loop.wf.yaml": (
        _native(
            """  init: {type: pass, set: {n: 0}, next: check}
  check:
    type: choice
    choices: [{when: "n < 3", next: work}, {when: "n >= 3", next: done}]
  work: {type: task, action: svc.work, side_effects: false, set: {n: "n + 1"}, next: check}
  done: {type: succeed}
""",
            start="init",
        ),
        "proven",
        None,
    ),
    "counter-by-halves.wf.yaml": (
        _native(
            """  init: {type: pass, set: {n: 0}, next: check}
  check:
    type: choice
    choices: [{when: "n <= 2", next: work}, {when: "n >= 3", next: done}]
  work: {type: task, action: svc.work, side_effects: false, set: {n: "n + 0.5"}, next: check}
  done: {type: succeed}
""",
            start="init",
        ),
        "violated",
        {"n": 2.1},
    ),
    "catcher-skips-the-set.wf.yaml": (
        _native(
            """  init: {type: pass, set: {flag: "false"}, next: call}
  call:
    type: task
    action: svc.call
    side_effects: false
    set: {flag: "true"}
    catch: [{errors: ["*"], next: route}]
    next: route
  route: {type: choice, choices: [{when: "flag == true", next: done}]}
  done: {type: succeed}
""",
            start="init",
        ),
        "violated",
        {"flag": False},
    ),
    "parallel-branch-sets-it.wf.yaml": (
        _native(
            """  fan:
    type: parallel
    branches:
      - {start: s, states: {s: {type: pass, set: {flag: "true"}, end: true}}}
    next: route
  route: {type: choice, choices: [{when: "flag == true", next: done}]}
  done: {type: succeed}
""",
            start="fan",
        ),
        "violated",
        {},
    ),
    "expression-over-known-values.wf.yaml": (
        _native(
            """  a: {type: pass, set: {x: 2}, next: b}
  b: {type: task, action: svc.work, side_effects: false, set: {y: "x * 3", big: "x > 1"}, next: route}
  route:
    type: choice
    choices: [{when: "y == 6 and big", next: done}, {when: "z > 1 and y < 6", next: done}]
  done: {type: succeed}
""",
            start="a",
        ),
        "proven",
        None,
    ),
    "doubles-0.1-plus-0.2.wf.yaml": (
        _native(
            """  calc: {type: pass, set: {s: "0.1 + 0.2"}, next: route}
  route:
    type: choice
    choices: [{when: "s == 0.3", next: done}, {when: "s < 0.3", next: done}]
  done: {type: succeed}
""",
            start="calc",
        ),
        "violated",
        {"s": 0.30000000000000004},
    ),
}


def _choice_misses(workflow: Any, state: str, data: Any) -> bool:
    """The Choice, run once in the simulator on the witness, takes no rule (or fails reading it)."""
    run = Run(workflow, Environment())
    holder = Holder("main", workflow.states[state].scope, state, data)
    run.holders, run.roots = [holder], [holder]
    run.step(holder)
    return run.unmatched == [state]


@pytest.mark.parametrize("name", sorted(CASES))
def test_choice_verdict_and_witness(name: str) -> None:
    text, verdict, witness = CASES[name]
    result = check_text(text, name)
    proof = next(p for p in result.proofs if p.property == "choice-exhaustiveness")
    assert proof.verdict.value == verdict, proof.detail
    fired = [f for f in result.findings if f.rule == "missing-default"]
    if verdict == "proven":
        assert proof.witness is None and not fired
        return
    assert isinstance(proof.witness, dict) and proof.witness["input"] == witness
    workflow = workflow_from_text(text, name)
    assert _choice_misses(workflow, proof.witness["state"], witness)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_explorer_agrees(name: str) -> None:
    text, verdict, _ = CASES[name]
    workflow = workflow_from_text(text, name)
    found = explore(workflow, Bounds(executions=1, seconds=10.0)).properties["choice-exhaustiveness"]
    if verdict == "violated":
        assert found.verdict is Verdict.VIOLATED, found.detail
    else:
        assert found.verdict is not Verdict.VIOLATED, found.detail


def test_a_rule_dead_only_because_of_the_set_value_is_not_reported_unreachable() -> None:
    """``unreachable-choice-rule`` judges the rules alone: a value set before the Choice is the workflow's
    business (a flag), not a dead rule."""
    text = _native(
        """  mark: {type: pass, set: {flag: "true"}, next: route}
  route:
    type: choice
    choices: [{when: "flag == false", next: done}, {when: "flag == true", next: done}]
  done: {type: succeed}
""",
        start="mark",
    )
    result = check_text(text)
    assert [p.verdict for p in result.proofs if p.property == "choice-exhaustiveness"] == [Verdict.PROVEN]
    assert not [f for f in result.findings if f.rule in ("unreachable-choice-rule", "missing-default")]


def _several_values(condition: str) -> str:
    return _native(
        _PICK
        + f"""  fast: {{type: pass, set: {{x: 1}}, next: route}}
  slow: {{type: pass, set: {{x: 2}}, next: route}}
  route:
    type: choice
    choices: [{{when: "{condition} and y > 0", next: done}}, {{when: "y <= 0", next: done}}]
  done: {{type: succeed}}
""",
        extra="input: {y: number}\n",
    )


def test_the_solver_takes_several_known_values_as_the_only_ones() -> None:
    """Arithmetic sends the rules to Z3: x is 1 or 2 (a membership constraint), y is free."""
    proven = check_text(_several_values("x + 1 >= 2"))
    assert [p.verdict for p in proven.proofs if p.property == "choice-exhaustiveness"] == [Verdict.PROVEN]
    text = _several_values("x + 1 > 2")
    violated = next(p for p in check_text(text).proofs if p.property == "choice-exhaustiveness")
    assert violated.verdict is Verdict.VIOLATED
    assert isinstance(violated.witness, dict) and violated.witness["input"]["x"] == 1
    assert violated.witness["input"]["y"] > 0
    assert _choice_misses(workflow_from_text(text), "route", violated.witness["input"])


def _known(text: str, name: str = "t.wf.yaml", state: str = "route") -> dict[tuple[str, ...], tuple[Any, ...]]:
    workflow = workflow_from_text(text, name)
    return known_before_choice(workflow, workflow.states[state])


def test_values_meet_where_paths_join_and_a_growing_counter_becomes_free() -> None:
    two = CASES["two-values-one-routed.wf.yaml"][0]
    assert _known(two) == {("mode",): ("a", "b")}
    loop = CASES["loop-changes-the-value.wf.yaml"][0]
    assert _known(loop) == {("n",): "int"}  # more than MAX_VALUES values around the loop: an integer
    assert MAX_VALUES == 8
    fractions = CASES["counter-by-halves.wf.yaml"][0]
    assert _known(fractions, state="check") == {("n",): "number"}
    text = _native(
        """  init: {type: pass, set: {n: 1}, next: route}
  route: {type: choice, choices: [{when: "n < 0", next: done}], default: bump}
  bump: {type: pass, set: {n: "n * 2"}, next: route}
  done: {type: succeed}
""",
        start="init",
    )
    assert known_at(workflow_from_text(text))["bump"] == {}  # a product may overflow: not even a number


def test_a_map_iteration_is_given_its_item_and_keeps_the_rest() -> None:
    text = _native(
        """  init: {type: pass, set: {item: 1, limit: 5}, next: each}
  each:
    type: map
    items: "things"
    iterator:
      start: route
      states:
        route: {type: choice, choices: [{when: "limit == 5", next: ok}]}
        ok: {type: succeed}
    next: done
  done: {type: succeed}
""",
        start="init",
    )
    assert _known(text) == {("limit",): (5,)}


def test_folding_follows_ieee_doubles_and_leaves_free_variables_alone() -> None:
    given = Given({("y",): 10000000000000000.0})
    assert given.fold(Cmp("==", Var(("y",)), Lit(10000000000000001))) == Lit(True)
    mixed = And((Cmp("<", Var(("x",)), Arith("+", Var(("y",)), Lit(1))), Cmp(">", Var(("y",)), Lit(0))))
    assert given.fold(mixed) == And((Cmp("<", Var(("x",)), Lit(10000000000000000.0)), Lit(True)))
    below = Given({("a",): 5})
    assert below.fold(Cmp("==", Var(("a", "b")), Lit(1))) == Lit(False)  # a.b is absent under a scalar
    assert below.complete({"x": 1}) == {"a": 5, "x": 1}
    assert not Given({}, {("m",): ("a", "b")}).admits({"m": "c"})
