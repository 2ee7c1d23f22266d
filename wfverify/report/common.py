"""Pieces every human-readable reporter shares: source snippets, the proof tally, the summary line."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wfverify.core.findings import Severity, Verdict
from wfverify.core.results import Report

__all__ = ["proof_tally", "proofs_line", "rule_counts", "shorten_left", "snippet", "summary_line"]

#: Longest source line shown in a snippet; longer lines are cut around the column.
SNIPPET_WIDTH = 100


def snippet(text: str, line: int, column: int, width: int = SNIPPET_WIDTH) -> tuple[str, str, str]:
    """(gutter, source, marker): the line as written and a caret under the column.

    Tabs become spaces so the caret lines up; a line longer than ``width`` is
    cut to a window of ``width`` characters around the column, with ``...``
    (up to 6 more characters) where text was left out.
    """
    source = text.expandtabs(4)
    col = len(text[: max(column - 1, 0)].expandtabs(4))
    if len(source) > width:
        start = max(0, min(col - width // 2, len(source) - width))
        prefix = "..." if start else ""
        source = prefix + source[start : start + width] + ("..." if start + width < len(source) else "")
        col = col - start + len(prefix)
    return str(line), source, " " * col + "^"


def proof_tally(report: Report) -> Counter[str]:
    return Counter(p.verdict.value for p in report.proofs)


def proofs_line(report: Report) -> str | None:
    """One line for every verdict: ``proofs: 58 proven, 2 violated, 3 unknown``; None when nothing was proven."""
    tally = proof_tally(report)
    parts = [
        f"{tally[v]} {v}" for v in (Verdict.PROVEN.value, Verdict.VIOLATED.value, Verdict.UNKNOWN.value) if tally[v]
    ]
    return "proofs: " + ", ".join(parts) if parts else None


def summary_line(report: Report, options: dict[str, Any]) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    line = f"{len(report.files)} file(s) checked: {errors} error(s), {warnings} warning(s)"
    if infos:
        line += f", {infos} info"
    hidden = options.get("baseline_hidden", 0)
    if hidden:
        line += f" ({hidden} known finding(s) in the baseline not shown)"
    return line


def shorten_left(path: str, width: int) -> str:
    """``…/deep/folder/file.asl.json``: the end of a path is what tells files apart."""
    if len(path) <= width or width < 4:
        return path
    return "…" + path[len(path) - width + 1 :]


def rule_counts(report: Report) -> list[tuple[int, str, str, str]]:
    """(count, code, name, severity) per rule, most frequent first (``--statistics``)."""
    counts: Counter[tuple[str, str, str]] = Counter((f.code, f.rule, f.severity.value) for f in report.findings)
    return sorted(((n, *key) for key, n in counts.items()), key=lambda row: (-row[0], row[1], row[3]))
