"""Which files a check reads: paths on the command line expanded to workflow files.

I/O at the edge: this module walks folders; the loaders never see a path they
were not handed from here.

A folder is searched by name and by content. A file whose name matches
``include`` (by default the conventional workflow names) is checked whatever
its content; any other file is offered to the *sniffers*, each of which claims
files by suffix and decides from a cheap look at the content. The first
sniffer here recognises a JSON or YAML file whose top level is a state machine;
template discovery (CloudFormation/SAM, Terraform, Serverless Framework, CDK)
registers its own sniffer with :func:`register_sniffer`.

``exclude`` prunes files and folders (patterns in gitignore syntax, relative to
the folder of the configuration file). Files named on the command line are read
whatever their name, unless ``force_exclude`` is set: then they pass the same
filters as files found in folders, which is what a pre-commit hook that hands
over every changed file needs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from wfverify.core.records import dataclass, field, replace

TYPE_CHECKING = False  # typing's import is a start-up cost the checks of a replayed run avoid
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "FileFilter",
    "NoFilesFound",
    "UsageError",
    "WORKFLOW_SUFFIXES",
    "Sniffer",
    "discover",
    "find_files",
    "is_state_machine",
    "register_sniffer",
]

WORKFLOW_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml", ".wf.json", ".wf.yaml", ".wf.yml")
DEFAULT_INCLUDE = tuple(f"*{suffix}" for suffix in WORKFLOW_SUFFIXES)
DEFAULT_EXCLUDE = (
    ".*/",
    "node_modules/",
    "__pycache__/",
    "venv/",
    "site-packages/",
    "build/",
    "dist/",
    "*.wfverify.yaml",
    "*.expected.json",
)

#: Bytes read to decide whether a file is a state machine: enough for the top-level keys.
SNIFF_BYTES = 64 * 1024


class UsageError(Exception):
    """The tool cannot do its job (no such path, bad option): exit code 2."""


class NoFilesFound(UsageError):
    """The paths hold no workflow file: checking nothing must not look like passing."""


@dataclass(frozen=True)
class Sniffer:
    """Claims files by suffix, then decides from their first bytes and path."""

    name: str
    suffixes: tuple[str, ...]
    accepts: Callable[[Path, bytes], bool]


@dataclass(frozen=True)
class FileFilter:
    """Which files count. Patterns are gitignore-style, relative to ``root`` (default: the current folder)."""

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    root: str | None = None
    force_exclude: bool = False
    _specs: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _spec(self, which: str) -> Any:
        if which not in self._specs:
            self._specs[which] = _matcher(getattr(self, which))
        return self._specs[which]

    def _base(self) -> str:
        if "base" not in self._specs:  # resolved once per run: resolving costs a system call per folder
            self._specs["base"] = str(Path(self.root or ".").resolve())
        return str(self._specs["base"])

    def _inside(self, full: str) -> str | None:
        """A resolved path relative to the root (``""`` for the root), ``None`` outside it."""
        base = self._base()
        if full == base:
            return ""
        prefix = base.rstrip(os.sep) + os.sep
        return full[len(prefix) :].replace(os.sep, "/") if full.startswith(prefix) else None

    def _relative(self, path: Path, is_dir: bool) -> str:
        """The path relative to the root (``dir/`` for folders, ``.`` for the root); outside the root, or
        through a symbolic link, its name: patterns without a slash still match it."""
        parents = self._specs.setdefault("parents", {})
        parent = parents.get(path.parent)
        if parent is None:  # each folder is resolved once, not each file in it
            parent = parents[path.parent] = os.path.realpath(path.parent)
        linked = os.path.islink(path)
        full = os.path.realpath(path) if linked else os.path.join(parent, path.name)
        rel = None if linked else self._inside(full)
        rel = os.path.basename(full) if rel is None else rel or "."
        return rel + "/" if is_dir and rel != "." else rel

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        return self.excluded_rel(self._relative(path, is_dir))

    def included(self, path: Path) -> bool:
        return self.included_rel(self._relative(path, False))

    def excluded_rel(self, rel: str | None) -> bool:
        """``exclude`` for a path already made relative to the root (``dir/`` for folders)."""
        return bool(rel and rel != "." and self._spec("exclude")(rel))

    def included_rel(self, rel: str) -> bool:
        return bool(self._spec("include")(rel))

    def relative_root(self, folder: str) -> str | None:
        """A folder's path relative to the root, ``""`` for the root itself, ``None`` outside it."""
        if self._inside(os.path.realpath(folder)) is None:
            return None
        rel = self._relative(Path(folder), True)
        return "" if rel == "." else rel.rstrip("/")


def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A gitignore-style test for relative paths (``dir/`` for folders).

    Patterns that only name a file or folder (no slash but a trailing one, no
    negation, escapes, brackets or ``**``), which is what the defaults and most
    settings are, match any component of the path by name, as gitignore does;
    they are tested here with :func:`fnmatch.translate`'s regular expressions, sparing pathspec's
    import (a tenth of a cached run). Anything else goes to pathspec, whose
    answers the simple test must equal (a property test compares them).
    """
    if not all(_simple(p) for p in patterns):
        from pathspec import GitIgnoreSpec

        return GitIgnoreSpec.from_lines(patterns).match_file
    return _ByName(patterns)


class _ByName:
    """Name-only gitignore patterns as two regular expressions: any component's name, any folder's name."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        from fnmatch import translate

        names = [translate(p) for p in patterns if not p.endswith("/")]
        folders = [translate(p[:-1]) for p in patterns if p.endswith("/")]
        self.names = re.compile("|".join(names)) if names else None
        self.folders = re.compile("|".join(folders)) if folders else None

    def __call__(self, rel: str) -> bool:
        parts = rel.rstrip("/").split("/")
        dirs = parts if rel.endswith("/") else parts[:-1]
        names, folders = self.names, self.folders
        return bool(
            (names is not None and any(names.match(part) for part in parts))
            or (folders is not None and any(folders.match(part) for part in dirs))
        )


def _simple(pattern: str) -> bool:
    body = pattern[:-1] if pattern.endswith("/") else pattern
    return bool(body) and not any(c in body for c in "/\\[!#") and "**" not in body and body == body.strip()


_YAML_KEY = re.compile(rb"^[\"']?(StartAt|States|states)[\"']?[ \t]*:", re.MULTILINE)
#: ``workflow: NAME`` (a scalar name, as the native format requires; GitLab CI's ``workflow:`` is a mapping)
_YAML_NATIVE = re.compile(rb"^[\"']?workflow[\"']?[ \t]*:[ \t]*[^\s#{\[|>]", re.MULTILINE)
#: A JSON file larger than this is not parsed to sniff it (the loader would refuse it anyway).
SNIFF_MAX_JSON = 50 * 1024 * 1024


def is_state_machine(path: Path, head: bytes) -> bool:
    """True when the top level is a state machine: ``StartAt`` and ``States`` (ASL), or ``workflow`` (a
    name) and ``states`` (native).

    JSON is parsed only when the head names such a key (most JSON files never
    do); YAML is read by its unindented keys, without parsing.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        if b'"StartAt"' not in head and b'"workflow"' not in head:
            return False
        try:
            whole = len(head) >= SNIFF_BYTES
            if whole and path.stat().st_size > SNIFF_MAX_JSON:
                return False
            data = json.loads(path.read_bytes() if whole else head)
        except (ValueError, OSError):
            return False
        return isinstance(data, dict) and (
            ("StartAt" in data and "States" in data) or (isinstance(data.get("workflow"), str) and "states" in data)
        )
    keys = {m.group(1) for m in _YAML_KEY.finditer(head)}
    native = _YAML_NATIVE.search(head) is not None and b"states" in keys
    return native or {b"StartAt", b"States"} <= keys


_SNIFFERS: list[Sniffer] = [Sniffer("a state machine at the top level", (".json", ".yaml", ".yml"), is_state_machine)]


def register_sniffer(sniffer: Sniffer) -> None:
    """Add a content test (template discovery registers one for CloudFormation, Terraform...)."""
    if all(s.name != sniffer.name for s in _SNIFFERS):
        _SNIFFERS.append(sniffer)


def _is_template(path: Path, head: bytes) -> bool:
    """A template that declares a state machine (SAM, CloudFormation, CDK, Terraform, Serverless)."""
    from wfverify.load.templates import sniff

    return sniff(path, head)


register_sniffer(
    Sniffer("templates declaring a state machine", (".yaml", ".yml", ".json", ".template", ".tf"), _is_template)
)


def sniffers() -> tuple[Sniffer, ...]:
    return tuple(_SNIFFERS)


def _sniffed(path: Path) -> bool:
    name = path.name.lower()
    candidates = [s for s in _SNIFFERS if name.endswith(s.suffixes)]
    if not candidates:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    return any(s.accepts(path, head) for s in candidates)


def _wanted(path: Path, filters: FileFilter) -> bool:
    return filters.included(path) or _sniffed(path)


def _walk(folder: Path, filters: FileFilter) -> list[str]:
    """Files under ``folder`` that count, by name or content. Each entry's path relative to the root
    is built from its folder's, so a walk costs one directory listing per folder and no ``stat``
    per file beyond the listing's own (symbolic links are not followed into)."""
    found: list[str] = []
    pending = [(str(folder), filters.relative_root(str(folder)))]
    while pending:
        here, rel_here = pending.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            linked = entry.is_symlink()
            rel = entry.name if rel_here is None or linked else (f"{rel_here}/{entry.name}" if rel_here else entry.name)
            if _is_dir(entry):
                if filters.excluded_rel(rel + "/"):
                    continue
                if filters.included_rel(rel):  # a folder named like a workflow is reported, not walked
                    found.append(entry.path)
                elif not linked:
                    pending.append((entry.path, None if rel_here is None else rel))
            elif not filters.excluded_rel(rel) and (filters.included_rel(rel) or _sniffed(Path(entry.path))):
                found.append(entry.path)
    return sorted(found)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


@dataclass
class Found:
    """The files to check, and how many named files ``force_exclude`` filtered out."""

    targets: list[tuple[str, Path | None]]
    filtered: int = 0
    searched: list[str] = field(default_factory=list)


def find_files(paths: Iterable[str], filters: FileFilter = FileFilter()) -> Found:
    """(display path, filesystem path) for every file to check; ``-`` is standard input.

    Raises :class:`UsageError` for a path that does not exist and
    :class:`NoFilesFound` when nothing is left to check, except when every path
    was a named file that ``force_exclude`` filtered out (a hook given only
    unrelated files has nothing to do, and that is fine).
    """
    found = Found([])
    for given in paths:
        if given == "-":
            found.targets.append(("-", None))
            continue
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"{given}: no such file or directory")
        if p.is_dir() and not filters.included(p):
            walk_filters = filters
            if filters.excluded(p, is_dir=True):
                if filters.force_exclude:
                    found.filtered += 1
                    continue
                # named explicitly: walk it, its own place in the exclusions aside
                walk_filters = replace(filters, root=str(p))
            found.searched.append(given)
            found.targets.extend((f, Path(f)) for f in _walk(p, walk_filters))
        elif filters.force_exclude and (filters.excluded(p, p.is_dir()) or not _wanted(p, filters)):
            found.filtered += 1
        else:
            found.targets.append((given, p))
    if not found.targets and found.searched:
        by_content = "; ".join(f"{x.name} in {'/'.join(x.suffixes)} files" for x in _SNIFFERS)
        raise NoFilesFound(
            f"no workflow files found in {', '.join(found.searched)} (searched by name: "
            f"{', '.join(filters.include)}; and by content: {by_content})"
        )
    return found


def discover(paths: Iterable[str], filters: FileFilter = FileFilter()) -> Iterator[tuple[str, Path | None]]:
    """The files to check, in order (see :func:`find_files`)."""
    yield from find_files(paths, filters).targets
