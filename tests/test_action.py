"""The GitHub Action and the README's pre-commit snippet, run as they are written.

The action's shell steps run for real: the install step installs this
checkout into a fresh virtualenv (with the test environment's packages visible,
so nothing is downloaded), then the check step runs with the action's inputs
passed through the environment, as a runner does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.test_precommit import _git

ROOT = Path(__file__).resolve().parents[1]
BROKEN = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'
CLEAN = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def _expand(text: str, inputs: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], text)


def _run_step(step: dict, inputs: dict[str, str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    step_env = {k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()}
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={**env, **step_env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _runner_env(tmp_path: Path, bin_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(tmp_path / "github_output"),
    }


@pytest.mark.slow
def test_action_install_step_installs_this_checkout(tmp_path: Path) -> None:
    action = _action()
    defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install wfverify")
    checkout = tmp_path / "action"  # a copy, so the build leaves nothing in this checkout
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__"))
    env = {**_runner_env(tmp_path, venv / "bin"), "GITHUB_ACTION_PATH": str(checkout)}
    installed = _run_step(install, defaults, env, tmp_path)
    assert installed.returncode == 0, installed.stderr
    version = subprocess.run([str(venv / "bin" / "wfverify"), "-V"], capture_output=True, text=True)
    assert version.stdout.startswith("wfverify ")


def test_action_check_step(tmp_path: Path) -> None:
    action = _action()
    defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert "example.invalid" not in (ROOT / "action.yml").read_text()
    install = next(s for s in steps if s.get("name") == "Install wfverify")
    assert install["run"] == 'python -m pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"'
    work = tmp_path / "work"
    work.mkdir()
    (work / "ok.asl.json").write_text(CLEAN)
    output = tmp_path / "github_output"
    env = _runner_env(tmp_path, Path(sys.executable).parent)  # the wfverify installed with the tests
    check = next(s for s in steps if s.get("id") == "check")
    clean = _run_step(check, defaults, env, work)
    assert clean.returncode == 0 and clean.stdout == "", clean.stdout + clean.stderr
    (work / "bad.asl.json").write_text(BROKEN)
    annotated = _run_step(check, defaults, env, work)
    assert annotated.returncode == 1
    assert annotated.stdout.startswith("::error file=./bad.asl.json,line=1,col=")
    sarif = _run_step(check, {**defaults, "output": "sarif", "args": "--fail-on error"}, env, work)
    assert sarif.returncode == 0  # the upload step runs first; a later step fails the job
    assert output.read_text().splitlines()[-1] == "exit-code=1"
    assert '"ruleId": "WF101"' in (work / "wfverify.sarif").read_text()
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    wrong = _run_step(check, {**defaults, "output": "xml"}, env, work)
    assert wrong.returncode == 2 and "output must be 'annotations' or 'sarif'" in wrong.stdout


def _readme_precommit_config() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## pre-commit", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_readme_precommit_snippet_works_as_written(tmp_path: Path) -> None:
    config = _readme_precommit_config()
    assert "example.invalid" not in config and "../" not in config
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (local,) = yaml.safe_load(config)["repos"][0]["hooks"]
    assert local["types_or"] == hooks[0]["types_or"]  # the snippet offers what the published hook offers
    assert local["entry"] == hooks[0]["entry"]
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(config)
    (work / "state-machine.json").write_text(CLEAN)
    (work / "package.json").write_text('{"name": "x"}')
    (work / "notes.yaml").write_text("not: [a workflow\n")
    _git(work, "add", "-A")
    wfverify_bin = Path(sys.executable).parent  # the wfverify installed with the tests' interpreter
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": f"{wfverify_bin}{os.pathsep}{os.environ['PATH']}",
    }
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    good = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert good.returncode == 0, good.stdout + good.stderr
    (work / "flows").mkdir()
    (work / "flows" / "broken.json").write_text(BROKEN)
    _git(work, "add", "-A")
    bad = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "flows/broken.json:1:" in bad.stdout and "unknown-target" in bad.stdout
    assert "notes.yaml" not in bad.stdout and "package.json" not in bad.stdout
    (work / "flows" / "broken.json").unlink()
    (work / "main.tf").write_text(
        'resource "aws_sfn_state_machine" "m" {\n  definition = <<EOF\n'
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}\nEOF\n}\n'
    )
    _git(work, "add", "-A")
    terraform = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert terraform.returncode == 1 and "main.tf:3:" in terraform.stdout and "unknown-target" in terraform.stdout
