"""The reference simulator: ``simulate(workflow, environment) -> Trace`` (see engine.py)."""

from wfverify.simulate.engine import Run, simulate
from wfverify.simulate.environment import Environment, Outcome
from wfverify.simulate.trace import HolderStatus, Trace, TraceStatus

__all__ = ["Environment", "HolderStatus", "Outcome", "Run", "Trace", "TraceStatus", "simulate"]
