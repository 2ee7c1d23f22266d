"""Adversarial workflows written to fool each proof, with their true verdicts (issue 12).

Every file in ``tests/adversarial/`` is a small workflow (native YAML, or ASL
with a ``<file>.wfverify.yaml`` sidecar) built to trick one proof or one lock
rule: nested parallels and maps with locks at different levels, a parent
holding a lock its children wait for, ``concurrent: true``, aliasing lock
names, lock timeouts, rings that need three copies; counters updated on
failing paths, types changed by ``set``, string/number comparisons, IEEE
doubles, non-linear conditions; saga failures that are not task errors.

``cases.yaml`` gives, per file, the true verdict of each property (from the
exhaustive explorer, ``wfverify explore``, with the witness inputs replayed,
and from reasoning where the explorer stops at a bound), the rules that must
fire or must stay silent, and one line saying why. The static verdict must be
the true one, or an answer listed in ``also_honest`` (an ``unknown`` where the
question is beyond the encoding, ``proven`` for a trivially true ``n/a``):
a wrong ``proven``, ``n/a`` or ``violated`` fails.

Cases the current code gets wrong carry ``known`` (the reason) and are
``xfail(strict=False)``, so the suite stays green while the fixes land and
each fix turns its case into a pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wfverify.core.findings import PROOF_PROPERTIES, Verdict
from wfverify.simulate.explore import Bounds, explore
from wfverify.testing import check_text, workflow_from_text

HERE = Path(__file__).resolve().parent / "adversarial"
SIDECAR = ".wfverify.yaml"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
VERDICTS = {"proven", "violated", "unknown", "n/a"}


def _params() -> list[Any]:
    out = []
    for name, case in sorted(CASES.items()):
        marks = [pytest.mark.xfail(strict=False, reason=case["known"])] if "known" in case else []
        out.append(pytest.param(name, case, id=name, marks=marks))
    return out


def _oracle_params() -> list[Any]:
    out = []
    for name, case in sorted(CASES.items()):
        if "oracle" not in case:
            continue
        known = case["oracle"].get("known")
        marks = [pytest.mark.xfail(strict=False, reason=known)] if known else []
        out.append(pytest.param(name, case, id=name, marks=marks))
    return out


def _sidecar_text(name: str) -> str | None:
    sidecar = HERE / (name + SIDECAR)
    return sidecar.read_text(encoding="utf-8") if sidecar.exists() else None


def _check(name: str) -> tuple[dict[str, str], set[str]]:
    """The static verdicts and the names of the rules that fired on one case file."""
    result = check_text((HERE / name).read_text(encoding="utf-8"), name, sidecar=_sidecar_text(name))
    verdicts = {p.property: p.verdict.value for p in result.proofs}
    return verdicts, {f.rule for f in result.findings}


def test_every_case_file_has_an_expectation_and_every_expectation_a_file() -> None:
    files = {p.name for p in HERE.glob("*.*.*") if not p.name.endswith(SIDECAR)}
    assert files == set(CASES)
    for name, case in CASES.items():
        assert set(case["truth"]) == set(PROOF_PROPERTIES), name
        assert set(case["truth"].values()) <= VERDICTS, name
        assert case["why"].strip(), name


@pytest.mark.parametrize(("name", "case"), _params())
def test_static_verdicts_match_the_truth(name: str, case: dict[str, Any]) -> None:
    verdicts, fired = _check(name)
    assert "internal-error" not in fired, f"{name}: a rule or proof crashed"
    honest = case.get("also_honest", {})
    wrong = {
        prop: (verdicts.get(prop), truth)
        for prop, truth in case["truth"].items()
        if verdicts.get(prop) != truth and verdicts.get(prop) not in honest.get(prop, [])
    }
    assert not wrong, f"{name}: static verdict != true verdict ({case['why']}): {wrong}"
    missing = set(case.get("must_fire", [])) - fired
    assert not missing, f"{name}: silent rules {sorted(missing)} ({case['why']})"
    spurious = set(case.get("must_not_fire", [])) & fired
    assert not spurious, f"{name}: false positives {sorted(spurious)} ({case['why']})"


@pytest.mark.parametrize(("name", "case"), _oracle_params())
def test_the_explorer_agrees_with_the_truth(name: str, case: dict[str, Any]) -> None:
    """The oracle agrees: from the inputs named (or its own boundary inputs) it finds every violation recorded,
    and refutes nothing that is true."""
    oracle = case["oracle"]
    workflow = workflow_from_text((HERE / name).read_text(encoding="utf-8"), name, _sidecar_text(name))
    bounds = Bounds(executions=oracle.get("executions", 2), seconds=10.0)
    result = explore(workflow, bounds, inputs=oracle.get("inputs"))
    for prop, truth in case["truth"].items():
        got = result.properties[prop]
        if truth == "violated":
            assert got.verdict is Verdict.VIOLATED, (prop, got.detail)
        else:
            assert got.verdict is not Verdict.VIOLATED, (prop, got.detail)
