"""Reporters: a name -> module table. Reporters format; they never analyse.

Each reporter module has ``render(report, registry, stream, options) -> None``.
Only ``rich_report`` imports rich, and only when chosen.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # the command line reads FORMATS at start-up: no typing import for it
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FORMATS", "get_reporter"]

FORMATS = {
    "text": "wfverify.report.text",
    "json": "wfverify.report.json_report",
    "sarif": "wfverify.report.sarif",
    "github": "wfverify.report.github",
    "rich": "wfverify.report.rich_report",
    "junit": "wfverify.report.junit",
    "gitlab": "wfverify.report.gitlab",
}


def get_reporter(name: str) -> Any:
    return importlib.import_module(FORMATS[name])
