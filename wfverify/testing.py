"""Helpers for rule authors' tests (ours and third-party packs alike).

>>> from wfverify.testing import check_text
>>> result = check_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', "x.asl.json")
>>> [f.rule for f in result.findings]
[]
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

from wfverify.core.model import Workflow
from wfverify.core.registry import Registry, load_registry
from wfverify.core.results import FileResult
from wfverify.engine import Selection, run_rules
from wfverify.load import LoadOptions, LoadResult, load_bytes

__all__ = ["check_text", "check_template_text", "load_text", "workflow_from_text", "registry", "findings_of"]

_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The registry of installed packs, loaded once per process."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = load_registry()
    return _REGISTRY


def load_text(
    text: str, name: str = "test.wf.yaml", sidecar: str | None = None, options: LoadOptions = LoadOptions()
) -> LoadResult:
    """Load a definition from a string (dedented). ``sidecar`` is annotation YAML."""
    side = (textwrap.dedent(sidecar).encode(), name + ".wfverify.yaml") if sidecar is not None else None
    return load_bytes(textwrap.dedent(text).encode("utf-8"), name, options, side)


def workflow_from_text(text: str, name: str = "test.wf.yaml", sidecar: str | None = None) -> Workflow:
    """The model of a definition that must load; raises AssertionError with the load findings otherwise."""
    loaded = load_text(text, name, sidecar)
    if loaded.workflow is None:
        raise AssertionError(f"{name} did not load: {[f.message for f in loaded.findings]}")
    return loaded.workflow


def check_text(
    text: str,
    name: str = "test.wf.yaml",
    select: Iterable[str] = (),
    sidecar: str | None = None,
    proofs: bool = True,
    options: LoadOptions = LoadOptions(),
    rule_options: dict[str, Any] | None = None,
) -> FileResult:
    """Load and run the rules (all, or ``select``) on a definition held in a string.

    A template (``template.yaml``, ``main.tf``, ``serverless.yml``...) is checked as one: the
    findings of all its state machines come back in one result."""
    from wfverify.embedded import template_kind

    if template_kind(name, None, textwrap.dedent(text).encode("utf-8"), explicit=True):
        return check_template_text(text, name, {}, select, proofs, options, rule_options)
    loaded = load_text(text, name, sidecar, options)
    selection = Selection(select=tuple(select), proofs=proofs)
    return run_rules(name, loaded, registry(), selection, rule_options)


def check_template_text(
    text: str,
    name: str = "template.yaml",
    files: dict[str, str] | None = None,
    select: Iterable[str] = (),
    proofs: bool = True,
    options: LoadOptions = LoadOptions(),
    rule_options: dict[str, Any] | None = None,
) -> FileResult:
    """Check a template held in a string, with the ``files`` it references (relative name -> text),
    in a temporary repository; one result with the findings of every state machine."""
    import tempfile
    from pathlib import Path

    from wfverify.embedded import check_template, template_kind

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        for relative, content in {name: text, **(files or {})}.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(textwrap.dedent(content))
        kind = template_kind(name, root / name, explicit=True) or "cloudformation"
        selection = Selection(select=tuple(select), proofs=proofs)
        results, _ = check_template(name, root / name, kind, root, registry(), selection, options, rule_options or {})
    merged = FileResult(name, None, 0, [f for r in results for f in r.findings], [p for r in results for p in r.proofs])
    merged.states = sum(r.states for r in results)
    return merged


def findings_of(result: FileResult, rule: str) -> list[Any]:
    return [f for f in result.findings if f.rule == rule]
