"""The native loader: model contents and exact positions of schema findings, YAML and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfverify.core.expr import And, Cmp, Lit, Not, Var
from wfverify.core.model import StateKind, TransitionKind
from wfverify.testing import check_text, load_text, workflow_from_text

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "native-format.md"

ORDER = """\
workflow: order
start: validate
input: {order.total: number}
states:
  validate:
    type: task
    action: orders.validate
    side_effects: false
    catch: [{errors: ["*"], next: rejected}]
    next: route
  route:
    type: choice
    choices:
      - {when: "order.total > 1000 and not order.express", next: review}
    default: charge
  review:
    type: event
    on: [{event: Approved, next: charge}]
    timeout: 2d
    on_timeout: rejected
  charge:
    type: task
    compensate: refund
    idempotent: true
    retry: [{errors: [Timeout], max_attempts: 2, interval: 500ms}]
    acquire: [{lock: "account:{order.id}", timeout: 5s}, ledger]
    release: [ledger]
    set: {attempts: "attempts + 1"}
    next: fan
  fan:
    type: parallel
    branches:
      - start: one
        states:
          one: {type: task, end: true}
    next: done
  refund: {type: task, compensation: true, idempotent: true, next: rejected}
  done: {type: succeed}
  rejected: {type: fail, error: OrderRejected}
"""


def test_model_of_a_native_workflow() -> None:
    w = workflow_from_text(ORDER)
    assert w.annotated and w.start == "validate" and w.inputs == {"order.total": "number"}
    route = w.states["route"]
    assert route.kind is StateKind.CHOICE
    cond = route.choices[0].condition
    assert cond == And((Cmp(">", Var(("order", "total")), Lit(1000)), Not(Var(("order", "express")))))
    assert [(t.kind, t.target, t.pointer) for t in route.transitions] == [
        (TransitionKind.CHOICE, "review", "/states/route/choices/0/next"),
        (TransitionKind.DEFAULT, "charge", "/states/route/default"),
    ]
    charge = w.states["charge"]
    assert charge.retry[0].errors == ("Timeout",) and charge.retry[0].interval == 0.5
    assert charge.retry[0].max_attempts == 2 and charge.retry[0].backoff_rate == 2.0
    assert [(a.lock, a.timeout) for a in charge.acquire] == [("account:{order.id}", 5.0), ("ledger", None)]
    assert charge.release == ("ledger",) and charge.compensate == "refund" and charge.idempotent
    assert charge.assignments[0].variable == "attempts"
    assert w.states["review"].timeout == 172800.0 and w.states["review"].waits_on_outside
    assert w.states["one"].scope == "/states/fan/branches/0"
    assert w.scopes["/states/fan/branches/0"].owner == "fan"
    assert w.states["validate"].side_effects is False
    assert w.states["rejected"].error == "OrderRejected"


def test_spec_example_loads_clean_of_schema_findings() -> None:
    if not SPEC.exists():
        pytest.skip("shared spec not present")
    text = SPEC.read_text().split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = load_text(text, "example.wf.yaml")
    assert loaded.workflow is not None
    assert [f.message for f in loaded.findings] == []
    assert len(loaded.workflow.states) == 13


BAD_YAML = """\
workflow: bad
start: a
states:
  a: {type: task, nxt: b, end: true}
  b:
    type: task
    retry: [{max_attempts: "3"}]
    next: c
    end: true
  c: {type: succeed}
  c: {type: fail}
  d: {type: wait, end: true}
"""


def _located(result):
    return [
        (f.rule, f.line, f.column, f.pointer)
        for f in result.findings
        if f.rule in ("schema-violation", "duplicate-state")
    ]


def test_schema_findings_point_at_the_field_in_yaml() -> None:
    result = check_text(BAD_YAML, "bad.wf.yaml", select=["schema-violation", "duplicate-state"])
    assert _located(result) == [
        ("schema-violation", 4, 19, "/states/a/nxt"),
        ("schema-violation", 7, 14, "/states/b/retry/0/max_attempts"),
        ("schema-violation", 9, 5, "/states/b/end"),
        ("duplicate-state", 11, 3, "/states/c"),
        ("schema-violation", 12, 3, "/states/d"),
    ]


def test_schema_findings_point_at_the_field_in_json() -> None:
    doc = {"workflow": "bad", "start": "a", "states": {"a": {"type": "task", "nxt": "b", "end": True}}}
    text = json.dumps(doc, indent=2)
    result = check_text(text, "bad.wf.json", select=["schema-violation"])
    assert _located(result) == [("schema-violation", 7, 7, "/states/a/nxt")]


def test_duplicate_json_state_is_reported_at_the_second_key() -> None:
    text = '{"workflow": "d", "start": "a",\n "states": {"a": {"type": "succeed"},\n  "a": {"type": "fail"}}}'
    result = check_text(text, "d.wf.json", select=["duplicate-state"])
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("duplicate-state", 3, 3)]
    assert load_text(text, "d.wf.json").workflow.states["a"].kind is StateKind.SUCCEED  # first kept


def test_duplicate_name_across_nested_bodies() -> None:
    text = """\
    workflow: nest
    start: p
    states:
      p:
        type: parallel
        branches: [{start: p, states: {p: {type: succeed}}}]
        end: true
    """
    result = check_text(text, select=["duplicate-state"])
    assert [(f.rule, f.pointer) for f in result.findings] == [("duplicate-state", "/states/p/branches/0/states/p")]


def test_yaml_12_words_are_strings() -> None:
    w = workflow_from_text("""\
    workflow: words
    start: e
    states:
      e: {type: event, on: [{event: yes, next: d}], timeout: 1h, on_timeout: d}
      d: {type: succeed}
    """)
    assert w.states["e"].events[0].event == "yes"


def test_top_level_errors_keep_the_file_readable() -> None:
    loaded = load_text("workflow: x\nstart: a\nstates: []\n", "x.wf.yaml")
    assert loaded.workflow is None
    assert [(f.rule, f.pointer) for f in loaded.findings] == [("schema-violation", "/states")]


def test_a_missing_required_field_is_reported_once() -> None:
    from wfverify.load import LoadOptions

    asl = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
    result = check_text(asl, "flow.asl.json", options=LoadOptions(dialect="native"))
    missing = sorted(f.message for f in result.findings if "lacks the required field" in f.message)
    assert missing == [
        "the workflow lacks the required field 'start'",
        "the workflow lacks the required field 'states'",
        "the workflow lacks the required field 'workflow'",
    ]
