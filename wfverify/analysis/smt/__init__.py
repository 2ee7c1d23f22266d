"""Z3 encodings of conditions, choice states and loops.

The only package that imports ``z3``, and only inside functions: a file with
nothing to prove never loads the solver. Every solver call runs under a
deterministic resource limit (``rlimit``), never a wall-clock timeout, so the
same file always gets the same verdict; a limit that is reached gives the
verdict ``unknown`` with the reason.
"""

from __future__ import annotations

__all__ = ["DEFAULT_RLIMIT"]

#: Resource units per solver call (z3 ``rlimit``); a few million keep a choice under a second.
DEFAULT_RLIMIT = 5_000_000
