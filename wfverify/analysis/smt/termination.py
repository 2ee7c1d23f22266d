"""Termination of loops: a ranking argument over counters, checked with Z3.

The graph-level classification of cycles (trap cycles that can never leave:
``no-path-to-end``; cycles that can leave) belongs to the ``unbounded-loop``
rule. This module answers the next question for a cycle that can leave: must
it leave? :func:`refine` proves it with a counter:

1. *A counter*: a variable ``x`` whose every assignment inside the cycle is
   ``x + c`` (or ``x - c``) with a positive constant ``c`` (native ``set``,
   ASL ``States.MathAdd`` as the ASL loader normalizes it), and which every
   cycle of the component updates (removing the updating states leaves no
   cycle). So a run that loops forever drives ``x`` to +infinity (-infinity).
2. *A number on entry*: ``x`` is a declared ``int``/``number`` input, or every
   path from the scope's start into the loop passes a state that sets it to
   a number literal (else ``x + 1`` would be undefined).
3. *An exit that must come*: every comparison linear in ``x`` is replaced by
   the value it takes once ``x`` is far enough (``x >= 20`` becomes true), the
   other variables of such comparisons must be declared inputs the loop does
   not assign (loop invariants; any other data is an outside answer that may
   change each iteration, and stays free). For each choice state of the
   cycle, a transition that stays in the cycle and is unsatisfiable in that
   limit is dropped; if what remains has no cycle, the loop terminates.

The argument is sound for the stated model (data changes only through
``set``/``Assign``, declared inputs are typed); anything it cannot show is
"not proven", with a hint of the bound that would fix it. Retry policies are
not cycles of the graph: each is bounded by its ``max_attempts``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wfverify.analysis.smt import DEFAULT_RLIMIT
from wfverify.core.expr import Arith, Lit, Var
from wfverify.core.model import StateKind, TransitionKind, Workflow

__all__ = ["LoopVerdict", "analyze_loops", "can_leave", "counters", "refine", "termination_proof"]


@dataclass(frozen=True)
class LoopVerdict:
    """``verdict``: ``terminates`` or ``unknown``; ``hint`` says what bound would prove it."""

    verdict: str
    reason: str
    counter: str | None = None
    hint: str = ""


def _step(var: str, expr: Any) -> int | None:
    """+1 / -1 when ``expr`` is ``var + c`` / ``c + var`` / ``var - c`` with a constant c > 0."""
    if not isinstance(expr, Arith) or expr.op not in "+-":
        return None
    path = tuple(var.split("."))

    def const(node: Any) -> float | None:
        ok = isinstance(node, Lit) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return float(node.value) if ok else None

    left_is_var = isinstance(expr.left, Var) and expr.left.path == path
    right_is_var = isinstance(expr.right, Var) and expr.right.path == path
    if left_is_var and (c := const(expr.right)) is not None and c != 0:
        return (1 if c > 0 else -1) * (1 if expr.op == "+" else -1)
    if expr.op == "+" and right_is_var and (c := const(expr.left)) is not None and c != 0:
        return 1 if c > 0 else -1
    return None


def counters(workflow: Workflow, members: set[str]) -> dict[str, tuple[int, set[str]]]:
    """Variables updated monotonically in the cycle: name -> (direction, updating states)."""
    found: dict[str, tuple[int, set[str]]] = {}
    spoiled: set[str] = set()
    for name in sorted(members):
        for a in workflow.states[name].assignments:
            step = _step(a.variable, a.expr)
            if step is None or (a.variable in found and found[a.variable][0] != step):
                spoiled.add(a.variable)
                continue
            found.setdefault(a.variable, (step, set()))[1].add(name)
    return {k: v for k, v in found.items() if k not in spoiled}


def _edges(workflow: Workflow, members: set[str]) -> dict[str, list[tuple[str, Any]]]:
    return {n: [(t.target, t) for t in workflow.states[n].transitions if t.target in members] for n in members}


def _cyclic(adj: dict[str, list[str]]) -> bool:
    indeg = {n: 0 for n in adj}
    for n in adj:
        for m in adj[n]:
            indeg[m] += 1
    queue = deque(n for n, d in indeg.items() if d == 0)
    seen = 0
    while queue:
        n = queue.popleft()
        seen += 1
        for m in adj[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    return seen < len(adj)


def _numeric_on_entry(workflow: Workflow, var: str, members: set[str]) -> bool:
    if workflow.inputs.get(var) in ("int", "number"):
        return True
    inits = {
        s.name
        for s in workflow.iter_states()
        if s.name not in members
        and any(
            a.variable == var
            and isinstance(a.expr, Lit)
            and isinstance(a.expr.value, (int, float))
            and not isinstance(a.expr.value, bool)
            for a in s.assignments
        )
    }
    if not inits:
        return False
    scope = workflow.scope_of(next(iter(members)))
    if scope.start not in workflow.states:
        return False  # a start naming no state (unknown-target): nothing is known on entry
    seen, queue = {scope.start}, deque([scope.start])  # paths that avoid every initializing state
    while queue:
        n = queue.popleft()
        if n in members:
            return False
        if n in inits:
            continue
        for t in workflow.states[n].transitions:
            target = workflow.states.get(t.target)
            if target is not None and target.scope == scope.id and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return True


def refine(workflow: Workflow, cycle: Iterable[str], rlimit: int = DEFAULT_RLIMIT) -> LoopVerdict:
    """Try to prove that a cycle (a strongly connected set of states) is left eventually."""
    members = set(cycle)
    found = counters(workflow, members)
    if not found:
        return LoopVerdict("unknown", "no counter is updated in the loop", hint=_hint(members))
    reasons = []
    for var, (direction, updaters) in sorted(found.items()):
        verdict = _try_counter(workflow, members, var, direction, updaters, rlimit)
        if verdict.verdict == "terminates":
            return verdict
        reasons.append(verdict.reason)
    return LoopVerdict("unknown", "; ".join(reasons), hint=_hint(members, sorted(found)[0]))


def _try_counter(
    workflow: Workflow, members: set[str], var: str, direction: int, updaters: set[str], rlimit: int
) -> LoopVerdict:
    adj = {n: [m for m, _ in es] for n, es in _edges(workflow, members).items()}
    rest = {n: [m for m in adj[n] if m not in updaters] for n in adj if n not in updaters}
    if _cyclic(rest):
        return LoopVerdict("unknown", f"'{var}' is not updated on every way around the loop")
    if not _numeric_on_entry(workflow, var, members):
        return LoopVerdict("unknown", f"'{var}' is not a number when the loop is entered (declare it or set it first)")
    kept, gave_up = _eventual_edges(workflow, members, var, direction, rlimit)
    if gave_up:
        return LoopVerdict("unknown", f"solver gave up on the exit conditions of '{var}' ({gave_up})")
    if _cyclic(kept):
        word = "grows" if direction > 0 else "shrinks"
        return LoopVerdict("unknown", f"no exit condition must hold once '{var}' {word} far enough")
    trend = "increases" if direction > 0 else "decreases"
    return LoopVerdict(
        "terminates",
        f"'{var}' {trend} on every iteration and an exit condition on it must eventually hold",
        counter=var,
    )


def _eventual_edges(
    workflow: Workflow, members: set[str], var: str, direction: int, rlimit: int
) -> tuple[dict[str, list[str]], str]:
    import z3

    from wfverify.analysis.smt.encode import Encoder

    assigned = {a.variable for n in members for a in workflow.states[n].assignments}
    invariant = {tuple(k.split(".")) for k in workflow.inputs if k not in assigned}
    kept: dict[str, list[str]] = {}
    for name, edges in _edges(workflow, members).items():
        state = workflow.states[name]
        if state.kind is not StateKind.CHOICE:
            kept[name] = [m for m, _ in edges]
            continue
        enc = Encoder(dict(workflow.inputs), limits={tuple(var.split(".")): direction}, invariant=invariant)
        encoded = [enc.condition(r.condition) for r in state.choices]
        passes = [z3.BoolVal(True)]
        for value, fails in encoded:
            passes.append(z3.And(passes[-1], z3.Not(value), z3.Not(fails)))
        kept[name] = []
        for target, t in edges:
            if t.kind is TransitionKind.CHOICE and t.index is not None and t.index < len(encoded):
                value, fails = encoded[t.index]
                taken = z3.And(passes[t.index], value, z3.Not(fails))
            elif t.kind is TransitionKind.DEFAULT:
                taken = passes[-1]
            else:
                kept[name].append(target)
                continue
            solver = z3.Solver()
            solver.set("rlimit", rlimit)
            solver.add(*enc.domain, taken)
            result = solver.check()
            if result == z3.unknown:
                return kept, solver.reason_unknown()
            if result == z3.sat:
                kept[name].append(target)
    return kept, ""


def _hint(members: set[str], var: str | None = None) -> str:
    first = sorted(members)[0]
    if var:
        return f"add a choice rule that leaves the loop once '{var}' passes a bound (for example '{var} >= 10')"
    return (
        f"count the iterations (for example `set: {{attempts: \"attempts + 1\"}}` on '{first}', "
        f"with `attempts` set to 0 before the loop) and leave the loop on a bound such as `attempts >= 10`"
    )


def analyze_loops(workflow: Workflow, rlimit: int = DEFAULT_RLIMIT) -> list[tuple[frozenset[str], LoopVerdict]]:
    """:func:`refine` on every cycle of every scope, once per workflow (for the ``unbounded-loop`` rule)."""
    from wfverify.analysis.graph import sccs

    def compute() -> list[tuple[frozenset[str], LoopVerdict]]:
        return [
            (frozenset(c), refine(workflow, c, rlimit))
            for scope in workflow.scopes.values()
            for c in sccs(workflow, scope)
        ]

    return workflow.memo(f"smt.loops.{rlimit}", compute)


def can_leave(workflow: Workflow, members: set[str]) -> bool:
    """Graph level: some state of the cycle ends its scope or has an edge out of the cycle."""
    from wfverify.analysis.graph import exits_scope

    for name in members:
        state = workflow.states[name]
        if exits_scope(state) or any(
            t.target not in members and t.target in workflow.states for t in state.transitions
        ):
            return True
    return False


def termination_proof(workflow: Workflow, rlimit: int = DEFAULT_RLIMIT) -> Any:
    """The file's ``termination`` proof, for the ``unbounded-loop`` rule to yield.

    proven: no cycle, or every cycle has a counter argument (retry policies are
    bounded by ``max_attempts``); violated: a cycle that can never be left
    (witness: its states); unknown: a cycle that ends only on outside answers.
    """
    import time

    from wfverify.analysis.graph import sccs
    from wfverify.core.findings import Proof, Verdict

    began = time.perf_counter()
    retries = sum(len(s.retry) for s in workflow.iter_states())
    cycles = [c for scope in workflow.scopes.values() for c in sccs(workflow, scope)]
    traps = [sorted(c) for c in cycles if not can_leave(workflow, c)]
    if traps:
        return Proof(
            "termination",
            Verdict.VIOLATED,
            f"loop {', '.join(traps[0])} can never be left",
            time.perf_counter() - began,
            {"cycle": traps[0]},
        )
    verdicts = [(sorted(c), v) for c, v in analyze_loops(workflow, rlimit)]
    open_loops = [(c, v) for c, v in verdicts if v.verdict != "terminates"]
    seconds = time.perf_counter() - began
    if open_loops:
        cycle, v = open_loops[0]
        return Proof("termination", Verdict.UNKNOWN, f"loop {', '.join(cycle)}: {v.reason}; {v.hint}", seconds)
    counted = ", ".join(sorted({v.counter or "" for _, v in verdicts}))
    detail = f"{len(verdicts)} loop(s) bounded by counters ({counted})" if verdicts else "no loops"
    return Proof("termination", Verdict.PROVEN, f"{detail}; {retries} retry policies bounded by max_attempts", seconds)
