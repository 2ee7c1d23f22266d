"""Checking a plain file stays cheap: no solver, fuzzer, terminal UI, graph library, AWS model or
template parser at start-up unless the file needs it (a pre-commit hook runs us on every commit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "z3",
    "hypothesis",
    "rich",
    "networkx",
    "jsonschema",
    "botocore",
    "boto3",
    "cfnlint",
    "hcl2",
    "moto",
    "wfverify.simulate.engine",
    "importlib.metadata",
    "pathspec",
    "fastjsonschema.draft04",
)
#: Standard modules wfverify itself does without on the way (rich and z3 bring some of them along):
#: wfverify.core.records makes the data classes, and dataclasses imports inspect (~9 ms together).
STANDARD = ("dataclasses", "inspect", "threading", "difflib")

PROBE = """
import sys
from wfverify.cli import main
code = main(["check", sys.argv[1], "--format", sys.argv[2], "--quiet", "--no-cache"])
heavy = sorted(m for m in sys.argv[3].split(",") if m in sys.modules)
print("MODULES=" + ",".join(heavy))
"""

POLLING = {
    "StartAt": "Get",
    "States": {
        "Get": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:status", "Next": "Done?"},
        "Done?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.JobRun.JobRunState", "StringEquals": "SUCCEEDED", "Next": "Ok"},
                {"Variable": "$.JobRun.JobRunState", "StringEquals": "FAILED", "Next": "Bad"},
                {"Variable": "$.Attempts", "NumericGreaterThan": 10, "Next": "Bad"},
            ],
            "Default": "Wait",
        },
        "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Get"},
        "Ok": {"Type": "Succeed"},
        "Bad": {"Type": "Fail", "Error": "JobFailed"},
    },
}


def _modules(path: Path, fmt: str = "text", watched: tuple[str, ...] = HEAVY + STANDARD) -> list[str]:
    """Heavy modules a check of ``path`` imports, on a machine that has run wfverify before: the
    first run compiles schema validators and indexes AWS models into the per-user cache."""
    command = [sys.executable, "-c", PROBE, str(path), fmt, ",".join(watched)]
    subprocess.run(command, capture_output=True, text=True, timeout=120)
    out = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    line = [x for x in out.splitlines() if x.startswith("MODULES=")][-1]
    return [m for m in line[len("MODULES=") :].split(",") if m]


def test_clean_acyclic_file_imports_nothing_heavy(tmp_path: Path) -> None:
    flow = tmp_path / "small.asl.json"
    flow.write_text(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})
    )
    assert _modules(flow) == []


def test_polling_loop_with_choices_imports_nothing_heavy(tmp_path: Path) -> None:
    """A loop and constant comparisons: decided without z3, cycles found without networkx."""
    flow = tmp_path / "poll.asl.json"
    flow.write_text(json.dumps(POLLING))
    assert _modules(flow) == []
    assert _modules(flow, "json") == []


def test_rich_is_loaded_only_for_the_rich_format(tmp_path: Path) -> None:
    flow = tmp_path / "poll.asl.json"
    flow.write_text(json.dumps(POLLING))
    assert _modules(flow, "rich", HEAVY) == ["rich"]


def test_a_choice_beyond_the_procedure_loads_z3_only_then(tmp_path: Path) -> None:
    flow = tmp_path / "arith.wf.yaml"
    flow.write_text(
        "workflow: w\nstart: c\ninput: {x: number, y: number}\nstates:\n  c:\n    type: choice\n"
        "    choices: [{when: 'x > y + 1', next: b}]\n    default: b\n  b: {type: succeed}\n"
    )
    assert _modules(flow, "text", HEAVY) == ["z3"]
