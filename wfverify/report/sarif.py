"""SARIF 2.1.0: one run, the rules with their help text, results with locations and code flows.

A witness (:mod:`wfverify.core.witness`) that is a path or a saga trace
becomes one ``codeFlow`` with one ``threadFlow``; a lock schedule becomes one
``threadFlow`` per holder, so code-scanning UIs can walk a counterexample step
by step.
"""

from __future__ import annotations

import json
from typing import IO, Any

from wfverify.core.findings import Severity
from wfverify.core.witness import LockSchedule, PathWitness, SagaTrace, as_witness, witness_json

__all__ = ["as_sarif", "render"]

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


#: Where the rule pages live when the installed distribution names no documentation URL.
_FALLBACK_DOCS = "https://pypi.org/project/wfverify/"


def docs_url() -> str:
    """The documentation URL from the distribution's metadata (``Project-URL: Documentation``)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        for entry in metadata("wfverify").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation" and url.strip():
                return str(url.strip())
    except PackageNotFoundError:
        pass
    return _FALLBACK_DOCS


def _rule_descriptor(rule: Any, docs: str) -> dict[str, Any]:
    from wfverify.report.pages import page_text

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.section("Why is this bad?") or rule.summary},
        "help": {"text": page_text(rule), "markdown": page_text(rule)},
        "helpUri": docs if docs == _FALLBACK_DOCS else f"{docs.rstrip('/')}/rules.md#{rule.code.lower()}-{rule.name}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": list(rule.groups)},
    }


def _location(path: str, line: int | None, column: int | None, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": path.replace("\\", "/")},
            "region": {"startLine": line or 1, "startColumn": column or 1},
        }
    }
    if message:
        loc["message"] = {"text": message}
    return loc


def _thread_flows(witness: Any) -> dict[str, list[tuple[str, str]]]:
    """Holder name -> (state, message) steps, for the typed witness classes."""
    w = as_witness(witness)
    if isinstance(w, LockSchedule):
        return {h: [(s.state, s.message or s.action) for s in steps] for h, steps in w.holders.items()}
    if isinstance(w, SagaTrace):
        return {"main": [(s.state, s.message or s.state) for s in w.steps]}
    if isinstance(w, PathWitness):
        return {"main": [(name, name) for name in w.states]}
    return {}


def _code_flows(finding: Any, states: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    threads = []
    for holder, steps in _thread_flows(finding.witness).items():
        locations = []
        for name, text in steps:
            line, column = states.get(name, (finding.line, finding.column))
            locations.append({"location": _location(finding.path, line, column, f"{holder}: {text}")})
        if locations:
            threads.append({"id": holder, "locations": locations})
    return [{"threadFlows": threads}] if threads else []


def as_sarif(
    report: Any, registry: Any, state_positions: dict[str, dict[str, tuple[int, int]]] | None = None
) -> dict[str, Any]:
    from wfverify import __version__
    from wfverify.core.baseline import fingerprint

    docs = docs_url()
    rules = list(registry.rules)
    index = {r.name: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.code or f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(f.path, f.line, f.column)],
            "properties": {"rule": f.rule, "pointer": f.pointer, "state": f.state},
            # rule, file, state and message: stable when lines move (the baseline uses the same)
            "partialFingerprints": {"wfverify/v1": fingerprint(f)},
        }
        if f.definition:  # the state machine inside a template, as a logical location
            result["properties"]["definition"] = f.definition
            result["locations"][0]["logicalLocations"] = [{"name": f.definition, "kind": "module"}]
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.related:
            result["relatedLocations"] = [
                {**_location(f.path, r.line, r.column, r.message), "id": i} for i, r in enumerate(f.related)
            ]
        flows = _code_flows(f, (state_positions or {}).get(f.path, {}))
        if flows:
            result["codeFlows"] = flows
        if f.witness is not None:
            result["properties"]["witness"] = witness_json(f.witness)
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wfverify",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://pypi.org/project/wfverify/",
                        "rules": [_rule_descriptor(r, docs) for r in rules],
                    }
                },
                "results": results,
                "artifacts": [
                    {"location": {"uri": uri}}
                    for uri in dict.fromkeys(r.path.replace("\\", "/") for r in report.files)  # a template: once
                ],
                "columnKind": "unicodeCodePoints",
                "properties": {"proofs": [p.to_json() for p in report.proofs]},
            }
        ],
    }


def render(report: Any, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    positions = {r.path: r.positions for r in report.files}
    json.dump(as_sarif(report, registry, positions), stream, indent=2, default=str)
    stream.write("\n")
