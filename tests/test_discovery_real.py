"""Discovery by content on real repositories: every plain state machine found, no template or config taken.

Reads the real AWS examples by path (skipped when they are not beside the checkout).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from wfverify.discovery import WORKFLOW_SUFFIXES, FileFilter, find_files

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="real definitions not available")


def _is_state_machine(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
        data = (
            json.loads(text)
            if path.suffix == ".json"
            else yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
        )
    except (ValueError, yaml.YAMLError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and (
        ("StartAt" in data and "States" in data) or (isinstance(data.get("workflow"), str) and "states" in data)
    )


def _declares_state_machine(path: Path) -> bool:
    """A template (SAM/CloudFormation/Terraform/Serverless) that declares a state machine: checked as a template."""
    text = path.read_bytes()
    if path.suffix == ".tf":
        return b'"aws_sfn_state_machine"' in text
    return b"AWS::StepFunctions::StateMachine" in text or b"AWS::Serverless::StateMachine" in text


def test_content_discovery_matches_a_full_parse_on_real_files() -> None:
    found = {Path(d).resolve() for d, _ in find_files([str(REAL)], FileFilter(root=str(REAL))).targets}
    every = [p for p in REAL.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".yaml", ".yml", ".tf")]
    templates = {p.resolve() for p in every if _declares_state_machine(p)}
    assert templates - found == set()  # every template that declares a state machine is found
    found -= templates
    candidates = [p for p in every if p.suffix.lower() != ".tf"]
    by_content = {p.resolve() for p in candidates if _is_state_machine(p)}
    by_name = {p.resolve() for p in candidates if p.name.lower().endswith(WORKFLOW_SUFFIXES)}
    assert by_content - found == set()  # nothing missed
    assert found - by_content - by_name == set()  # nothing taken that is neither named nor a state machine
    assert len(by_content - by_name) >= 3  # plain names such as statemachine.json are found
