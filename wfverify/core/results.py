"""What a check produced: one :class:`FileResult` per checked file, gathered in a :class:`Report`.

These are plain data, shared by the engine that fills them and the reporters that
print them, so that reporters never import the library entry point.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.findings import Finding, Proof, Severity
from wfverify.core.records import dataclass, field

__all__ = ["FileResult", "Report"]


@dataclass
class FileResult:
    path: str
    dialect: str | None
    states: int
    findings: list[Finding]
    proofs: list[Proof]
    seconds: float = 0.0
    #: Positions of the states that witnesses name, so reporters can show each step's place.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: The source lines findings point at (line number -> text), for snippets under each finding.
    lines: dict[int, str] = field(default_factory=dict)
    #: The state machine's name when it is embedded in a template (see Finding.definition).
    definition: str | None = None


@dataclass
class Report:
    files: list[FileResult]
    #: Files read besides those checked (definitions and files templates reference), which results depend on.
    inputs: list[str] = field(default_factory=list)
    #: SHA-256 of the bytes read of each checked file and its sidecar (``None``: none), when asked for
    #: (``check_paths(..., fingerprint=True)``): what a record of the run (wfverify.cli.rerun) keeps.
    digests: dict[str, str | None] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def proofs(self) -> list[Any]:
        return [p for r in self.files for p in r.proofs]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, fail_on: str) -> bool:
        threshold = Severity(fail_on).rank
        return any(f.severity.rank >= threshold for f in self.findings)
