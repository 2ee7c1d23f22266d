"""Every corpus workflow gives exactly the findings (and proof verdicts) its expectation file states.

``corpus/<area>/<file>`` has ``<file>.expected.json`` beside it::

    {"findings": [{"rule": "unreachable-state", "line": 12, "column": 3}, ...],
     "proofs": {"saga": "violated"}}

``findings`` is the complete list (sorted by line, column, rule); ``proofs`` names
only the properties worth pinning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfverify.api import Options, check_paths
from wfverify.testing import registry

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTATIONS = sorted(CORPUS.rglob("*.expected.json"))


def test_corpus_is_not_empty() -> None:
    assert len(EXPECTATIONS) >= 12


@pytest.mark.parametrize("expected_path", EXPECTATIONS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file(expected_path: Path) -> None:
    workflow = expected_path.with_name(expected_path.name[: -len(".expected.json")])
    assert workflow.exists(), f"{expected_path} has no workflow beside it"
    expected = json.loads(expected_path.read_text())
    report = check_paths([str(workflow)], Options(), registry())
    got = sorted((f.rule, f.line, f.column) for f in report.findings)
    want = sorted((f["rule"], f["line"], f["column"]) for f in expected.get("findings", []))
    assert got == want, "\n".join(f"{f.line}:{f.column} {f.rule}: {f.message}" for f in report.findings)
    verdicts = {p.property: p.verdict.value for p in report.proofs}
    for prop, verdict in expected.get("proofs", {}).items():
        assert verdicts.get(prop) == verdict, f"{prop}: {verdicts.get(prop)} != {verdict}"


def test_every_workflow_in_the_corpus_has_expectations() -> None:
    from wfverify.discovery import discover

    files = [Path(p) for p, _ in discover([str(CORPUS)])]
    missing = [str(f) for f in files if not f.with_name(f.name + ".expected.json").exists()]
    assert missing == []


def test_every_rule_has_a_real_style_workflow_in_the_corpus() -> None:
    fired = set()
    for path in EXPECTATIONS:
        fired |= {f["rule"] for f in json.loads(path.read_text()).get("findings", [])}
    names = {r.name for r in registry().rules} - {"internal-error"}  # needs a fault in wfverify itself
    assert sorted(names - fired) == []
