"""Lock facts per body: the acquire/release events along each path of every scope.

Every scope (the root, each Parallel branch, each Map iterator) is a state
machine of its own; its paths are enumerated depth-first over every outcome a
state can have: success, each catcher, an uncaught failure (a task, Parallel
or Map error, an ``event`` timeout without ``on_timeout``, a choice that
matches no rule, see :mod:`wfverify.analysis.failures`), a retried attempt,
and, for an ``acquire`` with a timeout, ``LockTimeout``: the state then holds
nothing of its own list (the event is a ``timeout``, not an ``acquire``) and
goes on through the catcher that names the error. A Parallel or Map state
appears on its path as a ``fork`` event: its bodies run there, while the
scope still holds what it holds. Each state is visited at most
:data:`LOOP_BOUND` times per path and at most :data:`MAX_PATHS` paths are kept
per scope; past either bound the facts are ``truncated`` and proofs say
``unknown``.

Along the way the single-holder problems are recorded: a lock still held when
the body ends, an uncaught error included (leak); a lock acquired while the
same holder holds it, or holds a data-named lock that may be the same one
(reacquire); a release of a lock not held (release-unheld). A holder that
acquires a lock it holds never gets it: without a timeout its path stops
there, with one only the ``LockTimeout`` goes on. A template whose data may
change (:mod:`wfverify.analysis.locks.stable`) may name another lock at each
state: it makes no reacquire claim, and no leak (release-unheld) claim when
a release (an acquire) on the path may be it under another spelling.
"""

from __future__ import annotations

from collections.abc import Callable

from wfverify.analysis.failures import can_fail, catches_all, first_catcher
from wfverify.analysis.graph import exits_scope
from wfverify.analysis.locks.names import common_name, may_alias, placeholder_values
from wfverify.analysis.locks.numeric import Undecided, declared_ints, same_name_values
from wfverify.analysis.locks.stable import unstable_templates
from wfverify.core.model import Acquire, Scope, State, StateKind, TransitionKind, Workflow
from wfverify.core.records import dataclass, field

__all__ = ["Event", "LockFacts", "Path", "Problem", "lock_facts", "LOOP_BOUND", "MAX_PATHS"]

LOOP_BOUND = 2
MAX_PATHS = 64


@dataclass(frozen=True)
class Event:
    action: str  # "acquire" | "release" | "timeout" (an acquire that gave up) | "fork" (a Parallel/Map runs)
    lock: str  # the lock name as written (may hold {EXPR} placeholders); "" for a fork
    state: str
    pointer: str
    timeout: float | None = None


Path = tuple[Event, ...]
#: (next state, or None for the end of the body; events; locks held after; ended by an error)
Outcome = tuple[str | None, Path, tuple[str, ...], bool]


@dataclass(frozen=True)
class Problem:
    kind: str  # leak | reacquire | unheld
    state: str
    pointer: str
    lock: str
    path: tuple[str, ...]
    held: str = ""  # reacquire: the held lock it is (or may be) the same as
    data: tuple[tuple[str, str], ...] = ()  # reacquire of a data-named lock: values that make them one
    uncaught: bool = False  # leak: the body ends with an uncaught error
    timed: bool = False  # reacquire: the acquire has a timeout, so it fails with LockTimeout instead


@dataclass
class LockFacts:
    workflow: Workflow | None = None
    scopes: dict[str, list[Path]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    def paths(self, scope: str) -> list[Path]:
        return self.scopes.get(scope, [])


def lock_facts(workflow: Workflow) -> LockFacts:
    return workflow.memo("locks.facts", lambda: _compute(workflow))


def _compute(workflow: Workflow) -> LockFacts:
    facts = LockFacts(workflow)
    if not any(s.acquire or s.release for s in workflow.iter_states()):
        return facts
    seen: set[tuple[str, str, str]] = set()
    for scope in workflow.scopes.values():
        walker = _Walker(workflow, scope, facts, seen)
        facts.scopes[scope.id] = walker.run()
        facts.truncated |= walker.truncated
    return facts


@dataclass
class _Walker:
    workflow: Workflow
    scope: Scope
    facts: LockFacts
    seen: set[tuple[str, str, str]]
    truncated: bool = False
    out: list[Path] = field(default_factory=list)

    def run(self) -> list[Path]:
        if self.scope.start not in self.workflow.states:
            return []
        stack: list[tuple[str, Path, tuple[str, ...], dict[str, int], tuple[str, ...]]] = [
            (self.scope.start, (), (), {}, ())
        ]
        while stack:
            name, events, held, visits, trail = stack.pop()
            if visits.get(name, 0) >= LOOP_BOUND:
                self.truncated = True
                continue
            visits = {**visits, name: visits.get(name, 0) + 1}
            trail = (*trail, name)
            for target, evs, after, failed in self._outcomes(self.workflow.states[name], events, held, trail):
                if target is None:
                    self._end(name, evs, after, trail, failed)
                else:
                    stack.append((target, evs, after, visits, trail))
        return self.out

    def _outcomes(self, state: State, events: Path, held: tuple[str, ...], trail: tuple[str, ...]) -> list[Outcome]:
        """(next state or None for the end of the body, events, held after, ended by an error) per outcome.

        An acquire of a lock the holder holds never succeeds: without a timeout the holder hangs there
        (the path stops), with one only its ``LockTimeout`` goes on."""
        out = [self._gave_up(state, acq, events, held) for acq in state.acquire if acq.timeout is not None]
        evs, after, stuck = self._attempt(state, events, held, trail)
        if stuck is None and state.retry and set(after) - set(held):  # a retry takes what the first kept again
            again, kept, stuck_again = self._attempt(state, evs, after, trail)
            if stuck_again is None:
                out += self._after_attempt(state, again, kept)
            elif stuck_again.timeout is None:
                self._hang(again)
            else:
                out.append(self._gave_up(state, stuck_again, evs, after))
        if stuck is None:
            out += self._after_attempt(state, evs, after)
        elif stuck.timeout is None:
            self._hang(evs)
        return [o for o in out if o[0] != ""]

    def _gave_up(self, state: State, acq: Acquire, events: Path, held: tuple[str, ...]) -> Outcome:
        """The acquire's LockTimeout: nothing of this state is taken, its catcher for the error goes on."""
        timeout = Event("timeout", acq.lock, state.name, _in_document(state, acq.pointer), acq.timeout)
        catcher = first_catcher(state, "LockTimeout")
        return (self._in_scope(catcher.next) if catcher else None, (*events, timeout), held, catcher is None)

    def _attempt(
        self, state: State, events: Path, held: tuple[str, ...], trail: tuple[str, ...]
    ) -> tuple[Path, tuple[str, ...], Acquire | None]:
        """One try of the state: its acquires, its bodies (a fork), its releases; or the acquire it is stuck
        at, waiting for a lock it holds itself."""
        now = list(held)
        evs = list(events)
        for acq in state.acquire:
            pointer = _in_document(state, acq.pointer)
            evs.append(Event("acquire", acq.lock, state.name, pointer, acq.timeout))
            if self._reacquires(state, acq, pointer, now, trail):
                return tuple(evs), tuple(now), acq
            now.append(acq.lock)
        if state.kind in (StateKind.PARALLEL, StateKind.MAP):
            evs.append(Event("fork", "", state.name, state.pointer))
        for lock in state.release:
            evs.append(Event("release", lock, state.name, state.field_pointer("release")))
            if lock in now:
                now.remove(lock)
            elif not self._maybe_other_lock(lock, "acquire", tuple(evs)):
                self._note(Problem("unheld", state.name, state.field_pointer("release"), lock, trail))
        return tuple(evs), tuple(now), None

    def _after_attempt(self, state: State, evs: Path, after: tuple[str, ...]) -> list[Outcome]:
        out: list[Outcome] = []
        for t in state.transitions:
            target = self._in_scope(t.target)
            if target:
                out.append((target, evs, after, t.kind is TransitionKind.CATCH))
        if exits_scope(state) or not out:
            out.append((None, evs, after, state.kind is StateKind.FAIL))
        elif can_fail(self.workflow, state) and not catches_all(state) and state.kind is not StateKind.FAIL:
            out.append((None, evs, after, True))
        return out

    def _in_scope(self, target: str) -> str:
        state = self.workflow.states.get(target)
        return target if state is not None and state.scope == self.scope.id else ""

    def _reacquires(self, state: State, acq: Acquire, pointer: str, held: list[str], trail: tuple[str, ...]) -> bool:
        """Record a lock taken while the same holder holds it (or a data-named lock that may be it)."""
        lock, timed = acq.lock, acq.timeout is not None
        if lock in held and lock in unstable_templates(self.workflow):
            return False  # the data may have changed since: maybe another lock, so no claim either way
        if lock in held:
            self._note(Problem("reacquire", state.name, pointer, lock, trail, held=lock, timed=timed))
            return True
        for other in held:
            data = _same_data(other, lock, lambda: declared_ints(self.workflow, state))
            if data is not None:
                self._note(Problem("reacquire", state.name, pointer, lock, trail, held=other, data=data, timed=timed))
        return False

    def _end(self, name: str, evs: Path, after: tuple[str, ...], trail: tuple[str, ...], failed: bool) -> None:
        state = self.workflow.states[name]
        known = [lock for lock in after if not self._maybe_other_lock(lock, "release", evs)]
        if known:
            self._note(Problem("leak", name, state.pointer, known[0], trail, uncaught=failed))
        if len(self.out) >= MAX_PATHS:
            self.truncated = True
            return
        if evs not in self.out:
            self.out.append(evs)

    def _maybe_other_lock(self, lock: str, action: str, evs: Path) -> bool:
        """A template whose data may change (:mod:`.stable`) and that some ``action`` event of the path
        may match under another spelling: whether it is held (or was released) cannot be told."""
        if lock not in unstable_templates(self.workflow):
            return False
        return any(e.action == action and may_alias(e.lock, lock) for e in evs)

    def _hang(self, evs: Path) -> None:
        """A path that stops where its holder waits for itself (lock-reacquire's finding, no leak)."""
        if len(self.out) >= MAX_PATHS:
            self.truncated = True
        elif evs not in self.out:
            self.out.append(evs)

    def _note(self, problem: Problem) -> None:
        key = (problem.kind, problem.state, problem.lock)
        if key not in self.seen:
            self.seen.add(key)
            self.facts.problems.append(problem)


def _in_document(state: State, pointer: str) -> str:
    """The acquire's own place when it is in the workflow file; the state's when a sidecar states it."""
    return pointer if pointer.startswith(state.pointer + "/") else state.pointer


def _same_data(held: str, lock: str, ints: Callable[[], frozenset[str]]) -> tuple[tuple[str, str], ...] | None:
    """Placeholder values (one value per expression) that make two names of one holder the same lock.

    Placeholders first count as free strings (None is then exact); integer arithmetic over variables
    declared ``int`` (``n`` against ``n + 1``) is then compared as numbers (:mod:`.numeric`)."""
    name = common_name(held, lock)
    if name is None:
        return None
    first, second = placeholder_values(held, name), placeholder_values(lock, name)
    if first is None or second is None:
        return None
    if any(second.get(k, v) != v for k, v in first.items()):
        return None
    declared = ints()
    if declared:
        exact = same_name_values(held, lock, declared)
        if not isinstance(exact, Undecided):
            return exact
    return tuple(sorted({**first, **second}.items()))
