"""Baselines: record today's findings, then see only new ones, whatever lines moved."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import BROKEN, run
from wfverify.core.baseline import fingerprint
from wfverify.core.findings import Finding


def test_fingerprint_ignores_lines_but_not_rule_file_state_or_message() -> None:
    base = Finding("m", state="S", rule="dead-end", path="a.wf.yaml", line=3)
    assert fingerprint(base) == fingerprint(Finding("m", state="S", rule="dead-end", path="a.wf.yaml", line=30))
    for other in (
        Finding("m2", state="S", rule="dead-end", path="a.wf.yaml"),
        Finding("m", state="T", rule="dead-end", path="a.wf.yaml"),
        Finding("m", state="S", rule="lock-leak", path="a.wf.yaml"),
        Finding("m", state="S", rule="dead-end", path="b.wf.yaml"),
    ):
        assert fingerprint(other) != fingerprint(base)


def test_write_then_only_new_findings(tmp_path: Path) -> None:
    flow = tmp_path / "flows" / "f.wf.yaml"
    flow.parent.mkdir()
    flow.write_text(BROKEN.read_text())
    baseline = tmp_path / "baseline.json"
    wrote = run("check", "flows", "--write-baseline", str(baseline), "--format", "text", cwd=tmp_path)
    assert wrote.returncode == 0 and wrote.stderr == f"wfverify: recorded 4 finding(s) in {baseline}\n"
    data = json.loads(baseline.read_text())
    assert data["version"] == 1 and {e["path"] for e in data["findings"]} == {"flows/f.wf.yaml"}
    # lines move (a comment on top) and a new broken state appears
    flow.write_text("# moved down one line\n" + BROKEN.read_text() + "  extra: {type: pass, next: nowhere}\n")
    again = run("check", str(flow), "--baseline", str(baseline), "--format", "json")  # another cwd, absolute path
    found = json.loads(again.stdout)["findings"]
    assert again.returncode == 1
    assert sorted((f["rule"], f["state"]) for f in found) == [
        ("unknown-target", "extra"),
        ("unreachable-state", "extra"),
    ]
    text = run("check", "flows", "--baseline", "baseline.json", "--format", "text", "--no-show-source", cwd=tmp_path)
    assert text.stdout.splitlines()[-1].endswith("(4 known finding(s) in the baseline not shown)")


def test_bad_baseline_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("[1, 2]")
    result = run("check", str(BROKEN), "--baseline", str(bad))
    assert result.returncode == 2 and "not a wfverify baseline" in result.stderr
    assert len(result.stderr.splitlines()) == 1
