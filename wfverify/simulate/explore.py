"""Exhaustive exploration of the reference simulator's state space, within stated bounds.

From each input of :func:`~wfverify.simulate.explore_inputs.candidate_inputs`
(one per execution, ``Bounds.executions`` of them when the workflow runs
concurrently and has locks), a depth-first search takes every move the
simulator allows: which runnable holder steps next (Parallel branches, Map
iterations, executions), every outcome of a task (success, each error its
retriers and catchers name, its timeout, an unnamed failure), every event
(and the timeout), and a blocked acquire with a timeout giving up at any
moment. Configurations (every holder's place, data, locks, retry counts;
pending compensations; the clock when the workflow has a timeout) are hashed,
so an equivalent configuration is explored once.

Per property the answer is ``violated`` with an environment that
``wfverify simulate --outcomes`` replays, ``proven`` when the reachable space
was exhausted and the inputs covered every region of the conditions, or
``unknown`` naming the bound reached. Properties and their witnesses:

* ``termination``: a configuration repeats on one run (a cycle the outside
  world can keep going forever); the replay runs out of steps.
* ``deadlock-freedom``: no holder can move and no wait can time out.
* ``saga``: a run fails with completed compensable tasks not compensated, or
  compensated out of order (:mod:`~wfverify.simulate.saga_monitor`).
* ``choice-exhaustiveness``: a choice state matches no rule and has no default.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from wfverify.core.model import StateKind, Workflow
from wfverify.core.records import dataclass, field
from wfverify.simulate.bounds import Bounds
from wfverify.simulate.engine import Run
from wfverify.simulate.environment import Environment, Outcome
from wfverify.simulate.explore_inputs import Inputs, candidate_inputs
from wfverify.simulate.explore_por import ample
from wfverify.simulate.explore_result import Exploration, Finding, summarize
from wfverify.simulate.explore_waits import deadlock_detail, stuck_kind
from wfverify.simulate.saga_monitor import SagaMonitor

__all__ = ["Bounds", "Exploration", "explore"]

UNNAMED_ERROR = "wfverify.UnnamedError"


@dataclass
class _Node:
    """A configuration on the search tree: how it was reached, for the replay."""

    parent: _Node | None
    move: tuple[str, str, Any]  # ("pick", holder, None) / ("give-up", holder, None); third: the forced answer
    state: str | None  # the state the forced answer belongs to
    entered: tuple[str, ...] = ()

    def path(self) -> list[_Node]:
        out: list[_Node] = []
        node: _Node | None = self
        while node is not None and node.parent is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


@dataclass
class _Frame:
    run: Run
    monitor: SagaMonitor
    node: _Node
    key: bytes
    moves: list[tuple[str, str, Any]]
    depth: int
    rest: list[tuple[str, str, Any]] = field(default_factory=list)  # moves left out by the reduction


@dataclass
class _Search:
    workflow: Workflow
    bounds: Bounds
    visited: set[bytes] = field(default_factory=set)
    found: dict[str, Finding] = field(default_factory=dict)
    hit: set[str] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)
    cpu_started: float = field(default_factory=time.process_time)
    visits: dict[str, int] = field(default_factory=dict)

    def report(self, prop: str, message: str, env: Environment, node: _Node, kind: str = "") -> None:
        """Keep the first witness per property (for deadlock-freedom: the first of the most telling kind)."""
        known = self.found.get(prop)
        if known is None or (kind == "cycle" and known.kind != "cycle"):
            self.found[prop] = Finding(prop, message, env, node.path(), kind=kind)

    def report_cycle(self, env: Environment, start: _Node, end: _Node) -> None:
        if "termination" not in self.found:
            prefix = start.path()
            cycle = end.path()[len(prefix) :]
            where = " -> ".join(dict.fromkeys(s for n in cycle for s in n.entered)) or "the same place"
            message = f"a run can go round {where} forever"
            self.found["termination"] = Finding("termination", message, env, prefix, cycle)

    def out_of_budget(self) -> bool:
        if len(self.visited) >= self.bounds.configurations:
            self.hit.add(f"configurations explored ({self.bounds.configurations})")
            return True
        if self.bounds.seconds is not None and time.monotonic() - self.started > self.bounds.seconds:
            self.hit.add(f"time ({self.bounds.seconds:g} s)")
            return True
        return False


def explore(workflow: Workflow, bounds: Bounds = Bounds(), inputs: list[Any] | None = None) -> Exploration:
    """Explore every run of ``workflow`` within ``bounds``; see the module docstring.

    ``inputs``: explore from these inputs only (a witness input to replay) instead of the boundary inputs.
    """
    has_locks = any(s.acquire for s in workflow.iter_states())
    executions = bounds.executions if workflow.concurrent and has_locks else 1
    if inputs is None:
        drawn = candidate_inputs(workflow, bounds.inputs, bounds.map_items)
    else:
        drawn = Inputs(list(inputs), False, ["inputs given"], map_items=False)
    return _explore(workflow, bounds, drawn, executions, has_locks)


def _explore(workflow: Workflow, bounds: Bounds, inputs: Inputs, executions: int, has_locks: bool) -> Exploration:
    search = _Search(workflow, bounds)
    tuples = _input_tuples(inputs.values, executions, bounds.inputs)
    for values in tuples:
        if search.out_of_budget():
            break
        env = Environment(input=values[0], inputs=list(values[1:]), executions=executions, max_steps=bounds.steps)
        _dfs(search, env)
    notes = list(inputs.reasons)
    if len(tuples) < len(inputs.values) ** executions:
        notes.append(f"input tuples bound reached ({bounds.inputs})")
    if has_locks and workflow.concurrent:
        search.hit.add(f"executions ({executions})")
    if has_locks and inputs.map_items:
        search.hit.add(f"Map items ({bounds.map_items})")
    return summarize(
        workflow, search.found, sorted(search.hit), notes, len(search.visited), search.started, search.cpu_started
    )


def _input_tuples(values: list[Any], executions: int, limit: int) -> list[tuple[Any, ...]]:
    import itertools

    combos = itertools.combinations_with_replacement(range(len(values)), executions)
    return [tuple(values[i] for i in combo) for combo in itertools.islice(combos, limit)]


def _key(run: Run, monitor: SagaMonitor) -> bytes:
    def holder(h: Any) -> Any:
        return [
            h.name,
            h.state,
            h.status.value,
            h.data,
            h.held,
            sorted(h.attempts.items()),
            h.acquired_here,
            h.queue,
            sorted(h.results.items()),
            h.error,
            [holder(c) for c in h.children],
        ]

    parts: list[Any] = [[holder(r) for r in run.roots], monitor.key()]
    variables = getattr(getattr(run.sem, "data", None), "variables", None)
    if variables:
        parts.append(variables)
    text = json.dumps(parts, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _answers(run: Run, holder: Any) -> list[Any]:
    """The outside world's possible answers to the holder's next step (``[None]``: nothing to choose)."""
    state = run.w.states.get(holder.state)
    if state is None or holder.acquired_here < len(state.acquire):
        return [None]
    if state.kind is StateKind.TASK:
        named = {e for r in state.retry for e in r.errors} | {e for c in state.catch for e in c.errors}
        answers: list[Any] = [Outcome()]
        answers += [Outcome(error=e) for e in sorted(named - {"*"})]
        if state.timeout is not None:
            answers.append(Outcome(seconds=state.timeout + 1))
        answers.append(Outcome(error=UNNAMED_ERROR))
        return answers
    if state.kind is StateKind.EVENT:  # without a timeout, nothing runs out: it waits for its events
        timeout = ["timeout"] if state.timeout is not None or not state.events else []
        return [*dict.fromkeys(e.event for e in state.events), *timeout]
    return [None]


def _moves(run: Run) -> list[tuple[str, str, Any]]:
    moves: list[tuple[str, str, Any]] = [("give-up", h.name, None) for h in run.can_give_up()]
    for h in run.runnable():
        moves += [("pick", h.name, answer) for answer in _answers(run, h)]
    return moves


def _apply(run: Run, move: tuple[str, str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """Take one move on ``run`` (in place); the state whose answer was forced, and the new trail entries."""
    kind, name, answer = move
    holder = next(h for h in run.holders if h.name == name and h.status.live)
    state = holder.state
    if kind == "give-up":
        run.give_up(holder)
    else:
        run.forced = answer
        run.step(holder)
        run.forced = None
    entries, run.trace.trail = run.trace.trail, []
    run.holders = [h for h in run.holders if h.status.live]
    return (state if answer is not None else None), entries


def _start(search: _Search, env: Environment) -> _Frame | None:
    run = Run(search.workflow, env)
    run.start()
    monitor = SagaMonitor(search.workflow)
    for entry in run.trace.trail:
        monitor.feed(entry)
    run.trace.trail, run.trace.entered = [], []
    node = _Node(None, ("start", "main", None), None, ())
    key = _key(run, monitor)
    if key in search.visited:
        return None
    search.visited.add(key)
    return _Frame(run, monitor, node, key, _moves(run), 0)


def _entered(entries: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(e["to"] for e in entries if e["to"] is not None and not e["why"].startswith(("acquire", "join")))


def _dfs(search: _Search, env: Environment) -> None:
    """Depth-first search from one input; cycles on the current path are non-terminating runs."""
    first = _start(search, env)
    if first is None or _ended(search, first.run, first.monitor, first.node, env):
        return
    stack, on_stack = [first], {first.key: 0}
    while stack and not search.out_of_budget():
        top = stack[-1]
        if not top.moves:
            stack.pop()
            del on_stack[top.key]
            _count(search, top.node.entered, -1)
            continue
        move = top.moves.pop(0)
        last = not top.moves and not top.rest
        run = top.run if last else top.run.clone()
        monitor = top.monitor if last else _copy_monitor(top.monitor)
        state, entries = _apply(run, move)
        for entry in entries:
            monitor.feed(entry)
        node = _Node(top.node, move, state, _entered(entries))
        if run.unmatched:
            search.report("choice-exhaustiveness", f"{run.unmatched[0]}: an input matches no rule or fails", env, node)
            run.unmatched = []
        run.trace.entered = []
        key = _key(run, monitor)
        if key in on_stack:
            if search.workflow.timeout is None:
                search.report_cycle(env, stack[on_stack[key]].node, node)
            top.moves, top.rest = top.moves + top.rest, []  # the cycle proviso: expand in full
            continue
        if key in search.visited:
            continue
        search.visited.add(key)
        if _ended(search, run, monitor, node, env) or _cut(search, top.depth + 1, node):
            continue
        moves = _moves(run)
        if not moves:
            search.report("deadlock-freedom", deadlock_detail(run), env, node, stuck_kind(run))
            continue
        if "timeout-storm" not in search.found and sum(h.status == "blocked" for h in run.holders) > 1:
            if stuck_kind(run) == "cycle":  # holders wait on each other, every wait with a timeout
                detail = deadlock_detail(run).replace("no holder can move", "a timeout storm")
                search.report("timeout-storm", detail, env, node, "cycle")
        _count(search, node.entered, +1)
        on_stack[key] = len(stack)
        reduced = ample(run, moves)
        rest = [m for m in moves if m not in reduced] if reduced else []
        stack.append(_Frame(run, monitor, node, key, reduced or moves, top.depth + 1, rest))


def _copy_monitor(monitor: SagaMonitor) -> SagaMonitor:
    return monitor.copy()


def _count(search: _Search, entered: tuple[str, ...], delta: int) -> None:
    for name in entered:
        search.visits[name] = search.visits.get(name, 0) + delta


def _cut(search: _Search, depth: int, node: _Node) -> bool:
    """Whether a bound stops the search below this configuration (and note which)."""
    if depth >= search.bounds.steps:
        search.hit.add(f"steps per run ({search.bounds.steps})")
        return True
    for name in node.entered:
        if search.visits.get(name, 0) + 1 > search.bounds.loop_iterations:
            search.hit.add(f"loop iterations ({search.bounds.loop_iterations} entries of {name})")
            return True
    return False


def _ended(search: _Search, run: Run, monitor: SagaMonitor, node: _Node, env: Environment) -> bool:
    """A run that has ended: check the saga contract on it."""
    if not run.ended():
        return False  # a workflow timeout may end any run at any moment: those endings break nothing
    failed = {r.name: r.error for r in run.roots if r.status == "failed"}
    problem = monitor.broken(failed) if failed and search.workflow.annotated else None
    if problem:
        search.report("saga", problem, env, node)
    return True
