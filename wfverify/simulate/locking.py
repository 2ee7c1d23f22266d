"""Locks in the simulator: names filled from data, one acquire per step, release, and giving up.

A lock is a non-reentrant mutex shared by every holder (and, for a
``concurrent: true`` workflow, every execution). Acquires happen at a state's
entry in list order, one per step so that other holders can interleave; a
lock held by anyone (the same holder included) blocks. A blocked acquire with
a timeout may give up: ``LockTimeout``, and the locks this state took are let
go, since a timed-out acquire holds nothing of its state.
"""

from __future__ import annotations

from wfverify.core.evaluate import UNDEFINED, AbsentVariable, value_of
from wfverify.core.model import State, Workflow
from wfverify.simulate.trace import Holder, HolderStatus, Trace

__all__ = ["Locking"]

RUNNING, BLOCKED = HolderStatus.RUNNING, HolderStatus.BLOCKED


class Locking:
    """The lock half of :class:`wfverify.simulate.engine.Run`."""

    w: Workflow
    trace: Trace
    holders: list[Holder]
    owner_of: dict[str, str]

    def error(self, h: Holder, error: str, cause: str | None) -> None:
        raise NotImplementedError

    def can_give_up(self) -> list[Holder]:
        """Blocked holders whose pending acquire has a timeout."""
        return [h for h in self.holders if h.status == BLOCKED and self._pending_timeout(h) is not None]

    def _pending_timeout(self, h: Holder) -> float | None:
        return self.w.states[h.state].acquire[h.acquired_here].timeout

    def give_up(self, h: Holder) -> None:
        """A blocked acquire runs out of time: LockTimeout, and the locks this state took are let go."""
        timeout = self._pending_timeout(h) or 0.0
        self.trace.time += timeout
        lock = self.lock_name(h, self.w.states[h.state].acquire[h.acquired_here].lock)
        for _ in range(h.acquired_here):
            self.owner_of.pop(h.held.pop(), None)
        h.acquired_here = 0
        h.status = RUNNING
        self.error(h, "LockTimeout", f"waited {timeout:g}s for {lock}")
        self._wake()

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
            h.status = BLOCKED
            return False
        self.owner_of[lock] = h.name
        h.held.append(lock)
        h.acquired_here += 1
        self.trace.record(h.name, h.state, h.state, f"acquire {lock}")
        return False

    def release(self, h: Holder, state: State) -> None:
        for template in state.release:
            lock = self.lock_name(h, template)
            if lock in h.held:
                h.held.remove(lock)
                self.owner_of.pop(lock, None)
        self._wake()

    def _wake(self) -> None:
        for other in self.holders:
            if other.status == BLOCKED:
                other.status = RUNNING  # try again; blocks again if still taken
