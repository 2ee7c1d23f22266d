"""The reference simulator: executes the workflow model step by step, written for clarity.

*Holders* run concurrently: each execution (one, or ``Environment.executions``
of a ``concurrent: true`` workflow), each Parallel branch, each Map
iteration. At every step the scheduler picks one runnable holder (the
environment's picks, in turn: an index modulo the number runnable, or a
holder's name; the first one when the picks run out) and runs the state it
stands at. A pick that names a *blocked* holder whose acquire has a timeout
makes that acquire give up now. Time is virtual: waits, task durations and
retry backoff add to the clock, nothing sleeps.

Control flow is the same for every dialect; what a state does to the data is
the dialect's :mod:`~wfverify.simulate.semantics`. Retries by the first
retrier whose errors match, then the first matching catcher, else the holder
fails and so does its owner's Parallel/Map state; ``States.ALL`` (``*``)
never matches ``States.Runtime``. Locks are taken at a state's entry in order
(a lock held by another holder blocks; one held by the same holder blocks
forever) and released after the action, whether it succeeded or not; when no
holder can move, blocked acquires with a timeout raise ``LockTimeout`` and
hold nothing of that state; otherwise the run is ``deadlocked``.

:class:`Run` is public so that the explorer can copy a run and take one step
at a time (:meth:`Run.step`, :meth:`Run.give_up`), choosing outcomes with
:attr:`Run.forced`.
"""

from __future__ import annotations

import copy
from typing import Any

from wfverify.core.evaluate import AbsentVariable
from wfverify.core.model import ALL_ERRORS, State, StateKind, Workflow
from wfverify.simulate.environment import Environment, Outcome
from wfverify.simulate.locking import Locking
from wfverify.simulate.semantics import semantics_for
from wfverify.simulate.trace import Holder, HolderStatus, Trace, TraceStatus

__all__ = ["Run", "Trace", "simulate"]

RUNNING, WAITING, BLOCKED = HolderStatus.RUNNING, HolderStatus.WAITING, HolderStatus.BLOCKED
DONE, FAILED, CANCELLED = HolderStatus.DONE, HolderStatus.FAILED, HolderStatus.CANCELLED
RUNTIME = "States.Runtime"


def simulate(workflow: Workflow, env: Environment) -> Trace:
    return Run(workflow, env).run()


class Run(Locking):
    """One run in progress; :meth:`run` drives it to the end with the environment's picks."""

    def __init__(self, workflow: Workflow, env: Environment) -> None:
        self.w, self.env = workflow, env
        self.sem = semantics_for(workflow)
        self.trace = Trace()
        self.holders: list[Holder] = []
        self.roots: list[Holder] = []
        self.owner_of: dict[str, str] = {}  # lock -> holder name
        self.picks = 0
        self.events_used: dict[str, int] = {}
        self.task_calls: dict[str, int] = {}
        #: Choice states that matched no rule and had no default, or whose rule read an absent variable (ASL).
        self.unmatched: list[str] = []
        #: The explorer's choice for the next task outcome or event arrival (else the environment's).
        self.forced: Outcome | str | None = None

    def clone(self) -> Run:
        """An independent copy. Holder data is never changed in place (every step builds new data), so
        copies share it; the workflow and environment are shared too, never written."""
        copied = copy.copy(self)
        twins: dict[int, Holder] = {}

        def twin(h: Holder) -> Holder:
            if id(h) not in twins:
                c = twins[id(h)] = copy.copy(h)
                c.held, c.attempts, c.queue, c.results = list(h.held), dict(h.attempts), list(h.queue), dict(h.results)
                c.owner = twin(h.owner) if h.owner is not None else None
                c.children = [twin(x) for x in h.children]
            return twins[id(h)]

        copied.holders = [twin(h) for h in self.holders]
        copied.roots = [twin(r) for r in self.roots]
        copied.owner_of, copied.unmatched = dict(self.owner_of), list(self.unmatched)
        copied.events_used, copied.task_calls = dict(self.events_used), dict(self.task_calls)
        copied.trace = copy.copy(self.trace)
        copied.trace.trail, copied.trace.entered = list(self.trace.trail), list(self.trace.entered)
        copied.sem = self.sem.clone()
        return copied

    # -- bookkeeping --------------------------------------------------------
    def move(self, h: Holder, target: str | None, why: str, source: Any = "") -> None:
        """Record a transition of holder ``h`` (``source`` "" means from where it stands)."""
        self.trace.record(h.name, h.state if source == "" else source, target, why)
        if target is not None:
            if target in self.w.states:
                self.trace.entered.append(target)
            h.state, h.attempts, h.acquired_here = target, {}, 0

    def spawn(self, owner: Holder | None, scope_id: str, data: Any, label: str, why: str) -> Holder:
        scope = self.w.scopes[scope_id]
        first = owner is not None and bool(self.roots) and owner is self.roots[0]
        name = label if owner is None or first else f"{owner.name}/{label}"
        h = Holder(name, scope_id, "", data, owner)
        self.holders.append(h)
        if owner is not None:
            owner.children.append(h)
        if scope.start not in self.w.states:
            h.state = scope.start
            self.fail(h, RUNTIME, f"start {scope.start!r} is no state")
            return h
        self.move(h, scope.start, why, source=owner.state if owner else None)
        return h

    # -- the loop -----------------------------------------------------------
    def start(self) -> None:
        """Start every execution: one, or ``env.executions`` of a workflow that runs concurrently."""
        self.sem.begin(self.env.input)
        for k in range(max(1, self.env.executions)):
            label = "main" if k == 0 else f"main#{k + 1}"
            self.roots.append(self.spawn(None, "", copy.deepcopy(self.env.input_of(k)), label, "start"))

    def ended(self) -> bool:
        """Every execution has ended; the trace status is then set."""
        if any(r.status not in (DONE, FAILED) for r in self.roots):
            return False
        failed = [r for r in self.roots if r.status == FAILED]
        self.trace.executions = {r.name: r.status.value for r in self.roots}
        self.trace.status = TraceStatus.FAILED if failed else TraceStatus.SUCCEEDED
        if failed:
            self.trace.error, self.trace.cause = failed[0].error, failed[0].cause
        else:
            outputs = [r.data for r in self.roots]
            self.trace.output = outputs[0] if len(outputs) == 1 else outputs
        return True

    def timed_out(self) -> bool:
        if self.w.timeout is not None and self.trace.time > self.w.timeout:
            self.trace.status, self.trace.error = TraceStatus.TIMED_OUT, "States.Timeout"
            return True
        return False

    def run(self) -> Trace:
        self.start()
        steps = 0
        while not self.ended():
            if steps >= self.env.max_steps:
                self.trace.status = TraceStatus.OUT_OF_STEPS
                return self.trace
            if self.timed_out():
                return self.trace
            if not self._next_move():
                self.trace.status = TraceStatus.DEADLOCKED
                return self.trace
            steps += 1
        return self.trace

    def runnable(self) -> list[Holder]:
        return [h for h in self.holders if h.status == RUNNING]

    def _next_move(self) -> bool:
        """Take the environment's next pick; False when no holder can move at all."""
        pick = self.env.schedule[self.picks] if self.picks < len(self.env.schedule) else None
        waiting = {h.name: h for h in self.can_give_up()}
        if isinstance(pick, str) and pick in waiting:
            self.picks += 1
            self.give_up(waiting[pick])
            return True
        runnable = self.runnable()
        if not runnable:
            for h in waiting.values():
                self.give_up(h)
            return bool(waiting)
        self.picks += 1
        if isinstance(pick, str):
            names = [h.name for h in runnable]
            holder = runnable[names.index(pick)] if pick in names else runnable[0]
        else:
            holder = runnable[int(pick) % len(runnable) if pick is not None else 0]
        self.step(holder)
        return True

    def step(self, holder: Holder) -> None:
        """Run one step of ``holder``; data errors become ``States.Runtime`` as the service does."""
        try:
            self._state_step(holder)
        except (KeyError, IndexError, TypeError, ValueError, AbsentVariable) as exc:
            holder.status = RUNNING
            self.error(holder, RUNTIME, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # Unsupported JSONPath/intrinsic forms: say so, do not guess
            holder.status = RUNNING
            self.error(holder, RUNTIME, f"not simulated: {exc}")

    # -- one state ------------------------------------------------------------
    def _state_step(self, h: Holder) -> None:
        if h.state not in self.w.states:  # an unknown target (the unknown-target rule reports it)
            self.fail(h, RUNTIME, f"no state named {h.state!r}")
            return
        state = self.w.states[h.state]
        if not self.take_locks(h, state):
            return
        kind = state.kind
        if kind is StateKind.TASK:
            self.task(h, state)
        elif kind is StateKind.PASS:
            h.data = self.sem.assign(state, self.sem.pass_output(state, h.data))
            self.finish(h, state)
        elif kind is StateKind.CHOICE:
            self.choose(h, state)
        elif kind is StateKind.WAIT:
            self.trace.time += state.duration or 0.0
            h.data = self.sem.passthrough(state, h.data)
            self.finish(h, state)
        elif kind is StateKind.EVENT:
            self.await_event(h, state)
        elif kind in (StateKind.PARALLEL, StateKind.MAP):
            self.fan_out(h, state)
        elif kind is StateKind.SUCCEED:
            h.data = self.sem.passthrough(state, h.data)
            self.end(h, DONE)
        elif kind is StateKind.FAIL:
            error, cause = self.sem.fail_output(state, h.data)
            self.fail(h, error, cause)

    def _outside(self, kind: str, state: str, used: dict[str, int]) -> Any:
        """The outside world's answer for the next task call or event wait at ``state``."""
        count = used.get(state, 0)
        used[state] = count + 1
        forced, self.forced = self.forced, None
        if forced is not None:
            return forced
        if kind == "task":
            return self.env.outcome(state, count)
        arrivals = self.env.events.get(state, [])
        return arrivals[count] if count < len(arrivals) else "timeout"

    def task(self, h: Holder, state: State) -> None:
        outcome: Outcome = self._outside("task", state.name, self.task_calls)
        self.trace.time += outcome.seconds
        error = outcome.error
        if error is None and state.timeout is not None and outcome.seconds > state.timeout:
            error = self.sem.timeout_error
        self.release(h, state)
        if error is not None:
            self.error(h, error, f"{state.name} failed")
            return
        h.data = self.sem.assign(state, self.sem.task_output(state, h.data, outcome.result))
        self.finish(h, state)

    def finish(self, h: Holder, state: State) -> None:
        """Leave a completed state: to ``next``, or end the holder (a trail entry either way, so that monitors
        see a compensable task complete even when it ends its branch)."""
        if state.next:
            self.move(h, state.next, "next")
        else:
            self.move(h, None, "end")
            self.end(h, DONE)

    def choose(self, h: Holder, state: State) -> None:
        data = self.sem.choice_input(state, h.data)
        for i, rule in enumerate(state.choices):
            try:
                holds = self.sem.condition(rule, state, data)
            except AbsentVariable as exc:
                self.unmatched.append(state.name)
                self.error(h, RUNTIME, f"choice rule {i + 1} reads absent {'.'.join(exc.path)}")
                return
            if holds:
                h.data = self.sem.passthrough(state, h.data, i)
                self.move(h, rule.next, f"choice rule {i + 1}")
                return
        if state.default:
            h.data = self.sem.passthrough(state, h.data)
            self.move(h, state.default, "default")
        else:
            self.unmatched.append(state.name)
            self.error(h, self.sem.no_choice_error, f"no rule of {state.name}")

    def await_event(self, h: Holder, state: State) -> None:
        arrived = self._outside("event", state.name, self.events_used)
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
        asl = not self.sem.catch_all_takes_runtime
        for i, r in enumerate(state.retry):
            if _matches(r.errors, error, asl):
                used = h.attempts.get(i, 0)
                if used < r.max_attempts:
                    h.attempts[i] = used + 1
                    delay = r.interval * (r.backoff_rate**used)
                    self.trace.time += min(delay, r.max_delay) if r.max_delay is not None else delay
                    h.acquired_here = 0
                    self.move(h, None, f"retry {used + 1}", source=h.state)
                    h.status = RUNNING
                    return
                break  # the first matching retrier is exhausted: go on to the catchers
        for c in state.catch:
            if _matches(c.errors, error, asl):
                try:
                    h.data = self.sem.catch_output(state, c, h.data, error, cause)
                except (KeyError, IndexError, TypeError, ValueError) as exc:  # the catcher's ResultPath fails
                    return self.fail(h, RUNTIME, f"{type(exc).__name__}: {exc}")
                h.status = RUNNING
                self.move(h, c.next, f"catch {error}")
                return
        self.fail(h, error, cause)

    def fail(self, h: Holder, error: str, cause: str | None) -> None:
        h.error, h.cause = error, cause
        self.end(h, FAILED)

    def end(self, h: Holder, status: HolderStatus) -> None:
        h.status = status
        owner = h.owner
        if owner is None or owner.status != WAITING:
            return
        if status == FAILED:
            for sibling in owner.children:
                _cancel(sibling)
            owner.status = RUNNING
            owner.children, owner.queue = [], []
            self.error(owner, h.error if h.error is not None else "BranchFailed", h.cause)
            return
        owner.results[h.index] = h.data
        if owner.queue:
            self.start_iteration(owner)
        if all(c.status == DONE for c in owner.children) and not owner.queue:
            self.join(owner)

    # -- parallel and map -----------------------------------------------------
    def fan_out(self, h: Holder, state: State) -> None:
        h.children, h.results, h.status = [], {}, WAITING
        if state.kind is StateKind.PARALLEL:
            data = self.sem.branch_input(state, h.data)
            for i, scope_id in enumerate(state.branches):
                child = self.spawn(h, scope_id, copy.deepcopy(data), f"{state.name}[{i}]", "branch")
                child.index = i
            if not state.branches:
                self.join(h)
            return
        items = self.sem.items(state, h.data)
        if not isinstance(items, list):
            h.status = RUNNING
            self.error(h, self.sem.items_error, f"items of {state.name} is not a list")
            return
        h.queue = list(enumerate(items))
        width = state.max_concurrency or len(items) or 1
        for _ in range(min(width, len(items))):
            self.start_iteration(h)
        if not items:
            self.join(h)

    def start_iteration(self, owner: Holder) -> None:
        index, item = owner.queue.pop(0)
        state = self.w.states[owner.state]
        data = self.sem.iteration_input(state, owner.data, item, index)
        child = self.spawn(owner, state.branches[0], data, f"{state.name}[{index}]", f"iteration {index}")
        child.index = index

    def join(self, owner: Holder) -> None:
        state = self.w.states[owner.state]
        results = [owner.results[i] for i in sorted(owner.results)]
        owner.children, owner.status = [], RUNNING
        owner.data = self.sem.join_output(state, owner.data, results)
        self.trace.record(owner.name, owner.state, owner.state, "join")
        self.release(owner, state)
        self.finish(owner, state)


def _cancel(h: Holder) -> None:
    """A failed sibling takes the Parallel/Map state down: this holder and everything it runs stop."""
    if h.status.live:
        h.status = CANCELLED
        for child in h.children:
            _cancel(child)


def _matches(names: tuple[str, ...], error: str, asl: bool) -> bool:
    """Whether a retrier's or catcher's error list takes ``error``. ASL (the AWS error-handling page):
    ``States.Runtime`` never; ``States.ALL`` every other error; ``States.TaskFailed`` all but
    ``States.Timeout`` (moto agrees, on Parallel and Map too). Natively ``*`` takes all."""
    if not asl:
        return ALL_ERRORS in names or error in names or (error.startswith("States.") and error[7:] in names)
    if error == RUNTIME:
        return False
    return ALL_ERRORS in names or error in names or ("States.TaskFailed" in names and error != "States.Timeout")
