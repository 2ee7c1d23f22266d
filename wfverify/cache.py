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
``.gitignore`` of ``*`` so it is never committed. The entries are rows of one
SQLite database (``results.sqlite``), written in one transaction per run:
creating a file per entry cost more than checking the file on some disks
(193 new files took 45-55 ms on the development machine, the whole database
write 2 ms). SQLite's locking keeps two runs sharing the folder safe: each
sees a run's entries all or not at all. Entries are JSON text, never pickle:
a cache folder that arrives with a repository is data, not code. An entry that
does not parse, or decodes to anything but the known result types, is ignored
and rewritten; a database that SQLite cannot read is removed and made anew.
The number of entries is bounded: after a run that wrote entries, the oldest
are removed beyond :data:`MAX_ENTRIES`.
"""

from __future__ import annotations

import enum
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wfverify.core.config import DEFAULT_CACHE_DIR
from wfverify.core.findings import Finding, Proof, Related, Severity, Verdict
from wfverify.core.records import fields, is_dataclass
from wfverify.core.results import FileResult
from wfverify.core.stamps import code_stamps, sha256, stamp
from wfverify.core.store import mark_ignored

__all__ = ["DATABASE", "DEFAULT_DIR", "MAX_ENTRIES", "ResultCache", "encode", "salt"]

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
        self.database = directory / DATABASE
        self.salt = salt
        self.max_entries = max_entries

    def key(self, display: str, raw: bytes, sidecar: bytes | None) -> str:
        digest = sha256()
        for part in (_FORMAT.encode(), self.salt.encode(), display.encode("utf-8", "surrogateescape")):
            digest.update(len(part).to_bytes(8, "big") + part)
        digest.update(raw)
        digest.update(b"\x00sidecar\x00" + (sidecar if sidecar is not None else b"\x01none"))
        return digest.hexdigest()

    def get(self, key: str) -> FileResult | None:
        """The stored result, or None (absent, unreadable or corrupt: the caller recomputes)."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, FileResult]:
        """The stored results among ``keys`` (absent, unreadable and corrupt entries left out)."""
        if not keys or not self.database.is_file():
            return {}
        found: dict[str, FileResult] = {}
        try:
            with _connect(self.database) as db:
                for start in range(0, len(keys), _BATCH):
                    batch = keys[start : start + _BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", batch).fetchall()
                    found.update((key, result) for key, text in rows if (result := _decoded(text)) is not None)
        except sqlite3.Error:
            return found
        return found

    def put(self, key: str, result: FileResult) -> None:
        """Store one result (see :meth:`put_many`)."""
        self.put_many([(key, encode(result))])

    def put_many(self, entries: list[tuple[str, str | None]]) -> None:
        """Store encoded results (:func:`encode`) in one transaction; ``None`` (not storable) is skipped.

        A database SQLite cannot read is removed and made anew once; a full disk only costs the speed.
        """
        rows = [(key, text, time.time_ns()) for key, text in entries if text is not None]
        if not rows:
            return
        for attempt in (1, 2):
            try:
                self._write(rows)
                return
            except sqlite3.OperationalError:  # locked past the timeout, read-only, disk full: not damage
                return
            except sqlite3.DatabaseError:  # not a database, or a damaged one
                if attempt == 2 or not _remove(self.database):
                    return
            except (sqlite3.Error, OSError):
                return

    def _write(self, rows: list[tuple[str, str, int]]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        mark_ignored(self.root)
        with _connect(self.database) as db:
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT, written INTEGER)")
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)
            db.execute(
                "DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY written DESC LIMIT -1 OFFSET ?)",
                (self.max_entries,),
            )
            db.execute("COMMIT")


DATABASE = "results.sqlite"
#: Keys per query (SQLite allows at least 999 parameters).
_BATCH = 900


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (transactions are explicit), waiting up to 10 s for another run's lock.

    ``synchronous=OFF``: an entry lost to a power cut is only recomputed, and a database damaged by
    one is removed and made anew.
    """
    db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")
        yield db
    finally:
        db.close()


def _remove(path: Path) -> bool:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def encode(result: FileResult) -> str | None:
    """A result as the JSON text of its entry, or ``None`` when the cache cannot hold it exactly.

    Done where the file was checked (in a helper process of a parallel run), so that the run's
    single write is all that is left for the end.
    """
    try:
        return json.dumps(_encode(result), separators=(",", ":"))
    except (_Unfit, ValueError):
        return None


def _decoded(text: str) -> FileResult | None:
    try:
        result = _decode(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError, _Unfit):
        return None
    return result if isinstance(result, FileResult) else None


def salt(version: str, config: str, rules: list[Any]) -> str:
    """What every entry depends on besides its file: version, sources, configuration, rule set."""
    digest = sha256()
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
    return sha256("\n".join(parts).encode()).hexdigest()


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
