"""Plain text: ``path:line:col: severity name [code] message``, one finding a line.

Under each finding, unless ``show_source`` is off or ``quiet`` is on, the
source line with a caret at the column, every such line indented and starting
with a number or ``|`` so that programs reading ``path:line:col:`` lines are
not disturbed. Proven verdicts are tallied in one line; ``show_proofs`` lists
every verdict.
"""

from __future__ import annotations

from typing import IO, Any

from wfverify.core.results import Report
from wfverify.report.common import proofs_line, snippet, summary_line


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    quiet = options.get("quiet", False)
    show_source = options.get("show_source", True) and not quiet
    for result in report.files:
        for f in result.findings:
            machine = f"{f.definition}: " if f.definition else ""  # the state machine inside a template
            stream.write(
                f"{f.path}:{f.line or 1}:{f.column or 1}: {f.severity.value} {f.rule} [{f.code}] {machine}{f.message}\n"
            )
            text = result.lines.get(f.line or 0) if f.path == result.path else None
            if show_source and text is not None and text.strip():
                gutter, source, marker = snippet(text, f.line or 1, f.column or 1)
                pad = " " * len(gutter)
                stream.write(f"  {gutter} | {source}\n  {pad} | {marker}\n")
    if not quiet:
        _proofs(report, stream, options.get("show_proofs", False))
    stream.write(summary_line(report, options) + "\n")


def _proofs(report: Report, stream: IO[str], show_all: bool) -> None:
    for p in report.proofs:
        if show_all or p.verdict.value in ("violated", "unknown"):
            if p.verdict.value != "n/a" or show_all:
                where = f"{p.path}#{p.definition}" if p.definition else p.path
                stream.write(f"{where}: proof {p.property}: {p.verdict.value} ({p.detail})\n")
    line = proofs_line(report)
    if line:
        stream.write(line + ("" if show_all else " (--show-proofs lists them)") + "\n")
