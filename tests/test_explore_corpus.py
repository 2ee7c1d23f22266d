"""The corpus's pinned proof verdicts against the exhaustive explorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfverify.core.findings import Verdict
from wfverify.simulate.explore import explore

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


#: Corpus verdicts the explorer refutes today (static analyses being fixed by other helpers, issue 12).
KNOWN_CORPUS_DISAGREEMENTS = {
    # `choices: []` matches nothing: NoChoiceMatched after issue_invoice completed, and no compensation runs
    ("rules/invoice-retry.wf.yaml", "saga"),
}


@pytest.mark.parametrize(
    "expected_path", sorted(CORPUS.rglob("*.expected.json")), ids=lambda p: str(p.relative_to(CORPUS))
)
def test_the_corpus_pinned_proofs_are_not_refuted(expected_path: Path) -> None:
    """Every verdict the corpus pins: a ``proven`` the explorer refutes, or a ``violated`` it proves, is wrong."""
    from wfverify.load import SIDECAR_SUFFIX, load_bytes

    path = expected_path.with_name(expected_path.name[: -len(".expected.json")])
    name = path.relative_to(CORPUS).as_posix()
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    loaded = load_bytes(path.read_bytes(), str(path), sidecar=(side.read_bytes(), str(side)) if side.exists() else None)
    if loaded.workflow is None:
        return
    result = explore(loaded.workflow)
    wrong = set()
    for prop, verdict in json.loads(expected_path.read_text()).get("proofs", {}).items():
        got = result.properties[prop]
        refuted = got.verdict is Verdict.VIOLATED and (prop != "deadlock-freedom" or got.kind == "cycle")
        if verdict in ("proven", "n/a") and refuted:
            wrong.add((name, prop))
        storm = prop == "deadlock-freedom" and result.timeout_storm is not None
        if verdict == "violated" and got.verdict is Verdict.PROVEN and not storm:
            wrong.add((name, prop))
    assert wrong <= KNOWN_CORPUS_DISAGREEMENTS, wrong
