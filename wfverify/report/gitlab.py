"""GitLab Code Quality: a JSON array of issues (``artifacts: reports: codequality``).

Each issue carries ``description``, ``check_name``, ``fingerprint`` (unique in
the report: the baseline fingerprint, then a counter for repeats),
``severity`` (``major`` for errors, ``minor`` for warnings, ``info``) and
``location`` with ``path`` and ``lines.begin``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from wfverify.core.baseline import fingerprint, portable_path
from wfverify.core.findings import Severity
from wfverify.core.results import Report

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issues(report: Report) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    out = []
    for f in report.findings:
        key = fingerprint(f)
        seen[key] += 1
        out.append(
            {
                "type": "issue",
                "description": f"{f.message} [{f.code}]",
                "check_name": f.rule,
                "fingerprint": key if seen[key] == 1 else f"{key}-{seen[key]}",
                "severity": _SEVERITY[f.severity],
                "categories": ["Bug Risk"],
                "location": {"path": portable_path(f.path), "lines": {"begin": f.line or 1}},
            }
        )
    return out


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    json.dump(issues(report), stream, indent=2)
    stream.write("\n")
