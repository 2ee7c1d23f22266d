"""missing-default and unreachable-choice-rule end to end: pages, findings, witness replay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wfverify.core.evaluate import AbsentVariable, evaluate
from wfverify.testing import check_text, findings_of, registry, workflow_from_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "choices"
RULES = ("missing-default", "unreachable-choice-rule")


def _block(section: str) -> str:
    match = re.search(r"```(?:yaml|json)\n(.*?)```", section, re.S)
    assert match, section
    return match.group(1)


@pytest.mark.parametrize("name", RULES)
def test_page_example_fires_and_use_instead_is_clean(name: str) -> None:
    rule = registry().get(name)
    assert rule is not None and rule.proof
    bad = check_text(_block(rule.section("Example")), "bad.wf.yaml", select=[name])
    good = check_text(_block(rule.section("Use instead")), "good.wf.yaml", select=[name])
    assert findings_of(bad, name) and not findings_of(good, name)


def _replay_outcome(conditions: list, data: dict) -> str:
    for cond in conditions:
        try:
            if evaluate(cond, data):
                return "match"
        except AbsentVariable:
            return "fail"
    return "none"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.wf.yaml")), ids=lambda p: p.name)
def test_corpus_witnesses_replay(path: Path) -> None:
    text = path.read_text()
    wf = workflow_from_text(text, path.name)
    result = check_text(text, path.name, select=list(RULES))
    for f in findings_of(result, "missing-default"):
        conds = [r.condition for r in wf.states[f.state].choices]
        assert _replay_outcome(conds, f.witness) == "none", f.message
    for f in findings_of(result, "unreachable-choice-rule"):
        state = wf.states[f.state]
        index = int(re.search(r"rule (\d+)", f.message).group(1)) - 1
        if not f.witness:  # unsatisfiable: no input at all makes it true (checked in test_smt_choices)
            continue
        from test_smt_choices import solve

        sample = solve(state.choices[index].condition, True, dict(wf.inputs))
        assert sample is not None
        earlier = [state.choices[j].condition for j in f.witness["shadowed_by"]]
        assert _replay_outcome(earlier, sample) in ("match", "fail")
        given = f.witness["input"]  # the rule's own sample: accepted by it, taken by an earlier rule
        assert evaluate(state.choices[index].condition, given)
        assert _replay_outcome(earlier, given) in ("match", "fail")
        assert len(f.related) == len(f.witness["shadowed_by"])


def test_proof_verdicts_per_file() -> None:
    verdicts = {}
    for path in sorted(CORPUS.glob("*.wf.yaml")):
        result = check_text(path.read_text(), path.name, select=["missing-default"])
        (proof,) = result.proofs
        verdicts[path.name] = proof.verdict.value
    assert verdicts["tiered-pricing.wf.yaml"] == "proven"
    assert verdicts["shipping-route.wf.yaml"] == "violated"
    nothing = check_text("workflow: w\nstart: a\nstates:\n  a: {type: succeed}\n", select=["missing-default"])
    assert [p.verdict.value for p in nothing.proofs] == ["n/a"]


def test_no_proofs_skips_the_solver_rules() -> None:
    text = (CORPUS / "shipping-route.wf.yaml").read_text()
    result = check_text(text, "x.wf.yaml", proofs=False)
    assert not findings_of(result, "missing-default") and not result.proofs


def test_absent_read_finding_names_the_field() -> None:
    from test_smt_choices import choice

    from wfverify.core.expr import Cmp, Lit, Var

    wf, state = choice([Cmp("==", Var(("status",), True), Lit("OK"), "string")], default="done")
    rule = registry().get("absent-field")
    (finding,) = list(rule.check(wf, rule.options()))
    assert "rule 1 reads $.status, which may be absent" in finding.message
    assert finding.witness == {} and dict(finding.args)["absent"] == ("status",)
    assert finding.pointer == "/States/C/Choices/0" and finding.severity_override is None
    proof = list(registry().get("missing-default").check(wf, rule.options()))[-1]
    assert proof.verdict.value == "violated"  # an input that fails is not routed


def test_shadowing_by_a_rule_that_fails_says_so() -> None:
    from test_smt_choices import choice

    from wfverify.core.expr import Cmp, Lit, Var

    n = Var(("n",), True)
    wf, state = choice(
        [Cmp(">", n, Lit(0), "number"), Cmp("<=", n, Lit(0), "number"), Cmp("==", n, Lit(5), "number")], default="done"
    )
    rule = registry().get("unreachable-choice-rule")
    (finding,) = list(rule.check(wf, rule.options()))
    assert finding.pointer == "/States/C/Choices/2" and "earlier rule 1" in finding.message
    assert "fails the execution reading an absent field" in finding.message
