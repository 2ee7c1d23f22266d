"""Per-rule cases with exact positions: tests/rule_cases/<rule>.yaml.

Each case gives a file's text and the complete list of that rule's findings
(line, column, and optionally the witness or the shadowing rules, 0-based).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wfverify.testing import check_text, findings_of

CASES = Path(__file__).parent / "rule_cases"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for name in ("missing-default", "unreachable-choice-rule"):
        data = yaml.safe_load((CASES / f"{name}.yaml").read_text())
        assert data["rule"] == name
        out += [(name, case) for case in data["cases"]]
    return out


@pytest.mark.parametrize("rule,case", _cases(), ids=lambda x: x["name"] if isinstance(x, dict) else x)
def test_rule_case(rule: str, case: dict) -> None:
    result = check_text(case["text"], case["file"], select=[rule])
    found = sorted(findings_of(result, rule), key=lambda f: (f.line, f.column))
    assert [(f.line, f.column) for f in found] == [(e["line"], e["column"]) for e in case["findings"]], \
        [f.message for f in found]
    for f, want in zip(found, case["findings"]):
        if "witness" in want:
            assert f.witness == want["witness"]
        if "shadowed_by" in want:
            assert f.witness["shadowed_by"] == want["shadowed_by"]
