"""Z3 encodings of conditions, choice states and loops.

The only package that imports ``z3``, and only inside functions: a file with
nothing to prove never loads the solver. Every solver call runs under a
deterministic resource limit (``rlimit``), never a wall-clock timeout, so the
same file always gets the same verdict; a limit that is reached gives the
verdict ``unknown`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["DEFAULT_RLIMIT", "fresh_context"]

#: Resource units per solver call (z3 ``rlimit``); a few million keep a choice under a second.
DEFAULT_RLIMIT = 5_000_000


@contextmanager
def fresh_context() -> Iterator[None]:
    """Run Z3 in a context of its own: its models then depend only on the query, not on what
    the process solved before (other files of the run, other tests), so witnesses are the
    same bytes in a single, a parallel or a cached run."""
    import z3

    saved = z3.z3._main_ctx
    z3.z3._main_ctx = z3.Context()
    try:
        yield
    finally:
        z3.z3._main_ctx = saved
