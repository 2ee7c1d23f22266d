"""How the caches write their files: atomically, bounded in number, never committed.

The result cache, the run records, the AWS model index and the compiled schema
validators all keep files that several runs may read and write at once. Each is
written to a temporary file in the same folder and moved into place with
:func:`os.replace`, so a reader sees either no file or a whole one; a write that
fails leaves no temporary file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["IGNORE_ALL", "keep_newest", "mark_ignored", "write_atomically"]

IGNORE_ALL = "# written by wfverify: the result cache is never committed\n*\n"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (its folder made if missing); raises :class:`OSError` on failure."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def keep_newest(folder: Path, suffix: str, limit: int) -> None:
    """Remove the oldest files ending in ``suffix`` beyond ``limit`` (by modification time, then name)."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(suffix)]
    if len(entries) <= limit:
        return
    entries.sort(key=lambda e: (e.stat().st_mtime_ns, e.name))
    for entry in entries[: len(entries) - limit]:
        os.unlink(entry.path)


def mark_ignored(root: Path) -> None:
    """A ``.gitignore`` of ``*`` in a cache folder, so that it is never committed."""
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE_ALL, encoding="utf-8")
