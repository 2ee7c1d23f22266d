"""Positions in JSON text, computed lazily and without recursion.

The clean path parses with :func:`json.loads` (C speed). Only when something
must be reported, or when the parse saw duplicate keys, does :func:`scan` walk
the text once and record, for every JSON Pointer, where its key and its value
start. The walk keeps an explicit stack, so a document nested 100,000 deep
costs memory, never a ``RecursionError``.

(The ``json-source-map`` package does the same job but recurses per level and
re-parses the document first, so it fails on the deep inputs a linter meets.)
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from wfverify.core.records import dataclass, field

__all__ = ["JsonMap", "scan", "escape", "LineIndex"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"', re.S)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


def escape(token: str) -> str:
    """Escape one reference token for a JSON Pointer (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


class LineIndex:
    """Offset -> 1-based (line, column) by binary search over line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class JsonMap:
    """Where each pointer's key (for object members) and value start, as offsets."""

    keys: dict[str, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    #: (pointer of the repeated member, offset of the repeated key) for every key seen twice.
    duplicates: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    index: int = 0
    key: str | None = None
    seen: set[str] = field(default_factory=set)


def scan(text: str) -> JsonMap:  # noqa: C901 - one tight loop reads better than many helpers
    """Map every pointer of a well-formed JSON text to offsets. Stops quietly at malformed text."""
    out = JsonMap()
    stack: list[_Frame] = []
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    pending_pointer = ""  # the pointer of the value that starts next
    expect_key = False
    n = len(text)
    while pos < n:
        ch = text[pos]
        if expect_key:
            if ch == "}":
                expect_key = False
                continue  # handled below as a closing brace
            m = _STRING.match(text, pos)
            if not m:
                return out
            key = m.group()[1:-1]
            if "\\" in key:  # only escaped keys need decoding (most have none)
                try:
                    key = json.loads(m.group())
                except ValueError:
                    return out
            frame = stack[-1]
            pending_pointer = f"{frame.pointer}/{escape(key)}"
            if key in frame.seen:
                out.duplicates.append((pending_pointer, pos))
            else:
                frame.seen.add(key)
                out.keys[pending_pointer] = pos
            pos = _WS.match(text, m.end()).end()  # type: ignore[union-attr]
            if pos >= n or text[pos] != ":":
                return out
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            expect_key = False
            continue
        if ch in "{[":
            out.values.setdefault(pending_pointer, pos)
            stack.append(_Frame(pending_pointer, ch == "{"))
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if ch == "{":
                expect_key = pos < n and text[pos] != "}"
            else:
                pending_pointer = f"{stack[-1].pointer}/0"
            continue
        if ch in "}]":
            if not stack:
                return out
            stack.pop()
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            pos = _after_value(text, pos, stack)
            if pos < 0:
                return out
            expect_key, pending_pointer = _next_slot(stack, text, pos)
            continue
        m = _STRING.match(text, pos) if ch == '"' else _SCALAR.match(text, pos)
        if not m:
            return out
        out.values.setdefault(pending_pointer, pos)
        pos = _WS.match(text, m.end()).end()  # type: ignore[union-attr]
        pos = _after_value(text, pos, stack)
        if pos < 0:
            return out
        expect_key, pending_pointer = _next_slot(stack, text, pos)
    return out


def _after_value(text: str, pos: int, stack: list[_Frame]) -> int:
    """Consume a comma after a value; bump the array index. -1 when the text ends oddly."""
    if not stack:
        return len(text)
    if pos < len(text) and text[pos] == ",":
        if not stack[-1].is_object:
            stack[-1].index += 1
        return _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    return pos


def _next_slot(stack: list[_Frame], text: str, pos: int) -> tuple[bool, str]:
    """After a value: is a key expected next, and what pointer does the next value get?"""
    if not stack:
        return False, ""
    frame = stack[-1]
    if frame.is_object:
        return pos < len(text) and text[pos] == '"', frame.pointer
    return False, f"{frame.pointer}/{frame.index}"
