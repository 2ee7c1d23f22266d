"""The documents in the repository: complete, generated where they can be, never pointing outside it."""

from __future__ import annotations

import re
from pathlib import Path

from wfverify.core.config import _KEYS
from wfverify.core.registry import load_registry
from wfverify.load.native_schema import FIELDS, TOP
from wfverify.load.sidecar import _STATE_FIELDS
from wfverify.report.pages import rules_index

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_rules_index_is_up_to_date() -> None:
    expected = rules_index(load_registry())
    assert (DOCS / "rules.md").read_text() == expected, (
        "docs/rules.md is stale: run 'wfverify rules --format markdown > docs/rules.md'"
    )


def _backticked(text: str) -> set[str]:
    """Names written as inline code, outside fenced blocks."""
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    return set(re.findall(r"`([^`\n]+)`", prose))


def test_native_format_reference_names_every_field() -> None:
    names = _backticked((DOCS / "native-format.md").read_text())
    fields = set(TOP["properties"]) | {f for per_type in FIELDS.values() for f in per_type} | set(FIELDS)
    assert fields - names == set()


def test_sidecar_reference_names_every_field() -> None:
    names = _backticked((DOCS / "sidecar.md").read_text())
    assert (set(_STATE_FIELDS) | {"input", "concurrent", "states"}) - names == set()


def test_configuration_reference_names_every_key() -> None:
    names = _backticked((DOCS / "configuration.md").read_text())
    assert (set(_KEYS) - {"rules", "severity", "per-file-ignores"}) - names == set()
    for table in ("[severity]", "[per-file-ignores]", "[rules.NAME]"):
        assert f"`{table}`" in (DOCS / "configuration.md").read_text()


def test_no_user_facing_file_points_outside_the_repository() -> None:
    files = [ROOT / "README.md", ROOT / "action.yml", ROOT / ".pre-commit-hooks.yaml", ROOT / "pyproject.toml"]
    files += sorted(DOCS.glob("*"))
    files += sorted((ROOT / "wfverify").rglob("*.py")) + sorted((ROOT / "rules").glob("*.py"))
    for path in files:
        text = path.read_text()
        assert "../shared" not in text and "example.invalid" not in text, path
    for link in re.findall(r"\]\(([^)#]+)", (ROOT / "README.md").read_text()):
        assert (ROOT / link).exists(), link


def test_readme_quick_start_is_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\n\n```bash\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1).splitlines() == ["pip install . && wfverify check corpus/", "pip install '.[test]' && pytest"]
