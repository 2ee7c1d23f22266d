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
from dataclasses import dataclass, field
from typing import Any

from wfverify.analysis.smt import DEFAULT_RLIMIT, fresh_context
from wfverify.analysis.smt.decide import Undecided, decide, minimal_cover
from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.core.expr import And, Arith, Cmp, In, IsType, Matches, Not, Opaque, Or, Var
from wfverify.core.findings import Verdict
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
    exhaustive: Verdict = Verdict.NOT_APPLICABLE  # n/a: the choice has a default
    witness: dict[str, Any] | None = None
    absent_reads: list[AbsentRead] = field(default_factory=list)
    dead: list[DeadRule] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # reasons
    seconds: float = 0.0


def contains_opaque(node: Any) -> bool:
    """True when a condition holds a part the model cannot express."""
    if node is None or isinstance(node, Opaque):
        return True
    if isinstance(node, (And, Or)):
        return any(contains_opaque(i) for i in node.items)
    if isinstance(node, Not):
        return contains_opaque(node.item)
    if isinstance(node, (Cmp, Arith)):
        return contains_opaque(node.left) or contains_opaque(node.right)
    if isinstance(node, In):
        return contains_opaque(node.item)
    return False


def _products(node: Any) -> list[Arith]:
    """Products of two non-constant values (non-linear arithmetic)."""
    if isinstance(node, Arith):
        inner = _products(node.left) + _products(node.right)
        constant = any(not isinstance(side, (Var, Arith, Opaque)) for side in (node.left, node.right))
        return inner + ([node] if node.op == "*" and not constant else [])
    if isinstance(node, (And, Or)):
        return [p for item in node.items for p in _products(item)]
    if isinstance(node, Not):
        return _products(node.item)
    if isinstance(node, Cmp):
        return _products(node.left) + _products(node.right)
    if isinstance(node, In):
        return _products(node.item)
    return []


def _has_arithmetic(node: Any) -> bool:
    if isinstance(node, Arith):
        return True
    if isinstance(node, (And, Or)):
        return any(_has_arithmetic(i) for i in node.items)
    if isinstance(node, Not):
        return _has_arithmetic(node.item)
    if isinstance(node, Cmp):
        return _has_arithmetic(node.left) or _has_arithmetic(node.right)
    if isinstance(node, In):
        return _has_arithmetic(node.item)
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
    """Answer the three questions for one choice state: without a solver when the rules allow."""
    from wfverify.analysis.absent import present_at
    from wfverify.analysis.declared import declared_types_at

    began = time.perf_counter()
    present = set(present_at(workflow).get(state.name, ()))
    conds = [rule.condition for rule in state.choices]
    inputs = declared_types_at(workflow, state)
    report = _decided(state, conds, inputs, present)
    if report is None:
        report = _solved(state, conds, inputs, present, rlimit)
    report.seconds = time.perf_counter() - began
    return report


def _decided(
    state: State, conds: list[Any], inputs: dict[str, str], present: set[tuple[str, ...]]
) -> ChoiceReport | None:
    """The solver-free answer, or None when the rules need the solver."""
    try:
        decision = decide(conds, inputs, present)
    except Undecided:
        return None
    report = ChoiceReport(state.name)
    if state.default is None:
        report.exhaustive = Verdict.VIOLATED if decision.fall_through is not None else Verdict.PROVEN
        report.witness = decision.fall_through
    if decision.opaque:
        return _opaque_report(state, conds, decision, report)
    for i, data in sorted(decision.absent_reads.items()):
        report.absent_reads.append(AbsentRead(i, _absent_fields(conds[i], data), data))
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
) -> ChoiceReport:
    """Z3's answer, in a context of its own (deterministic whatever ran before).

    ``doubles``: numbers as IEEE doubles (default: only when the rules do arithmetic)."""
    import z3

    from wfverify.analysis.smt.encode import Encoder

    report = ChoiceReport(state.name)
    products = [p for i, c in enumerate(conds) for p in _products(c)]
    if products:
        report.exhaustive = Verdict.UNKNOWN if state.default is None else Verdict.NOT_APPLICABLE
        report.unknown.append(f"{state.name}: non-linear arithmetic ({_show(products[0])}) is beyond the checker")
        return report
    with fresh_context():
        if doubles is None:
            doubles = any(_has_arithmetic(c) for c in conds)
        enc = Encoder(inputs, present=present, doubles=doubles)
        encoded = [enc.condition(c) for c in conds]
        opaque = any(contains_opaque(c) for c in conds)
        passes = [z3.BoolVal(True)]
        for value, fails in encoded:
            passes.append(z3.And(passes[-1], z3.Not(value), z3.Not(fails)))
        _fall_through(z3, enc, state, conds, passes[-1], opaque, rlimit, report)
        _absent_reads(z3, enc, conds, encoded, passes, opaque, rlimit, report)
        _dead_rules(z3, enc, conds, encoded, rlimit, report)
    return report


def _show(node: Any) -> str:
    if isinstance(node, Var):
        return node.dotted
    if isinstance(node, Arith):
        return f"{_show(node.left)} {node.op} {_show(node.right)}"
    if isinstance(node, Opaque):
        return node.text
    return repr(getattr(node, "value", node))


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
        witness = enc.witness(solver.model())
        if _replay(conds, witness, len(conds)) == ("none", len(conds)):
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
        if not _may_fail(conds[i]):
            continue
        solver = _solver(z3, enc, rlimit)
        solver.add(passes[i], fails)
        result = _check(z3, solver)
        if result == "unknown":
            report.unknown.append(f"{report.state} rule {i}: solver gave up ({solver.reason_unknown()})")
        elif result == "sat" and not opaque:
            witness = enc.witness(solver.model())
            if _replay(conds, witness, i + 1) == ("fail", i):
                report.absent_reads.append(AbsentRead(i, _absent_fields(conds[i], witness), witness))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's input did not replay")
        elif result == "sat":
            report.unknown.append(f"{report.state} rule {i}: may read an absent variable (opaque conditions)")


def _absent_fields(cond: Any, witness: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(".".join(p) for p in _failing_vars(cond) if _absent(witness, p)))


def reads_absent_failing(node: Any) -> bool:
    """True when evaluating the condition may fail on an absent variable (ASL)."""
    return bool(_failing_vars(node))


def _may_fail(node: Any) -> bool:
    """An absent read may fail it: an ASL variable, or a value the model cannot read."""
    return reads_absent_failing(node) or _opaque_operand(node)


def _opaque_operand(node: Any) -> bool:
    if isinstance(node, (And, Or)):
        return any(_opaque_operand(i) for i in node.items)
    if isinstance(node, Not):
        return _opaque_operand(node.item)
    if isinstance(node, (Cmp, Arith)):
        return any(isinstance(s, Opaque) or _opaque_operand(s) for s in (node.left, node.right))
    if isinstance(node, In):
        return isinstance(node.item, Opaque) or _opaque_operand(node.item)
    return False


def _failing_vars(node: Any) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            if n.absent_fails:
                out.add(n.path)
        elif isinstance(n, (And, Or)):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, (Cmp, Arith)):
            stack += [n.left, n.right]
        elif isinstance(n, In):
            stack.append(n.item)
        elif isinstance(n, (IsType, Matches)):
            stack.append(n.var)
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
            core = _solver_cover(z3, solver, take, marks[:i])
            if any(contains_opaque(c) for c in conds[: i + 1]):
                report.dead.append(DeadRule(i, core))
            elif _sample_replays(conds, i, sample):
                report.dead.append(DeadRule(i, core, sample))
            else:
                report.unknown.append(f"{report.state} rule {i}: the solver's sample input did not replay")


def _solver_cover(z3: Any, solver: Any, take: Any, marks: list[Any]) -> tuple[int, ...]:
    """The canonical minimal set of earlier rules that take every input of ``take``."""

    def covers(keep: set[int]) -> bool:
        return _check(z3, solver, take, *[marks[k] for k in sorted(keep)]) == "unsat"

    return minimal_cover(len(marks), covers)


def _sample_replays(conds: list[Any], i: int, sample: dict[str, Any]) -> bool:
    """The sample satisfies rule i alone, and evaluation in order stops at an earlier rule."""
    try:
        if not evaluate(conds[i], sample):
            return False
    except AbsentVariable:
        return False
    return _replay(conds, sample, i)[0] in ("match", "fail")


def analyze_workflow(workflow: Workflow, rlimit: int = DEFAULT_RLIMIT) -> dict[str, ChoiceReport]:
    """Reports for every choice state, computed once per workflow (shared by WF301 and WF302)."""

    def compute() -> dict[str, ChoiceReport]:
        return {
            s.name: analyze_choice(workflow, s, rlimit)
            for s in workflow.iter_states()
            if s.kind is StateKind.CHOICE and s.choices
        }

    return workflow.memo(f"smt.choices.{rlimit}", compute)
