"""Plain text: ``path:line:col: severity name [code] message``, one finding a line."""

from __future__ import annotations

from typing import IO, Any

from wfverify.core.findings import Severity
from wfverify.core.results import Report


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    for f in report.findings:
        machine = f"{f.definition}: " if f.definition else ""
        stream.write(
            f"{f.path}:{f.line or 1}:{f.column or 1}: {f.severity.value} {f.rule} [{f.code}] {machine}{f.message}\n"
        )
    if options.get("quiet"):
        return
    for p in report.proofs:
        if p.verdict.value != "n/a":
            where = f"{p.path}#{p.definition}" if p.definition else p.path
            stream.write(f"{where}: proof {p.property}: {p.verdict.value} ({p.detail})\n")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    stream.write(f"{len(report.files)} file(s) checked: {errors} error(s), {warnings} warning(s)\n")
