"""What one run is made of: holders, their statuses, and the trace with its audit trail.

Statuses are enums whose values are the contract's strings (``simulate
--format json``), so they compare equal to those strings and serialise as
them. Every trail entry is built by :meth:`Trace.record`, the one place that
knows the entry's shape.
"""

from __future__ import annotations

import enum
from typing import Any

from wfverify.core.records import dataclass, field

__all__ = ["Holder", "HolderStatus", "Trace", "TraceStatus", "execution_of"]


class HolderStatus(enum.StrEnum):
    """Where a holder (an execution, a Parallel branch, a Map iteration) stands."""

    RUNNING = "running"  # may take a step
    WAITING = "waiting"  # a Parallel/Map state waits for its children
    BLOCKED = "blocked"  # waits for a lock another holder has
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # a sibling failed and took the Parallel/Map state down

    @property
    def live(self) -> bool:
        return self in (HolderStatus.RUNNING, HolderStatus.WAITING, HolderStatus.BLOCKED)


class TraceStatus(enum.StrEnum):
    """How a run ended (the contract's ``status`` of ``simulate --format json``)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    DEADLOCKED = "deadlocked"
    TIMED_OUT = "timed-out"
    OUT_OF_STEPS = "out-of-steps"


@dataclass
class Holder:
    """One thread of control: the execution itself, a Parallel branch or a Map iteration."""

    name: str
    scope: str
    state: str
    data: Any
    owner: Holder | None = None
    status: HolderStatus = HolderStatus.RUNNING
    held: list[str] = field(default_factory=list)
    attempts: dict[int, int] = field(default_factory=dict)  # retrier index -> retries used at this state
    acquired_here: int = 0  # acquires of the current state already done
    children: list[Holder] = field(default_factory=list)
    queue: list[Any] = field(default_factory=list)  # map items not started yet
    results: dict[int, Any] = field(default_factory=dict)
    index: int = 0
    error: str | None = None
    cause: str | None = None


def execution_of(holder: str) -> str:
    """The execution a holder name belongs to: ``main`` or ``main#2/fan[0]`` -> ``main#2``."""
    head = holder.split("/", 1)[0]
    return head if head.startswith("main#") else "main"


@dataclass
class Trace:
    status: TraceStatus = TraceStatus.RUNNING
    error: str | None = None
    cause: str | None = None
    output: Any = None
    entered: list[str] = field(default_factory=list)
    trail: list[dict[str, Any]] = field(default_factory=list)
    time: float = 0.0
    steps: int = 0  # trail entries recorded so far (the trail itself may be kept elsewhere)
    executions: dict[str, str] = field(default_factory=dict)  # execution -> how it ended, once all have

    def record(self, holder: str, source: str | None, target: str | None, why: str) -> dict[str, Any]:
        """Append one trail entry: ``holder`` moved from ``source`` to ``target`` because of ``why``."""
        self.steps += 1
        entry = {
            "step": self.steps,
            "time": round(self.time, 6),
            "holder": holder,
            "from": source,
            "to": target,
            "why": why,
        }
        self.trail.append(entry)
        return entry

    def to_json(self, path: str = "") -> dict[str, Any]:
        return {
            "version": 1,
            "path": path,
            "status": self.status.value,
            "error": self.error,
            "cause": self.cause,
            "output": self.output,
            "entered": self.entered,
            "trail": self.trail,
        }
