"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding."""

from __future__ import annotations

from typing import IO, Any

from wfverify.core.findings import Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Any, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    for f in report.findings:
        props = (
            f"file={_property(f.path)},line={f.line or 1},col={f.column or 1},title={_property(f'{f.rule} [{f.code}]')}"
        )
        machine = f"{f.definition}: " if f.definition else ""
        stream.write(f"::{_COMMAND[f.severity]} {props}::{_data(machine + f.message)}\n")
