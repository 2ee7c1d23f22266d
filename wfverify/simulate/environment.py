"""An environment: everything the outside world decides in one run, as plain data.

Task outcomes (per state, one per attempt: success with an optional result, or
an error, after some virtual seconds), event arrivals (per event state, in
order; ``"timeout"`` for none), the input, and the scheduler's picks (indexes
into the list of runnable holders, or holder names such as ``"fan[1]"``, used in turn). A run is a function of the
workflow and its environment, so a trace is reproducible from this data alone
(``to_json`` / ``from_json``).
"""

from __future__ import annotations

from typing import Any

from wfverify.core.records import dataclass, field

__all__ = ["Environment", "Outcome"]


@dataclass(frozen=True)
class Outcome:
    error: str | None = None  # None: success
    result: Any = None  # the task's result on success; None: echo the input, as a passthrough function would
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.error is not None:
            out["error"] = self.error
        if self.result is not None:
            out["result"] = self.result
        if self.seconds:
            out["seconds"] = self.seconds
        return out


@dataclass
class Environment:
    input: Any = field(default_factory=dict)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    events: dict[str, list[str]] = field(default_factory=dict)
    schedule: list[int | str] = field(default_factory=list)
    max_steps: int = 1000
    executions: int = 1  # executions started at once (a ``concurrent: true`` workflow's locks contend)
    inputs: list[Any] = field(default_factory=list)  # inputs of the second, third... execution (else ``input``)

    def input_of(self, execution: int) -> Any:
        """The input of execution ``execution`` (0 is the first)."""
        return self.inputs[execution - 1] if 0 < execution <= len(self.inputs) else self.input

    def outcome(self, state: str, attempt: int) -> Outcome:
        planned = self.outcomes.get(state, [])
        return planned[attempt] if attempt < len(planned) else Outcome()

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "outcomes": {k: [o.to_json() for o in v] for k, v in self.outcomes.items() if v},
            "events": {k: v for k, v in self.events.items() if v},
            "schedule": self.schedule,
            "max_steps": self.max_steps,
            **({"executions": self.executions} if self.executions != 1 else {}),
            **({"inputs": self.inputs} if self.inputs else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Environment:
        outcomes = {
            k: [Outcome(o.get("error"), o.get("result"), float(o.get("seconds", 0))) for o in v]
            for k, v in (data.get("outcomes") or {}).items()
        }
        return cls(
            data.get("input", {}),
            outcomes,
            dict(data.get("events") or {}),
            list(data.get("schedule") or []),
            int(data.get("max_steps", 1000)),
            int(data.get("executions", 1)),
            list(data.get("inputs") or []),
        )
