"""Cheap fingerprints of files that results depend on without being read: code, and installed models.

A stamp is a file's size and modification time (one ``stat``), as ruff and
mypy use for their caches of code. Data that results are computed from is
hashed instead (see :mod:`wfverify.cache`).
"""

from __future__ import annotations

import functools
import os
import sys

__all__ = ["botocore_module", "code_stamps", "module_file", "sha256", "stamp", "user_cache_dir"]

TYPE_CHECKING = False  # typing's import is a start-up cost a replayed run avoids
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:  # CPython's own SHA-256: importing hashlib first initialises OpenSSL (~2 ms of a run)
        from _sha256 import sha256
    except ImportError:  # other Pythons
        from hashlib import sha256


def stamp(path: str) -> str:
    """``size:mtime_ns`` of a file, or ``missing``."""
    try:
        stat = os.stat(path)
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def module_file(package: str, name: str = "__init__.py") -> str | None:
    """A file of an installed package as Python would import it, found without importing it, or ``None``."""
    for folder in sys.path:
        candidate = os.path.join(folder or ".", package, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def botocore_module() -> str | None:
    """botocore's ``__init__.py`` (see :func:`module_file`).

    Upgrading botocore rewrites it (its version is in it), and the AWS models that
    some rules read come with botocore.
    """
    return module_file("botocore")


@functools.cache
def code_stamps() -> dict[str, str]:
    """Stamps of wfverify's own modules and of botocore (its AWS models), once per process.

    Every result depends on them: the result cache's key and the run records
    include them, so an edited checkout or an upgraded botocore never reads
    results of the code before.
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out: dict[str, str] = {}
    for folder, _dirs, files in sorted(os.walk(package)):
        out.update((p, stamp(p)) for p in (os.path.join(folder, n) for n in sorted(files) if n.endswith(".py")))
    botocore = botocore_module()
    out[botocore or "no botocore"] = stamp(botocore) if botocore else ""
    return out


def user_cache_dir() -> str | None:
    """The per-user folder for things derived from installed code (compiled schemas, AWS model indexes).

    ``$WFVERIFY_CACHE_DIR`` if set (``off``: none), else ``$XDG_CACHE_HOME/wfverify``,
    else ``~/.cache/wfverify``. Nothing here depends on the files checked.
    """
    configured = os.environ.get("WFVERIFY_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wfverify")
