"""The reference simulator: executes the workflow model step by step, written for clarity.

*Holders* run concurrently: the execution itself, each Parallel branch, each
Map iteration. At every step the scheduler picks one runnable holder (the
environment's picks, in turn, modulo the number runnable; the first one when
the picks run out) and runs the state it stands at. Time is virtual: waits,
task durations and retry backoff add to the clock, nothing sleeps.

Semantics follow the native format page (and Amazon States Language where the
dialect differs, see :mod:`wfverify.simulate.asl_data`): retries by the
first retrier whose errors match, then the first matching catcher, else the
holder fails and so does its owner's Parallel/Map state; locks are taken at a
state's entry in order (a lock held by another holder blocks; one held by the
same holder blocks forever) and released after the action, whether it
succeeded or not; when no holder can move, blocked acquires with a timeout
raise ``LockTimeout``, and otherwise the run is ``deadlocked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wfverify.core.evaluate import UNDEFINED, AbsentVariable, evaluate, value_of
from wfverify.core.model import ALL_ERRORS, Dialect, State, StateKind, Workflow
from wfverify.simulate.environment import Environment

__all__ = ["Trace", "simulate"]


@dataclass
class Holder:
    name: str
    scope: str
    state: str
    data: Any
    owner: Holder | None = None
    status: str = "running"  # running | waiting | blocked | done | failed | cancelled
    held: list[str] = field(default_factory=list)
    attempts: dict[int, int] = field(default_factory=dict)  # retrier index -> retries used at this state
    acquired_here: int = 0  # acquires of the current state already done
    children: list[Holder] = field(default_factory=list)
    queue: list[Any] = field(default_factory=list)  # map items not started yet
    results: dict[int, Any] = field(default_factory=dict)
    index: int = 0
    error: str | None = None
    cause: str | None = None


@dataclass
class Trace:
    status: str = "running"
    error: str | None = None
    cause: str | None = None
    output: Any = None
    entered: list[str] = field(default_factory=list)
    trail: list[dict[str, Any]] = field(default_factory=list)
    time: float = 0.0

    def to_json(self, path: str = "") -> dict[str, Any]:
        return {
            "version": 1,
            "path": path,
            "status": self.status,
            "error": self.error,
            "cause": self.cause,
            "output": self.output,
            "entered": self.entered,
            "trail": self.trail,
        }


def simulate(workflow: Workflow, env: Environment) -> Trace:
    return _Run(workflow, env).run()


class _Run:
    def __init__(self, workflow: Workflow, env: Environment) -> None:
        self.w, self.env = workflow, env
        self.trace = Trace()
        self.holders: list[Holder] = []
        self.owner_of: dict[str, str] = {}  # lock -> holder name
        self.picks = 0
        self.events_used: dict[str, int] = {}
        self.task_calls: dict[str, int] = {}
        self.counter = 0
        if workflow.dialect is Dialect.ASL:
            from wfverify.simulate.asl_data import AslData

            self.asl: Any = AslData(workflow)
        else:
            self.asl = None

    # -- bookkeeping --------------------------------------------------------
    def move(self, h: Holder, target: str | None, why: str, source: Any = "") -> None:
        """Record a transition of holder ``h`` (``source`` "" means from where it stands)."""
        self.trace.trail.append(
            {
                "step": len(self.trace.trail) + 1,
                "time": round(self.trace.time, 6),
                "holder": h.name,
                "from": h.state if source == "" else source,
                "to": target,
                "why": why,
            }
        )
        if target is not None:
            if target in self.w.states:
                self.trace.entered.append(target)
            h.state, h.attempts, h.acquired_here = target, {}, 0

    def spawn(self, owner: Holder | None, scope_id: str, data: Any, label: str, why: str) -> Holder:
        scope = self.w.scopes[scope_id]
        name = label if owner is None else f"{label}"
        h = Holder(name, scope_id, "", data, owner)
        self.holders.append(h)
        if owner is not None:
            owner.children.append(h)
        if scope.start not in self.w.states:
            h.state = scope.start
            self.fail(h, "States.Runtime", f"start {scope.start!r} is no state")
            return h
        self.move(h, scope.start, why, source=owner.state if owner else None)
        return h

    # -- the loop -----------------------------------------------------------
    def run(self) -> Trace:
        root = self.spawn(None, "", self.env.input, "main", "start")
        steps = 0
        while root.status not in ("done", "failed"):
            if steps >= self.env.max_steps:
                self.trace.status = "out-of-steps"
                return self.trace
            if self.w.timeout is not None and self.trace.time > self.w.timeout:
                self.trace.status, self.trace.error = "timed-out", "States.Timeout"
                return self.trace
            runnable = [h for h in self.holders if h.status == "running"]
            if not runnable:
                if not self._lock_timeouts():
                    self.trace.status = "deadlocked"
                    return self.trace
                continue
            choice = self._pick(runnable)
            self.picks += 1
            holder = runnable[choice]
            try:
                self.step(holder)
            except (KeyError, IndexError, TypeError, ValueError) as exc:  # ASL data flow on absent/mistyped data
                holder.status = "running"
                self.error(holder, "States.Runtime", f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # Unsupported JSONPath/intrinsic forms: say so, do not guess
                holder.status = "running"
                self.error(holder, "States.Runtime", f"not simulated: {exc}")
            steps += 1
        self.trace.status = "succeeded" if root.status == "done" else "failed"
        self.trace.error, self.trace.cause = root.error, root.cause
        self.trace.output = root.data if root.status == "done" else None
        return self.trace

    def _pick(self, runnable: list[Holder]) -> int:
        """The environment's next pick: an index (modulo the runnable count) or a holder's name."""
        if self.picks >= len(self.env.schedule):
            return 0
        pick = self.env.schedule[self.picks]
        if isinstance(pick, str):
            names = [h.name for h in runnable]
            return names.index(pick) if pick in names else 0
        return int(pick) % len(runnable)

    def _lock_timeouts(self) -> bool:
        """Nobody can move: blocked acquires that have a timeout give up with LockTimeout."""
        woke = False
        for h in self.holders:
            if h.status == "blocked":
                acq = self.w.states[h.state].acquire[h.acquired_here]
                if acq.timeout is not None:
                    self.trace.time += acq.timeout
                    h.status = "running"
                    self.error(h, "LockTimeout", f"waited {acq.timeout:g}s for {self.lock_name(h, acq.lock)}")
                    woke = True
        return woke

    # -- one state ------------------------------------------------------------
    def step(self, h: Holder) -> None:
        if h.state not in self.w.states:  # an unknown target (the unknown-target rule reports it)
            self.fail(h, "States.Runtime", f"no state named {h.state!r}")
            return
        state = self.w.states[h.state]
        if not self.take_locks(h, state):
            return
        kind = state.kind
        if kind is StateKind.TASK:
            self.task(h, state)
        elif kind is StateKind.PASS:
            if self.asl:
                h.data = self.asl.pass_output(state, h.data)
            self.assign(h, state)
            self.finish(h, state)
        elif kind is StateKind.CHOICE:
            self.choose(h, state)
        elif kind is StateKind.WAIT:
            self.trace.time += state.duration or 0.0
            self.finish(h, state)
        elif kind is StateKind.EVENT:
            self.await_event(h, state)
        elif kind in (StateKind.PARALLEL, StateKind.MAP):
            self.fan_out(h, state)
        elif kind is StateKind.SUCCEED:
            self.end(h, "done")
        elif kind is StateKind.FAIL:
            self.fail(h, state.error or "States.Fail", state.cause)

    def lock_name(self, h: Holder, template: str) -> str:
        from wfverify.core.exprparse import ExprError, parse, placeholders

        name = template
        for text, _ in reversed(placeholders(template)):
            try:
                value = value_of(parse(text), h.data)
            except (ExprError, AbsentVariable):
                value = UNDEFINED
            name = name.replace("{" + text + "}", str(value if value is not UNDEFINED else "?"), 1)
        return name

    def take_locks(self, h: Holder, state: State) -> bool:
        """Take the next lock of the state's ``acquire`` list: one lock per step, so others can interleave."""
        if h.acquired_here >= len(state.acquire):
            return True
        lock = self.lock_name(h, state.acquire[h.acquired_here].lock)
        if self.owner_of.get(lock) is not None:
            h.status = "blocked"
            return False
        self.owner_of[lock] = h.name
        h.held.append(lock)
        h.acquired_here += 1
        self.trace.trail.append(
            {
                "step": len(self.trace.trail) + 1,
                "time": round(self.trace.time, 6),
                "holder": h.name,
                "from": h.state,
                "to": h.state,
                "why": f"acquire {lock}",
            }
        )
        return False

    def release(self, h: Holder, state: State) -> None:
        for template in state.release:
            lock = self.lock_name(h, template)
            if lock in h.held:
                h.held.remove(lock)
                self.owner_of.pop(lock, None)
        for other in self.holders:
            if other.status == "blocked":
                other.status = "running"  # try again; blocks again if still taken

    def task(self, h: Holder, state: State) -> None:
        calls = self.task_calls.get(state.name, 0)  # outcomes are used per call of the state, run-wide
        self.task_calls[state.name] = calls + 1
        outcome = self.env.outcome(state.name, calls)
        self.trace.time += outcome.seconds
        error = outcome.error
        if error is None and state.timeout is not None and outcome.seconds > state.timeout:
            error = "States.Timeout" if self.asl else "Timeout"
        self.release(h, state)
        if error is not None:
            self.error(h, error, f"{state.name} failed")
            return
        if self.asl:
            h.data = self.asl.task_output(state, h.data, outcome.result)
        elif outcome.result is not None and isinstance(outcome.result, dict) and isinstance(h.data, dict):
            h.data = {**h.data, **outcome.result}
        self.assign(h, state)
        self.finish(h, state)

    def assign(self, h: Holder, state: State) -> None:
        if self.asl or not state.assignments:
            return
        data = dict(h.data) if isinstance(h.data, dict) else {}
        for a in state.assignments:
            value = value_of(a.expr, h.data) if a.expr is not None else UNDEFINED
            _set_path(data, a.variable.split("."), None if value is UNDEFINED else value)
        h.data = data

    def finish(self, h: Holder, state: State) -> None:
        if state.next:
            self.move(h, state.next, "next")
        else:
            self.end(h, "done")

    def choose(self, h: Holder, state: State) -> None:
        data = self.asl.choice_input(state, h.data) if self.asl else h.data
        from wfverify.core.expr import Opaque

        for i, rule in enumerate(state.choices):
            try:
                if self.asl and isinstance(rule.condition, Opaque):
                    holds = self.asl.condition(rule.condition.text, state, data)  # JSONata
                else:
                    holds = rule.condition is not None and evaluate(rule.condition, data)
            except AbsentVariable as exc:
                self.error(h, "States.Runtime", f"choice rule {i + 1} reads absent {'.'.join(exc.path)}")
                return
            if holds:
                self.move(h, rule.next, f"choice rule {i + 1}")
                return
        if state.default:
            self.move(h, state.default, "default")
        else:
            self.error(h, "States.NoChoiceMatched" if self.asl else "NoChoiceMatched", f"no rule of {state.name}")

    def await_event(self, h: Holder, state: State) -> None:
        used = self.events_used.get(state.name, 0)
        arrivals = self.env.events.get(state.name, [])
        self.events_used[state.name] = used + 1
        arrived = arrivals[used] if used < len(arrivals) else "timeout"
        for branch in state.events:
            if branch.event == arrived:
                self.move(h, branch.next, f"event {arrived}")
                return
        self.trace.time += state.timeout or 0.0
        if state.on_timeout:
            self.move(h, state.on_timeout, "timeout")
        else:
            self.error(h, "Timeout", f"no event arrived at {state.name}")

    # -- errors ---------------------------------------------------------------
    def error(self, h: Holder, error: str, cause: str | None) -> None:
        """Retry, catch, or fail the holder."""
        state = self.w.states.get(h.state)
        if state is None:
            self.fail(h, error, cause)
            return
        for i, r in enumerate(state.retry):
            if _matches(r.errors, error):
                used = h.attempts.get(i, 0)
                if used < r.max_attempts:
                    h.attempts[i] = used + 1
                    delay = r.interval * (r.backoff_rate**used)
                    self.trace.time += min(delay, r.max_delay) if r.max_delay is not None else delay
                    h.acquired_here = 0
                    self.move(h, None, f"retry {used + 1}", source=h.state)
                    h.status = "running"
                    return
                break  # the first matching retrier is exhausted: go on to the catchers
        for c in state.catch:
            if _matches(c.errors, error):
                if self.asl:
                    h.data = self.asl.catch_output(state, c, h.data, error, cause)
                h.status = "running"
                self.move(h, c.next, f"catch {error}")
                return
        self.fail(h, error, cause)

    def fail(self, h: Holder, error: str, cause: str | None) -> None:
        h.error, h.cause = error, cause
        self.end(h, "failed")

    def end(self, h: Holder, status: str) -> None:
        h.status = status
        owner = h.owner
        if owner is None or owner.status != "waiting":
            return
        if status == "failed":
            for sibling in owner.children:
                if sibling.status in ("running", "blocked", "waiting"):
                    sibling.status = "cancelled"
            owner.status = "running"
            owner.children = []
            self.error(owner, h.error or "BranchFailed", h.cause)
            return
        owner.results[h.index] = h.data
        if owner.queue:
            self.start_iteration(owner)
        if all(c.status == "done" for c in owner.children) and not owner.queue:
            self.join(owner)

    # -- parallel and map -----------------------------------------------------
    def fan_out(self, h: Holder, state: State) -> None:
        h.children, h.results, h.status = [], {}, "waiting"
        data = self.asl.branch_input(state, h.data) if self.asl else h.data
        if state.kind is StateKind.PARALLEL:
            for i, scope_id in enumerate(state.branches):
                child = self.spawn(h, scope_id, data, f"{state.name}[{i}]", "branch")
                child.index = i
            if not state.branches:
                self.join(h)
            return
        items = self.asl.items(state, h.data) if self.asl else self.native_items(state, h.data)
        if not isinstance(items, list):
            h.status = "running"
            self.error(h, "States.Runtime" if self.asl else "ItemsNotAList", f"items of {state.name} is not a list")
            return
        h.queue = list(enumerate(items))
        width = state.max_concurrency or len(items) or 1
        for _ in range(min(width, len(items))):
            self.start_iteration(h)
        if not items:
            self.join(h)

    def native_items(self, state: State, data: Any) -> Any:
        if state.items is None:
            return UNDEFINED
        found = value_of(state.items, data)
        return found if found is not UNDEFINED else UNDEFINED

    def start_iteration(self, owner: Holder) -> None:
        index, item = owner.queue.pop(0)
        state = self.w.states[owner.state]
        data = (
            self.asl.iteration_input(state, owner.data, item, index)
            if self.asl
            else {**(owner.data if isinstance(owner.data, dict) else {}), "item": item}
        )
        child = self.spawn(owner, state.branches[0], data, f"{state.name}[{index}]", f"iteration {index}")
        child.index = index

    def join(self, owner: Holder) -> None:
        state = self.w.states[owner.state]
        results = [owner.results[i] for i in sorted(owner.results)]
        owner.children, owner.status = [], "running"
        if self.asl:
            owner.data = self.asl.task_output(state, owner.data, results)
        self.trace.trail.append(
            {
                "step": len(self.trace.trail) + 1,
                "time": round(self.trace.time, 6),
                "holder": owner.name,
                "from": owner.state,
                "to": owner.state,
                "why": "join",
            }
        )
        self.release(owner, state)
        self.finish(owner, state)


def _matches(names: tuple[str, ...], error: str) -> bool:
    if ALL_ERRORS in names:
        return True
    return error in names or (error.startswith("States.") and error[len("States.") :] in names)


def _set_path(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        nxt = data.get(key)
        data[key] = dict(nxt) if isinstance(nxt, dict) else {}
        data = data[key]
    data[path[-1]] = value
