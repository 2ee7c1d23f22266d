"""Our simulator against moto's ASL interpreter and the AWS documentation, on small executions.

The cases live in ``tests/asl_cases`` (one module per topic: paths, intrinsics, choice, maps and
parallels, errors, whole flows, JSONata). moto runs them all in ONE subprocess (``runner.py``; moto
patches botocore process-wide and starts in about a second). Compared per case: the status, the
error, the output (random values by shape), the cause (not for ``States.Runtime``, whose wording is
each interpreter's own, nor where moto's service adds request ids) and the states entered as a
multiset. Where moto departs from the AWS documentation the case says why (``moto_differs``),
records what moto does, and our simulator must give the documented outcome (``doc``).

Seeded generated machines (``tests/asl_cases/generate.py``) join the same batch: 60 by default;
``WFVERIFY_MOTO_GENERATED=1000 WFVERIFY_MOTO_SEED=7`` for a longer run.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.asl_cases import ALL, Case
from tests.asl_cases.compare import check, moto_results, ours
from tests.asl_cases.generate import generated

pytest.importorskip("moto")
pytest.importorskip("boto3")


CASES = ALL + generated()


@pytest.fixture(scope="module")
def moto_said() -> dict[str, dict[str, Any]]:
    return dict(zip([c.name for c in CASES], moto_results(CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_simulator_agrees_with_moto_and_the_guide(case: Case, moto_said: dict[str, dict[str, Any]]) -> None:
    assert check(case, ours(case), moto_said[case.name]) == []


def test_every_departure_is_explained_and_documented() -> None:
    departures = [c for c in ALL if c.moto_differs is not None]
    assert all(c.moto and c.doc and len(c.moto_differs or "") > 30 for c in departures)
    assert len(ALL) - len(departures) >= 180  # the cases where moto and the guide agree stay the bulk


def test_task_failed_takes_every_error_but_a_timeout() -> None:
    """The AWS error-handling page: States.TaskFailed is a wildcard for every error but States.Timeout."""
    import json

    from wfverify.simulate import Environment, simulate
    from wfverify.simulate.environment import Outcome
    from wfverify.testing import workflow_from_text

    catch = [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.e", "Next": "H"}]
    task = {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Catch": catch, "End": True}
    text = json.dumps({"StartAt": "T", "States": {"T": task, "H": {"Type": "Pass", "End": True}}})
    runs = {
        error: simulate(workflow_from_text(text, "t.asl.json"), Environment(input={}, outcomes={"T": [Outcome(error)]}))
        for error in ("States.Timeout", "Custom.Error", "States.Permissions")
    }
    assert (runs["States.Timeout"].status, runs["States.Timeout"].error) == ("failed", "States.Timeout")
    assert runs["Custom.Error"].output == {"e": {"Error": "Custom.Error", "Cause": "T failed"}}
    assert runs["States.Permissions"].status == "succeeded"
