"""Loading: bytes -> document with source map -> dialect -> workflow model.

Each dialect is one module (listed in :data:`DIALECT_MODULES`) whose ``build``
function has the :class:`Builder` signature: it returns the workflow (or
``None`` when the document is too broken to model) and the findings it met
(``schema-violation``, ``duplicate-state``...), each with a ``rule`` name and a
pointer; the engine stamps codes and positions. The walk over nested bodies is
shared (:mod:`wfverify.load.framework`), so a dialect writes only its own
spelling and how one state becomes a model state.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol, cast

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.records import dataclass, field
from wfverify.load.source import DEFAULT_MAX_BYTES, Document, SourceProblem, read_document

__all__ = [
    "Builder",
    "DIALECT_MODULES",
    "LoadOptions",
    "LoadResult",
    "detect_dialect",
    "load_bytes",
    "load_document",
    "SIDECAR_SUFFIX",
]

SIDECAR_SUFFIX = ".wfverify.yaml"


@dataclass(frozen=True)
class LoadOptions:
    dialect: str | None = None  # force a dialect: native or asl
    aws_checks: bool = True  # ASL: Resource must be an ARN or ${Placeholder}, as Step Functions demands
    max_bytes: int = DEFAULT_MAX_BYTES


class Builder(Protocol):
    """What a dialect module's ``build`` function looks like."""

    def __call__(
        self, doc: Document, options: LoadOptions, duplicates: list[SourceProblem], sidecar: Any
    ) -> tuple[Workflow | None, list[Finding]]: ...


#: Dialect name -> the module that builds it (imported only when a file of that dialect is read).
DIALECT_MODULES = {"native": "wfverify.load.native", "asl": "wfverify.load.asl"}


@dataclass
class LoadResult:
    document: Document | None
    workflow: Workflow | None
    dialect: str | None
    findings: list[Finding] = field(default_factory=list)


def detect_dialect(data: Any) -> str | None:
    """The dialect of parsed content, by its top-level keys (see docs/dialects.md)."""
    if not isinstance(data, dict):
        return None
    if "workflow" in data:
        return "native"
    if "States" in data or "StartAt" in data:
        return "asl"
    if "specVersion" in data or ("id" in data and isinstance(data.get("states"), list)):
        return "serverless-workflow"
    return None


def load_bytes(
    raw: bytes, name: str, options: LoadOptions = LoadOptions(), sidecar: tuple[bytes, str] | None = None
) -> LoadResult:
    """Load one file's content. ``sidecar`` is the raw annotation file and its name, if any."""
    doc, problems = read_document(raw, name, options.max_bytes)
    reader = (lambda findings: _read_sidecar(sidecar, findings)) if sidecar else None
    return load_document(doc, problems, options, reader)


def load_document(
    doc: Document | None,
    problems: list[SourceProblem],
    options: LoadOptions = LoadOptions(),
    sidecar: Callable[[list[Finding]], Any] | None = None,
) -> LoadResult:
    """Model a document already read (a file, or a definition taken out of a template).

    ``sidecar`` parses the annotations when called, its problems going to the list it is given.
    """
    findings = [
        Finding(p.message, p.pointer, rule=p.rule, line=p.line, column=p.column)
        for p in problems
        if p.rule != "duplicate-key"
    ]
    duplicates = [p for p in problems if p.rule == "duplicate-key"]
    if doc is None:
        return LoadResult(None, None, None, findings)
    dialect = options.dialect or detect_dialect(doc.data)
    if dialect is None:
        what = type(doc.data).__name__ if not isinstance(doc.data, dict) else "a mapping without 'workflow' or 'States'"
        findings.append(
            Finding(
                f"not a workflow definition wfverify knows: found {what}; expected Amazon States Language "
                "(StartAt, States) or the native format (workflow, start, states)",
                "",
                rule="unknown-dialect",
            )
        )
        return LoadResult(doc, None, None, findings)
    builder = _builder(dialect)
    if builder is None:
        findings.append(
            Finding(
                f"the {dialect} dialect is not supported yet; check Amazon States Language or native files",
                "",
                rule="unknown-dialect",
            )
        )
        return LoadResult(doc, None, dialect, findings)
    side = sidecar(findings) if sidecar else None
    workflow, built = builder(doc, options, duplicates, side)
    findings.extend(built)
    return LoadResult(doc, workflow, dialect, findings)


def _builder(dialect: str) -> Builder | None:
    module = DIALECT_MODULES.get(dialect)
    return cast(Builder, importlib.import_module(module).build) if module else None


def _read_sidecar(sidecar: tuple[bytes, str], findings: list[Finding]) -> Any:
    """Parse the sidecar annotations; problems are findings on the main file's path."""
    from wfverify.load.sidecar import parse_sidecar

    return parse_sidecar(sidecar[0], sidecar[1], findings)
