"""``check --statistics``: how many findings each rule produced, most frequent first.

A table for people (``count code name severity``), or a JSON list when the
chosen format is ``json``.
"""

from __future__ import annotations

import json
from typing import IO, Any

from wfverify.core.results import Report
from wfverify.report.common import rule_counts, summary_line


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    rows = rule_counts(report)
    if options.get("format") == "json":
        data = [{"count": n, "code": code, "rule": name, "severity": sev} for n, code, name, sev in rows]
        json.dump(data, stream, indent=2)
        stream.write("\n")
        return
    width = max((len(str(n)) for n, *_ in rows), default=1)
    name_width = max((len(name) for _, _, name, _ in rows), default=0)
    for n, code, name, severity in rows:
        stream.write(f"{n:>{width}}  {code:<6} {name:<{name_width}}  {severity}\n")
    stream.write(summary_line(report, options) + "\n")
