"""Which files a check reads: by name, by content, include/exclude, --force-exclude, nothing found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.test_cli import run
from wfverify.discovery import FileFilter, NoFilesFound, find_files, is_state_machine
from wfverify.testing import check_text

ASL = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
NATIVE = "workflow: w\nstart: a\nstates:\n  a: {type: succeed}\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _found(root: Path, filters: FileFilter | None = None) -> list[str]:
    targets = find_files([str(root)], filters or FileFilter(root=str(root))).targets
    return sorted(Path(d).relative_to(root).as_posix() for d, _ in targets)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.json", ASL, True),
        ("a.json", '{"Comment": "x", "StartAt": "A"}', False),  # StartAt without States
        ("a.json", '{"Resources": {"M": {"StartAt": "A", "States": {}}}}', False),  # nested, not top level
        ("a.json", '{"name": "pkg", "version": "1.0"}', False),
        ("a.json", '{"workflow": "w", "states": {}}', True),
        ("a.yaml", "StartAt: A\nStates:\n  A: {Type: Succeed}\n", True),
        ("a.yaml", "# c\n'StartAt': A\n\"States\": {}\n", True),
        ("a.yaml", NATIVE, True),
        ("a.yaml", "workflow:\n  rules: []\nstages: [build]\n", False),  # GitLab CI's workflow: is a mapping
        ("a.yaml", "Resources:\n  M:\n    StartAt: A\n    States: {}\n", False),  # indented: not top level
        ("a.yaml", "key: value\n", False),
    ],
)
def test_content_sniff(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert is_state_machine(path, path.read_bytes()) is expected


def test_folder_found_by_name_and_by_content(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "flows/state-machine.json": ASL,
            "flows/order.yaml": NATIVE,
            "flows/named.asl.json": "{}",  # named like a workflow: checked whatever its content
            "package.json": '{"name": "x"}',
            "ci.yml": "jobs: {}\n",
            "flows/order.yaml.wfverify.yaml": "states: {}\n",  # a sidecar is never a workflow of its own
            "node_modules/dep/machine.json": ASL,
            ".hidden/machine.json": ASL,
        },
    )
    assert _found(tmp_path) == ["flows/named.asl.json", "flows/order.yaml", "flows/state-machine.json"]


def test_include_and_exclude_are_gitignore_patterns_relative_to_the_root(tmp_path: Path) -> None:
    _tree(tmp_path, {"a/x.asl.json": ASL, "a/b/x.asl.json": ASL, "gen/x.asl.json": ASL, "custom/flow.txt": ASL})
    filters = FileFilter(
        include=("*.asl.json", "custom/*.txt"), exclude=("gen/", "/a/*/x.asl.json"), root=str(tmp_path)
    )
    assert _found(tmp_path, filters) == ["a/x.asl.json", "custom/flow.txt"]


def test_force_exclude_filters_named_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"gen/x.asl.json": ASL, "notes.yaml": "a: 1\n", "m.json": ASL})
    named = [str(tmp_path / "gen/x.asl.json"), str(tmp_path / "notes.yaml"), str(tmp_path / "m.json")]
    plain = find_files(named, FileFilter(exclude=("gen/",), root=str(tmp_path)))
    assert [Path(d).name for d, _ in plain.targets] == ["x.asl.json", "notes.yaml", "m.json"]
    forced = find_files(named, FileFilter(exclude=("gen/",), root=str(tmp_path), force_exclude=True))
    assert ([Path(d).name for d, _ in forced.targets], forced.filtered) == (["m.json"], 2)
    # every named file filtered out (a hook given unrelated files): nothing to do, no error
    assert find_files(named[:2], FileFilter(exclude=("gen/",), root=str(tmp_path), force_exclude=True)).targets == []


def test_nothing_found_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("# no workflows\n")
    with pytest.raises(NoFilesFound):
        find_files([str(tmp_path)])
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"wfverify: error: no workflow files found in {tmp_path}")


def test_cli_checks_content_detected_files_and_config_excludes(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "state-machine.json": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}',
            "vendor/other.json": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}',
            ".wfverify.toml": 'extend-exclude = ["vendor/"]\n',
        },
    )
    result = run("check", ".", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert [f["path"] for f in data["files"]] == ["./state-machine.json"]
    assert [f["rule"] for f in data["findings"]] == ["unknown-target"]


def test_serverless_workflow_is_not_offered() -> None:
    result = run("check", "--dialect", "serverless-workflow", "corpus")
    assert result.returncode == 2 and "invalid choice: 'serverless-workflow'" in result.stderr
    hooks = (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text()
    help_text = run("check", "--help").stdout
    for text in (hooks, help_text):
        assert ".sw." not in text and "sw)" not in text and "serverless-workflow" not in text.lower()
    # nor hinted at: a mapping of no known dialect is not told that `specVersion` would do
    (finding,) = check_text('{"name": "pkg"}', "package.json").findings
    assert finding.rule == "unknown-dialect" and finding.message.startswith(
        "not a workflow definition wfverify knows: found a mapping without 'workflow' or 'States'; expected"
    )


def test_template_discovery_plugs_in_a_sniffer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wfverify import discovery

    _tree(tmp_path, {"infra/main.tf": 'resource "aws_sfn_state_machine" "m" {}\n', "infra/other.tf": "locals {}\n"})
    assert _found(tmp_path) == ["infra/main.tf"]  # wfverify's own template sniffer is registered
    monkeypatch.setattr(discovery, "_SNIFFERS", list(discovery._SNIFFERS[:1]))  # the plain state machine one only
    with pytest.raises(NoFilesFound):
        _found(tmp_path)
    discovery.register_sniffer(
        discovery.Sniffer("terraform", (".tf",), lambda path, head: b'"aws_sfn_state_machine"' in head)
    )
    assert _found(tmp_path) == ["infra/main.tf"]


_NAME = st.text(alphabet="ab.*?_-", min_size=1, max_size=5)


@given(
    patterns=st.lists(st.builds(lambda n, d: n + ("/" if d else ""), _NAME, st.booleans()), min_size=1, max_size=4),
    parts=st.lists(st.text(alphabet="ab._-", min_size=1, max_size=5), min_size=1, max_size=4),
    is_dir=st.booleans(),
)
def test_the_simple_pattern_test_agrees_with_pathspec(patterns: list[str], parts: list[str], is_dir: bool) -> None:
    """Name-only patterns are matched without pathspec; pathspec's gitignore answers are the reference."""
    from pathspec import GitIgnoreSpec

    from wfverify.discovery import _matcher, _simple

    assume(all(_simple(p) for p in patterns) and all(p not in (".", "..") for p in parts))
    rel = "/".join(parts) + ("/" if is_dir else "")
    assert _matcher(tuple(patterns))(rel) == GitIgnoreSpec.from_lines(patterns).match_file(rel)
