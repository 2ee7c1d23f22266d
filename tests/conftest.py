"""Test-suite settings: Hypothesis profiles and the slow marker.

Profiles (selected by environment):
- ``ci`` when ``CI=true``: derandomized and bounded, so CI is deterministic.
- ``heavy`` when ``WFVERIFY_FUZZ=heavy``: many more examples, for a long local run.
- ``dev`` otherwise: Hypothesis defaults with no deadline (z3 calls vary in time).

Tests marked ``slow`` run only with ``WFVERIFY_SLOW=1``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("heavy", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])

if os.environ.get("WFVERIFY_FUZZ") == "heavy":
    settings.load_profile("heavy")
elif os.environ.get("CI", "").lower() in ("true", "1"):
    settings.load_profile("ci")
else:
    settings.load_profile("dev")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("WFVERIFY_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set WFVERIFY_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
