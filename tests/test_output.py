"""What `check` prints and how it exits: proofs tally, snippets, output options, JUnit, GitLab, Rich."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.test_cli import BROKEN, CLEAN, CORPUS, run
from wfverify.core.findings import Finding, Severity
from wfverify.core.registry import load_registry
from wfverify.core.results import FileResult, Report
from wfverify.testing import check_text

UNKNOWN_TARGET = b'{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}'


def test_proven_verdicts_are_one_line_unless_asked() -> None:
    default = run("check", str(CORPUS), "--format", "text", "--no-show-source").stdout.splitlines()
    assert not [line for line in default if ": proof " in line and line.endswith(")") and ": proven (" in line]
    tally = [line for line in default if line.startswith("proofs: ")]
    assert len(tally) == 1 and re.fullmatch(
        r"proofs: \d+ proven, \d+ violated, \d+ unknown \(--show-proofs lists them\)", tally[0]
    )
    proven = int(tally[0].split()[1])
    listed = run("check", str(CORPUS), "--format", "text", "--show-proofs").stdout
    assert len(re.findall(r": proof [a-z-]+: proven \(", listed)) == proven


def test_source_snippet_under_each_finding_and_no_show_source() -> None:
    out = run("check", str(BROKEN), "--format", "text").stdout.splitlines()
    first = out.index(next(line for line in out if ":11:5: error unknown-target" in line))
    assert out[first + 1 : first + 3] == ["  11 |     next: create_acount", "     |     ^"]
    plain = run("check", str(BROKEN), "--format", "text", "--no-show-source").stdout
    assert "|" not in plain and len(plain.splitlines()) == 4 + 2  # findings, proofs tally, summary


def test_exit_zero_output_file_and_version(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run("check", str(BROKEN), "--format", "json", "--exit-zero", "--output-file", str(target))
    assert (result.returncode, result.stdout) == (0, "")
    assert json.loads(target.read_text())["summary"]["errors"] == 3
    for flag in ("-V", "--version"):
        version = run(flag)
        assert version.returncode == 0 and re.fullmatch(r"wfverify \d+\.\d+\.\d+\S*\n", version.stdout)


def test_statistics_counts_per_rule() -> None:
    lines = run("check", str(BROKEN), "--statistics", "--format", "text").stdout.splitlines()
    assert lines == [
        "2  WF201  unreachable-state     error",
        "1  WF101  unknown-target        error",
        "1  WF501  missing-compensation  warning",
        "1 file(s) checked: 3 error(s), 1 warning(s)",
    ]
    data = json.loads(run("check", str(BROKEN), "--statistics", "--format", "json").stdout)
    assert data[0] == {"count": 2, "code": "WF201", "rule": "unreachable-state", "severity": "error"}


def test_stdin_filename_names_the_input_and_meets_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / ".wfverify.toml").write_text('[per-file-ignores]\n"flows/*.json" = ["unknown-target"]\n')
    (tmp_path / "flows").mkdir()
    named = run(
        "check", "-", "--stdin-filename", "other/m.json", "--format", "text", stdin=UNKNOWN_TARGET, cwd=tmp_path
    )
    assert named.returncode == 1 and named.stdout.startswith("other/m.json:1:")
    ignored = run(
        "check", "-", "--stdin-filename", "flows/m.json", "--format", "json", stdin=UNKNOWN_TARGET, cwd=tmp_path
    )
    data = json.loads(ignored.stdout)
    assert ignored.returncode == 0 and data["files"][0]["path"] == "flows/m.json" and data["findings"] == []
    alone = run("check", "--stdin-filename", "other/m.json", "--format", "text", stdin=UNKNOWN_TARGET, cwd=tmp_path)
    assert alone.returncode == 1 and alone.stdout.startswith("other/m.json:1:")  # no path: standard input


def test_suppression_covered_by_configured_ignore_is_not_unused() -> None:
    text = "workflow: s\nstart: a\nstates:\n  a: {type: succeed}\n  b: {type: succeed}  # wfverify: ignore[unreachable-state]\n"
    assert check_text(text).findings == []
    from wfverify.core.registry import load_registry as registry
    from wfverify.engine import Selection, run_rules
    from wfverify.testing import load_text

    loaded = load_text(text, "s.wf.yaml")
    ignored = run_rules("s.wf.yaml", loaded, registry(), Selection(ignore=("unreachable-state",)))
    assert ignored.findings == []
    elsewhere = run_rules("s.wf.yaml", loaded, registry(), Selection(ignore=("dead-end",)))
    assert elsewhere.findings == []  # used: it silenced the unreachable state


def test_argument_errors_name_the_right_help() -> None:
    top = run("nonsense")
    assert top.returncode == 2 and top.stderr.endswith("(see 'wfverify --help')\n")
    sub = run("check", "--format", "xml", str(CLEAN))
    assert sub.stderr.endswith("(see 'wfverify check --help')\n") and "wfverify wfverify" not in sub.stderr
    stray = run("check", "--bogus", str(CLEAN))
    assert stray.returncode == 2 and stray.stdout == ""
    assert stray.stderr == "wfverify: error: unrecognized arguments: --bogus (see 'wfverify check --help')\n"
    assert run("--bogus").stderr == "wfverify: error: unrecognized arguments: --bogus (see 'wfverify --help')\n"


def test_explain_suggests_the_rule_meant() -> None:
    typo = run("explain", "unreachable-stat")
    assert typo.returncode == 2 and typo.stderr == (
        "wfverify: error: no rule named 'unreachable-stat'; did you mean 'unreachable-state'? (see 'wfverify rules')\n"
    )
    assert run("explain", "zzzzz").stderr == "wfverify: error: no rule named 'zzzzz' (see 'wfverify rules')\n"


def _report() -> Report:
    long = "corpus/some/deeply/nested/folder/structure/for/workflows/of/the/payments/team/order-processing.asl.json"
    f = Finding(
        "state 'Orphan' is never entered from 'Start'; link it into the flow or delete it, a message long enough to wrap",
        rule="unreachable-state",
        code="WF201",
        severity=Severity.ERROR,
        path=long,
        line=3,
        column=5,
        witness={
            "holders": {"a": [], "b": []},
            "schedule": [{"step": 1, "holder": "a", "action": "acquire", "lock": "x"}],
            "data": {"item": {"id": 1}},
        },
    )
    return Report([FileResult(long, "asl", 2, [f], [], lines={3: '    "Orphan": {"Type": "Pass"},'})])


def _rich(width: int) -> str:
    from wfverify.report.rich_report import render

    out = io.StringIO()
    render(_report(), None, out, {"width": width})
    return out.getvalue()


def test_rich_report_at_80_and_160_columns() -> None:
    for width in (80, 160):
        text = _rich(width)
        lines = text.splitlines()
        assert all(len(line) <= width for line in lines), width
        assert lines[0].endswith("/payments/team/order-processing.asl.json")
        assert lines[0].startswith("…" if width == 80 else "corpus/some/deeply/")
        assert "'Orphan': {" not in text and 'item = {"id": 1}' in text  # data as JSON, not a Python dict
        body = [line for line in lines if "unreachable-state" in line or "wrap" in line]
        assert body  # the message is there, wrapped lines stay in the message column
        start = lines.index(body[0])
        column = lines[start].index("unreachable-state")
        if width == 80:
            assert lines[start + 1][:column].strip() == "" and lines[start + 1][column] != " "
        assert '3 │     "Orphan": {"Type": "Pass"},' in text


def test_rich_source_snippets_never_wrap_so_the_caret_stays_under_its_column() -> None:
    from wfverify.report.rich_report import render

    source = '      "Parameters": {"FunctionName": "${RefundFunctionArn}", "Payload.$": "$.payment[?(@.s == 1)"},'
    column = source.index('"$.payment') + 1
    f = Finding(
        "bad path",
        rule="invalid-path",
        code="WF004",
        severity=Severity.ERROR,
        path="a.asl.json",
        line=16,
        column=column,
    )
    report = Report([FileResult("a.asl.json", "asl", 2, [f], [], lines={16: source})])
    for width in (60, 80, 160):
        out = io.StringIO()
        render(report, None, out, {"width": width})
        lines = out.getvalue().splitlines()
        code = next(i for i, line in enumerate(lines) if "16 │ " in line)
        assert lines[code + 1].rstrip().endswith("^"), width  # the marker line follows the one source line
        caret = lines[code + 1].rstrip().index("^")
        assert lines[code][caret:].startswith('"$.payment'), (width, lines[code], lines[code + 1])
        assert all(len(line) <= width for line in lines), width


def test_rich_report_does_not_dim_whole_findings() -> None:
    from rich.console import Console

    from wfverify.report import rich_report

    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    grid = rich_report._findings_grid(_report().files[0], True)
    segments = list(console.render(grid))
    message = [s for s in segments if "never entered" in s.text]
    assert message and all(not (s.style and s.style.dim) for s in message)


def test_junit_report() -> None:
    xml = run("check", str(BROKEN), str(CLEAN), "--format", "junit").stdout
    root = ET.fromstring(xml)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "5", "4")
    broken, clean = root.findall("testsuite")
    assert broken.get("failures") == "4" and [c.get("name") for c in clean] == ["wfverify"]
    failure = broken.find("testcase/failure")
    assert failure is not None and failure.get("type") == "error:unknown-target"


def test_gitlab_code_quality_report() -> None:
    issues = json.loads(run("check", str(BROKEN), "--format", "gitlab").stdout)
    assert len(issues) == 4 and len({i["fingerprint"] for i in issues}) == 4
    first = issues[0]
    assert first["check_name"] == "unknown-target" and first["severity"] == "major"
    assert first["location"] == {"path": "corpus/native/customer-onboarding.wf.yaml", "lines": {"begin": 11}}
    assert {i["severity"] for i in issues} == {"major", "minor"}


def test_sarif_help_uri_and_fingerprints_stable_across_lines() -> None:
    from wfverify.report.sarif import as_sarif

    registry = load_registry()
    data = as_sarif(Report([check_text(BROKEN.read_text(), "c.wf.yaml")]), registry)
    driver = data["runs"][0]["tool"]["driver"]
    assert all(r["helpUri"].startswith("https://") and r["help"]["text"] for r in driver["rules"])
    shifted = as_sarif(Report([check_text("# moved\n" + BROKEN.read_text(), "c.wf.yaml")]), registry)
    prints = [r["partialFingerprints"] for r in data["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in shifted["runs"][0]["results"]]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in shifted["runs"][0]["results"]][
        0
    ] == 12


def test_a_syntax_error_shows_the_line_it_points_at(tmp_path: Path) -> None:
    flow = tmp_path / "bad.asl.json"
    flow.write_text('{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "End": true},}\n}\n')
    out = run("check", str(flow), "--format", "text").stdout.splitlines()
    assert out[0] == f"{flow}:3:49: error syntax-error [WF001] JSON: Expecting property name enclosed in double quotes"
    assert out[1] == '  3 |   "States": {"A": {"Type": "Pass", "End": true},}'
    assert out[2] == "    | " + " " * 48 + "^"  # under the "}" that should have been a name
    binary = tmp_path / "bin.asl.json"
    binary.write_bytes(b"\x00\x01\x02{")
    lines = run("check", str(binary), "--format", "text").stdout.splitlines()
    assert lines[0].endswith("binary file (NUL bytes): not a JSON or YAML workflow") and not lines[1].startswith(" ")


def test_rich_rules_table_keeps_names_whole_at_80_and_160_columns() -> None:
    for width in (80, 160):
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": str(width)}
        out = subprocess.run(
            [sys.executable, "-m", "wfverify", "rules", "--format", "rich"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        ).stdout
        lines = out.splitlines()
        assert all(len(line) <= width for line in lines), width
        row = next(line for line in lines if "WF504" in line)
        assert re.search(r"│ unprotected-compensation +│", row), row  # whole, on the rule's first line
        groups = [line for line in lines if "groups: sagas" in line] if width == 80 else []
        assert bool(groups) == (width == 80)
        assert ("┃ groups" in out) == (width == 160)


def test_the_version_shown_is_the_one_in_pyproject() -> None:
    """`--version` reads wfverify.__version__ (no importlib.metadata at start-up): it must match the package's."""
    import tomllib

    from wfverify import __version__

    declared = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert declared["project"]["version"] == __version__
