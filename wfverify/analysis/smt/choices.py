"""Choice states with Z3: exhaustiveness, absent-variable failures, dead rules.

For one choice state with rules ``r0 .. rn`` (each encoded as ``(value,
fails)`` by :class:`~wfverify.analysis.smt.encode.Encoder`), rule ``i`` is evaluated
only when every earlier rule evaluated to false without failing
(``pass_i``). Three questions, each one solver call under ``rlimit``:

1. *Fall-through* (no default): is ``pass_{n+1}`` satisfiable? The model is
   the witness input of ``missing-default``.
2. *Absent read* (ASL): is ``pass_i and fails_i`` satisfiable for some ``i``?
   The execution then fails with ``States.Runtime`` before any default is
   considered, so this is checked with or without a default.
3. *Dead rule*: is ``pass_i and value_i and not fails_i`` unsatisfiable? Then
   rule ``i`` is never taken: either alone (its condition is unsatisfiable)
   or because earlier rules take its inputs; the unsat core over one
   assumption per earlier rule, shrunk to a minimal set, names them.

The common shapes (one variable against constants) are decided exactly
without a solver (:mod:`wfverify.analysis.smt.decide`), with canonical
witnesses; Z3 answers the rest. Z3 runs in a fresh context per choice state,
so its answers do not depend on which other files were checked before in the
same process. Numbers are doubles (:mod:`wfverify.analysis.smt.numbers`):
reals where that is exact, Z3 floating point where the rules do arithmetic;
a product of two variables (``x * x < 2``) is beyond the encoding and gives
``unknown`` with the reason.

Every witness is replayed through :func:`wfverify.core.evaluate.evaluate`; a
witness the replay rejects (a modelling gap) turns the verdict into
``unknown`` instead of reporting a wrong input.
"""

from __future__ import annotations

import time
from typing import Any

from wfverify.analysis.smt import DEFAULT_RLIMIT, fresh_context
from wfverify.analysis.smt.conditions import (
    absent_fields,
    contains_opaque,
    has_arithmetic,
    may_fail,
    products,
    reads_absent_failing,
    replay,
    sample_replays,
    show,
)
from wfverify.analysis.smt.decide import Undecided, decide, minimal_cover
from wfverify.core.findings import Verdict
from wfverify.core.model import Dialect, State, StateKind, Workflow
from wfverify.core.records import dataclass, field

__all__ = [
    "ChoiceReport",
    "DeadRule",
    "AbsentRead",
    "analyze_choice",
    "analyze_workflow",
    "contains_opaque",
    "reads_absent_failing",
]


@dataclass(frozen=True)
class DeadRule:
    index: int
    shadowed_by: tuple[int, ...]  # empty: the condition alone is unsatisfiable
    sample: dict[str, Any] | None = None  # an input the rule accepts, taken earlier (replayed)


@dataclass(frozen=True)
class AbsentRead:
    index: int
    fields: tuple[str, ...]  # dotted paths read while absent
    witness: dict[str, Any]


@dataclass
class ChoiceReport:
    """What the solver found about one choice state."""

    state: str
    exhaustive: Verdict = Verdict.NOT_APPLICABLE  # n/a: the choice has a default
    witness: dict[str, Any] | None = None
    absent_reads: list[AbsentRead] = field(default_factory=list)
    dead: list[DeadRule] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # reasons
    seconds: float = 0.0


def _check(z3: Any, solver: Any, *assumptions: Any) -> str:
    result = solver.check(*assumptions)
    if result == z3.sat:
        return "sat"
    if result == z3.unsat:
        return "unsat"
    return "unknown"


def _solver(z3: Any, enc: Any, rlimit: int) -> Any:
    solver = z3.Solver()
    solver.set("rlimit", rlimit)
    solver.add(*enc.domain)
    return solver


#: The three questions (see the module docstring); an analysis may be asked only some of them.
_ALL = frozenset({"exhaustive", "absent", "dead"})


def analyze_choice(workflow: Workflow, state: State, rlimit: int = DEFAULT_RLIMIT) -> ChoiceReport:
    """Answer the three questions for one choice state: without a solver when the rules allow.

    Values that earlier states certainly set (:mod:`wfverify.analysis.smt.given`) restrict the inputs of
    the fall-through and absent-read questions; never-taken rules are judged on the rules alone."""
    from wfverify.analysis.absent import present_before
    from wfverify.analysis.declared import declared_types_at
    from wfverify.analysis.smt.given import given_for

    began = time.perf_counter()
    present = set(present_before(workflow, state))
    conds = [rule.condition for rule in state.choices]
    inputs = declared_types_at(workflow, state)
    given = given_for(workflow, state, conds).beyond(inputs)
    if not given:
        report = _analyze(state, conds, inputs, present, rlimit, _ALL)
    elif not (given.single or given.several):  # only types (a counter after its loop): one analysis
        report = _analyze(state, conds, given.inputs(inputs), present | given.paths, rlimit, _ALL, given)
        _check_given(state, conds, given, report)
    else:
        folded = [given.fold(c) for c in conds]
        typed = given.inputs(inputs)
        report = _analyze(state, folded, typed, present | given.paths, rlimit, _ALL - {"dead"}, given)
        _check_given(state, conds, given, report)
        alone = _analyze(state, conds, inputs, present, rlimit, frozenset({"dead"}))
        report.dead, report.unknown = alone.dead, list(dict.fromkeys(report.unknown + alone.unknown))
    _as_state_input(workflow, state, report)
    report.seconds = time.perf_counter() - began
    return report


def _as_state_input(workflow: Workflow, state: State, report: ChoiceReport) -> None:
    """Inputs found are what the rules read, below the Choice's ``InputPath``: give them as the state's input."""
    from wfverify.analysis.dataflow import input_root

    root = input_root(state) if workflow.dialect is Dialect.ASL else ()
    if not root:
        return

    def wrap(data: dict[str, Any]) -> dict[str, Any]:
        for key in reversed(root):
            data = {key: data}
        return data

    report.witness = wrap(report.witness) if report.witness is not None else None
    report.absent_reads = [AbsentRead(r.index, r.fields, wrap(r.witness)) for r in report.absent_reads]
    report.dead = [DeadRule(d.index, d.shadowed_by, wrap(d.sample) if d.sample else d.sample) for d in report.dead]


def _analyze(
    state: State,
    conds: list[Any],
    inputs: dict[str, str],
    present: set[tuple[str, ...]],
    rlimit: int,
    questions: frozenset[str],
    given: Any = None,
) -> ChoiceReport:
    report = _decided(state, conds, inputs, present, questions, given.several if given else {})
    if report is None:
        assume = given.membership() if given else []
        report = _solved(state, conds, inputs, present, rlimit, questions=questions, assume=assume)
    return report


def _check_given(state: State, conds: list[Any], given: Any, report: ChoiceReport) -> None:
    """Complete the inputs found on the folded rules with the known values and replay them on the rules."""
    if report.witness is not None:
        witness = given.complete(report.witness)
        if given.admits(witness) and replay(conds, witness, len(conds)) == ("none", len(conds)):
            report.witness = witness
        else:
            report.exhaustive, report.witness = Verdict.UNKNOWN, None
            report.unknown.append(f"{state.name}: the input found disagrees with the values set before it")
    reads, report.absent_reads = report.absent_reads, []
    for read in reads:
        witness = given.complete(read.witness)
        if given.admits(witness) and replay(conds, witness, read.index + 1) == ("fail", read.index):
            report.absent_reads.append(AbsentRead(read.index, absent_fields(conds[read.index], witness), witness))
        else:
            report.unknown.append(f"{state.name} rule {read.index}: the input found disagrees with the values set")


def _decided(
    state: State,
    conds: list[Any],
    inputs: dict[str, str],
    present: set[tuple[str, ...]],
    questions: frozenset[str] = _ALL,
    values: dict[tuple[str, ...], tuple[Any, ...]] | None = None,
) -> ChoiceReport | None:
    """The solver-free answer, or None when the rules need the solver."""
    try:
        decision = decide(conds, inputs, present, values=values)
    except Undecided:
        return None
    report = ChoiceReport(state.name)
    if state.default is None and "exhaustive" in questions:
        report.exhaustive = Verdict.VIOLATED if decision.falls else Verdict.PROVEN
        report.witness = decision.fall_through
    if "absent" not in questions:
        decision.absent_reads = {}
    if "dead" not in questions:
        decision.dead = []
    if decision.opaque:
        return _opaque_report(state, conds, decision, report)
    for i, data in sorted(decision.absent_reads.items()):
        report.absent_reads.append(AbsentRead(i, absent_fields(conds[i], data), data))
    report.dead = [DeadRule(d.index, d.shadowed_by, d.sample if d.shadowed_by else None) for d in decision.dead]
    return report


def _opaque_report(state: State, conds: list[Any], decision: Any, report: ChoiceReport) -> ChoiceReport:
    """Rules with opaque conditions: "proven" and "never taken" hold for any truth of them;
    an input that falls through or fails is no witness (the opaque part decided it)."""
    if report.exhaustive is Verdict.VIOLATED:
        report.exhaustive, report.witness = Verdict.UNKNOWN, None
        report.unknown.append(f"{state.name}: depends on a condition the checker cannot model")
    for i in sorted(decision.absent_reads):
        report.unknown.append(f"{state.name} rule {i}: may read an absent variable (opaque conditions)")
    for d in decision.dead:
        vague = any(contains_opaque(c) for c in conds[: d.index + 1])
        sample = None if vague or not d.shadowed_by else d.sample
        report.dead.append(DeadRule(d.index, d.shadowed_by, sample))
    return report


def _solved(
    state: State,
    conds: list[Any],
    inputs: dict[str, str],
    present: set[tuple[str, ...]],
    rlimit: int,
    doubles: bool | None = None,
    questions: frozenset[str] = _ALL,
    assume: list[Any] | None = None,
) -> ChoiceReport:
    """Z3's answer, in a context of its own (deterministic whatever ran before).

    ``doubles``: numbers as IEEE doubles (default: only when the rules do arithmetic);
    ``assume``: conditions every input satisfies (values known to be set before the Choice)."""
    import z3

    from wfverify.analysis.smt.encode import Encoder

    report = ChoiceReport(state.name)
    nonlinear = [p for c in conds for p in products(c)]
    if nonlinear:
        asked = state.default is None and "exhaustive" in questions
        report.exhaustive = Verdict.UNKNOWN if asked else Verdict.NOT_APPLICABLE
        report.unknown.append(f"{state.name}: non-linear arithmetic ({show(nonlinear[0])}) is beyond the checker")
        return report
    with fresh_context():
        if doubles is None:
            doubles = any(has_arithmetic(c) for c in conds)
        enc = Encoder(inputs, present=present, doubles=doubles)
        encoded = [enc.condition(c) for c in conds]
        opaque = any(contains_opaque(c) for c in conds)
        passes = [z3.And(z3.BoolVal(True), *[enc.condition(a)[0] for a in assume or []])]
        for value, fails in encoded:
            passes.append(z3.And(passes[-1], z3.Not(value), z3.Not(fails)))
        if "exhaustive" in questions:
            _fall_through(z3, enc, state, conds, passes[-1], opaque, rlimit, report)
        if "absent" in questions:
            _absent_reads(z3, enc, conds, encoded, passes, opaque, rlimit, report)
        if "dead" in questions:
            _dead_rules(z3, enc, conds, encoded, rlimit, report)
    return report


def _fall_through(
    z3: Any, enc: Any, state: State, conds: list[Any], nothing: Any, opaque: bool, rlimit: int, report: ChoiceReport
) -> None:
    if state.default is not None:
        return
    solver = _solver(z3, enc, rlimit)
    solver.add(nothing)
    result = _check(z3, solver)
    if result == "unsat":
        report.exhaustive = Verdict.PROVEN
    elif result == "unknown":
        report.exhaustive = Verdict.UNKNOWN
        report.unknown.append(f"{state.name}: solver gave up ({solver.reason_unknown()})")
    elif opaque:
        report.exhaustive = Verdict.UNKNOWN
        report.unknown.append(f"{state.name}: depends on a condition the checker cannot model")
    else:
        witness = _model_input(enc, solver)
        if replay(conds, witness, len(conds)) == ("none", len(conds)):
            report.exhaustive, report.witness = Verdict.VIOLATED, witness
        else:
            report.exhaustive = Verdict.UNKNOWN
            report.unknown.append(f"{state.name}: the solver's input did not replay")


def _absent_reads(
    z3: Any,
    enc: Any,
    conds: list[Any],
    encoded: list[Any],
    passes: list[Any],
    opaque: bool,
    rlimit: int,
    report: ChoiceReport,
) -> None:
    for i, (_, fails) in enumerate(encoded):
        if not may_fail(conds[i]):
            continue
        solver = _solver(z3, enc, rlimit)
        solver.add(passes[i], fails)
        result = _check(z3, solver)
        if result == "unknown":
            report.unknown.append(f"{report.state} rule {i}: solver gave up ({solver.reason_unknown()})")
        elif result == "sat" and not opaque:
            witness = _model_input(enc, solver)
            if replay(conds, witness, i + 1) == ("fail", i):
                report.absent_reads.append(AbsentRead(i, absent_fields(conds[i], witness), witness))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's input did not replay")
        elif result == "sat":
            report.unknown.append(f"{report.state} rule {i}: may read an absent variable (opaque conditions)")


def _dead_rules(z3: Any, enc: Any, conds: list[Any], encoded: list[Any], rlimit: int, report: ChoiceReport) -> None:
    """One incremental solver: ``!rule j`` assumes rule j is not taken, ``?take i`` that rule i is."""
    solver = _solver(z3, enc, rlimit)
    marks = [z3.Bool(f"!rule{j}") for j in range(len(encoded))]
    takes = [z3.Bool(f"?take{j}") for j in range(len(encoded))]
    for (value, fails), mark, take in zip(encoded, marks, takes):
        solver.add(z3.Implies(mark, z3.And(z3.Not(value), z3.Not(fails))))
        solver.add(z3.Implies(take, z3.And(value, z3.Not(fails))))
    for i, take in enumerate(takes):
        result = _check(z3, solver, take, *marks[:i])
        if result == "unknown":
            report.unknown.append(f"{report.state} rule {i}: solver gave up ({solver.reason_unknown()})")
        if result != "unsat":
            continue
        alone = _check(z3, solver, take)
        if alone == "unsat":
            report.dead.append(DeadRule(i, ()))
        elif alone == "unknown":
            report.unknown.append(f"{report.state} rule {i}: solver gave up ({solver.reason_unknown()})")
        else:
            sample = _model_input(enc, solver)
            core = _solver_cover(z3, solver, take, marks[:i])
            if any(contains_opaque(c) for c in conds[: i + 1]):
                report.dead.append(DeadRule(i, core))
            elif sample_replays(conds, i, sample):
                report.dead.append(DeadRule(i, core, sample))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's sample input did not replay")


def _model_input(enc: Any, solver: Any) -> dict[str, Any]:
    """The input the solver's model stands for (imported here: most choices never reach the solver)."""
    from wfverify.analysis.smt.inputs import input_from_model

    return input_from_model(enc, solver.model())


def _solver_cover(z3: Any, solver: Any, take: Any, marks: list[Any]) -> tuple[int, ...]:
    """The canonical minimal set of earlier rules that take every input of ``take``."""

    def covers(keep: set[int]) -> bool:
        return _check(z3, solver, take, *[marks[k] for k in sorted(keep)]) == "unsat"

    return minimal_cover(len(marks), covers)


def analyze_workflow(workflow: Workflow, rlimit: int = DEFAULT_RLIMIT) -> dict[str, ChoiceReport]:
    """Reports for every choice state, computed once per workflow (shared by WF301 and WF302)."""

    def compute() -> dict[str, ChoiceReport]:
        return {
            s.name: analyze_choice(workflow, s, rlimit)
            for s in workflow.iter_states()
            if s.kind is StateKind.CHOICE and s.choices
        }

    return workflow.memo(f"smt.choices.{rlimit}", compute)
