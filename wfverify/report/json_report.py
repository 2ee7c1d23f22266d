"""``--format json``: the contract's shape (docs/json-output.schema.json validates it)."""

from __future__ import annotations

import json
from typing import IO, Any

from wfverify.core.findings import Severity
from wfverify.core.results import Report


def _file(result: Any) -> dict[str, Any]:
    """One entry per checked file, or per state machine of a template (with its ``definition``)."""
    entry: dict[str, Any] = {"path": result.path}
    if result.definition:
        entry["definition"] = result.definition
    return entry | {"dialect": result.dialect, "states": result.states}


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "version": 1,
        "files": [_file(r) for r in report.files],
        "findings": [f.to_json() for f in report.findings],
        "proofs": [p.to_json() for p in report.proofs],
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
    }


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    json.dump(as_dict(report), stream, indent=2, default=str)
    stream.write("\n")
