"""Hostile and broken input: a finding (or exit 2), never a traceback, a hang, or code execution."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wfverify.api import Options, UsageError, check_paths
from wfverify.load import LoadOptions
from wfverify.testing import registry

ROOT = Path(__file__).resolve().parents[1]


def findings(path: Path, **load: object) -> list[tuple[str, int | None, int | None, str]]:
    report = check_paths([str(path)], Options(load=LoadOptions(**load)), registry())
    return [(f.rule, f.line, f.column, f.message) for f in report.findings]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_yaml_object_tags_are_refused_not_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"workflow: !!python/object/apply:os.system ['touch {marker}']\nstart: a\nstates: {{a: {{type: succeed}}}}\n"
    got = findings(write(tmp_path, "evil.wf.yaml", text))
    assert not marker.exists()
    tag = [g for g in got if g[0] == "syntax-error"]
    assert tag and tag[0][:3] == ("syntax-error", 1, 11) and "not allowed" in tag[0][3]


def test_billion_laughs_is_bounded(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(
            f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    began = time.perf_counter()
    got = findings(write(tmp_path, "laughs.wf.yaml", "\n".join(lines) + "\n"))
    assert time.perf_counter() - began < 30
    assert any(r == "syntax-error" and "expands to more than" in m for r, _, _, m in got)


def test_deep_nesting_never_raises(tmp_path: Path) -> None:
    deep_json = write(tmp_path, "deep.wf.json", "[" * 100_000 + "]" * 100_000)
    assert findings(deep_json)[0][0] == "syntax-error"
    deep_yaml = write(tmp_path, "deep.wf.yaml", "a: " + "[" * 20_000 + "]" * 20_000 + "\n")
    # Read (a mapping that is no workflow) or refused as too deep: one finding either way.
    assert [f[0] for f in findings(deep_yaml)] in (["syntax-error"], ["unknown-dialect"])


def test_large_files_are_refused_above_the_configured_size(tmp_path: Path) -> None:
    big = write(tmp_path, "big.wf.json", b'{"workflow": "' + b"x" * 5000 + b'"}')
    got = findings(big, max_bytes=1000)
    assert got[0][0] == "syntax-error" and "max-file-size" in got[0][3]


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = '{"StartAt": "Fertig", "States": {"Fertig": {"Type": "Succeed", "Comment": "grüße"}}}'
    assert findings(write(tmp_path, "enc.asl.json", bom + text.encode(encoding))) == []


def test_invalid_bytes_have_a_position(tmp_path: Path) -> None:
    got = findings(write(tmp_path, "bad.asl.json", b'{"StartAt": "A",\n "States": "\xff"}'))
    assert got[0][:3] == ("syntax-error", 2, 13)


@pytest.mark.parametrize(
    "name, data, rule",
    [
        ("empty.wf.yaml", b"", "syntax-error"),
        ("blank.wf.yaml", b"\n  \n", "syntax-error"),
        ("binary.asl.json", bytes(range(256)) * 4, "syntax-error"),
        ("truncated.asl.json", b'{"StartAt": "A", "States": {"A": {"Type": "Succ', "syntax-error"),
        ("list.asl.json", b"[1, 2, 3]", "unknown-dialect"),
        ("scalar.wf.yaml", b"42\n", "unknown-dialect"),
        ("states-list.asl.json", b'{"StartAt": "A", "States": [{"A": {"Type": "Succeed"}}]}', "schema-violation"),
        (
            "nulls.asl.json",
            b'{"StartAt": null, "States": {"A": null, "B": {"Type": null, "Next": null}}}',
            "schema-violation",
        ),
        ("nulls.wf.yaml", b"workflow: ~\nstart: ~\nstates: {a: ~, b: {type: ~}}\n", "schema-violation"),
        (
            "dupes.asl.json",
            b'{"StartAt": "A", "StartAt": "B", "States": {"A": {"Type": "Succeed"}}}',
            "schema-violation",
        ),
        (
            "keys.wf.yaml",
            b"workflow: k\nstart: a\nstates:\n  a: {type: succeed}\n  1: {type: succeed}\n",
            "syntax-error",
        ),
    ],
)
def test_broken_files_are_findings(tmp_path: Path, name: str, data: bytes, rule: str) -> None:
    got = findings(write(tmp_path, name, data))
    assert got and got[0][0] == rule, got
    assert all(line is None or line >= 1 for _, line, _, _ in got)


def test_a_directory_named_like_a_workflow(tmp_path: Path) -> None:
    (tmp_path / "dir.wf.yaml").mkdir()
    got = findings(tmp_path / "dir.wf.yaml")
    assert got[0][0] == "syntax-error" and "directory" in got[0][3]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.wf.yaml", "workflow: x\n")
    real_open = open

    def deny(file, *args, **kwargs):  # noqa: ANN001, ANN202 - root can read anything: simulate the refusal
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    got = findings(path)
    assert got[0][0] == "syntax-error" and "permission denied" in got[0][3]


def test_symlink_loops_under_a_directory_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "loop").symlink_to(tmp_path / "flows")
    write(tmp_path / "flows", "ok.wf.yaml", "workflow: w\nstart: a\nstates: {a: {type: succeed}}\n")
    report = check_paths([str(tmp_path / "flows")], Options(), registry())
    assert [Path(r.path).name for r in report.files] == ["ok.wf.yaml"]


def test_a_missing_path_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        check_paths([str(tmp_path / "nope.wf.yaml")], Options(), registry())
    result = subprocess.run(
        [sys.executable, "-m", "wfverify", "check", str(tmp_path / "nope.wf.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_internal_error_is_a_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    from wfverify.core.registry import Registry
    from wfverify.core.rule import rule
    from wfverify.engine import Selection, run_rules
    from wfverify.load import load_bytes

    page = "Boom.\n## Why is this bad?\nTest.\n## Example\n```text\n-\n```\n## Use instead\n```text\n-\n```"

    @rule(code="WF998", name="always-fails", severity="error", doc=page)
    def broken(workflow: object, options: object):  # noqa: ANN202
        raise ZeroDivisionError("no")
        yield  # pragma: no cover

    reg = Registry([*registry().rules, broken])
    loaded = load_bytes(b'{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}}}', "x.asl.json")
    result = run_rules("x.asl.json", loaded, reg, Selection())
    assert {f.rule for f in result.findings} >= {"internal-error", "unknown-target"}
    debug = run_rules("x.asl.json", loaded, reg, Selection(debug=True))
    assert "Traceback" in next(f.message for f in debug.findings if f.rule == "internal-error")


def test_checked_files_are_never_written(tmp_path: Path) -> None:
    corpus = sorted((ROOT / "corpus").rglob("*.wf.yaml"))[:5]
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus}
    check_paths([str(p) for p in corpus], Options(), registry())
    assert before == {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus}


def test_large_chain_and_deep_parallels_within_seconds(tmp_path: Path) -> None:
    states = {
        f"s{i}": {"type": "task", "action": "a", "side_effects": False, "next": f"s{i + 1}"} for i in range(20_000)
    }
    states["s20000"] = {"type": "succeed"}
    chain = write(tmp_path, "chain.wf.json", json.dumps({"workflow": "chain", "start": "s0", "states": states}))
    began = time.perf_counter()
    assert findings(chain) == []
    chain_seconds = time.perf_counter() - began
    body = '{"start":"leaf","states":{"leaf":{"type":"succeed"}}}'
    for i in range(400):
        body = f'{{"start":"p{i}","states":{{"p{i}":{{"type":"parallel","branches":[{body}],"end":true}}}}}}'
    nested = write(tmp_path, "nested.wf.json", '{"workflow":"nest",' + body[1:])
    began = time.perf_counter()
    assert findings(nested) == []
    assert chain_seconds < 30 and time.perf_counter() - began < 30
