"""Run cases in moto (one subprocess for a batch) and in our simulator, and list where they differ."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from tests.asl_cases import Case
from wfverify.simulate import Environment, simulate
from wfverify.simulate.environment import Outcome
from wfverify.testing import workflow_from_text

__all__ = ["check", "differences", "moto_results", "ours"]

RUNNER = Path(__file__).with_name("runner.py")


def moto_results(cases: list[Case]) -> list[dict[str, Any]]:
    """moto's result of every case, from one moto process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([{"definition": c.definition, "input": c.input} for c in cases], handle)
    done = subprocess.run([sys.executable, str(RUNNER), handle.name], capture_output=True, text=True, timeout=1200)
    Path(handle.name).unlink()
    assert done.returncode == 0, done.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def ours(case: Case) -> dict[str, Any]:
    """Our simulator's result, in the runner's form."""
    outcomes = {k: [Outcome(o.get("error"), o.get("result")) for o in v] for k, v in case.outcomes.items()}
    workflow = workflow_from_text(json.dumps(case.definition), f"{case.name}.asl.json")
    trace = simulate(workflow, Environment(input=case.input, outcomes=outcomes))
    return {
        "status": trace.status.value,
        "output": trace.output if trace.status.value == "succeeded" else None,
        "error": trace.error,
        "cause": trace.cause,
        "entered": list(trace.entered),
    }


def _shape(value: Any) -> Any:
    """What a random value is compared by: its JSON type (and a UUID's length)."""
    return ("str", len(value)) if isinstance(value, str) else type(value).__name__


def _masked(result: dict[str, Any], keys: tuple[str, ...]) -> Any:
    output = result.get("output")
    if isinstance(output, dict) and keys:
        return {k: _shape(v) if k in keys else v for k, v in output.items()}
    return output


def _interleaved_failure(case: Case, mine: dict[str, Any]) -> bool:
    text = json.dumps(case.definition)
    return mine.get("status") == "failed" and ('"Parallel"' in text or '"Map"' in text)


def differences(case: Case, mine: dict[str, Any], theirs: dict[str, Any], entered: bool = True) -> list[str]:
    """Where two results differ (empty when they agree)."""
    out = []
    for key in ("status", "error"):
        if (mine.get(key) or None) != (theirs.get(key) or None):  # moto leaves out an empty error
            out.append(f"{key}: ours {mine.get(key)!r}, other {theirs.get(key)!r}")
    if mine.get("status") == "succeeded" and _masked(mine, case.shape_only) != _masked(theirs, case.shape_only):
        out.append(f"output: ours {json.dumps(mine.get('output'))}, other {json.dumps(theirs.get('output'))}")
    runtime = mine.get("error") == "States.Runtime"  # moto's and our messages differ in wording
    if case.cause and not runtime and mine.get("status") == "failed" and mine.get("cause") != theirs.get("cause"):
        out.append(f"cause: ours {mine.get('cause')!r}, other {theirs.get('cause')!r}")
    if _interleaved_failure(case, mine):
        entered = False  # branches cancelled by a failing sibling enter states or not, by schedule
    if entered and "entered" in theirs and Counter(mine["entered"]) != Counter(theirs["entered"]):
        out.append(f"entered: ours {mine['entered']}, other {theirs['entered']}")
    return out


def _subset(result: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return [f"{k}: {result.get(k)!r}, wanted {v!r}" for k, v in wanted.items() if result.get(k) != v]


def check(case: Case, mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Every problem with one case: a disagreement with moto, or (where moto departs from the AWS
    documentation) moto no longer doing what the note says, or our result not the documented one."""
    problems = [f"documented: {p}" for p in _subset(mine, case.doc or {})]
    if case.moto_differs is None:
        return problems + differences(case, mine, theirs)
    return problems + [f"moto no longer departs as noted: {p}" for p in _subset(theirs, case.moto or {})]
