"""Parsing documents nested deeper than Python's default recursion limit allows.

Kept apart from :mod:`wfverify.load.source` so that the JSON and YAML readers
can both use it without importing each other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["MAX_DEPTH", "parse_deep"]

MAX_DEPTH = 50_000
_DEEP_STACK_BYTES = 512 * 1024 * 1024


def parse_deep(fn: Callable[..., Any], *args: Any, limit: int = MAX_DEPTH) -> Any:
    """Run a recursive C parser on a thread with a large stack and a raised recursion limit.

    ``json.loads`` and libyaml's composer recurse once per nesting level and give up
    near Python's default limit of 1,000; 400 nested parallel states already nest
    2,000 deep. Only documents that hit the default limit take this path; beyond
    :data:`MAX_DEPTH` the ``RecursionError`` stands and becomes a finding.
    """
    result: dict[str, Any] = {}

    def target() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, limit))
        try:
            result["value"] = fn(*args)
        except BaseException as exc:  # handed back to the caller's thread
            result["error"] = exc
        finally:
            sys.setrecursionlimit(old)

    import threading  # only for a deep document: the parse gets a thread with a large stack

    previous = threading.stack_size()
    threading.stack_size(_DEEP_STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="wfverify-deep-parse")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
    if "error" in result:
        raise result["error"]
    return result["value"]
