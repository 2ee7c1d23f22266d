"""A run whose inputs did not change prints what it printed before, without loading a rule.

A pre-commit hook runs ``wfverify check`` on every commit, mostly on files that
did not change. The per-file result cache (:mod:`wfverify.cache`) spares the
analysis; this spares the rest too (importing the rule packs, decoding results,
rendering): the whole output of a ``check`` run is stored, keyed by everything
that decides it, and replayed when all of it is unchanged:

* the command line, the working folder, the configuration in effect, and the
  environment the reporters read (``NO_COLOR``, ``FORCE_COLOR``, ``COLUMNS``,
  ``TERM``, ``GITHUB_ACTIONS``), and whether standard output is a terminal;
* the files the run found, in order, and the bytes of each, of each file's
  sidecar (or its absence), and of every file a template referenced;
* the code: wfverify's own modules, the modules of every rule pack (size and
  modification time), the folders packages are installed in (installing or
  removing a rule pack changes them), and the installed botocore.

Runs that read standard input, write or apply a baseline, or print the
configuration are never replayed. Records live in the result cache's folder
under ``runs/`` and are written atomically; one that does not parse is ignored.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from wfverify.core.stamps import code_stamps as own_code_stamps
from wfverify.core.stamps import sha256
from wfverify.core.stamps import stamp as _stamp

TYPE_CHECKING = False  # typing's import is a start-up cost a replayed run avoids
if TYPE_CHECKING:
    from typing import Any

__all__ = ["RunRecord", "code_stamps", "eligible", "lookup", "run_key", "store"]

_FORMAT = "2"
_ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM", "GITHUB_ACTIONS", "AWS_DATA_PATH", "WFVERIFY_CACHE_DIR")
SIDECAR_SUFFIX = ".wfverify.yaml"


class RunRecord:
    """What a run printed, and what it depended on."""

    def __init__(self, targets: list[list[str]], data: dict[str, str | None], code: dict[str, str]) -> None:
        self.targets = targets
        self.data = data  # path -> SHA-256 of its bytes, None: absent
        self.code = code  # path -> size:mtime stamp
        self.stdout = ""
        self.output_file: str | None = None
        self.exit_code = 0
        #: path -> [size, mtime_ns, ctime_ns, inode] of a file whose digest a lookup may skip (see file_stamps).
        self.stats: dict[str, list[int]] = {}
        #: When the run began, before it read any file (made just before the run).
        self.started_ns = time.time_ns()


def eligible(args: Any, paths: list[str], fmt: str) -> bool:
    """Runs whose whole output can be replayed (never standard input, baselines or a terminal report)."""
    return (
        "-" not in paths
        and not (args.baseline or args.write_baseline or args.show_config or args.stdin_filename)
        and fmt != "rich"
    )


def run_key(args: Any, config: Any) -> str:
    """The record's name: the command line, folder, configuration, environment and terminal."""
    digest = sha256()
    parts = [
        _FORMAT,
        os.getcwd(),
        repr(sorted((k, repr(v)) for k, v in vars(args).items() if k != "commands")),
        repr(config),
        repr([(name, os.environ.get(name)) for name in _ENVIRONMENT]),
        repr(sys.stdout.isatty()),
        sys.version,
    ]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    return digest.hexdigest()


def _file_stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


#: A file changed this close to the start of a run may change again without its stamp changing (file
#: systems keep times in steps of up to 2 s): its digest is always compared.
_RACY_NS = 2_000_000_000


def file_stamps(paths: list[str], started_ns: int) -> dict[str, list[int]]:
    """Stamps of the files last changed well before the run began (``started_ns``, before any was read).

    A later lookup that finds the same size, times and inode trusts the digest without reading the file,
    as git trusts its index: content cannot change without changing the ctime, which no tool can set
    back, and a file changed since the read has times at or after the run's start, so it is never
    stamped.
    """
    out: dict[str, list[int]] = {}
    for path in paths:
        found = _file_stamp(path)
        if found is not None and max(found[1], found[2]) < started_ns - _RACY_NS:
            out[path] = found
    return out


def _unchanged(path: str, digest: str | None, stats: dict[str, list[int]]) -> bool:
    known = stats.get(path)
    if known is not None and _file_stamp(path) == known:
        return True
    return _sha(path) == digest


def _sha(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return sha256(fh.read()).hexdigest()
    except OSError:
        return None


def code_stamps(rule_modules: list[str]) -> dict[str, str]:
    """Stamps of the code a run's output depends on (see the module docstring)."""
    stamps = {path: _stamp(path) for path in rule_modules}
    stamps.update(own_code_stamps())
    stamps.update((p, _stamp(p)) for p in sys.path if p and os.path.isdir(p))
    return stamps


def data_hashes(
    targets: list[list[str]], referenced: list[str], read: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """SHA-256 of every file found, its sidecar (or ``None``: absent) and every file a template referenced.

    ``read``: digests of the bytes the check itself read (``Report.digests``), used where given: they
    spare reading every file again, and they are of what was checked even if a file changed since.
    """
    read = read or {}
    out: dict[str, str | None] = {}
    for path in [p for _display, p in targets] + list(referenced):  # a template's file, and its own sidecar
        for name in (path, path + SIDECAR_SUFFIX):
            out[name] = read[name] if name in read else _sha(name)
    return out


def _record_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "runs" / f"{key}.json"


def lookup(cache_dir: Path, key: str, targets: list[tuple[str, Path | None]]) -> RunRecord | None:
    """The stored run, if everything it depended on is unchanged; else ``None``."""
    try:
        stored = json.loads(_record_path(cache_dir, key).read_text(encoding="utf-8"))
        record = RunRecord(stored["targets"], stored["data"], stored["code"])
        record.stats = {path: list(map(int, stat)) for path, stat in stored["stats"].items()}
        record.stdout, record.output_file = stored["stdout"], stored["output_file"]
        record.exit_code = int(stored["exit_code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.targets != [[display, str(path)] for display, path in targets]:
        return None
    now = code_stamps([])
    if any(record.code.get(path) != stamp for path, stamp in now.items()):  # changed, or new modules
        return None
    if any(_stamp(path) != stamp for path, stamp in record.code.items() if path not in now):  # rule packs
        return None
    if not all(_unchanged(path, digest, record.stats) for path, digest in record.data.items()):
        return None
    return record


def store(cache_dir: Path, key: str, record: RunRecord) -> None:
    """Write a record atomically; a full disk or a read-only folder only costs the next run's speed."""
    body = {
        "targets": record.targets,
        "data": record.data,
        "stats": record.stats,
        "code": record.code,
        "stdout": record.stdout,
        "output_file": record.output_file,
        "exit_code": record.exit_code,
    }
    from wfverify.core.store import keep_newest, mark_ignored, write_atomically

    try:
        write_atomically(_record_path(cache_dir, key), json.dumps(body, separators=(",", ":")).encode("utf-8"))
        mark_ignored(cache_dir)
        keep_newest(cache_dir / "runs", ".json", MAX_RECORDS)
    except OSError:
        return


#: Run records kept (a hook run on each commit's files makes a new one each time); the oldest go first.
MAX_RECORDS = 200
