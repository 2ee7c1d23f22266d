"""Compiled code of the sources wfverify generates at import, kept per user as Python keeps ``.pyc`` files.

:mod:`wfverify.core.records` compiles a small source per data class
(``__init__``, ``__eq__``, ``__hash__``): about 10 ms per process for the
classes a check creates, paid again by every process of every run although
the sources never change between runs of one installation. Here a compiled
code object is looked up by its exact source text in one :mod:`marshal` file
of the per-user cache (:func:`wfverify.core.stamps.user_cache_dir`; keyed by
the interpreter's cache tag and bytecode magic number, as ``.pyc`` files are), and
the file is rewritten once, at exit, when a process compiled something new.
A file that does not read back is ignored (and rewritten); with the cache
turned off (``WFVERIFY_CACHE_DIR=off``) every source is compiled. Nothing here
depends on the files checked.
"""

from __future__ import annotations

import marshal
import os
import sys
from types import CodeType

from wfverify.core.stamps import user_cache_dir

__all__ = ["compiled"]

_FORMAT = "1"
#: Entries kept: wfverify makes some 130 classes; classes made at run time by a program using the
#: library could add more, so past this the file keeps only what the last process compiled.
_MOST = 2048
_codes: dict[str, CodeType] | None = None
_changed = False


def compiled(source: str) -> CodeType:
    """``compile(source, ...)``, from the cache when this installation compiled it before."""
    global _codes, _changed
    if _codes is None:
        _codes = _load()
    code = _codes.get(source)
    if code is None:
        code = _codes[source] = compile(source, "<wfverify generated>", "exec")
        if not _changed:
            import atexit

            atexit.register(_save)
            _changed = True
    return code


def _path() -> str | None:
    folder = user_cache_dir()
    if folder is None:
        return None
    from importlib.util import MAGIC_NUMBER  # changes whenever the bytecode does, as for .pyc files

    tag = sys.implementation.cache_tag or "python"
    return os.path.join(folder, f"generated-{tag}-{MAGIC_NUMBER.hex()}-{marshal.version}-{_FORMAT}.marshal")


def _load() -> dict[str, CodeType]:
    path = _path()
    if path is None:
        return {}
    try:
        with open(path, "rb") as stream:
            stored = marshal.loads(stream.read())
    except Exception:  # noqa: BLE001 - missing, or damaged: marshal raises ValueError, EOFError or TypeError
        return {}
    if not isinstance(stored, dict) or not all(
        isinstance(k, str) and isinstance(v, CodeType) for k, v in stored.items()
    ):
        return {}
    return stored


def _save() -> None:
    """Write what this process compiled, with what the file held (a helper process never gets here)."""
    path = _path()
    if path is None or _codes is None:
        return
    from pathlib import Path

    from wfverify.core.store import write_atomically

    merged = {**_load(), **_codes}
    if len(merged) > _MOST:
        merged = dict(_codes)
    try:
        write_atomically(Path(path), marshal.dumps(merged))
    except (OSError, ValueError):
        return
