"""Strings in Z3: constants, the RFC 3339 timestamp shape and ``StringMatches`` patterns as regular expressions.

Kept apart from the encoder (:mod:`wfverify.analysis.smt.encode`), which calls
them with its Z3 module: they depend on nothing but Z3's string theory.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["constant", "decode", "has_timestamp_shape", "timestamp_shape", "wildcard"]


def constant(z3: Any, text: str) -> Any:
    """A Z3 string constant; z3 reads ``\\u{..}`` escapes in ``StringVal``, so texts
    holding a backslash are built character by character."""
    if "\\" not in text:
        return z3.StringVal(text)
    return z3.Concat(*[z3.StringVal(ch) for ch in text]) if len(text) > 1 else z3.StringVal(text)


def decode(text: str) -> str:
    """z3 prints characters it cannot show as ``\\u{hex}``: turn them back into characters."""
    return re.sub(r"\\u\{([0-9a-fA-F]{1,6})\}", lambda m: chr(int(m.group(1), 16)), text)


def timestamp_shape(z3: Any) -> Any:
    """The regular expression of an RFC 3339 timestamp's text (``2024-01-31T12:00:00.5+01:00``)."""
    d = z3.Range("0", "9")

    def digits(n: int) -> Any:
        return z3.Concat(*([d] * n)) if n > 1 else d

    sign = z3.Union(z3.Re("+"), z3.Re("-"))
    zone = z3.Union(z3.Re("Z"), z3.Concat(sign, digits(2), z3.Re(":"), digits(2)))
    frac = z3.Option(z3.Concat(z3.Re("."), z3.Plus(d)))
    parts = [digits(4)]
    for separator in "--T::":  # the year, then two digits after each separator
        parts += [z3.Re(separator), digits(2)]
    return z3.Concat(*parts, frac, zone)


def has_timestamp_shape(text: str) -> bool:
    """The text has the shape :func:`timestamp_shape` describes (whether or not it is a real instant)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", text) is not None


def wildcard(z3: Any, pattern: str) -> Any:
    """The regular expression of an ASL ``StringMatches`` pattern (``*`` any run, ``\\*`` a star)."""
    parts, chunk, i = [], "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            chunk += pattern[i + 1]
            i += 2
            continue
        if ch == "*":
            if chunk:
                parts.append(z3.Re(constant(z3, chunk)))
            chunk = ""
            parts.append(z3.Full(z3.ReSort(z3.StringSort())))
        else:
            chunk += ch
        i += 1
    if chunk or not parts:
        parts.append(z3.Re(constant(z3, chunk)))
    return z3.Concat(*parts) if len(parts) > 1 else parts[0]
