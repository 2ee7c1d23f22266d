"""Run the selected rules on one loaded file: stamp, silence, locate, sort.

Pure apart from nothing: the caller (``api``) reads bytes, this module turns
a :class:`~wfverify.load.LoadResult` into a :class:`FileResult`. A rule that
raises becomes an ``internal-error`` finding for that rule and file; the other
rules still run.
"""

from __future__ import annotations

import time
from typing import Any

from wfverify.core.config import path_ignores
from wfverify.core.findings import Finding, Proof, Severity
from wfverify.core.records import dataclass, field, replace
from wfverify.core.registry import Registry
from wfverify.core.results import FileResult
from wfverify.core.rule import Rule
from wfverify.load import LoadResult
from wfverify.load.source import directives_in

__all__ = ["FileResult", "Selection", "run_rules"]


@dataclass(frozen=True)
class Selection:
    """Which rules run, at what severity, with which options."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # rule key -> severity
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> rule keys
    #: The folder ``per_file_ignores`` patterns are relative to (the configuration file's); None: the current one.
    root: str | None = None
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule name -> options
    proofs: bool = True
    debug: bool = False

    def enabled(self, registry: Registry, path: str, definition: str | None = None) -> set[str]:
        """Names of the rules that run on ``path`` (``path#definition`` for a state machine in a template)."""
        if self.select:
            names = {r.name for token in self.select for r in registry.matching(token)}
        else:
            names = {r.name for r in registry.rules}
        names -= self.ignored(registry, path, definition)
        if not self.proofs:
            names -= {r.name for r in registry.rules if r.proof}
        return names

    def ignored(self, registry: Registry, path: str, definition: str | None = None) -> set[str]:
        """Names of the rules ``ignore`` and ``per_file_ignores`` turn off for ``path`` (and ``path#definition``)."""
        tokens = list(self.ignore) + path_ignores(self.per_file_ignores, self.root, path, definition)
        return {r.name for token in tokens for r in registry.matching(token)}


def run_rules(
    path: str,
    loaded: LoadResult,
    registry: Registry,
    selection: Selection,
    rule_options: dict[str, Any] | None = None,
    definition: str | None = None,
) -> FileResult:
    """Everything wfverify says about one loaded file (or one state machine of a template: ``definition``)."""
    started = time.perf_counter()
    enabled = selection.enabled(registry, path, definition)
    raw: list[Finding] = list(loaded.findings)
    proofs: list[Proof] = []
    workflow = loaded.workflow
    if workflow is not None:
        for rule in registry.rules:
            if isinstance(rule, Rule) and rule.name in enabled:
                options = (rule_options or {}).get(rule.name) or rule.options()
                _run_one(rule, workflow, options, raw, proofs, selection.debug)
    findings = [_stamp(f, registry, selection, path) for f in raw]
    findings = [f for f in findings if f.rule in enabled]
    findings = _silence(findings, loaded, registry, (enabled, selection.ignored(registry, path, definition)), path)
    findings = [_locate(f, loaded) for f in findings]
    if definition:
        findings = [replace(f, definition=definition) for f in findings]
    findings.sort(key=Finding.sort_key)
    proofs = [replace(p, path=path, definition=definition) for p in proofs] if selection.proofs else []
    proofs.sort(key=lambda p: p.property)
    states = len(workflow.states) if workflow is not None else 0
    positions = _witness_positions(findings, loaded)
    lines = _source_lines(findings, loaded, path)
    elapsed = time.perf_counter() - started
    return FileResult(path, loaded.dialect, states, findings, proofs, elapsed, positions, lines, definition)


def _source_lines(findings: list[Finding], loaded: LoadResult, path: str) -> dict[int, str]:
    """The text of each line a finding points at, so reporters can show it without reading files again."""
    doc = loaded.document
    if doc is None:
        return {}
    return {f.line: doc.line_text(f.line).rstrip("\r") for f in findings if f.line and f.path == path}


def _witness_positions(findings: list[Finding], loaded: LoadResult) -> dict[str, tuple[int, int]]:
    workflow, doc = loaded.workflow, loaded.document
    if workflow is None or doc is None or all(f.witness is None for f in findings):
        return {}
    from wfverify.core.witness import witness_json

    names: set[str] = set()
    for f in findings:
        stack = [witness_json(f.witness)]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and item in workflow.states:
                names.add(item)
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
    return {n: doc.locate(workflow.states[n].pointer) for n in sorted(names)}


def _run_one(rule: Rule, workflow: Any, options: Any, out: list[Finding], proofs: list[Proof], debug: bool) -> None:
    try:
        for item in rule.check(workflow, options):
            if isinstance(item, Proof):
                proofs.append(item)
            else:
                out.append(replace(item, rule=rule.name))
    except Exception as exc:  # a fault in one rule must not stop the others
        if debug:
            import traceback

        detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
        out.append(
            Finding(
                f"rule {rule.name!r} failed on this file ({detail.strip()}); the other rules ran. "
                "Please report it with this file at the wfverify issue tracker (run with --debug for the traceback)",
                "",
                rule="internal-error",
                args=(("failed_rule", rule.name),),
            )
        )


def _stamp(f: Finding, registry: Registry, selection: Selection, path: str) -> Finding:
    rule = registry.get(f.rule)
    if rule is None:  # a loader reported a name no pack registers: keep it visible
        return replace(f, path=f.path or path)
    severity = f.severity_override or rule.severity
    configured = selection.severity.get(rule.name) or selection.severity.get(rule.code)
    if configured:
        severity = Severity(configured)
    return replace(f, rule=rule.name, code=rule.code, severity=severity, path=f.path or path)


def _directives(loaded: LoadResult) -> dict[str, tuple[str, list[str]]]:
    """state name -> (state pointer, rule keys silenced on it)."""
    out: dict[str, tuple[str, list[str]]] = {}
    workflow, doc = loaded.workflow, loaded.document
    if workflow is None or doc is None:
        return out
    for state in workflow.iter_states():
        keys = directives_in(state.comment) + doc.yaml_directives(state.pointer)
        if keys:
            out[state.name] = (state.pointer, keys)
    return out


def _silence(
    findings: list[Finding], loaded: LoadResult, registry: Registry, rules: tuple[set[str], set[str]], path: str
) -> list[Finding]:
    """Drop findings silenced on their state; report directives that silence nothing.

    ``rules`` is (enabled, ignored by configuration). A directive for a rule the
    configuration ignores is not reported: it may be needed again when the
    configured ignore goes.
    """
    enabled, ignored = rules
    directives = _directives(loaded)
    if not directives:
        return findings
    used: set[tuple[str, str]] = set()
    kept = []
    for f in findings:
        entry = directives.get(f.state or "")
        hit = None
        if entry is not None:
            for key in entry[1]:
                target = registry.get(key)
                if target is not None and target.name == f.rule:
                    hit = key
        if hit is None:
            kept.append(f)
        else:
            used.add((f.state or "", hit))
    if "unused-suppression" in enabled:
        rule = registry.get("unused-suppression")
        for state, (pointer, keys) in directives.items():
            for key in keys:
                if (state, key) in used:
                    continue
                target = registry.get(key)
                if target is not None and target.name in ignored:
                    continue
                why = "no such rule" if target is None else "nothing to silence here"
                kept.append(
                    Finding(
                        f"'wfverify: ignore[{key}]' on state {state!r} silences nothing ({why}); remove it",
                        pointer,
                        state=state,
                        rule="unused-suppression",
                        code=rule.code if rule else "",
                        severity=rule.severity if rule else Severity.WARNING,
                        path=path,
                    )
                )
    return kept


def _at(related: Any, position: tuple[int, int]) -> Any:
    return replace(related, line=position[0], column=position[1])


def _locate(f: Finding, loaded: LoadResult) -> Finding:
    if f.line is not None or loaded.document is None:
        return f
    line, column = loaded.document.locate(f.pointer)
    related = tuple(r if r.line is not None else _at(r, loaded.document.locate(r.pointer)) for r in f.related)
    return replace(f, line=line, column=column, related=related)
