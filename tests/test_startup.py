"""Checking one small file stays cheap: no solver, fuzzer, terminal UI or graph library at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from wfverify.cli import main
code = main(["check", sys.argv[1], "--format", "text", "--quiet"])
heavy = sorted(m for m in ("z3", "hypothesis", "rich", "networkx", "jsonschema") if m in sys.modules)
print("MODULES=" + ",".join(heavy))
"""


def _modules(path: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120).stdout
    line = [x for x in out.splitlines() if x.startswith("MODULES=")][-1]
    return [m for m in line[len("MODULES=") :].split(",") if m]


def test_clean_acyclic_file_imports_nothing_heavy(tmp_path: Path) -> None:
    flow = tmp_path / "small.asl.json"
    flow.write_text(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})
    )
    assert _modules(flow) == []


def test_a_file_with_a_choice_loads_z3_only_then() -> None:
    assert "z3" in _modules(ROOT / "corpus" / "native" / "expense-approval.wf.yaml")
