"""Termination refinement of cycles: counters, directions, invariant bounds, initialization."""

from __future__ import annotations

from wfverify.analysis.graph import sccs
from wfverify.analysis.smt.termination import refine
from wfverify.testing import workflow_from_text


def loop(init: str, update: str, exit_when: str, inputs: str = "{}", extra: str = "") -> str:
    return f"""
workflow: poll
start: begin
input: {inputs}
states:
  begin: {{type: pass, {init} next: wait}}
  wait: {{type: wait, duration: 10s, next: check}}
  check:
    type: task
    action: svc.status
    side_effects: false
    {update}
    next: decide
  decide:
    type: choice
    choices:
      - {{when: "status == 'DONE'", next: done}}
      - {{when: "{exit_when}", next: gave_up}}
    default: {extra or "wait"}
  other: {{type: pass, next: wait}}
  done: {{type: succeed}}
  gave_up: {{type: fail, error: GaveUp}}
"""


def verdict(text: str) -> tuple[str, str, str]:
    wf = workflow_from_text(text)
    (cycle,) = sccs(wf, wf.root)
    v = refine(wf, cycle)
    return v.verdict, v.reason, v.hint


def test_counter_with_bound_terminates() -> None:
    v, reason, _ = verdict(loop("set: {polls: 0},", 'set: {polls: "polls + 1"}', "polls >= 20"))
    assert v == "terminates" and "'polls' increases" in reason


def test_decreasing_counter_from_a_declared_input() -> None:
    text = loop("", 'set: {left: "left - 1"}', "left <= 0", inputs="{left: int}")
    assert verdict(text)[0] == "terminates"


def test_bound_read_from_data_is_not_proven() -> None:
    """A declared number may be 1e300: in IEEE doubles ``n + 2`` stops moving at 2**54, before it."""
    text = loop("set: {n: 0},", 'set: {n: "n + 2"}', "n > limit", inputs="{limit: number}")
    v, reason, _ = verdict(text)
    assert (v, reason) == ("unknown", "no exit condition must hold once 'n' grows far enough")


def test_bound_beyond_the_reach_of_doubles_is_not_proven() -> None:
    text = loop("set: {n: 0},", 'set: {n: "n + 1"}', "n >= 1e20")
    assert verdict(text)[0] == "unknown"
    assert verdict(loop("set: {n: 0},", 'set: {n: "n + 1"}', "n >= 1000000"))[0] == "terminates"


def test_bound_that_is_an_outside_answer_is_not_enough() -> None:
    text = loop("set: {n: 0},", 'set: {n: "n + 2"}', "n > limit")  # limit may change every time
    v, reason, hint = verdict(text)
    assert v == "unknown" and "no exit condition" in reason and "'n'" in hint


def test_no_counter_is_unknown_with_a_hint() -> None:
    v, reason, hint = verdict(loop("", "", "status == 'FAILED'"))
    assert v == "unknown" and reason == "no counter is updated in the loop" and "attempts >= 10" in hint


def test_counter_must_be_a_number_on_entry() -> None:
    v, reason, _ = verdict(loop("", 'set: {polls: "polls + 1"}', "polls >= 20"))
    assert v == "unknown" and "not a number when the loop is entered" in reason


def test_counter_must_be_updated_on_every_way_around() -> None:
    text = loop("set: {polls: 0},", 'set: {polls: "polls + 1"}', "polls >= 20")
    text = text.replace(
        "- {when: \"status == 'DONE'\", next: done}",
        "- {when: \"status == 'DONE'\", next: done}\n      - {when: \"status == 'AGAIN'\", next: other}",
    )
    text = text.replace("other: {type: pass, next: wait}", "other: {type: pass, next: decide}")
    wf = workflow_from_text(text)
    (cycle,) = sccs(wf, wf.root)
    assert sorted(cycle) == ["check", "decide", "other", "wait"]
    v = refine(wf, cycle)
    assert v.verdict == "unknown" and "not updated on every way around" in v.reason


def test_wrong_direction_is_not_proven() -> None:
    v, _, _ = verdict(loop("set: {polls: 0},", 'set: {polls: "polls - 1"}', "polls >= 20"))
    assert v == "unknown"


def test_equality_exit_is_not_a_ranking_argument() -> None:
    v, _, _ = verdict(loop("set: {polls: 0},", 'set: {polls: "polls + 1"}', "polls == 20"))
    assert v == "unknown"


def test_analyze_loops_on_the_corpus() -> None:
    from pathlib import Path

    from wfverify.analysis.smt.termination import analyze_loops

    root = Path(__file__).resolve().parents[1] / "corpus" / "choices"
    got = {}
    for name in ("job-polling-bounded.wf.yaml", "job-polling-unbounded.wf.yaml", "payment-retry.wf.yaml"):
        wf = workflow_from_text((root / name).read_text(), name)
        got[name] = [(sorted(c), v.verdict) for c, v in analyze_loops(wf)]
    assert got == {
        "job-polling-bounded.wf.yaml": [(["get_status", "job_done", "wait_for_job"], "terminates")],
        "job-polling-unbounded.wf.yaml": [(["get_status", "job_done", "wait_for_job"], "unknown")],
        "payment-retry.wf.yaml": [],  # the retry policy is bounded by max_attempts, not a cycle
    }


def test_termination_proof_verdicts() -> None:
    from pathlib import Path

    from wfverify.analysis.smt.termination import termination_proof

    root = Path(__file__).resolve().parents[1] / "corpus" / "choices"

    def proof(name: str):  # noqa: ANN202
        return termination_proof(workflow_from_text((root / name).read_text(), name))

    assert proof("job-polling-bounded.wf.yaml").verdict.value == "proven"
    assert "attempts" in proof("job-polling-bounded.wf.yaml").detail
    unbounded = proof("job-polling-unbounded.wf.yaml")
    assert unbounded.verdict.value == "unknown" and "no counter" in unbounded.detail
    retry = proof("payment-retry.wf.yaml")
    assert retry.verdict.value == "proven" and "1 retry policies" in retry.detail
    trap = workflow_from_text(
        "workflow: t\nstart: a\nstates:\n  a: {type: pass, next: b}\n  b: {type: pass, next: a}\n"
    )
    assert termination_proof(trap).verdict.value == "violated"
    assert termination_proof(trap).witness == {"cycle": ["a", "b"]}


def test_a_start_naming_no_state_is_not_a_crash() -> None:
    """Found by the fuzz suite: a mutated StartAt made the counter analysis look up ''."""
    from pathlib import Path

    from wfverify.testing import check_text

    text = (Path(__file__).resolve().parents[1] / "corpus" / "asl" / "job-status-poller.asl.yaml").read_text()
    result = check_text(text.replace("StartAt: SubmitJob", "StartAt: SubmitJbo"), "x.asl.yaml")
    assert "internal-error" not in {f.rule for f in result.findings}
    assert "unknown-target" in {f.rule for f in result.findings}


def _proof(text: str) -> tuple[str, str]:
    from wfverify.analysis.smt.termination import termination_proof

    p = termination_proof(workflow_from_text(text))
    return p.verdict.value, p.detail


MINIMAL = """
workflow: m
start: check
input: {n: int}
states:
  check:
    type: choice
    choices: [{when: "n >= 5", next: done}]
    default: call
  call: {type: task, action: a, set: {n: "n + 1"}, catch: [{errors: ["*"], next: check}], next: check}
  done: {type: succeed}
"""


def test_a_task_update_does_not_count_on_its_catchers_edge() -> None:
    """issue 12's minimal case: the task fails forever, its catcher loops back, n never moves."""
    assert _proof(MINIMAL) == (
        "unknown",
        "loop call, check: 'n' is not updated on every way around the loop; add a choice rule that leaves the "
        "loop once 'n' passes a bound (for example 'n >= 10')",
    )
    without_catch = MINIMAL.replace(', catch: [{errors: ["*"], next: check}]', "")
    assert _proof(without_catch)[0] == "proven"


def test_a_declared_type_does_not_survive_a_set_to_absent_data() -> None:
    text = MINIMAL.replace("start: check", "start: init").replace(
        "states:\n", 'states:\n  init: {type: pass, set: {n: "missing.field"}, next: check}\n'
    )
    text = text.replace(', catch: [{errors: ["*"], next: check}]', "")
    verdict_, detail = _proof(text)
    assert verdict_ == "unknown" and "'n' is not a number when the loop is entered" in detail
    assert _proof(text.replace('"missing.field"', "0"))[0] == "proven"


def test_a_declared_type_does_not_survive_a_set_to_a_fraction() -> None:
    text = """
workflow: m
start: init
input: {n: int, k: int}
states:
  init: {type: pass, set: {k: 0.5}, next: check}
  check:
    type: choice
    choices: [{when: "k == 0.5", next: call}, {when: "n >= 5", next: done}]
    default: call
  call: {type: task, action: a, set: {n: "n + 1"}, next: check}
  done: {type: succeed}
"""
    assert _proof(text)[0] == "unknown"
    assert _proof(text.replace("k: 0.5", "k: 1"))[0] == "unknown"  # k is no longer an int input: 0.5 stays possible
    assert (
        _proof(text.replace("init: {type: pass, set: {k: 0.5}, next: check}", "init: {type: pass, next: check}"))[0]
        == "proven"
    )  # k is a declared int nothing assigns: k == 0.5 never holds


def test_a_number_against_a_string_is_never_eventually_true() -> None:
    text = MINIMAL.replace("n >= 5", "n >= '5'").replace(', catch: [{errors: ["*"], next: check}]', "")
    assert _proof(text) == (
        "unknown",
        "loop call, check: no exit condition must hold once 'n' grows far enough; add a choice rule that leaves "
        "the loop once 'n' passes a bound (for example 'n >= 10')",
    )


ITERATOR = """{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Result": {"count": 0, "max": 5}, "ResultPath": "$.iterator", "Next": "Work"},
    "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
      "ResultPath": "$.result", "Next": "Increment"},
    "Increment": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.iterator.count, 1)",
      "max.$": "$.iterator.max"}, "ResultPath": "$.iterator", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [
        {"Variable": "$.iterator.count", "NumericLessThanPath": "$.iterator.max", "Next": "Work"}],
      "Default": "Done"},
    "Done": {"Type": "Succeed"}
  }
}
"""


def _asl_proof(text: str) -> tuple[str, str]:
    from wfverify.analysis.smt.termination import termination_proof

    p = termination_proof(workflow_from_text(text, "it.asl.json"))
    return p.verdict.value, p.detail


def test_asl_iterator_counted_with_math_add_from_a_pass_result() -> None:
    assert _asl_proof(ITERATOR) == (
        "proven",
        "1 loop(s) bounded: by counters (iterator.count); 0 retry policies bounded by max_attempts",
    )


def test_asl_bound_copied_from_a_task_result_is_not_a_constant() -> None:
    text = ITERATOR.replace('"max.$": "$.iterator.max"', '"max.$": "$.result.max"')
    assert _asl_proof(text)[0] == "unknown"


def test_asl_task_replacing_the_data_is_not_a_counter_update() -> None:
    text = ITERATOR.replace('"ResultPath": "$.result", ', "")  # the Lambda result replaces $.iterator too
    verdict_, detail = _asl_proof(text)
    assert verdict_ == "unknown" and "no counter is updated" in detail


def test_asl_loop_under_the_machine_timeout_is_bounded() -> None:
    text = ITERATOR.replace('"ResultPath": "$.result", ', "").replace(
        '{\n  "StartAt"', '{"TimeoutSeconds": 600,\n  "StartAt"'
    )
    assert _asl_proof(text) == (
        "proven",
        "1 loop(s) bounded: by the state machine's top-level TimeoutSeconds (600 s); "
        "0 retry policies bounded by max_attempts",
    )


def test_asl_parameters_below_an_input_path_are_not_the_counter() -> None:
    """With InputPath "$.result", ``$.it.n`` in Parameters reads result.it.n, not the counter."""
    text = ITERATOR.replace(
        '"Increment": {"Type": "Pass", "Parameters"',
        '"Increment": {"Type": "Pass", "InputPath": "$.result", "Parameters"',
    )
    assert _asl_proof(text)[0] == "unknown"


def test_asl_assign_reading_the_task_result_is_not_a_counter() -> None:
    """In a Task's Assign, ``$.count`` is the task's result: only ``$name`` variables are followed."""
    text = """{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Work"},
    "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
      "Assign": {"count.$": "States.MathAdd($count, 1)"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$count", "NumericGreaterThanEquals": 5, "Next": "Done"}],
      "Default": "Work"},
    "Done": {"Type": "Succeed"}
  }
}
"""
    assert _asl_proof(text)[0] == "proven"
    assert _asl_proof(text.replace("States.MathAdd($count, 1)", "States.MathAdd($.count, 1)"))[0] == "unknown"
