"""Configuration: per-file-ignores relative to the config file, gitignore globs, typos, --show-config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import BROKEN, run
from wfverify.core.config import ConfigError, parse_table, path_ignores, validate_names
from wfverify.core.registry import load_registry


def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    pfi = {"legacy/*.asl.json": ("unreachable-state",), "**/gen/**": ("dead-end",)}
    root = str(tmp_path)
    assert path_ignores(pfi, root, str(tmp_path / "legacy/a.asl.json")) == ["unreachable-state"]
    assert path_ignores(pfi, root, str(tmp_path / "legacy/deep/a.asl.json")) == []  # * stays in one folder
    assert path_ignores(pfi, root, str(tmp_path / "src/legacy/a.asl.json")) == []  # anchored at the config
    assert path_ignores(pfi, root, str(tmp_path / "x/gen/y/z.asl.json")) == ["dead-end"]
    assert path_ignores(pfi, root, "/elsewhere/legacy/a.asl.json") == []


def test_per_file_ignores_do_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    target = tmp_path / "legacy" / "flow.wf.yaml"
    target.write_text(BROKEN.read_text())
    (tmp_path / ".wfverify.toml").write_text('[per-file-ignores]\n"legacy/*.wf.yaml" = ["unreachable-state"]\n')

    def rules(cwd: Path, path: str) -> set[str]:
        return {f["rule"] for f in json.loads(run("check", path, "--format", "json", cwd=cwd).stdout)["findings"]}

    from_root = rules(tmp_path, "legacy/flow.wf.yaml")
    from_inside = rules(tmp_path / "legacy", "flow.wf.yaml")
    assert from_root == from_inside == {"unknown-target", "missing-compensation"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"fail_onn": "error"}, "unknown key 'fail-onn'; did you mean 'fail-on'?"),
        ({"exlude": []}, "unknown key 'exlude'; did you mean 'exclude'?"),
        ({"severity": {"unbounded-loop": "eror"}}, 'use "error", "warning" or "info"; did you mean \'error\'?'),
        ({"fail-on": "warn"}, "did you mean 'warning'?"),
        ({"dialect": "serverless-workflow"}, "'dialect' must be one of native, asl"),
    ],
)
def test_config_mistakes_are_errors_with_a_did_you_mean(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match="^cfg: ") as caught:
        parse_table(table, "cfg")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"severity": {"unreachable-stat": "error"}},
            "[severity]: no rule 'unreachable-stat'; did you mean 'unreachable-state'?",
        ),
        (
            {"per-file-ignores": {"a/*": ["dead-ends"]}},
            "'a/*': no rule, group or code prefix 'dead-ends'; did you mean 'dead-end'?",
        ),
        (
            {"ignore": ["missing-timout"]},
            "ignore: no rule, group or code prefix 'missing-timout'; did you mean 'missing-timeout'?",
        ),
        ({"rules": {"bad-retyr": {}}}, "[rules]: no rule 'bad-retyr'; did you mean 'bad-retry'?"),
        (
            {"rules": {"bad-retry": {"check-total-backof": False}}},
            "[rules.bad-retry]: unknown option 'check-total-backof'; did you mean 'check-total-backoff'?",
        ),
        (
            {"rules": {"bad-retry": {"zzz": 1}}},
            "[rules.bad-retry]: unknown option 'zzz' (it has check-total-backoff, max-total-backoff)",
        ),
        ({"rules": {"dead-end": {"x": 1}}}, "[rules.dead-end]: unknown option 'x' (it has none)"),
        ({"rules": {"syntax-error": {"x": 1}}}, "[rules.syntax-error]: this rule takes no options"),
        (
            {"rules": {"bad-retry": {"check-total-backoff": 3}}},
            '[rules.bad-retry]: option "check-total-backoff" of rule "bad-retry" must be bool, not int',
        ),
    ],
)
def test_unknown_rule_names_in_config_are_errors(table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_names(parse_table(table, "cfg"), load_registry())
    assert str(caught.value).endswith(message)


def test_typo_in_config_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "f.wf.yaml").write_text(BROKEN.read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.wfverify.severity]\nunreachable-stat = "error"\n')
    result = run("check", "f.wf.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"wfverify: error: {tmp_path / 'pyproject.toml'}: [severity]: no rule 'unreachable-stat'; "
        "did you mean 'unreachable-state'?"
    ]


def test_show_config_prints_the_settings_in_effect(tmp_path: Path) -> None:
    (tmp_path / ".wfverify.toml").write_text(
        'ignore = ["dead-end"]\nextend-exclude = ["gen/"]\n[severity]\nunbounded-loop = "error"\n'
    )
    result = run("check", "--show-config", "--fail-on", "warning", "--ignore", "WF5", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"# configuration file: {tmp_path / '.wfverify.toml'}"
    assert 'ignore = ["WF5", "dead-end"]' in lines
    assert 'fail-on = "warning"' in lines
    assert any(line.startswith("exclude = [") and line.endswith('"gen/"]') for line in lines)
    assert lines[-2:] == ["[severity]", 'unbounded-loop = "error"']


def test_a_pyproject_that_is_not_toml_is_an_error_not_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "f.wf.yaml").write_text(BROKEN.read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.wfverify\nignore = ["unknown-target"]\n')
    result = run("check", "f.wf.yaml", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("wfverify: error: ") and "pyproject.toml: not valid TOML: " in result.stderr
    # a broken pyproject.toml that does not mention wfverify is not ours to judge
    (tmp_path / "pyproject.toml").write_text('[project\nname = "x"\n')
    assert run("check", "f.wf.yaml", cwd=tmp_path).returncode == 1
