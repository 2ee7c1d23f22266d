"""Lock names with integer placeholders (issue 12): ``r:{n}`` and ``r:{n + 1}`` are never one lock when ``n`` is an int.

The comparison (:mod:`wfverify.analysis.locks.numeric`) must be sound: a "never equal" that some data
refutes would hide a real reacquire or deadlock. So every "equal" answer is checked by evaluation, the
doubles past 2**53 stay possible, and a brute-force check over small and huge integers confirms each
"never".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.numeric import UNDECIDED, same_name_values
from wfverify.analysis.locks.solver import check_deadlock
from wfverify.core.evaluate import UNDEFINED, value_of
from wfverify.core.exprparse import parse
from wfverify.core.findings import Verdict
from wfverify.simulate.explore import Bounds, explore
from wfverify.testing import check_text, workflow_from_text

INTS = frozenset({"n", "m", "order.k"})
SAMPLES = [*range(-12, 13), 2**53 - 2, 2**53 - 1, 2**53, 2**53 + 1, 2**53 + 2, 2**53 + 3, -(2**53) - 2, 10**17]


def _spell(name: str, data: dict[str, object]) -> str:
    def one(m: re.Match[str]) -> str:
        value = value_of(parse(m.group(1).strip()), data)
        return "?" if value is UNDEFINED else str(value)

    return re.sub(r"\{([^{}]*)\}", one, name)


def _some_data_makes_them_equal(first: str, second: str) -> bool:
    return any(
        _spell(first, {"n": n, "m": m, "order": {"k": n}}) == _spell(second, {"n": n, "m": m, "order": {"k": n}})
        for n in SAMPLES
        for m in SAMPLES[::3]
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("r:{n}", "r:{n + 1}"),
        ("r:{n - 1}", "r:{n}"),
        ("r:{order.k}", "r:{order.k - 3}"),
        ("a:{n}:b", "a:{n - 2}:b"),
        ("r:{n}", "r:abc"),
        ("r:{n}", "r:05"),
    ],
)
def test_never_equal(first: str, second: str) -> None:
    assert same_name_values(first, second, INTS) is None
    assert not _some_data_makes_them_equal(first, second)


@pytest.mark.parametrize(
    ("first", "second", "values"),
    [
        ("r:{n}", "r:{n * 1}", (("n", "0"), ("n * 1", "0"))),
        ("r:{n}", "r:{n - n}", (("n", "0"), ("n - n", "0"))),
        ("a:{n}:b", "a:{n * 2 + 1}:b", (("n", "-1"), ("n * 2 + 1", "-1"))),
        ("r:{n}", "r:42", (("n", "42"),)),
        ("r:{n}", "r:-7", (("n", "-7"),)),
        ("r:{n}:{m}", "r:{n}:{m * 2}", (("m", "0"), ("m * 2", "0"), ("n", "0"))),
    ],
)
def test_equal_with_checked_values(first: str, second: str, values: tuple[tuple[str, str], ...]) -> None:
    assert same_name_values(first, second, INTS) == values


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("r:{n + 1}", "r:{n + 2}"),  # equal past 2**53, where the sums are doubles
        ("r:{n}", "r:{s}"),  # s is not declared
        ("r:{n}-{m}", "r:{m}-{n}"),
        ("r:{n}", "r:1.5"),
    ],
)
def test_undecided_keeps_the_coarse_answer(first: str, second: str) -> None:
    assert same_name_values(first, second, INTS) is UNDECIDED


def test_doubles_past_two_to_the_53_do_collide() -> None:
    assert _some_data_makes_them_equal("r:{n + 1}", "r:{n + 2}")


REACQUIRE = """\
workflow: t
start: first
input: {n: int}
states:
  first: {type: task, action: a, side_effects: false, acquire: ["r:{n}"], next: second}
  second: {type: task, action: b, side_effects: false, acquire: ["r:SECOND"], release: ["r:SECOND", "r:{n}"], end: true}
"""


@pytest.mark.parametrize(
    ("second", "fires", "data"),
    [
        ("{n + 1}", False, ""),
        ("{n * 1}", True, "n = '0', n * 1 = '0'"),
        ("5", True, "n = '5'"),
        ("x", False, ""),
    ],
)
def test_lock_reacquire_on_integer_placeholders(second: str, fires: bool, data: str) -> None:
    text = REACQUIRE.replace("SECOND", second)
    found = [f.message for f in check_text(text, "t.wf.yaml").findings if f.rule == "lock-reacquire"]
    assert bool(found) is fires
    if fires:
        assert f"when {data}," in found[0]


def test_an_undeclared_placeholder_still_aliases() -> None:
    """Without `input`, n may be absent: `r:{n}` and `r:{n + 1}` both spell `r:?`."""
    text = REACQUIRE.replace("input: {n: int}\n", "").replace("SECOND", "{n + 1}")
    assert [f.rule for f in check_text(text, "t.wf.yaml").findings if f.rule == "lock-reacquire"] == ["lock-reacquire"]


BRANCHES = """\
workflow: t2
start: fan
input: {n: int}
states:
  fan:
    type: parallel
    branches:
      - start: a1
        states:
          a1: {type: task, action: a, side_effects: false, acquire: ["r:{n}"], next: a2}
          a2: {type: task, action: a, side_effects: false, acquire: [x], release: [x, "r:{n}"], end: true}
      - start: b1
        states:
          b1: {type: task, action: b, side_effects: false, acquire: [x], next: b2}
          b2: {type: task, action: b, side_effects: false, acquire: ["r:OTHER"], release: ["r:OTHER", x], end: true}
    next: done
  done: {type: succeed}
"""


@pytest.mark.parametrize(("other", "verdict"), [("{n + 1}", Verdict.PROVEN), ("{n}", Verdict.VIOLATED)])
def test_branches_sharing_n_deadlock_only_on_the_same_name(other: str, verdict: Verdict) -> None:
    workflow = workflow_from_text(BRANCHES.replace("OTHER", other), "t2.wf.yaml")
    assert check_deadlock(lock_facts(workflow)).verdict is verdict
    found = explore(workflow, Bounds(configurations=4000))
    assert found.properties["deadlock-freedom"].verdict is verdict


def test_the_deadlock_witness_spells_integer_placeholders_with_numbers() -> None:
    """The issue's adversarial crash-template-expr: branches take r:{n + 1}, r:{n} and r:{n}, r:{n + 1}."""
    text = (Path(__file__).resolve().parent / "adversarial" / "crash-template-expr.wf.yaml").read_text()
    result = check_deadlock(lock_facts(workflow_from_text(text, "crash-template-expr.wf.yaml")))
    assert result.verdict is Verdict.VIOLATED and result.witness is not None
    assert result.witness.data == {
        "fan branch 0": {"n": "0", "n + 1": "1"},
        "fan branch 1": {"n": "0", "n + 1": "1"},
    }
    assert sorted(s.lock for s in result.witness.steps if s.action == "block") == ["r:0", "r:1"]
    assert result.witness.replay() == result.witness.blocked
