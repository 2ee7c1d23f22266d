"""Files a template names (``DefinitionUri``, ``templatefile``, ``file``, ``${file(...)}``).

A reference is resolved against the template's folder and must stay inside the
repository root: an absolute path, a ``../`` escape or a symlink that leads
outside is reported and never read, so that a CI log cannot be made to print
another file's content. A file that is missing is reported where the template
names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from wfverify.load.source import Document, SourceProblem, decode, guess_format, read_document
from wfverify.load.templates.model import Context, Embedded, note
from wfverify.load.templates.textmap import MappedText, read_json_definition, substitute

__all__ = ["load_reference", "repository_root"]


def repository_root(path: Path, given: Path) -> Path:
    """The nearest folder above ``path`` holding ``.git``, else the folder given on the command line."""
    start = path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return given.resolve() if given.is_dir() else given.resolve().parent


def _display(ctx: Context, ref: str) -> str:
    folder = os.path.dirname(ctx.display)
    return os.path.normpath(os.path.join(folder, ref)) if folder else os.path.normpath(ref)


def _resolve(ctx: Context, ref: str) -> tuple[Path | None, str | None, str]:
    """(file, None, rule) when readable; (None, message, rule) otherwise."""
    if ctx.path is None or ctx.root is None:
        return (
            None,
            f"{ref!r} cannot be read next to standard input; check the template from its folder",
            "unchecked-definition",
        )
    if os.path.isabs(ref) or PurePosixPath(ref.replace("\\", "/")).is_absolute() or ref[1:3] in (":\\", ":/"):
        return (
            None,
            f"{ref!r} is an absolute path; name the file relative to the template's folder",
            "definition-outside-repository",
        )
    target = ctx.path.parent / ref
    root = ctx.root.resolve()
    real = Path(os.path.realpath(target))
    if real != root and root not in real.parents:
        lexical = Path(os.path.normpath(os.path.abspath(target)))
        how = "through a symlink " if lexical == root or root in lexical.parents else ""
        return (
            None,
            (
                f"{ref!r} leads {how}outside the repository ({root.name or root}); it was not read. "
                "Keep state machine definitions inside the repository"
            ),
            "definition-outside-repository",
        )
    if real.is_dir():
        return None, f"{ref!r} is a folder, not a definition file", "missing-definition-file"
    if not real.is_file():
        near = _case_twin(real)
        hint = f" (there is {near!r}: file names are case-sensitive)" if near else ""
        return None, f"{ref!r} does not exist{hint}; the deployment would fail", "missing-definition-file"
    return real, None, ""


def _case_twin(path: Path) -> str | None:
    try:
        for sibling in path.parent.iterdir():
            if sibling.name.lower() == path.name.lower() and sibling.name != path.name:
                return sibling.name
    except OSError:
        return None
    return None


def load_reference(
    machine: Embedded,
    ctx: Context,
    ref: str,
    position: tuple[int, int],
    substitutions: Mapping[str, Any] | None = None,
) -> Embedded:
    """Fill ``machine`` with the referenced file's document, or with the finding that explains why not."""
    real, problem, rule = _resolve(ctx, ref)
    if ctx.path is not None and rule == "missing-definition-file":
        machine.wanted = Path(os.path.realpath(ctx.path.parent / ref))
    if real is None:
        machine.findings.append(note(rule, problem or "", ctx, position))
        return machine
    machine.path = _display(ctx, ref)
    machine.file = real
    try:
        with open(real, "rb") as fh:
            raw = fh.read(ctx.max_bytes + 1)
    except OSError as exc:
        machine.findings.append(note("syntax-error", f"{ref!r}: cannot read the file ({exc.strerror})", ctx, position))
        return machine
    machine.document, machine.problems = read_definition_file(raw, machine.path, ctx.max_bytes, substitutions)
    return machine


def read_definition_file(
    raw: bytes, name: str, max_bytes: int, substitutions: Mapping[str, Any] | None
) -> tuple[Document | None, list[SourceProblem]]:
    """A definition file as its deploy tool reads it: ``${...}`` placeholders allowed anywhere in JSON."""
    text, problem = decode(raw) if len(raw) <= max_bytes else (None, None)
    if text is None or guess_format(name, text) == "yaml":
        doc, problems = read_document(raw, name, max_bytes)
        if doc is not None:
            doc.data = substitute(doc.data, substitutions or {})
        return doc, problems
    mapped = MappedText()
    mapped.add(text, range(len(text)))
    return read_json_definition(mapped, text, "json", substitutions)
