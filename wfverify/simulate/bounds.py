"""The explorer's bounds, apart from the explorer so that the command line can show their
defaults without importing the simulator at start-up."""

from __future__ import annotations

from wfverify.core.records import dataclass

__all__ = ["Bounds"]


@dataclass(frozen=True)
class Bounds:
    """How far the explorer goes; reaching one makes a would-be ``proven`` an ``unknown`` naming it."""

    configurations: int = 50_000  # distinct configurations explored, all inputs together
    steps: int = 300  # moves in one run
    loop_iterations: int = 12  # entries of one state in one run
    executions: int = 2  # concurrent executions of a ``concurrent: true`` workflow with locks
    map_items: int = 3  # length of Map item lists drawn from the input
    inputs: int = 64  # inputs (or input tuples, one per execution) tried
    seconds: float | None = None  # wall-clock budget
