"""Positions in JSON text, computed lazily and without recursion.

The clean path parses with :func:`json.loads` (C speed). Positions are only
needed when something must be reported, so they are found on demand:

- :class:`LazyJsonMap` reads just the containers on the way to the pointers
  asked: a finding at ``/States/X/Next`` costs one match per member read on the
  way, and the states written before ``X`` are skipped by the C scanner, not
  walked in Python. It relies on every key being unique, which the parse checks.
- :func:`scan` maps every pointer at once (for re-rooted parts, templates, and
  texts with duplicate keys, whose positions follow the order of the text). It
  takes one regular-expression match per object member or array element; blanks,
  separators and scalar values inside the match cost no Python work.

Both keep an explicit stack or none at all, so a document nested 100,000 deep
costs memory, never a ``RecursionError``. Malformed text stops them quietly.

(The ``json-source-map`` package does the same job but recurses per level and
re-parses the document first, so it fails on the deep inputs a linter meets.)
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json.scanner import make_scanner

from wfverify.core.records import dataclass, field

__all__ = ["JsonMap", "LazyJsonMap", "scan", "escape", "LineIndex"]

_BLANKS = r"[ \t\n\r]*"
_STRING_BODY = r'[^"\\]*(?:\\.[^"\\]*)*'  # unrolled: no per-character alternation
_SCALAR_TEXT = r"[-+.0-9A-Za-z]+"  # numbers, true, false, null, NaN, Infinity
_ROOT = re.compile(_BLANKS)
#: In an object: the next member's key (group 1) and a scalar value (group 2, absent
#: when a container follows the match), or the closing brace (both absent).
_MEMBER = re.compile(
    rf'[ \t\n\r,]*(?:"({_STRING_BODY})"{_BLANKS}:{_BLANKS}("{_STRING_BODY}"|{_SCALAR_TEXT})?|\}})', re.S
)
#: In an array: the closing bracket (group 1), or a scalar element (group 2), or neither
#: when a container element starts where the match ends.
_ELEMENT = re.compile(rf'[ \t\n\r,]*(?:(\])|("{_STRING_BODY}"|{_SCALAR_TEXT}))?', re.S)
#: For the lazy reader: the next member's key with its colon, or the end of the object.
_KEY = re.compile(rf'[ \t\n\r,]*(?:"({_STRING_BODY})"{_BLANKS}:{_BLANKS}|\}})', re.S)
_END_OF_ARRAY = re.compile(r"[ \t\n\r,]*(\])?")
_STRING_OR_BRACKET = re.compile(rf'"{_STRING_BODY}"|[\[\]{{}}]', re.S)
#: (value, end) of the JSON value at an offset, read in C (typeshed types the decoder argument too narrowly).
_SCAN_ONCE = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


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

    def reach(self, pointer: str) -> None:
        """Nothing to do: every pointer is mapped already (the interface of :class:`LazyJsonMap`)."""

    def complete(self) -> JsonMap:
        return self


def _token(raw: str) -> str | None:
    """The pointer token of a key as written between its quotes; None when its escapes are bad."""
    if "\\" in raw:  # only escaped keys need decoding (most have none)
        try:
            raw = json.loads(f'"{raw}"')
        except ValueError:
            return None
    return escape(raw) if "~" in raw or "/" in raw else raw


def scan(text: str) -> JsonMap:  # noqa: C901 - one tight loop reads better than many helpers
    """Map every pointer of a well-formed JSON text to offsets. Stops quietly at malformed text.

    With duplicate keys the first value of a pointer wins, and its key is the first
    occurrence inside the last object written at the parent pointer.
    """
    out = JsonMap()
    keys, values, duplicates = out.keys, out.values, out.duplicates
    pos = _ROOT.match(text).end()  # type: ignore[union-attr]
    if pos >= len(text):
        return out
    values[""] = pos
    opener = text[pos]
    if opener not in "{[":
        return out
    # The open container: its pointer, the keys seen so far (None for an array) and the next index.
    here, index = "", 0
    seen: set[str] | None = set() if opener == "{" else None
    stack: list[tuple[str, set[str] | None, int]] = []
    pos += 1
    while True:
        if seen is not None:
            m = _MEMBER.match(text, pos)
            if m is None:
                return out
            raw = m[1]
            if raw is None:  # the closing brace
                if not stack:
                    return out
                here, seen, index = stack.pop()
                pos = m.end()
                continue
            token = _token(raw)
            if token is None:
                return out
            pointer = f"{here}/{token}"
            if token in seen:
                duplicates.append((pointer, m.start(1) - 1))
            else:
                seen.add(token)
                keys[pointer] = m.start(1) - 1
        else:
            m = _ELEMENT.match(text, pos)
            if m is None:
                return out
            if m[1] is not None:  # the closing bracket
                if not stack:
                    return out
                here, seen, index = stack.pop()
                pos = m.end()
                continue
            pointer = f"{here}/{index}"
            index += 1
        if m[2] is not None:  # a scalar value, consumed by the match
            values.setdefault(pointer, m.start(2))
            pos = m.end()
            continue
        pos = m.end()
        opener = text[pos : pos + 1]
        if opener not in ("{", "["):
            return out
        values.setdefault(pointer, pos)
        stack.append((here, seen, index))
        here, seen, index = pointer, set() if opener == "{" else None, 0
        pos += 1


class LazyJsonMap:
    """Offsets of the pointers asked for, read from the text on demand.

    Only for texts whose objects have no repeated keys (the parse tells): then each
    pointer has one place, and reading an object can stop at the member wanted.
    Each container is read at most once, from where the last look-up left it.

    Skipping a value and entering it later reads its text twice; findings spread over
    a deeply nested text would make that quadratic. So the reader keeps a budget of
    characters skipped (twice the text) and, once it is spent, maps everything with
    one :func:`scan` instead: never much worse than the full map, usually far better.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[str, int] = {}
        self.values: dict[str, int] = {}
        root = _ROOT.match(text).end()  # type: ignore[union-attr]
        if root < len(text):
            self.values[""] = root
        #: container pointer -> (offset of the last value read, still to be skipped; next index)
        self._resume: dict[str, tuple[int, int]] = {}
        self._finished: set[str] = set()
        self._full: JsonMap | None = None
        self._budget = 2 * len(text) + 4096

    def reach(self, pointer: str) -> None:
        """Read just enough text to map ``pointer`` and each pointer above it that exists."""
        if self._full is not None or pointer in self.values:
            return
        parent = ""
        for token in pointer.split("/")[1:]:
            child = f"{parent}/{token}"
            if child not in self.values and not self._read_until(parent, child):
                return
            parent = child

    def complete(self) -> JsonMap:
        """Every pointer at once (a full :func:`scan`, made once; it answers all later look-ups)."""
        if self._full is None:
            self._full = scan(self.text)
            self.keys, self.values = self._full.keys, self._full.values
        return self._full

    def _read_until(self, parent: str, child: str) -> bool:
        """Read members of the container at ``parent`` until ``child`` is mapped; False when it is absent.

        Where the reading stops, the value just mapped is not skipped yet: a deep chain
        is entered level by level without ever being skipped whole.
        """
        start = self.values.get(parent)
        if start is None or start >= len(self.text) or parent in self._finished:
            return False  # absent, cut short (malformed text), or read to its end already
        text, keys, values = self.text, self.keys, self.values
        opener = text[start]
        pending, index = self._resume.pop(parent, (-1, 0))
        pos = start + 1
        while opener in ("{", "["):
            if pending >= 0:  # skip the value read last
                pos = _skip_value(text, pending)
                if pos < 0:
                    break
                self._budget -= pos - pending
                if self._budget < 0:
                    return child in self.complete().values
            if opener == "{":
                m = _KEY.match(text, pos)
                token = None if m is None or m[1] is None else _token(m[1])
                if m is None or token is None:
                    break
                here = f"{parent}/{token}"
                keys[here] = m.start(1) - 1
            else:
                m = _END_OF_ARRAY.match(text, pos)
                if m is None or m[1] is not None or m.end() >= len(text):
                    break
                here = f"{parent}/{index}"
                index += 1
            pending = values[here] = m.end()
            if here == child:
                self._resume[parent] = pending, index
                return True
        self._finished.add(parent)
        return False


def _skip_value(text: str, pos: int) -> int:
    """Offset just past the value starting at ``pos`` (C speed); -1 when there is none."""
    try:
        return int(_SCAN_ONCE(text, pos)[1])
    except RecursionError:  # nested deeper than the C scanner goes: count brackets instead
        return _skip_nested(text, pos)
    except (StopIteration, ValueError):
        return -1


def _skip_nested(text: str, pos: int) -> int:
    """Offset just past the container starting at ``pos``, without recursion."""
    depth = 0
    for m in _STRING_OR_BRACKET.finditer(text, pos):
        mark = m.group()
        if mark in ("{", "["):
            depth += 1
        elif mark in ("}", "]"):
            depth -= 1
            if depth == 0:
                return m.end()
    return -1
