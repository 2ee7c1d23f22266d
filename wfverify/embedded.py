"""Checking templates: one result per state machine a template declares.

The API hands over the templates among its targets (a folder walk finds them by
content, see :func:`wfverify.load.templates.looks_like_template`); each state
machine is loaded from the document its template module built and checked by
the engine like a file, its results carrying ``definition``. Files a template
references are checked as part of its state machine, so the same file found on
its own by the folder walk is not checked a second time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.registry import Registry
from wfverify.core.results import FileResult
from wfverify.engine import Selection, run_rules
from wfverify.load import SIDECAR_SUFFIX, LoadOptions, LoadResult, load_document
from wfverify.load.jsonpos import escape
from wfverify.load.source import DEFAULT_MAX_BYTES, decode, read_document

__all__ = ["template_kind", "check_template", "root_for"]


def template_kind(display: str, path: Path | None, head: bytes | None = None, explicit: bool = True) -> str | None:
    """The template kind of a target, from its name and first bytes (None for workflow files).

    A file named ``*.tf``, ``serverless.yml`` or ``template.yaml`` is a template even without a
    state machine in it (``explicit``), so a pre-commit hook that passes it is never misread."""
    from wfverify.discovery import WORKFLOW_SUFFIXES

    if display.lower().endswith(WORKFLOW_SUFFIXES) or (path is None and head is None):
        return None
    from wfverify.load.templates import HEAD_BYTES, looks_like_template

    if head is None and path is not None:
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            return None
    return looks_like_template(display, head or b"") or (_by_name(display) if explicit else None)


def _by_name(display: str) -> str | None:
    """A file named explicitly (a pre-commit hook passes names) that is a template by its name:
    checked as one even without a state machine in it, so it is never misread as a workflow."""
    name = os.path.basename(display).lower()
    if name.endswith(".tf"):
        return "terraform"
    if name in ("serverless.yml", "serverless.yaml"):
        return "serverless"
    if name in ("template.yaml", "template.yml") or name.endswith(
        (".template.json", ".template.yaml", ".template.yml")
    ):
        return "cloudformation"
    return None


def root_for(path: Path, given: list[str]) -> Path:
    """The repository root of a template: nearest ``.git`` folder, else the command-line path holding it."""
    from wfverify.load.templates.refs import repository_root

    real = path.resolve()
    holders = [Path(g) for g in given if g != "-" and (Path(g).resolve() == real or Path(g).resolve() in real.parents)]
    return repository_root(path, holders[0] if holders else path.parent)


def check_template(
    display: str,
    path: Path,
    kind: str,
    root: Path,
    registry: Registry,
    selection: Selection,
    load: LoadOptions,
    rule_options: dict[str, Any],
) -> tuple[list[FileResult], set[Path]]:
    """Results for every state machine of the template, and the files it referenced."""
    from wfverify.load.templates import extract

    max_bytes = load.max_bytes or DEFAULT_MAX_BYTES
    text, problem = _text(path, max_bytes)
    if text is None:
        loaded = LoadResult(None, None, None, [Finding(problem, "", rule="syntax-error", line=1, column=1)])
        return [run_rules(display, loaded, registry, selection, rule_options)], set()
    extracted = extract(kind, text, display, path, root, max_bytes)
    results = []
    names = {m.definition for m in extracted.machines}
    template_level = list(extracted.findings) + _stray_sidecar_entries(path, display, names, extracted.findings)
    if template_level:
        loaded = LoadResult(None, None, None, template_level)
        results.append(run_rules(display, loaded, registry, selection, rule_options))
    referenced = set()
    for machine in extracted.machines:
        for needed in (machine.file, machine.wanted):
            if needed is not None:
                referenced.add(needed)
        sidecar = _sidecar_reader(path, display, machine.definition, machine.file)
        loaded = load_document(machine.document, machine.problems, load, sidecar)
        if machine.document is None and not machine.problems:
            loaded = LoadResult(None, None, None, [])
        loaded.findings[:0] = machine.findings
        results.append(run_rules(machine.path, loaded, registry, selection, rule_options, machine.definition))
    return results, referenced


def _stray_sidecar_entries(path: Path, display: str, names: set[str], found: list[Finding]) -> list[Finding]:
    """Entries of the template's sidecar that name no state machine of the template (a typo
    would silently drop the facts). Not judged when the template could not be read."""
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    if not side.is_file() or any(f.rule == "syntax-error" for f in found):
        return []
    doc, _ = read_document(side.read_bytes(), str(side))
    if doc is None or not isinstance(doc.data, dict):
        return []
    out = []
    for key in doc.data:
        if key not in names:
            line, column = doc.locate("/" + escape(str(key)))
            known = ", ".join(sorted(names)) or "none"
            message = f"{key!r} is no state machine of {os.path.basename(display)} (state machines: {known})"
            out.append(
                Finding(message, "", rule="schema-violation", path=display + SIDECAR_SUFFIX, line=line, column=column)
            )
    return out


def _text(path: Path, max_bytes: int) -> tuple[str | None, str]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror or exc}"
    if len(raw) > max_bytes:
        return None, f"file is over the {max_bytes:,}-byte limit (raise max-file-size in the config to read it)"
    text, problem = decode(raw)
    return text, problem.message if problem else ""


def _sidecar_reader(template: Path, display: str, definition: str, file: Path | None) -> Any:
    """Annotations for one state machine: the referenced file's own sidecar, else the
    template's sidecar entry named after the state machine (``template.yaml.wfverify.yaml``)."""
    if file is not None:
        own = file.with_name(file.name + SIDECAR_SUFFIX)
        if own.is_file():
            from wfverify.load.sidecar import parse_sidecar

            raw, name = own.read_bytes(), str(own)
            return lambda findings: parse_sidecar(raw, name, findings)
    side = template.with_name(template.name + SIDECAR_SUFFIX)
    if not side.is_file():
        return None
    raw, name = side.read_bytes(), display + SIDECAR_SUFFIX
    return lambda findings: _entry(raw, name, definition, findings)


def _entry(raw: bytes, name: str, definition: str, findings: list[Finding]) -> Any:
    from wfverify.load.sidecar import parse_sidecar, sidecar_from_document

    doc, problems = read_document(raw, name)
    if doc is None:
        return parse_sidecar(raw, name, findings)  # its syntax errors, in the sidecar
    if not isinstance(doc.data, dict) or definition not in doc.data:
        return None  # no facts for this state machine
    entry = doc.part("/" + escape(definition), doc.data[definition])
    return sidecar_from_document(entry, name, findings)
