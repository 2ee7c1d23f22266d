"""The result cache: a file whose inputs did not change is not checked again.

As in ruff and mypy, one entry per checked file, keyed by a SHA-256 of
everything its result depends on: the file's bytes, its sidecar's bytes, the
path it is reported under (per-file ignores match on it), the resolved
configuration (selection, severities, load and rule options), the rule set
(every registered rule and the module it lives in) and wfverify's version
together with a fingerprint of the installed sources (size and mtime of each
module of ``wfverify`` and of the rule packs, and of botocore, whose models
some rules read), so an edited checkout never reads results of the code
before the edit.

The cache lives in ``.wfverify_cache`` at the project root (the folder of the
configuration file, else the working directory), which holds a
``.gitignore`` of ``*`` so it is never committed. Entries are JSON, never
pickle: a cache directory that arrives with a repository is data, not code.
Writes go to a temporary file in the same folder and are moved into place
with :func:`os.replace`, so two runs sharing the cache each see either no
entry or a whole one. An entry that does not parse, or that decodes to
anything but the known result types, is ignored and rewritten. The number of
entries is bounded: after a run that wrote entries, the oldest are removed
beyond :data:`MAX_ENTRIES`.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from wfverify.core.config import DEFAULT_CACHE_DIR
from wfverify.core.findings import Finding, Proof, Related, Severity, Verdict
from wfverify.core.records import fields, is_dataclass
from wfverify.core.results import FileResult
from wfverify.core.stamps import code_stamps, stamp
from wfverify.core.store import keep_newest, mark_ignored, write_atomically

__all__ = ["DEFAULT_DIR", "MAX_ENTRIES", "ResultCache", "salt"]

DEFAULT_DIR = DEFAULT_CACHE_DIR
#: Entries kept; beyond this the oldest are removed (about 1-3 kB each).
MAX_ENTRIES = 20_000
_FORMAT = "1"
_CLASSES: dict[str, type] = {c.__name__: c for c in (FileResult, Finding, Proof, Related)}
_ENUMS: dict[str, type[enum.Enum]] = {"Severity": Severity, "Verdict": Verdict}


class _Unfit(Exception):
    """A value the cache cannot hold exactly; such a result is simply not cached."""


class ResultCache:
    """Results of earlier runs under ``directory``, valid for one configuration (``salt``)."""

    def __init__(self, directory: Path, salt: str, max_entries: int = MAX_ENTRIES) -> None:
        self.root = directory
        self.folder = directory / "results"
        self.salt = salt
        self.max_entries = max_entries
        self.written = 0

    def key(self, display: str, raw: bytes, sidecar: bytes | None) -> str:
        digest = hashlib.sha256()
        for part in (_FORMAT.encode(), self.salt.encode(), display.encode("utf-8", "surrogateescape")):
            digest.update(len(part).to_bytes(8, "big") + part)
        digest.update(raw)
        digest.update(b"\x00sidecar\x00" + (sidecar if sidecar is not None else b"\x01none"))
        return digest.hexdigest()

    def get(self, key: str) -> FileResult | None:
        """The stored result, or None (absent, unreadable or corrupt: the caller recomputes)."""
        try:
            text = (self.folder / f"{key}.json").read_text(encoding="utf-8")
            result = _decode(json.loads(text))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, _Unfit):
            return None
        return result if isinstance(result, FileResult) else None

    def put(self, key: str, result: FileResult) -> None:
        """Store a result atomically; a result that cannot be stored exactly, or a full disk, is skipped."""
        try:
            text = json.dumps(_encode(result), separators=(",", ":"))
        except (_Unfit, ValueError):
            return
        try:
            self._prepare()
            write_atomically(self.folder / f"{key}.json", text.encode("utf-8"))
            self.written += 1
        except OSError:
            return

    def close(self) -> None:
        """Keep the cache bounded: remove the oldest entries beyond the limit."""
        if not self.written:
            return
        try:
            keep_newest(self.folder, ".json", self.max_entries)
        except OSError:
            return

    def _prepare(self) -> None:
        if self.folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        mark_ignored(self.root)


def salt(version: str, config: str, rules: list[Any]) -> str:
    """What every entry depends on besides its file: version, sources, configuration, rule set."""
    digest = hashlib.sha256()
    for part in (version, _sources(), config, *sorted(_rule_print(r) for r in rules)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    return digest.hexdigest()


def _stamp(path: str) -> str:
    return f"{path}:{stamp(path)}"


def _rule_print(rule: Any) -> str:
    """A rule's identity and the module it is defined in (a rule pack edited in place counts)."""
    module = sys.modules.get(getattr(getattr(rule, "check", None), "__module__", "") or "")
    source = getattr(module, "__file__", None) or ""
    return f"{rule.code}:{rule.name}:{rule.severity}:{rule.groups}:{_stamp(source) if source else ''}"


def _sources() -> str:
    """Size and modification time of every module of wfverify itself, and of botocore (its AWS models)."""
    parts = [f"{path}:{mark}" for path, mark in code_stamps().items()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        if type(value).__name__ not in _ENUMS:
            raise _Unfit(type(value).__name__)
        return {"$enum": type(value).__name__, "value": value.value}
    if is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ not in _CLASSES or _CLASSES[type(value).__name__] is not type(value):
            raise _Unfit(type(value).__name__)
        return {
            "$class": type(value).__name__,
            "fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value)},
        }
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: _encode(v) for k, v in value.items()}}
        return {"$pairs": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _Unfit(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$dict" in value:
        return {k: _decode(v) for k, v in value["$dict"].items()}
    if "$pairs" in value:
        return {_decode(k): _decode(v) for k, v in value["$pairs"]}
    if "$enum" in value:
        return _ENUMS[value["$enum"]](value["value"])
    if "$class" in value:
        return _CLASSES[value["$class"]](**{k: _decode(v) for k, v in value["fields"].items()})
    raise _Unfit("an unknown entry")
