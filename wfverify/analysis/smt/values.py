"""Representative values for the solver-free decision (:mod:`wfverify.analysis.smt.decide`).

Numbers are doubles: :func:`pick` finds the simplest double strictly inside a
gap between constants (0, else the integer or the shortest decimal nearest
zero), or reports that the gap holds none. Strings: spare strings that differ
from every constant, and for a ``StringMatches`` wildcard enough strings that
match it and enough that do not. :func:`combinations` builds the inputs from one
representative per variable.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from typing import Any

from wfverify.core.evaluate import wildcard_regex

__all__ = [
    "ABSENT",
    "combinations",
    "instantiate",
    "json_number",
    "numbers",
    "pick",
    "spare_strings",
    "wildcard_strings",
]

_MAX = sys.float_info.max
#: The representative of a variable that is not in the input.
ABSENT = object()


def wildcard_strings(pattern: str, constants: int) -> list[str]:
    """Strings that match ``pattern`` and strings that do not, ``constants + 1`` of each kind
    (when there are that many): one of each kind differs from every constant."""
    literal = "".join(ch for ch in instantiate(pattern, ""))
    filler = next(c for c in "xyzqwXYZQW#~" if c not in pattern)
    matching = [instantiate(pattern, filler * k) for k in range(constants + 1)]
    others = [filler * k for k in range(1, constants + 2)]
    regex = wildcard_regex(pattern)
    return [s for s in {*matching, *others, literal} if s in matching or not _fullmatch(regex, s)]


def affix_strings(patterns: set[str], constants: set[str]) -> list[str] | None:
    """Representatives for several ``*`` patterns on one variable, when all are ``*LITERAL`` (suffixes) or all
    ``LITERAL*`` (prefixes); ``None`` otherwise.

    Among suffix patterns, the ones a string matches are exactly those whose
    literal ends the longest literal it ends with, so each literal (and the
    same literal after fillers that occur in no pattern, enough that one differs
    from every constant) stands for every string of its class, and fillers
    alone for the strings matching none. Prefixes mirror this.
    """
    kinds = {_affix_kind(p) for p in patterns}
    if len(kinds) != 1 or None in kinds:
        return None
    suffix = kinds == {"suffix"}
    literals = sorted({instantiate(p, "") for p in patterns})
    filler = next(c for c in "xyzqwXYZQW#~" if all(c not in p for p in patterns))
    fills = [filler * k for k in range(1, len(constants) + 2)]
    out = set(literals) | set(fills)
    for literal in literals:
        out |= {f + literal if suffix else literal + f for f in fills}
    return sorted(out, key=lambda s: (len(s), s))


def _affix_kind(pattern: str) -> str | None:
    """``suffix`` for ``*LITERAL``, ``prefix`` for ``LITERAL*`` (one unescaped star), else ``None``."""
    if "\\" in pattern or pattern.count("*") != 1:  # escapes and inner stars: not this simple shape
        return None
    if pattern.startswith("*"):
        return "suffix"
    return "prefix" if pattern.endswith("*") else None


def _fullmatch(regex: str, text: str) -> bool:
    return re.fullmatch(regex, text, re.S) is not None


def instantiate(pattern: str, filler: str) -> str:
    """The pattern's text with every unescaped ``*`` replaced by ``filler``."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        out.append(filler if pattern[i] == "*" else pattern[i])
        i += 1
    return "".join(out)


def spare_strings() -> Iterator[str]:
    yield ""
    n = 0
    while True:
        yield from ("a", "b", "c") if n == 0 else (f"a{n}",)
        n += 1


def numbers(constants: list[float], integral: bool, copies: int = 1) -> list[float]:
    """Each finite constant and ``copies`` doubles inside each gap between them (as many as there are)."""
    points = [c for c in constants if math.isfinite(c) and (not integral or c.is_integer())]
    bounds = [-math.inf, *[c for c in constants if not math.isnan(c)], math.inf]
    values = set(points)
    for lo, hi in zip(bounds, bounds[1:]):
        low = lo
        for _ in range(copies if lo < hi else 0):
            picked = pick(low, hi, integral)
            if picked is None:
                break
            values.add(picked)
            low = picked
    return sorted(values, key=lambda v: (abs(v), v < 0))


def pick(lo: float, hi: float, integral: bool) -> float | None:
    """The simplest finite double strictly between ``lo`` and ``hi``: 0, else the integer or
    the shortest decimal nearest zero; None when no double (integer) lies there."""
    low = math.nextafter(lo, math.inf) if lo != -math.inf else -_MAX
    high = math.nextafter(hi, -math.inf) if hi != math.inf else _MAX
    if low > high:
        return None
    if low <= 0 <= high:
        return 0.0
    if high < 0:
        mirrored = _pick_positive(-high, -low, integral)
        return None if mirrored is None else -mirrored
    return _pick_positive(low, high, integral)


def _pick_positive(low: float, high: float, integral: bool) -> float | None:
    whole = float(math.ceil(low))
    if whole <= high:
        return whole
    if integral:
        return None
    from decimal import ROUND_CEILING, Decimal  # only a gap without an integer needs it

    exact = Decimal(low)
    for digits in range(1, 20):
        candidate = float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_CEILING))
        if low <= candidate <= high:
            return candidate
    return low


def json_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


def combinations(
    paths: list[tuple[str, ...]],
    reps: list[list[Any]],
    declared: dict[tuple[str, ...], str],
) -> Iterator[dict[str, Any]]:
    """Every consistent input from one representative per path, smallest first: a field is present only
    inside an object, and not below a path ``declared`` a scalar."""
    blocked = [any(path[:k] in declared for k in range(1, len(path))) for path in paths]
    parents = [[j for j in range(i) if paths[i][: len(paths[j])] == paths[j]] for i in range(len(paths))]
    chosen: list[Any] = [None] * len(paths)

    def walk(i: int) -> Iterator[dict[str, Any]]:
        if i == len(paths):
            yield _build(paths, chosen)
            return
        for value in reps[i]:
            if value is not ABSENT and (blocked[i] or any(not isinstance(chosen[j], dict) for j in parents[i])):
                continue
            chosen[i] = value
            yield from walk(i + 1)

    return walk(0)


def _build(paths: list[tuple[str, ...]], chosen: list[Any]) -> Any:
    if paths == [()]:  # the whole input is the value
        return {} if isinstance(chosen[0], dict) else chosen[0]
    data: dict[str, Any] = {}
    for path, value in zip(paths, chosen):
        if value is ABSENT:
            continue
        cursor = data
        for key in path[:-1]:
            cursor = cursor.setdefault(key, {})
        cursor[path[-1]] = {} if isinstance(value, dict) else value
    return data
