"""Our simulator against moto's ASL interpreter and the AWS documentation, on small executions.

The cases live in ``tests/asl_cases`` (one module per topic: paths, intrinsics, choice, maps and
parallels, errors, whole flows, JSONata). moto runs them all in ONE subprocess (``runner.py``; moto
patches botocore process-wide and starts in about a second). Compared per case: the status, the
error, the output (random values by shape), the cause (not for ``States.Runtime``, whose wording is
each interpreter's own, nor where moto's service adds request ids) and the states entered as a
multiset. Where moto departs from the AWS documentation the case says why (``moto_differs``),
records what moto does, and our simulator must give the documented outcome (``doc``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.asl_cases import ALL, Case
from tests.asl_cases.compare import check, moto_results, ours

pytest.importorskip("moto")
pytest.importorskip("boto3")


@pytest.fixture(scope="module")
def moto_said() -> dict[str, dict[str, Any]]:
    return dict(zip([c.name for c in ALL], moto_results(ALL), strict=True))


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_simulator_agrees_with_moto_and_the_guide(case: Case, moto_said: dict[str, dict[str, Any]]) -> None:
    assert check(case, ours(case), moto_said[case.name]) == []


def test_every_departure_is_explained_and_documented() -> None:
    departures = [c for c in ALL if c.moto_differs is not None]
    assert all(c.moto and c.doc and len(c.moto_differs or "") > 30 for c in departures)
    assert len(ALL) - len(departures) >= 180  # the cases where moto and the guide agree stay the bulk
