"""Lock names that may be the same lock: template unification, a sound over-approximation.

A lock name is a template: literal text with ``{EXPR}`` placeholders filled
from data (``account:{item.from}``). A placeholder can become any string, so a
template denotes the strings of the glob ``account:*``. Two names *may alias*
when their globs share a string (``account:42`` and ``account:{acct}``;
``res-{r}`` and ``res-eu-{z}`` with ``r = "eu-" + z``). Treating each
placeholder as an independent wildcard ignores that one expression has one
value, which only adds aliases: the answer "cannot alias" is exact, "may
alias" is an over-approximation. :func:`common_name` builds a string both
spell, and :func:`placeholder_values` reads the placeholder values back from a
concrete name, so witnesses carry data that a replay can check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

__all__ = ["PLACEHOLDER", "alias_classes", "common_name", "is_template", "may_alias", "placeholder_values"]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
Token = tuple[str, str]  # ("lit", char) or ("hole", expression)


def is_template(name: str) -> bool:
    return PLACEHOLDER.search(name) is not None


@lru_cache(maxsize=4096)
def _tokens(name: str) -> tuple[Token, ...]:
    out: list[Token] = []
    pos = 0
    for m in PLACEHOLDER.finditer(name):
        out += [("lit", c) for c in name[pos : m.start()]]
        out.append(("hole", m.group(1).strip()))
        pos = m.end()
    out += [("lit", c) for c in name[pos:]]
    return tuple(out)


def may_alias(a: str, b: str) -> bool:
    """True when some data makes the two names the same string."""
    if a == b:
        return True
    if not is_template(a) and not is_template(b):
        return False
    return common_name(a, b) is not None


@lru_cache(maxsize=4096)
def common_name(a: str, b: str, filler: str = "v") -> str | None:
    """A string both templates can spell (wildcards facing wildcards spell ``filler``), or None."""
    ta, tb = _tokens(a), _tokens(b)
    memo: dict[tuple[int, int], str | None] = {}

    def solve(i: int, j: int) -> str | None:
        """A string matched by ta[i:] and tb[j:], or None (a depth-first search over positions)."""
        if (i, j) in memo:
            return memo[i, j]
        memo[i, j] = None  # guards the recursion on (i, j) itself
        found: str | None = None
        if i == len(ta) and j == len(tb):
            found = ""
        elif i < len(ta) and j < len(tb) and ta[i][0] == "lit" and tb[j][0] == "lit":
            rest = solve(i + 1, j + 1) if ta[i][1] == tb[j][1] else None
            found = None if rest is None else ta[i][1] + rest
        elif i < len(ta) and j < len(tb) and ta[i][0] == tb[j][0] == "hole":
            rest = solve(i + 1, j + 1)  # two placeholders facing each other spell the filler
            found = filler + rest if rest is not None else _around_hole(ta, tb, i, j, solve, filler)
        else:
            found = _around_hole(ta, tb, i, j, solve, filler)
        memo[i, j] = found
        return found

    return solve(0, 0)


def _around_hole(
    ta: tuple[Token, ...], tb: tuple[Token, ...], i: int, j: int, step: Callable[[int, int], str | None], filler: str
) -> str | None:
    """A hole at ta[i] or tb[j] matches nothing more, or one more token of the other side."""
    if i < len(ta) and ta[i][0] == "hole":
        skip = step(i + 1, j)
        if skip is not None:
            return skip
        if j < len(tb):
            rest = step(i, j + 1)
            if rest is not None:
                return (tb[j][1] if tb[j][0] == "lit" else filler) + rest
    if j < len(tb) and tb[j][0] == "hole":
        skip = step(i, j + 1)
        if skip is not None:
            return skip
        if i < len(ta):
            rest = step(i + 1, j)
            if rest is not None:
                return (ta[i][1] if ta[i][0] == "lit" else filler) + rest
    return None


def placeholder_values(template: str, concrete: str) -> dict[str, str] | None:
    """Values of the template's placeholders that spell ``concrete``; None when it cannot, or when
    one expression would need two different values."""
    parts = PLACEHOLDER.split(template)
    pattern = "".join(re.escape(p) if k % 2 == 0 else f"(?P<g{k}>.*?)" for k, p in enumerate(parts))
    m = re.fullmatch(pattern, concrete, re.DOTALL)
    if m is None:
        return None
    values: dict[str, str] = {}
    for k in range(1, len(parts), 2):
        expr, value = parts[k].strip(), m.group(f"g{k}")
        if values.setdefault(expr, value) != value:
            return None
    return values


def alias_classes(names: set[str]) -> dict[str, str]:
    """Name -> a representative of its class: the transitive closure of "may alias" (union-find)."""
    parent = {n: n for n in names}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    ordered = sorted(names)
    templates = [n for n in ordered if is_template(n)]
    for t in templates:
        for other in ordered:
            if other != t and may_alias(t, other):
                parent[find(other)] = find(t)
    return {n: find(n) for n in ordered}
