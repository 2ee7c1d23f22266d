"""Baselines: today's findings recorded, so a repository can adopt wfverify and see only new ones.

A finding's fingerprint hashes its rule, file, state and message, never its
line: editing elsewhere in a file moves lines but does not make old findings
new. The same finding may occur more than once, so a baseline counts each
fingerprint and hides at most that many.

The file (JSON) keeps a readable copy of each entry next to its fingerprint,
so a review of the baseline shows what was accepted. Pure: the CLI reads and
writes the file.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.records import replace
from wfverify.core.results import Report

__all__ = ["BaselineError", "apply_baseline", "baseline_text", "fingerprint", "parse_baseline", "portable_path"]

VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not one."""


def portable_path(path: str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the current folder), with forward slashes; ``-`` as is."""
    if path == "-":
        return path
    try:
        return Path(os.path.relpath(Path(path).resolve(), (base or Path(".")).resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()


def fingerprint(finding: Finding, base: Path | None = None) -> str:
    """A stable identity for ``finding``: sha256 over rule, file, state and message (16 hex digits)."""
    parts = (finding.rule, portable_path(finding.path, base), finding.state or "", finding.message)
    import hashlib

    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


def _entry(finding: Finding, base: Path) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint(finding, base),
        "rule": finding.rule,
        "path": portable_path(finding.path, base),
        "state": finding.state,
        "message": finding.message,
    }


def baseline_text(report: Report, base: Path) -> tuple[str, int]:
    """The baseline file's text for every finding of ``report`` (paths relative to ``base``), and the count."""
    entries = sorted((_entry(f, base) for f in report.findings), key=lambda e: (e["path"], e["rule"], e["message"]))
    data = {"version": VERSION, "tool": "wfverify", "findings": entries}
    return json.dumps(data, indent=2) + "\n", len(entries)


def parse_baseline(text: str, source: str) -> Counter[str]:
    """Fingerprint -> how many findings it stands for; ``source`` names the file in errors."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{source}: not a wfverify baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{source}: not a wfverify baseline (write one with --write-baseline)")
    if data.get("version") != VERSION:
        raise BaselineError(f"{source}: baseline version {data.get('version')!r} is not {VERSION}")
    return Counter(str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict))


def apply_baseline(report: Report, known: Counter[str], source: Path) -> tuple[Report, int]:
    """The report without the findings the baseline knows, and how many were hidden."""
    base = source.resolve().parent
    left = Counter(known)
    hidden = 0
    files = []
    for result in report.files:
        kept = []
        for f in result.findings:
            key = fingerprint(f, base)
            if left[key] > 0:
                left[key] -= 1
                hidden += 1
            else:
                kept.append(f)
        files.append(replace(result, findings=kept))
    return Report(files), hidden
