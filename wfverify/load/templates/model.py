"""What reading a template yields: the state machines it declares, each ready to check.

A state machine's definition may sit in the template (inline, in a string) or in
a file the template names; either way :class:`Embedded` carries the document to
check, the display path of the file it is in, and the name (``definition``) that
identifies it in every output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.records import dataclass, field
from wfverify.load.jsonpos import LineIndex
from wfverify.load.source import Document, SourceProblem

__all__ = ["Context", "Embedded", "TemplateResult", "note"]


@dataclass(frozen=True)
class Context:
    """Where a template is and what it may read."""

    display: str  # the template's path as shown to users
    path: Path | None  # on disk (None for standard input: nothing can be referenced)
    root: Path | None  # the repository root: referenced files must resolve under it
    text: str
    max_bytes: int

    def position(self, line0: int, column0: int) -> tuple[int, int]:
        """1-based position of a parser's 0-based mark."""
        return line0 + 1, column0 + 1

    def offset(self, line0: int, column0: int) -> int:
        starts = self._index().starts
        return starts[min(max(line0, 0), len(starts) - 1)] + column0

    def _index(self) -> LineIndex:
        cached: LineIndex | None = self.__dict__.get("_lines")
        if cached is None:
            cached = LineIndex(self.text)
            object.__setattr__(self, "_lines", cached)
        return cached


@dataclass
class Embedded:
    """One state machine found in a template."""

    definition: str  # logical id, aws_sfn_state_machine.NAME, or the Serverless key
    kind: str  # sam, cloudformation, cdk, terraform, serverless
    form: str  # inline, string, sub, join, uri, heredoc, jsonencode, templatefile, file, s3, ...
    path: str  # display path of the file that holds the definition
    document: Document | None = None
    problems: list[SourceProblem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: the referenced file on disk, when the definition is not in the template
    file: Path | None = None
    #: the file a reference names, whether or not it exists (results depend on it: a replayed run checks it)
    wanted: Path | None = None


@dataclass
class TemplateResult:
    kind: str
    machines: list[Embedded] = field(default_factory=list)
    #: findings about the template itself, with no state machine to attach them to
    findings: list[Finding] = field(default_factory=list)


def note(rule: str, message: str, ctx: Context, position: tuple[int, int], pointer: str = "") -> Finding:
    """A template-level finding at a 1-based position of the template."""
    return Finding(message, pointer, rule=rule, path=ctx.display, line=position[0], column=position[1])


def mark_position(ctx: Context, node: Any) -> tuple[int, int]:
    """1-based position of a decoded node (the template start when it has none)."""
    mark = getattr(node, "start_mark", None)
    if mark is None:
        return 1, 1
    return ctx.position(mark.line, mark.column)
