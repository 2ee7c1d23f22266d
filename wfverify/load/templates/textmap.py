"""Text pieced together from places in a file, and a JSON definition read out of it.

A definition written as a string (``DefinitionString``, a YAML block scalar, a
Terraform heredoc, the parts of an ``Fn::Join``) is JSON text whose characters
sit at known places in the template. :class:`MappedText` keeps, for every
character of the rebuilt text, the offset of the template character it came
from, so that a finding at ``/States/A/Next`` inside the string is reported at
the line and column the user edits.

Opaque parts (an ``Fn::GetAtt`` inside a join, a ``${var.x}`` interpolation)
become ``${...}`` placeholders, which the ASL loader accepts wherever a value
may be substituted at deploy time; where such a placeholder stands outside a
JSON string it is read as a placeholder string, never as a syntax error.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from wfverify.core.records import dataclass, field
from wfverify.load import jsonpos
from wfverify.load.jsonpos import LineIndex
from wfverify.load.source import Document, SourceProblem

__all__ = ["MappedText", "align", "read_json_definition", "substitute", "placeholder", "Positions"]

_SKIPPABLE = " \t\r\n"
_ESCAPE_WIDTH = {"x": 4, "u": 6, "U": 10}
_VARIABLE = re.compile(r"\$\{([^{}]*)\}")


def placeholder(text: str) -> str:
    """An opaque ``${...}`` placeholder naming what it stands for (braces and blanks flattened)."""
    inner = re.sub(r"[{}\s]+", " ", text).strip()[:80] or "value"
    return "${" + inner + "}"


@dataclass
class MappedText:
    """Text built from pieces; each character remembers its offset in the source file."""

    _parts: list[str] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _offsets: list[Sequence[int] | int] = field(default_factory=list)
    _length: int = 0

    @property
    def identity(self) -> bool:
        """One piece, each character at its own offset (a whole file)."""
        return len(self._parts) == 1 and self._offsets[0] == range(self._length)

    def add(self, text: str, offsets: Sequence[int] | int) -> None:
        """Append ``text``; ``offsets`` is one source offset per character, or one for all of them."""
        if not text:
            return
        self._parts.append(text)
        self._starts.append(self._length)
        self._offsets.append(offsets)
        self._length += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def source_offset(self, index: int) -> int:
        if not self._parts:
            return 0
        part = max(bisect_right(self._starts, index) - 1, 0)
        where = self._offsets[part]
        if isinstance(where, int):
            return where
        local = min(max(index - self._starts[part], 0), len(where) - 1)
        return where[local]


def align(source: str, start: int, value: str, escapes: bool | None = None) -> list[int]:
    """Offsets in ``source`` of each character of ``value``, the scalar written at ``start``.

    Handles YAML block scalars (``|``/``>`` headers, indentation), quoted scalars
    (quotes, ``\\`` escapes, folded lines), JSON and HCL strings. ``escapes`` defaults
    to whether the scalar is double-quoted. Characters that cannot be matched (an
    unusual escape) take the offset of the last matched one, so a position is never
    invented past the scalar.
    """
    j = start
    opener = source[j : j + 1]
    if escapes is None:
        escapes = opener == '"'
    if opener in ("|", ">"):
        newline = source.find("\n", j)
        j = newline + 1 if newline >= 0 else len(source)
    elif opener in ('"', "'"):
        j += 1
    out: list[int] = []
    last = start
    n = len(source)
    for ch in value:
        j = _seek(source, j, ch, escapes, opener == "'")
        if j >= n:
            out.append(last)
            continue
        last = j
        out.append(j)
        j += _escape_width(source, j) if escapes and source[j] == "\\" else 1
    return out


def _seek(source: str, j: int, ch: str, escapes: bool, single_quoted: bool) -> int:
    """The next offset from ``j`` that writes ``ch``, skipping layout only; ``len(source)`` if lost."""
    n = len(source)
    while j < n:
        c = source[j]
        if escapes and c == "\\":
            if source[j + 1 : j + 2] == "\n":  # a YAML line continuation
                j += 2
                continue
            return j  # an escape sequence stands for this character
        if c == ch:
            return j
        if c in _SKIPPABLE or (single_quoted and c == "'"):
            j += 1
            continue
        return n
    return n


def _escape_width(source: str, j: int) -> int:
    width = _ESCAPE_WIDTH.get(source[j + 1 : j + 2], 2)
    if source[j + 1 : j + 2] == "u" and source[j + 6 : j + 8] == "\\u":
        high = source[j + 2 : j + 6]
        if high[:1] in "dD" and high[1:2] in "89abAB":
            return 12  # a surrogate pair decodes to one character
    return width


_STRING_OR_HOLE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|\$\{')


def _neutralize(text: str) -> tuple[str, dict[int, str]]:
    """Replace each ``${...}`` outside JSON strings by a string of the same length.

    Returns the new text and, by offset, the placeholder text each stands for.
    """
    holes: dict[int, str] = {}
    if "${" not in text:
        return text, holes
    out: list[str] = []
    last = pos = 0
    while True:
        m = _STRING_OR_HOLE.search(text, pos)
        if m is None:
            break
        if m.group() != "${":
            pos = m.end()
            continue
        end = _interpolation_end(text, m.start())
        original = text[m.start() : end]
        holes[m.start()] = placeholder(original[2:-1])
        out.append(text[last : m.start()])
        out.append('"' + "_" * (len(original) - 2) + '"')
        last = pos = end
    out.append(text[last:])
    return "".join(out), holes


def _string_end(text: str, i: int) -> int:
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] in '"\n':
            return j + 1
        j += 1
    return len(text)


def _interpolation_end(text: str, i: int) -> int:
    """End of a ``${...}`` starting at ``i``, braces balanced and strings skipped."""
    depth = 0
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == '"':
            j = _string_end(text, j)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        elif ch == "\n" and depth <= 1:
            return j
        j += 1
    return len(text)


@dataclass
class Positions:
    """Pointer -> 1-based (line, column) in the template, for keys and values."""

    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    values: dict[str, tuple[int, int]] = field(default_factory=dict)


def read_json_definition(
    mapped: MappedText, file_text: str, file_format: str, substitutions: Mapping[str, Any] | None = None
) -> tuple[Document | None, list[SourceProblem]]:
    """Parse the JSON in ``mapped``; the document's positions are in the template ``file_text``."""
    from wfverify.load.source import _parse_json

    index = LineIndex(file_text)

    def where(offset: int) -> tuple[int, int]:
        return index.position(mapped.source_offset(offset))

    text, holes = _neutralize(mapped.text)
    if not text.strip():
        return None, [SourceProblem("the definition is an empty string", *where(0))]
    parsed, problems = _parse_json(text)
    inner = LineIndex(text)
    located = [_relocate(p, inner, where) for p in problems]
    if parsed is None:
        return None, located
    if not holes and mapped.identity and file_format == "json":  # a file as written: its map is built lazily
        return Document(file_text, "json", substitute(parsed.data, substitutions or {})), located
    scanned = jsonpos.scan(text)
    positions = Positions(
        {p: where(o) for p, o in scanned.keys.items()}, {p: where(o) for p, o in scanned.values.items()}
    )
    data = parsed.data
    if holes:
        by_offset = {o: p for p, o in scanned.values.items()}
        for offset, shown in holes.items():
            pointer = by_offset.get(offset)
            if pointer is not None:
                data = _set(data, pointer, shown)
    data = substitute(data, substitutions or {})
    return Document(file_text, file_format, data, positions.keys, positions.values), located


def _relocate(problem: SourceProblem, inner: LineIndex, where: Any) -> SourceProblem:
    line, column = problem.line or 1, problem.column or 1
    offset = inner.starts[min(line, len(inner.starts)) - 1] + column - 1
    at = where(offset)
    return SourceProblem(problem.message, at[0], at[1], problem.pointer, problem.rule)


def _set(data: Any, pointer: str, value: Any) -> Any:
    if not pointer:
        return value
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = data
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def substitute(data: Any, values: Mapping[str, Any]) -> Any:
    """Put literal values in for ``${Name}`` inside strings; every other placeholder stays opaque.

    A string that is one whole placeholder takes only a string value: a number put
    into ``"${Count}"`` would be a string at deploy time, so it is left opaque.
    """
    literal = {k: v for k, v in values.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    if not literal:
        return data

    def one(text: str) -> str:
        whole = _VARIABLE.fullmatch(text)
        if whole:
            value = literal.get(whole.group(1))
            return value if isinstance(value, str) else text
        return _VARIABLE.sub(lambda m: str(literal.get(m.group(1), m.group(0))), text)

    stack: list[Any] = [data]
    if isinstance(data, str):
        return one(data)
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in list(items):
            if isinstance(child, str):
                node[key] = one(child)
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return data
