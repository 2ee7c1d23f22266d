"""Analyses worked out once per workflow and shared by the rules: the shortcuts give the full answers."""

from __future__ import annotations

import importlib
import json
from typing import Any

from wfverify.analysis.absent import present_at, present_before
from wfverify.analysis.graph import sccs
from wfverify.analysis.known import known_at, known_before_choice
from wfverify.analysis.loops import polling_choices
from wfverify.load.asl_paths import variable_reads
from wfverify.testing import workflow_from_text

LOOPS = """\
workflow: loops
start: a
states:
  a: {type: pass, next: b}
  b:
    type: choice
    choices: [{when: "x > 1", next: c}]
    default: e
  c: {type: pass, next: b}
  e:
    type: choice
    choices: [{when: "y > 1", next: e}]
    default: f
  f: {type: succeed}
"""


def _asl(states: dict[str, Any], start: str = "A") -> str:
    return json.dumps({"StartAt": start, "States": states})


def test_cycles_after_acyclic_states_and_a_self_loop_are_found_and_each_caller_gets_its_own_sets() -> None:
    w = workflow_from_text(LOOPS)
    first = sccs(w, w.root)
    assert first == [{"b", "c"}, {"e"}]
    first[0].add("a")
    assert sccs(w, w.root) == [{"b", "c"}, {"e"}]


def test_a_scope_without_cycles_has_none() -> None:
    w = workflow_from_text(
        _asl({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}),
        "x.asl.json",
    )
    assert sccs(w, w.root) == []


def test_present_before_one_state_is_what_present_at_says_of_it() -> None:
    w = workflow_from_text(
        _asl(
            {
                "A": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "ResultSelector": {"status.$": "$.S"},
                    "ResultPath": "$.job",
                    "Next": "B",
                },
                "B": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.job.status", "StringEquals": "OK", "Next": "C"}],
                    "Default": "D",
                },
                "C": {"Type": "Succeed"},
                "D": {"Type": "Fail"},
                "Lost": {"Type": "Pass", "End": True},
            }
        ),
        "x.asl.json",
    )
    everywhere = present_at(w)
    assert {name: present_before(w, state) for name, state in w.states.items()} == {
        "A": frozenset(),
        "B": frozenset({("job",), ("job", "status")}),
        "C": frozenset({("job",), ("job", "status")}),
        "D": frozenset({("job",), ("job", "status")}),
        "Lost": frozenset(),
    }
    assert all(present_before(w, w.states[n]) == facts for n, facts in everywhere.items())


def test_nothing_is_known_before_a_choice_when_nothing_is_assigned() -> None:
    w = workflow_from_text(LOOPS)
    assert all(facts == {} for facts in known_at(w).values())
    assert known_before_choice(w, w.states["b"]) == {}
    counted = workflow_from_text(LOOPS.replace("a: {type: pass, next: b}", 'a: {type: pass, set: {x: "2"}, next: b}'))
    assert known_before_choice(counted, counted.states["b"]) == {("x",): (2,)}


def test_the_status_choices_of_a_loop_are_the_same_each_time_and_a_list_of_the_callers_own() -> None:
    w = workflow_from_text(
        _asl(
            {
                "Get": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done?"},
                "Done?": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.status", "StringEquals": "DONE", "Next": "End"}],
                    "Default": "Wait",
                },
                "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Get"},
                "End": {"Type": "Succeed"},
            },
            "Get",
        ),
        "x.asl.json",
    )
    loop = {"Get", "Done?", "Wait"}
    first = polling_choices(w, loop)
    assert [(pc.state, pc.variable, pc.exits, pc.others_stay) for pc in first] == [("Done?", "status", ("DONE",), True)]
    first.clear()
    assert [pc.state for pc in polling_choices(w, set(loop))] == ["Done?"]


def test_the_variable_reads_shortcut_agrees_with_parsing_every_path() -> None:
    from wfverify.core.model import PathExpr

    _reads = importlib.import_module("wfverify_rules.wf005_undefined_variable")._reads
    texts = [
        ("$", "payload"),
        ("$.a.b", "jsonpath"),
        ("$$.Execution.Id", "payload"),
        ("$[0].x", "reference-path"),
        ("$1", "jsonpath"),
        ("$x", "jsonpath"),
        ("$order.total", "reference-path"),
        ("$é", "jsonpath"),
        (" $pad ", "payload"),
        ("States.Format('{}', $.a)", "payload"),
        ("States.Format('{} {}', $.a, $who.name)", "payload"),
        ("States.MathAdd($count, 1)", "payload"),
        ("{% $states.input.id %}", "jsonata"),
        ("{% $orderId %}", "jsonata"),
        ("$x", "native-expr"),
    ]
    for text, language in texts:
        assert _reads(PathExpr(text, language, "/p")) == tuple(variable_reads(text, language)), text
    assert _reads(PathExpr("States.Format('{} {}', $.a, $who.name)", "payload", "/p")) == ("who",)
