"""Every rule's page is complete and its examples run: "Example" fires the rule, "Use instead" is clean."""

from __future__ import annotations

import re

import pytest

from wfverify.core.registry import Registry
from wfverify.core.rule import page_sections, rule
from wfverify.engine import Selection, run_rules
from wfverify.testing import check_text, load_text, registry

RULES = registry().rules
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _example(rule_: object, section: str) -> tuple[str, str] | None:
    m = _BLOCK.search(rule_.section(section))  # type: ignore[attr-defined]
    return (m.group(1), m.group(2)) if m else None


def _name_for(lang: str, text: str) -> str:
    if "AWS::" in text:  # a template's state machines, checked as a template
        return "template.json" if lang == "json" else "template.yaml"
    if lang == "json":
        return "example.asl.json" if '"StartAt"' in text or '"States"' in text else "example.wf.json"
    return "example.asl.yaml" if re.search(r"^StartAt:", text, re.M) else "example.wf.yaml"


def test_there_are_rules_for_every_contract_name() -> None:
    names = {r.name for r in RULES}
    for expected in (
        "syntax-error",
        "unknown-dialect",
        "schema-violation",
        "unknown-target",
        "duplicate-state",
        "unreachable-state",
        "dead-end",
        "no-path-to-end",
        "unbounded-loop",
        "missing-default",
        "unreachable-choice-rule",
        "catch-all-not-last",
        "shadowed-catcher",
        "bad-retry",
        "timeout-order",
        "missing-timeout",
        "invalid-path",
        "non-idempotent-retry",
        "internal-error",
        "unused-suppression",
    ):
        assert expected in names


@pytest.mark.parametrize("rule_", RULES, ids=lambda r: r.name)
def test_page_has_its_sections(rule_: object) -> None:
    sections = page_sections(rule_.doc)  # type: ignore[attr-defined]
    assert sections["summary"]
    for title in ("Why is this bad?", "Example", "Use instead"):
        assert sections.get(title), f"{rule_.name}: section {title!r} is empty"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "rule_", [r for r in RULES if _example(r, "Example") and _example(r, "Example")[0] != "text"], ids=lambda r: r.name
)
def test_example_fires_and_use_instead_is_clean(rule_: object) -> None:
    name = rule_.name  # type: ignore[attr-defined]
    lang, bad = _example(rule_, "Example")  # type: ignore[misc]
    good_lang, good = _example(rule_, "Use instead")  # type: ignore[misc]
    fired = [f.rule for f in check_text(bad, _name_for(lang, bad)).findings]
    assert name in fired, f"the Example of {name} does not fire it: {fired}"
    clean = check_text(good, _name_for(good_lang, good)).findings
    assert name not in [f.rule for f in clean], [f.message for f in clean if f.rule == name]


def test_a_failing_rule_becomes_internal_error_and_others_still_run() -> None:
    page = "Always fails.\n## Why is this bad?\nIt is a test.\n## Example\n```text\n-\n```\n## Use instead\n```text\n-\n```"

    @rule(code="WF999", name="explodes", severity="error", doc=page)
    def explodes(workflow: object, options: object):  # noqa: ANN202
        raise RuntimeError("boom")
        yield  # pragma: no cover

    reg = Registry([*registry().rules, explodes])
    loaded = load_text("workflow: w\nstart: a\nstates:\n  a: {type: succeed}\n  b: {type: succeed}\n")
    result = run_rules("w.wf.yaml", loaded, reg, Selection())
    rules = [f.rule for f in result.findings]
    assert "internal-error" in rules and "unreachable-state" in rules
    message = next(f.message for f in result.findings if f.rule == "internal-error")
    assert "explodes" in message and "boom" in message and "report" in message


def test_rule_metadata_is_validated_when_defined() -> None:
    from wfverify.core.rule import RuleDefinitionError

    with pytest.raises(RuleDefinitionError, match="kebab-case"):
        rule(code="WF998", name="Bad_Name", severity="error")(lambda w, o: iter(()))
    with pytest.raises(RuleDefinitionError, match="WF201"):
        rule(code="201", name="fine-name", severity="error")(lambda w, o: iter(()))
