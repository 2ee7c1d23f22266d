"""Termination of loops: a ranking argument over counters, checked with Z3.

The graph-level classification of cycles (trap cycles that can never leave:
``no-path-to-end``; cycles that can leave) belongs to the ``unbounded-loop``
rule. This module answers the next question for a cycle that can leave: must
it leave? :func:`refine` proves it with a counter, or finds it bounded by a
timeout:

1. *A counter*: a variable ``x`` that every edge of the cycle either leaves
   alone or moves by ``x + c`` (``x - c``) with a constant ``c`` of one sign
   (native ``set``, ASL ``Assign`` / ``States.MathAdd`` / JSONata ``$x + c``),
   and which every cycle of the component moves (:mod:`wfverify.analysis.counters`:
   per edge, so a task's update does not count on its catchers' edges, and data
   a state replaces is no counter). A run that loops forever drives ``x`` to
   +infinity (-infinity).
2. *A number on entry*: ``x`` is a number on every way into the loop (a
   must-analysis over ``set``; a declared type counts only while nothing
   assigns the variable otherwise), else ``x + 1`` is undefined.
3. *An exit that must come*: every comparison of ``x`` with numeric literals
   is replaced by the value it takes once ``x`` is far enough (``x >= 20``
   becomes true). A comparison with a non-number literal is false (the
   documented semantics: a mistyped comparison is false, never "eventually
   true"); one with other data, or with a bound so large that doubles stop
   moving ``x + c`` before it (IEEE doubles: ``2**53``), stays an unknown
   boolean. For each choice state of the cycle, a transition that stays in the
   cycle and is unsatisfiable in that limit is dropped; if what remains has no
   cycle, the loop terminates.

Without a counter argument, a loop is still *bounded* when a timeout covers
it: the whole execution's (``timeout``, ASL top-level ``TimeoutSeconds``) or
that of a state that runs it (an enclosing owner). Anything else is "not
proven", with the reason and a hint of the bound that would fix it. Retry
policies are not cycles of the graph: each is bounded by its ``max_attempts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from wfverify.analysis.counters import counters, every_cycle_updates, numeric_on_entry, trusted_inputs
from wfverify.analysis.smt import DEFAULT_RLIMIT
from wfverify.core.expr import And, Arith, Cmp, Expr, Lit, Not, Opaque, Or, Var, variables
from wfverify.core.model import Dialect, StateKind, TransitionKind, Workflow
from wfverify.core.records import dataclass

__all__ = ["LoopVerdict", "analyze_loops", "can_leave", "refine", "termination_proof", "timeout_bound"]

#: Beyond ``|c| * 2**52`` a double no longer moves when ``c`` is added: the counter stalls.
_DOUBLE_REACH = 2**52


@dataclass(frozen=True)
class LoopVerdict:
    """``verdict``: ``terminates`` (a counter), ``bounded`` (a timeout) or ``unknown``;
    ``hint`` says what bound would prove it."""

    verdict: str
    reason: str
    counter: str | None = None
    hint: str = ""


def timeout_bound(workflow: Workflow, members: set[str]) -> str | None:
    """What timeout bounds a loop, in words: the execution's, or that of a state running its scope."""
    asl = workflow.dialect is Dialect.ASL
    scope = workflow.scope_of(next(iter(members)))
    while scope.owner is not None and scope.owner in workflow.states:
        owner = workflow.states[scope.owner]
        if owner.timeout is not None:
            field = "TimeoutSeconds" if asl else "timeout"
            return f"the {field} ({owner.timeout:g} s) of '{owner.name}', which runs it"
        scope = workflow.scope_of(owner.name)
    if workflow.timeout is not None:
        field = "top-level TimeoutSeconds" if asl else "timeout"
        return f"the state machine's {field} ({workflow.timeout:g} s)"
    return None


def refine(workflow: Workflow, cycle: Iterable[str], rlimit: int = DEFAULT_RLIMIT) -> LoopVerdict:
    """Try to prove that a cycle (a strongly connected set of states) is left eventually."""
    members = set(cycle)
    found = counters(workflow, members)
    reasons = []
    for var, (direction, updaters) in sorted(found.items()):
        verdict = _try_counter(workflow, members, var, direction, updaters, rlimit)
        if verdict.verdict == "terminates":
            return verdict
        reasons.append(verdict.reason)
    reason = "; ".join(reasons) or "no counter is updated in the loop"
    bound = timeout_bound(workflow, members)
    if bound is not None:
        return LoopVerdict("bounded", f"bounded by {bound}")
    return LoopVerdict("unknown", reason, hint=_hint(workflow, members, sorted(found)[0] if found else None))


def _try_counter(
    workflow: Workflow, members: set[str], var: str, direction: int, updaters: set[tuple[str, str, int]], rlimit: int
) -> LoopVerdict:
    if not every_cycle_updates(workflow, members, updaters):
        return LoopVerdict("unknown", f"'{var}' is not updated on every way around the loop")
    if not numeric_on_entry(workflow, var, members):
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


def _cyclic(adj: dict[str, list[str]]) -> bool:
    from wfverify.analysis.counters import _cyclic as cyclic

    return cyclic(adj)


def _min_step(workflow: Workflow, members: set[str], var: str) -> float:
    steps = [
        abs(float(node.value))
        for n in members
        for a in workflow.states[n].assignments
        if a.variable == var and isinstance(a.expr, Arith)
        for node in (a.expr.left, a.expr.right)
        if isinstance(node, Lit) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    ]
    return min(steps) if steps else 1.0


#: A JSONata comparison of a variable with a number (compiled by ``re`` on first use: JSONata is rare).
_JSONATA_CMP = r"(\$[A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|!=|<|>|=)\s*(-?\d+(?:\.\d+)?)"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _jsonata_cmp(text: str, counter: tuple[str, ...]) -> Cmp | None:
    """``$n >= 5`` (a JSONata Condition on the counter variable) as a numeric comparison."""
    m = re.fullmatch(_JSONATA_CMP, text.strip())
    if m is None or (m.group(1),) != counter:
        return None
    op = "==" if m.group(2) == "=" else m.group(2)
    value = float(m.group(3)) if "." in m.group(3) else int(m.group(3))
    return Cmp(op, Var(counter), Lit(value), "number")


def _literals(node: Any) -> list[Any]:
    if isinstance(node, Lit):
        return [node.value]
    if isinstance(node, Arith):
        return _literals(node.left) + _literals(node.right)
    return []


def _constants(node: Any, consts: dict[tuple[str, ...], float]) -> Any:
    """A numeric operand with each loop constant replaced by its value."""
    if isinstance(node, Var) and node.path in consts:
        return Lit(consts[node.path])
    if isinstance(node, Arith):
        return Arith(node.op, _constants(node.left, consts), _constants(node.right, consts))
    return node


def _limit_form(
    node: Expr | None, counter: tuple[str, ...], reach: float, consts: dict[tuple[str, ...], float]
) -> Expr | None:
    """The condition with each comparison on the counter made safe for the limit encoding."""
    if isinstance(node, (And, Or)):
        items = tuple(_limit_form(i, counter, reach, consts) for i in node.items)
        return type(node)(tuple(Opaque(f"?{i!r}") if i is None else i for i in items))
    if isinstance(node, Not):
        inner = _limit_form(node.item, counter, reach, consts)
        return Not(inner) if inner is not None else None
    if isinstance(node, Opaque):
        converted = _jsonata_cmp(node.text, counter)
        return _limit_form(converted, counter, reach, consts) if converted is not None else node
    if not isinstance(node, Cmp) or counter not in variables(node) or node.type not in (None, "number"):
        return node
    node = Cmp(node.op, _constants(node.left, consts), _constants(node.right, consts), node.type)
    lits = _literals(node.left) + _literals(node.right)
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in lits):
        return Lit(False)  # a number never compares true with a string, boolean or null
    if variables(node) != {counter} or any(abs(v) >= reach for v in lits):
        return Opaque(f"?limit {node!r}")  # other data, or a bound doubles may never reach: unknown
    return node


def _loop_constants(workflow: Workflow, members: set[str], counter: tuple[str, ...]) -> dict[tuple[str, ...], float]:
    """Variables the loop's choices compare the counter with that hold one known number throughout the loop."""
    from wfverify.analysis.counters import constant_on_entry

    read = {
        path
        for n in members
        for r in workflow.states[n].choices
        if r.condition is not None
        for path in variables(r.condition)
        if path != counter
    }
    out = {}
    for path in sorted(read):
        value = constant_on_entry(workflow, ".".join(path), members)
        if value is not None:
            out[path] = value
    return out


def _eventual_edges(
    workflow: Workflow, members: set[str], var: str, direction: int, rlimit: int
) -> tuple[dict[str, list[str]], str]:
    import z3

    from wfverify.analysis.smt.encode import Encoder

    counter = tuple(var.split("."))
    reach = _min_step(workflow, members, var) * _DOUBLE_REACH
    consts = _loop_constants(workflow, members, counter)
    kept: dict[str, list[str]] = {}
    for name in members:
        state = workflow.states[name]
        edges = [(t.target, t) for t in state.transitions if t.target in members]
        if state.kind is not StateKind.CHOICE:
            kept[name] = [m for m, _ in edges]
            continue
        enc = Encoder(trusted_inputs(workflow), limits={counter: direction})
        encoded = [enc.condition(_limit_form(r.condition, counter, reach, consts)) for r in state.choices]
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


def _hint(workflow: Workflow, members: set[str], var: str | None = None) -> str:
    """What bound would prove the loop, in the file's own terms."""
    ordered = [n for n in workflow.scope_of(next(iter(members))).states if n in members]
    tasks = [n for n in ordered if workflow.states[n].kind in (StateKind.TASK, StateKind.PASS)]
    first = (tasks or ordered or sorted(members))[0]
    asl = workflow.dialect is Dialect.ASL
    if var:
        shown = var if var.startswith("$") or not asl else f"$.{var}"
        return f"add a choice rule that leaves the loop once '{shown}' passes a bound (for example '{shown} >= 10')"
    if asl:
        jsonata = workflow.query_language == "JSONata"
        update = '"attempts": "{% $attempts + 1 %}"' if jsonata else '"attempts.$": "States.MathAdd($attempts, 1)"'
        test = (
            '"Condition": "{% $attempts >= 10 %}"'
            if jsonata
            else '"Variable": "$attempts", "NumericGreaterThanEquals": 10'
        )
        return (
            f"count the iterations with Assign ({update} on '{first}', and \"attempts\": 0 before the loop) "
            f"and leave the loop on a Choice rule such as {{{test}}}, or set the state machine's TimeoutSeconds"
        )
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


def _trap_verdict(workflow: Workflow, members: frozenset[str], verdict: LoopVerdict) -> LoopVerdict:
    """A cycle with no way out but a failure, that neither a counter nor a timeout ends: ``violated`` only
    when some run certainly goes round it for ever (:mod:`wfverify.analysis.smt.traps`), else unknown."""
    if verdict.verdict in ("terminates", "bounded") or can_leave(workflow, set(members)):
        return verdict
    from wfverify.analysis.smt.traps import certain_trap

    certain, obstacle = workflow.memo(f"smt.traps.{sorted(members)}", lambda: certain_trap(workflow, set(members)))
    if certain:
        return LoopVerdict("violated", "no way out but a failure, and some run goes round it for ever")
    return LoopVerdict(
        "unknown",
        f"no way out but a failure, and no run is certain to go round it for ever ({obstacle})",
        hint="add a way out of the loop (a Choice rule or a default that leaves it)",
    )


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

    proven: no cycle, or every cycle has a counter argument or a timeout over
    it (retry policies are bounded by ``max_attempts``); violated: a cycle that can never be left
    and that some run certainly goes round for ever (witness: its states); unknown: a cycle that ends
    only on outside answers, or a cycle left only by failures that no run is certain to stay in.
    """
    import time

    from wfverify.core.findings import Proof, Verdict

    began = time.perf_counter()
    retries = sum(len(s.retry) for s in workflow.iter_states())
    verdicts = [(sorted(c), _trap_verdict(workflow, c, v)) for c, v in analyze_loops(workflow, rlimit)]
    stuck = [c for c, v in verdicts if v.verdict == "violated"]
    if stuck:
        return Proof(
            "termination",
            Verdict.VIOLATED,
            f"loop {', '.join(stuck[0])} can never be left: some run goes round it for ever",
            time.perf_counter() - began,
            {"cycle": stuck[0]},
        )
    open_loops = [(c, v) for c, v in verdicts if v.verdict not in ("terminates", "bounded")]
    seconds = time.perf_counter() - began
    if open_loops:
        from wfverify.analysis.loops import pagination_token

        cycle, v = open_loops[0]
        token = pagination_token(workflow, set(cycle))
        if token is not None and not v.reason.startswith("no way out"):
            v = LoopVerdict("unknown", f"bounded by the data only: it goes round while '{token}' is present")
        hint = f"; {v.hint}" if v.hint else ""
        return Proof("termination", Verdict.UNKNOWN, f"loop {', '.join(cycle)}: {v.reason}{hint}", seconds)
    counted = sorted({v.counter or "" for _, v in verdicts if v.verdict == "terminates"})
    timed = sorted({v.reason.removeprefix("bounded ") for _, v in verdicts if v.verdict == "bounded"})
    parts = [f"by counters ({', '.join(counted)})"] if counted else []
    parts += timed
    detail = f"{len(verdicts)} loop(s) bounded: {'; '.join(parts)}" if verdicts else "no loops"
    return Proof("termination", Verdict.PROVEN, f"{detail}; {retries} retry policies bounded by max_attempts", seconds)
