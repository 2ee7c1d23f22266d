"""The reference simulator: ``simulate(workflow, environment) -> Trace`` (see engine.py)."""

from wfverify.simulate.engine import Trace, simulate
from wfverify.simulate.environment import Environment, Outcome

__all__ = ["Environment", "Outcome", "Trace", "simulate"]
