"""A run whose inputs did not change is replayed whole (wfverify.cli.rerun); any change runs it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_cache import GAPPY, _project

SIDECAR = "locks:\n  route: {}\n"


def _check(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "wfverify", "check", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WFVERIFY_")}
    return subprocess.run(command, cwd=cwd, capture_output=True, env=env, timeout=300)


def _records(project: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted((project / ".wfverify_cache" / "runs").glob("*.json"))]


def test_an_unchanged_run_is_replayed_with_the_same_bytes_and_exit_code(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _check(project, "flows", "--fail-on", "warning")
    (record,) = _records(project)
    assert first.returncode == record["exit_code"] == 1
    assert record["stdout"] == first.stdout.decode()
    replayed = _check(project, "flows", "--fail-on", "warning")
    assert (replayed.returncode, replayed.stdout) == (first.returncode, first.stdout)
    assert len(_records(project)) == 1  # nothing was run again: the record was not rewritten as another


def test_every_input_the_output_depends_on_invalidates_the_replay(tmp_path: Path) -> None:
    project = _project(tmp_path)
    flow = project / "flows" / "gap.wf.yaml"
    before = _check(project, "flows").stdout
    flow.write_text(GAPPY.replace("amount > 1000", "amount > 10"))
    edited = _check(project, "flows").stdout
    assert edited != before and b"gap.wf.yaml" in edited
    (project / "flows" / "new.wf.yaml").write_text(GAPPY.replace("workflow: gap", "workflow: new"))
    assert b"new.wf.yaml" in _check(project, "flows").stdout
    (project / "flows" / "new.wf.yaml.wfverify.yaml").write_text("{{{ not yaml")
    assert b"new.wf.yaml.wfverify.yaml" in _check(project, "flows").stdout
    (project / ".wfverify.toml").write_text('ignore = ["missing-default"]\n')
    assert b"missing-default" not in _check(project, "flows").stdout


def test_a_report_written_to_a_file_is_written_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    target = project / "report.json"
    first = _check(project, "flows", "--format", "json", "-o", str(target))
    written = target.read_text()
    target.unlink()
    again = _check(project, "flows", "--format", "json", "-o", str(target))
    assert (again.returncode, again.stdout, target.read_text()) == (first.returncode, b"", written)


def test_a_corrupt_record_is_ignored_and_rewritten(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _check(project, "flows").stdout
    (path,) = (project / ".wfverify_cache" / "runs").glob("*.json")
    path.write_text('{"targets": [')
    assert _check(project, "flows").stdout == first
    assert json.loads(path.read_text())["stdout"] == first.decode()


def test_an_edited_module_of_the_code_invalidates_the_replay(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _check(project, "flows")
    (path,) = (project / ".wfverify_cache" / "runs").glob("*.json")
    record = json.loads(path.read_text())
    module = next(p for p in record["code"] if p.endswith(os.path.join("wfverify", "engine.py")))
    record["code"][module] = "0:0"  # as if engine.py had been edited since
    record["stdout"] = "stale\n"
    path.write_text(json.dumps(record))
    assert b"stale" not in _check(project, "flows").stdout


def test_standard_input_and_baselines_are_never_replayed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    text = (project / "flows" / "gap.wf.yaml").read_bytes()
    command = [sys.executable, "-m", "wfverify", "check", "-", "--stdin-filename", "gap.wf.yaml"]
    for _ in range(2):
        subprocess.run(command, cwd=project, input=text, capture_output=True, timeout=300)
    baseline = str(project / "base.json")
    _check(project, "flows", "--write-baseline", baseline)
    _check(project, "flows", "--baseline", baseline)
    assert not (project / ".wfverify_cache" / "runs").exists()


def test_a_file_a_template_names_counts_even_before_it_exists(tmp_path: Path) -> None:
    """A SAM template pointing at a definition not written yet: writing it must not replay the old error."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      DefinitionUri: machines/flow.asl.json\n"
    )
    (tmp_path / "machines").mkdir()
    missing = _check(tmp_path, "template.yaml", "--format", "text").stdout
    assert b"missing-definition-file" in missing
    (tmp_path / "machines" / "flow.asl.json").write_text(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Gone"}}})
    )
    written = _check(tmp_path, "template.yaml", "--format", "text").stdout
    assert b"missing-definition-file" not in written and b"unknown-target" in written


def test_a_run_records_the_digests_of_the_bytes_it_checked(tmp_path: Path) -> None:
    import hashlib

    from wfverify.api import Options, check_paths

    flow = tmp_path / "a.asl.json"
    flow.write_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', encoding="utf-8")
    side = tmp_path / "b.asl.json.wfverify.yaml"
    (tmp_path / "b.asl.json").write_text('{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}', encoding="utf-8")
    side.write_text("{}\n", encoding="utf-8")
    report = check_paths([str(tmp_path)], Options(), fingerprint=True)
    expected: dict[str, str | None] = {
        str(flow): hashlib.sha256(flow.read_bytes()).hexdigest(),
        f"{flow}.wfverify.yaml": None,
        str(tmp_path / "b.asl.json"): hashlib.sha256((tmp_path / "b.asl.json").read_bytes()).hexdigest(),
        str(side): hashlib.sha256(side.read_bytes()).hexdigest(),
    }
    assert report.digests == expected
    assert check_paths([str(tmp_path)], Options()).digests == {}


def test_a_lookup_trusts_a_stamp_only_for_files_changed_well_before_the_run(tmp_path: Path) -> None:
    import time

    from wfverify.cli import rerun

    flow = tmp_path / "a.asl.json"
    flow.write_text('{"StartAt": "A"}', encoding="utf-8")
    path = str(flow)
    assert rerun.file_stamps([path], time.time_ns()) == {}  # just written: a racy file is never stamped
    later = time.time_ns() + 10_000_000_000  # as if the run began ten seconds after the last change
    stats = rerun.file_stamps([path, str(tmp_path / "missing")], later)
    assert list(stats) == [path]
    assert rerun._unchanged(path, "not the digest", stats)  # the stamp spares reading the file
    old = os.stat(path)
    flow.write_text('{"StartAt": "B"}', encoding="utf-8")  # same size, and the old times put back
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert not rerun._unchanged(path, "not the digest", stats)  # the ctime moved: the digest decides
    assert rerun._unchanged(path, rerun._sha(path), stats)
