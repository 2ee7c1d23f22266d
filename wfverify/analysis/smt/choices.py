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

Every witness is replayed through :func:`wfverify.core.evaluate.evaluate`; a
witness the replay rejects (a modelling gap) turns the verdict into
``unknown`` instead of reporting a wrong input.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from wfverify.analysis.smt import DEFAULT_RLIMIT
from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.core.expr import Opaque
from wfverify.core.model import State, StateKind, Workflow

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
    exhaustive: str = "n/a"  # "proven", "violated", "unknown", "n/a" (has a default)
    witness: dict[str, Any] | None = None
    absent_reads: list[AbsentRead] = field(default_factory=list)
    dead: list[DeadRule] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # reasons
    seconds: float = 0.0


def contains_opaque(node: Any) -> bool:
    """True when a condition holds a part the model cannot express."""
    if node is None or isinstance(node, Opaque):
        return True
    for attr in ("items",):
        if hasattr(node, attr):
            return any(contains_opaque(i) for i in getattr(node, attr))
    if hasattr(node, "item") and not hasattr(node, "values"):
        return contains_opaque(node.item)
    return False


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


def _replay(conditions: list[Any], data: dict[str, Any], upto: int) -> tuple[str, int]:
    """Evaluate rules 0..upto-1 in order: ("match", i), ("fail", i) or ("none", upto)."""
    for i, cond in enumerate(conditions[:upto]):
        try:
            if evaluate(cond, data):
                return "match", i
        except AbsentVariable:
            return "fail", i
    return "none", upto


def analyze_choice(workflow: Workflow, state: State, rlimit: int = DEFAULT_RLIMIT) -> ChoiceReport:
    """Answer the three questions for one choice state."""
    import z3

    from wfverify.analysis.smt.encode import Encoder

    began = time.perf_counter()
    report = ChoiceReport(state.name)
    from wfverify.analysis.absent import present_at

    enc = Encoder(dict(workflow.inputs), present=set(present_at(workflow).get(state.name, ())))
    conds = [rule.condition for rule in state.choices]
    encoded = [enc.condition(c) for c in conds]
    opaque = any(contains_opaque(c) for c in conds)
    passes = [z3.BoolVal(True)]
    for value, fails in encoded:
        passes.append(z3.And(passes[-1], z3.Not(value), z3.Not(fails)))

    _fall_through(z3, enc, state, conds, passes[-1], opaque, rlimit, report)
    _absent_reads(z3, enc, conds, encoded, passes, opaque, rlimit, report)
    _dead_rules(z3, enc, conds, encoded, rlimit, report)
    report.seconds = time.perf_counter() - began
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
        report.exhaustive = "proven"
    elif result == "unknown":
        report.exhaustive = "unknown"
        report.unknown.append(f"{state.name}: solver gave up ({solver.reason_unknown()})")
    elif opaque:
        report.exhaustive = "unknown"
        report.unknown.append(f"{state.name}: depends on a condition the checker cannot model")
    else:
        witness = enc.witness(solver.model())
        if _replay(conds, witness, len(conds)) == ("none", len(conds)):
            report.exhaustive, report.witness = "violated", witness
        else:
            report.exhaustive = "unknown"
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
    if not any(_fails_possible(c) for c in conds):
        return
    for i, (_, fails) in enumerate(encoded):
        if not _fails_possible(conds[i]):
            continue
        solver = _solver(z3, enc, rlimit)
        solver.add(passes[i], fails)
        result = _check(z3, solver)
        if result == "unknown":
            report.unknown.append(f"{report.state} rule {i}: solver gave up ({solver.reason_unknown()})")
        elif result == "sat" and not opaque:
            witness = enc.witness(solver.model())
            if _replay(conds, witness, i + 1) == ("fail", i):
                absent = sorted(".".join(p) for p in _failing_vars(conds[i]) if _absent(witness, p))
                report.absent_reads.append(AbsentRead(i, tuple(absent), witness))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's input did not replay")
        elif result == "sat":
            report.unknown.append(f"{report.state} rule {i}: may read an absent variable (opaque conditions)")


def reads_absent_failing(node: Any) -> bool:
    """True when evaluating the condition may fail on an absent variable (ASL)."""
    return bool(_failing_vars(node))


_fails_possible = reads_absent_failing


def _failing_vars(node: Any) -> set[tuple[str, ...]]:
    from wfverify.core.expr import Var

    out: set[tuple[str, ...]] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            if n.absent_fails:
                out.add(n.path)
            continue
        for attr in ("left", "right", "item", "var"):
            if hasattr(n, attr) and type(n).__name__ != "Exists":
                stack.append(getattr(n, attr))
        if hasattr(n, "items"):
            stack.extend(n.items)
    return out


def _absent(data: Any, path: tuple[str, ...]) -> bool:
    cur = data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return True
        cur = cur[key]
    return False


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
            sample = enc.witness(solver.model())
            core = _minimal_core(z3, solver, marks[:i], take)
            if any(contains_opaque(conds[j]) for j in (i, *core)):
                report.dead.append(DeadRule(i, core))
            elif _sample_replays(conds, i, core, sample):
                report.dead.append(DeadRule(i, core, sample))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's sample input did not replay")


def _sample_replays(conds: list[Any], i: int, core: tuple[int, ...], sample: dict[str, Any]) -> bool:
    """The sample satisfies rule i alone, and evaluation in order stops at a shadowing rule."""
    try:
        if not evaluate(conds[i], sample):
            return False
    except AbsentVariable:
        return False
    outcome, index = _replay(conds, sample, i)
    return outcome in ("match", "fail") and index in core


def _minimal_core(z3: Any, solver: Any, marks: list[Any], take: Any) -> tuple[int, ...]:
    """Shrink the unsat core to a minimal set of earlier rules (deletion, bounded by the core size)."""
    _check(z3, solver, take, *marks)
    names = {str(m): j for j, m in enumerate(marks)}
    core = sorted({names[str(c)] for c in solver.unsat_core() if str(c) in names})
    for j in list(core):
        trial = [marks[k] for k in core if k != j]
        if _check(z3, solver, take, *trial) == "unsat":
            core.remove(j)
    return tuple(core)


def analyze_workflow(workflow: Workflow, rlimit: int = DEFAULT_RLIMIT) -> dict[str, ChoiceReport]:
    """Reports for every choice state, computed once per workflow (shared by WF301 and WF302)."""

    def compute() -> dict[str, ChoiceReport]:
        return {
            s.name: analyze_choice(workflow, s, rlimit)
            for s in workflow.iter_states()
            if s.kind is StateKind.CHOICE and s.choices
        }

    return workflow.memo(f"smt.choices.{rlimit}", compute)
