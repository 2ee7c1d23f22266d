"""The pre-commit hook, run for real with ``pre-commit try-repo`` in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


def _hook_repo(tmp: Path) -> Path:
    """A committed copy of this checkout (try-repo needs a git repository with the hook file at HEAD)."""
    repo = tmp / "hook"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(
            ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "build", ".venv"
        ),
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "hook")
    return repo


@pytest.mark.slow
def test_hook_passes_clean_files_and_fails_broken_ones(tmp_path: Path) -> None:
    hook = _hook_repo(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / "ok.wf.yaml").write_text((ROOT / "corpus" / "native" / "order-fulfillment.wf.yaml").read_text())
    (work / "notes.yaml").write_text("not: [a workflow\n")  # not matched by the hook's file pattern
    _git(work, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook), "wfverify", "--all-files"]
    good = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert good.returncode == 0, good.stdout + good.stderr
    (work / "bad.asl.json").write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}')
    _git(work, "add", "-A")
    bad = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.asl.json:1:" in bad.stdout and "unknown-target" in bad.stdout
    assert "notes.yaml" not in bad.stdout
