"""The reference simulator: ``simulate(workflow, environment) -> Trace`` (see engine.py).

The names below are loaded on first use, so that importing a light submodule (the
explorer's bounds, for the command line's help) does not load the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Environment", "HolderStatus", "Outcome", "Run", "Trace", "TraceStatus", "simulate"]

_HOMES = {
    "Run": "wfverify.simulate.engine",
    "simulate": "wfverify.simulate.engine",
    "Environment": "wfverify.simulate.environment",
    "Outcome": "wfverify.simulate.environment",
    "HolderStatus": "wfverify.simulate.trace",
    "Trace": "wfverify.simulate.trace",
    "TraceStatus": "wfverify.simulate.trace",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'wfverify.simulate' has no attribute {name!r}")
