"""Per-rule cases with exact positions: tests/rule_cases/<rule>.yaml, one file per rule, one test.

Each case gives a file's text and the complete list of that rule's findings:
line and column, and where given the code, the JSON Pointer, the witness or
the shadowing rules (0-based). Every registered rule that can fire on a file
has a case file (``internal-error`` is tested with a failing rule instead).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wfverify.testing import check_text, findings_of

CASES = Path(__file__).parent / "rule_cases"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        name = path.stem
        data = yaml.safe_load(path.read_text())
        assert data["rule"] == name
        out += [(name, case) for case in data["cases"]]
    return out


@pytest.mark.parametrize("rule,case", _cases(), ids=lambda x: x["name"] if isinstance(x, dict) else x)
def test_rule_case(rule: str, case: dict) -> None:
    result = check_text(case["text"], case["file"], select=[rule])
    found = sorted(findings_of(result, rule), key=lambda f: (f.line, f.column))
    assert [(f.line, f.column) for f in found] == [(e["line"], e["column"]) for e in case["findings"]], [
        f.message for f in found
    ]
    for f, want in zip(found, case["findings"]):
        if "code" in want:
            assert f.code == want["code"]
        if "pointer" in want:
            assert f.pointer == want["pointer"]
        if "severity" in want:
            assert f.severity.value == want["severity"]
        if "witness" in want:
            assert f.witness == want["witness"]
        if "shadowed_by" in want:
            assert f.witness["shadowed_by"] == want["shadowed_by"]


def test_every_rule_has_a_case_file() -> None:
    from wfverify.testing import registry

    names = {r.name for r in registry().rules} - {"internal-error"}
    assert sorted(names - {p.stem for p in CASES.glob("*.yaml")}) == []
