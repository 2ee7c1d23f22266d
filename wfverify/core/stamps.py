"""Cheap fingerprints of files that results depend on without being read: code, and installed models.

A stamp is a file's size and modification time (one ``stat``), as ruff and
mypy use for their caches of code. Data that results are computed from is
hashed instead (see :mod:`wfverify.cache`).
"""

from __future__ import annotations

import os
import sys

__all__ = ["botocore_module", "stamp"]


def stamp(path: str) -> str:
    """``size:mtime_ns`` of a file, or ``missing``."""
    try:
        stat = os.stat(path)
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def botocore_module() -> str | None:
    """botocore's ``__init__.py`` as Python would import it (found without importing botocore), or ``None``.

    Upgrading botocore rewrites it (its version is in it), and the AWS models that
    some rules read come with botocore.
    """
    for folder in sys.path:
        candidate = os.path.join(folder or ".", "botocore", "__init__.py")
        if os.path.isfile(candidate):
            return candidate
    return None
