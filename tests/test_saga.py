"""Saga analysis: verdicts on the corpus, witnesses that are real paths, and scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from wfverify.analysis.saga import analyze
from wfverify.core.model import TransitionKind
from wfverify.testing import check_text, workflow_from_text

SAGAS = Path(__file__).resolve().parents[1] / "corpus" / "sagas"


def _load(name: str):  # noqa: ANN202
    path = SAGAS / name
    side = path.with_name(path.name + ".wfverify.yaml")
    return workflow_from_text(path.read_text(), name, sidecar=side.read_text() if side.exists() else None)


@pytest.mark.parametrize(
    "name, kinds",
    [
        ("travel-booking.wf.yaml", []),
        ("travel-booking-parallel.wf.yaml", []),
        ("travel-booking-forgot-hotel.wf.yaml", [("uncompensated", "booking_failed", ("book_hotel",))]),
        (
            "travel-booking-reversed.wf.yaml",
            [
                ("order", "cancel_hotel", ("book_flight",)),
                ("order", "cancel_flight", ("rent_car",)),
                ("order", "cancel_car", ("take_payment",)),
            ],
        ),
        ("hotel-booking.asl.json", [("uncompensated", "BookingFailed", ("ReserveRoom",))]),
    ],
)
def test_corpus_verdicts(name: str, kinds: list) -> None:
    report = analyze(_load(name))
    assert report.applicable and report.complete
    assert [(v.kind, v.state, v.missing) for v in report.violations] == kinds


def test_every_witness_is_a_path_of_the_graph() -> None:
    for path in sorted(SAGAS.glob("*.wf.yaml")) + [SAGAS / "hotel-booking.asl.json"]:
        workflow = _load(path.name)
        for v in analyze(workflow).violations:
            states = v.witness.path
            assert states[0] == workflow.start
            for a, b in zip(states, states[1:]):
                targets = {t.target for t in workflow.states[a].transitions}
                assert b in targets, f"{path.name}: {a} -> {b} is no transition"
            catch_steps = [s for s in v.witness.steps if "caught" in s.message]
            for step in catch_steps:
                assert any(t.kind is TransitionKind.CATCH for t in workflow.states[step.state].transitions)
            assert set(v.missing) <= set(v.witness.completed) | {n for s in v.witness.path for n in [s]}


def test_asl_without_sidecar_is_not_applicable() -> None:
    text = (SAGAS / "hotel-booking.asl.json").read_text()
    result = check_text(text, "hotel-booking.asl.json")
    assert {p.property: p.verdict.value for p in result.proofs}["saga"] == "n/a"
    assert not [
        f
        for f in result.findings
        if f.rule in ("uncompensated-path", "missing-compensation", "compensation-order", "unprotected-compensation")
    ]


def test_compensate_target_must_be_a_compensation_step() -> None:
    result = check_text(
        """\
    workflow: w
    start: a
    states:
      a: {type: task, compensate: b, next: done}
      b: {type: task, next: done}
      done: {type: succeed}
    """,
        select=["uncompensated-path"],
    )
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("uncompensated-path", 4, 19)]


def long_saga(steps: int) -> str:
    lines = ["workflow: long", "start: t0", "states:"]
    for i in range(steps):
        nxt = f"t{i + 1}" if i + 1 < steps else "done"
        back = f"u{i - 1}" if i else "failed"
        lines.append(f"  t{i}: {{type: task, compensate: u{i}, catch: [{{errors: ['*'], next: {back}}}], next: {nxt}}}")
        lines.append(
            f"  u{i}: {{type: task, compensation: true, idempotent: true, retry: [{{max_attempts: 3}}], "
            f"catch: [{{errors: ['*'], next: failed}}], next: {back}}}"
        )
    lines += ["  done: {type: succeed}", "  failed: {type: fail, error: Failed}"]
    return "\n".join(lines) + "\n"


def test_fifty_step_saga_is_proven_and_a_gap_is_found() -> None:
    text = long_saga(50)
    report = analyze(workflow_from_text(text))
    assert report.violations == [] and report.complete
    broken = text.replace(
        "u30: {type: task, compensation: true, idempotent: true, retry: [{max_attempts: 3}], "
        "catch: [{errors: ['*'], next: failed}], next: u29}",
        "u30: {type: task, compensation: true, idempotent: true, retry: [{max_attempts: 3}], "
        "catch: [{errors: ['*'], next: failed}], next: failed}",
    )
    found = analyze(workflow_from_text(broken)).violations
    assert found and found[0].kind == "uncompensated" and "t0" in found[0].missing
