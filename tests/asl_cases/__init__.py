"""Small ASL executions compared between our simulator, moto's interpreter and the AWS documentation.

Each topic module lists :class:`Case` values in ``CASES``; :data:`ALL` joins them. A case without
``moto_differs`` must agree with moto on status, error, output (and cause, and the states entered).
A case with ``moto_differs`` says why moto departs from the AWS documentation; ``moto`` records
what moto does (so the note goes stale loudly when moto changes) and ``doc`` the documented outcome,
which the simulator must give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ALL", "Case", "one", "chain"]


@dataclass(frozen=True)
class Case:
    name: str
    definition: dict[str, Any]
    input: Any = field(default_factory=dict)
    #: task outcomes for the simulator, where moto's service call fails (``{"T": [{"error": "..."}]}``)
    outcomes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: the documented outcome (status, and output or error/cause), when it must be stated
    doc: dict[str, Any] | None = None
    #: why moto departs from the AWS documentation (then ``moto`` is what moto does)
    moto_differs: str | None = None
    moto: dict[str, Any] | None = None
    #: output keys (top level) compared by shape only: random values (MathRandom, UUID)
    shape_only: tuple[str, ...] = ()
    #: compare the cause (off where moto's service adds request ids)
    cause: bool = True


def one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A machine of one state that ends."""
    return {**top, "StartAt": "S", "States": {"S": {**state, "End": True}}}


def chain(*states: dict[str, Any], **top: Any) -> dict[str, Any]:
    """States S0, S1, ... each going to the next; the last ends (unless it is Succeed/Fail/Choice)."""
    out: dict[str, Any] = {}
    for i, state in enumerate(states):
        body = dict(state)
        if body["Type"] not in ("Succeed", "Fail", "Choice") and "Next" not in body and "End" not in body:
            body.update({"Next": f"S{i + 1}"} if i + 1 < len(states) else {"End": True})
        out[f"S{i}"] = body
    return {**top, "StartAt": "S0", "States": out}


def _all() -> list[Case]:
    from tests.asl_cases import choice, errors, flows, intrinsics, jsonata, maps, paths

    cases = [c for m in (paths, intrinsics, choice, maps, errors, flows, jsonata) for c in m.CASES]
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return cases


ALL: list[Case] = _all()
