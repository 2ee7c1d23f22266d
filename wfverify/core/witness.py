"""Typed witnesses: the counterexamples that rules and proofs attach, with one JSON form each.

A witness is what a program needs to replay a finding: a *path* of state names,
a *lock schedule* (who took which lock in which order, who is left waiting), a
*saga trace* (a path with what happened at each step), or a *breaking input*.
Rules build these classes; reporters read their attributes; ``to_json`` gives
the JSON that the output contract documents (unchanged from the plain dicts
and lists earlier versions emitted), and :func:`as_witness` reads that JSON
back, so a saved report can be replayed.

:meth:`LockSchedule.replay` is the reference replayer for schedules: it applies
the steps to non-reentrant mutexes and checks that the holders it leaves
waiting really wait forever.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wfverify.core.findings import Verdict
from wfverify.core.records import dataclass, field

__all__ = [
    "InputWitness",
    "LockSchedule",
    "PathWitness",
    "ReplayError",
    "SagaTrace",
    "ScheduleStep",
    "TraceStep",
    "Verdict",
    "Witness",
    "as_witness",
    "witness_json",
]

#: Schedule step actions: ``acquire``/``release`` change the owner of a lock; ``timeout`` is an acquire
#: that gave up (``LockTimeout``) and took nothing; ``block`` is the acquire a holder waits on forever;
#: ``join`` is a Parallel/Map state waiting for its branches or iterations (``waits_for``) to end.
ACTIONS = ("acquire", "release", "timeout", "block", "join")


class ReplayError(AssertionError):
    """A witness that does not replay: the analysis that produced it is wrong."""


@dataclass(frozen=True)
class PathWitness:
    """A path of state names (a cycle, an unreachable region, the states of a leak)."""

    states: tuple[str, ...]

    def to_json(self) -> list[str]:
        return list(self.states)


@dataclass(frozen=True)
class InputWitness:
    """An input (JSON data) that breaks a property, e.g. one no choice rule matches."""

    data: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


@dataclass(frozen=True)
class ScheduleStep:
    step: int
    holder: str
    action: str
    lock: str
    state: str
    pointer: str
    message: str = ""
    waits_for: tuple[str, ...] = ()

    def to_json(self, with_message: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.step,
            "holder": self.holder,
            "action": self.action,
            "lock": self.lock,
            "state": self.state,
            "pointer": self.pointer,
        }
        if self.waits_for:
            out["waits_for"] = list(self.waits_for)
        if with_message:
            out["message"] = self.message
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScheduleStep:
        return cls(
            int(data["step"]),
            str(data["holder"]),
            str(data["action"]),
            str(data.get("lock", "")),
            str(data.get("state", "")),
            str(data.get("pointer", "")),
            str(data.get("message", "")),
            tuple(data.get("waits_for") or ()),
        )


@dataclass(frozen=True)
class LockSchedule:
    """A deadlock (or timeout storm): the executed steps in order, then the waits that never end.

    ``data`` gives, per holder, values for the placeholders of data-named locks
    (``{"transfers iteration 1": {"item.from": "v1"}}``).
    """

    steps: tuple[ScheduleStep, ...]
    data: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def holders(self) -> dict[str, list[ScheduleStep]]:
        """Holder name -> its steps, in order of first appearance (one lane or thread flow each)."""
        lanes: dict[str, list[ScheduleStep]] = {}
        for s in self.steps:
            lanes.setdefault(s.holder, []).append(s)
        return lanes

    @property
    def blocked(self) -> dict[str, str]:
        """Holder -> the lock it waits for forever."""
        return {s.holder: s.lock for s in self.steps if s.action == "block"}

    def first_block(self) -> ScheduleStep:
        return next(s for s in self.steps if s.action == "block")

    def to_json(self) -> dict[str, Any]:
        return {
            "schedule": [s.to_json() for s in self.steps],
            "holders": {h: [s.to_json(with_message=True) for s in steps] for h, steps in self.holders.items()},
            "blocked": self.blocked,
            "data": {h: dict(v) for h, v in self.data.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LockSchedule:
        messages = {
            (int(s["step"])): str(s.get("message", "")) for steps in (data.get("holders") or {}).values() for s in steps
        }
        steps = []
        for raw in data["schedule"]:
            step = ScheduleStep.from_json(raw)
            steps.append(ScheduleStep(**{**step.__dict__, "message": messages.get(step.step, "")}))
        return cls(tuple(steps), {str(k): dict(v) for k, v in (data.get("data") or {}).items()})

    def simulator_picks(self) -> list[str]:
        """The schedule as the reference simulator's picks (``wfverify simulate``'s ``schedule``).

        The simulator names holders ``main`` and ``STATE[INDEX]``; picks follow the steps, so a
        replay of a schedule between top-level branches or Map iterations reaches the same waits.
        Steps of nested bodies that a thread inlines carry the thread's name, so their picks are
        only as precise as that name."""
        return ["main", *(_simulator_name(s.holder) for s in self.steps)]

    def replay(self) -> dict[str, str]:
        """Apply the schedule to non-reentrant mutexes; return holder -> the lock it waits for forever.

        Raises :class:`ReplayError` on an illegal step (a lock taken twice, released by someone
        else, a timeout on a free lock, a step after a wait), or when some waiting holder could
        still be woken: every blocked holder must wait for a lock owned by a holder that is itself
        stuck (blocked, or joining a branch that is stuck).
        """
        owner: dict[str, str] = {}
        stuck: dict[str, ScheduleStep] = {}
        for s in self.steps:
            if s.holder in stuck:
                raise ReplayError(f"step {s.step}: {s.holder} acts after it stopped")
            if s.action == "acquire":
                if s.lock in owner:
                    raise ReplayError(f"step {s.step}: {s.lock} is held by {owner[s.lock]}")
                owner[s.lock] = s.holder
            elif s.action == "release":
                if owner.get(s.lock) != s.holder:
                    raise ReplayError(f"step {s.step}: {s.holder} releases {s.lock}, which it does not hold")
                del owner[s.lock]
            elif s.action == "timeout":  # the lock is held, by another holder or (non-reentrant) by this one
                if s.lock not in owner:
                    raise ReplayError(f"step {s.step}: {s.holder} times out on {s.lock}, which nobody holds")
            elif s.action in ("block", "join"):
                if s.action == "block" and s.lock not in owner:
                    raise ReplayError(f"step {s.step}: {s.holder} blocks on {s.lock}, which is free")
                stuck[s.holder] = s
            else:
                raise ReplayError(f"step {s.step}: unknown action {s.action!r}")
        blocked = {h: s.lock for h, s in stuck.items() if s.action == "block"}
        if not blocked:
            raise ReplayError("nobody waits for a lock")
        for holder, lock in blocked.items():
            if not _stuck_forever(owner[lock], stuck, set()):
                raise ReplayError(f"{holder} waits for {lock}, whose holder {owner[lock]} can still move")
        return blocked


def _simulator_name(holder: str) -> str:
    if holder.startswith("execution"):
        return "main"
    m = re.fullmatch(r"(.+) (branch|iteration)(?: (\d+))?", holder)
    if m is None:
        return holder
    index = int(m.group(3) or 1) - (1 if m.group(2) == "iteration" else 0)
    return f"{m.group(1)}[{index}]"


def _stuck_forever(holder: str, stuck: Mapping[str, ScheduleStep], seen: set[str]) -> bool:
    """A holder that never moves again: blocked, or joining a holder that never moves again."""
    step = stuck.get(holder)
    if step is None:
        return False
    if step.action == "block" or holder in seen:
        return True
    seen.add(holder)
    return any(_stuck_forever(child, stuck, seen) for child in step.waits_for)


@dataclass(frozen=True)
class TraceStep:
    state: str
    pointer: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "pointer": self.pointer, "message": self.message}


@dataclass(frozen=True)
class SagaTrace:
    """A failure path of a saga: the states, what failed, the work completed and undone."""

    path: tuple[str, ...]
    failure_state: str
    failure_error: str | None
    completed: tuple[str, ...]
    compensations_run: tuple[str, ...]
    missing: tuple[str, ...]
    steps: tuple[TraceStep, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "failure": {"state": self.failure_state, "error": self.failure_error},
            "completed": list(self.completed),
            "compensations_run": list(self.compensations_run),
            "missing": list(self.missing),
            "steps": [s.to_json() for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SagaTrace:
        failure = data.get("failure") or {}
        return cls(
            tuple(data.get("path") or ()),
            str(failure.get("state", "")),
            failure.get("error"),
            tuple(data.get("completed") or ()),
            tuple(data.get("compensations_run") or ()),
            tuple(data.get("missing") or ()),
            tuple(
                TraceStep(str(s.get("state", "")), str(s.get("pointer", "")), str(s.get("message", "")))
                for s in data["steps"]
            ),
        )


Witness = PathWitness | InputWitness | LockSchedule | SagaTrace


def witness_json(witness: Any) -> Any:
    """The JSON form of a witness (typed or already plain JSON)."""
    to_json = getattr(witness, "to_json", None)
    return to_json() if callable(to_json) else witness


def as_witness(value: Any) -> Witness | None:
    """A typed witness from a typed one or its JSON form; None for shapes no class describes."""
    if isinstance(value, (PathWitness, InputWitness, LockSchedule, SagaTrace)):
        return value
    if isinstance(value, Mapping):
        if isinstance(value.get("schedule"), list) and isinstance(value.get("holders"), Mapping):
            return LockSchedule.from_json(value)
        if isinstance(value.get("steps"), list) and isinstance(value.get("path"), list):
            return SagaTrace.from_json(value)
        return None
    if isinstance(value, list) and value and all(isinstance(s, str) for s in value):
        return PathWitness(tuple(value))
    return None
