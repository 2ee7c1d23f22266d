"""Reading a file into data plus a source map: the only place that touches bytes.

:func:`read_document` never raises for bad content: an empty, binary,
undecodable, oversized or malformed file becomes a :class:`SourceProblem` with
the best position known, and the run goes on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wfverify.core.records import dataclass, field
from wfverify.load import jsonpos
from wfverify.load.deep import MAX_DEPTH, parse_deep
from wfverify.load.jsonpos import LineIndex

_DIRECTIVE = re.compile(r"#\s*(wfverify:\s*ignore\[[^\]]*\])")

__all__ = ["Document", "SourceProblem", "read_document", "decode", "DEFAULT_MAX_BYTES"]

#: Files larger than this are refused with a finding (configurable: ``max-file-size``).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Deepest nesting read (JSON or YAML levels); deeper documents are a finding.

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass(frozen=True)
class SourceProblem:
    """A problem of the file itself; ``rule`` is a contract rule name."""

    message: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    rule: str = "syntax-error"


@dataclass
class Document:
    """Parsed data, the text it came from, and a lazily built source map."""

    text: str
    format: str  # "json" or "yaml"
    data: Any = None
    _keys: dict[str, tuple[int, int]] | None = None
    _values: dict[str, tuple[int, int]] | None = None
    _lines: LineIndex | None = field(default=None, repr=False)
    #: Offsets in the text: all of them (:func:`jsonpos.scan`) or read as pointers are asked for.
    _offsets: jsonpos.JsonMap | jsonpos.LazyJsonMap | None = field(default=None, repr=False)
    #: line -> offset of its start, for the lines found without a line index.
    _line_starts: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def _ensure_map(self) -> None:
        if self._keys is not None:
            return
        self._keys, self._values = {}, {}  # filled from the offsets as pointers are asked for
        if self._offsets is None:
            self._offsets = jsonpos.scan(self.text)

    def part(self, prefix: str, data: Any) -> Document:
        """The document below ``prefix`` (a pointer) as one of its own: ``data`` with positions re-rooted."""
        self._ensure_map()
        assert self._keys is not None and self._values is not None
        keys, values = dict(self._keys), dict(self._values)
        if self._offsets is not None:
            index, full = self._line_index(), self._offsets.complete()
            keys.update((p, index.position(o)) for p, o in full.keys.items() if p not in keys)
            values.update((p, index.position(o)) for p, o in full.values.items() if p not in values)
        inside = prefix + "/"
        return Document(
            self.text,
            self.format,
            data,
            {p[len(prefix) :]: v for p, v in keys.items() if p.startswith(inside)},
            {p[len(prefix) :]: v for p, v in values.items() if p == prefix or p.startswith(inside)},
        )

    def _lookup(self, pointer: str, values_too: bool = True) -> tuple[int, int] | None:
        """(line, column) of a pointer's key (or value), turning the scan's offset into one on first use."""
        assert self._keys is not None and self._values is not None
        hit = self._keys.get(pointer) or (self._values.get(pointer) if values_too else None)
        if hit is None and self._offsets is not None:
            self._offsets.reach(pointer)
            keys, values = self._offsets.keys, self._offsets.values
            offset = keys.get(pointer, values.get(pointer) if values_too else None)
            if offset is not None:
                hit = self._keys[pointer] = self._position(offset)
        return hit

    def _position(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset. Counting newlines in C beats indexing every line
        for the few positions a file's findings need; the line's start is kept for :meth:`line_text`."""
        if self._lines is not None:
            return self._lines.position(offset)
        start = self.text.rfind("\n", 0, offset) + 1
        line = self.text.count("\n", 0, start) + 1
        self._line_starts[line] = start
        return line, offset - start + 1

    def _line_index(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of a member's key, or of the value for array items
        and the root. A pointer into a missing field falls back to its nearest parent."""
        self._ensure_map()
        assert self._keys is not None and self._values is not None
        probe = pointer
        while True:
            hit = self._lookup(probe)
            if hit:
                return hit
            if not probe:
                return 1, 1
            probe = probe.rsplit("/", 1)[0]

    def line_text(self, line: int) -> str:
        if line in self._line_starts:
            start = self._line_starts[line]
            end = self.text.find("\n", start)
            return self.text[start : end if end >= 0 else len(self.text)]
        index = self._line_index()
        if not 1 <= line <= len(index.starts):
            return ""
        start = index.starts[line - 1]
        end = index.starts[line] - 1 if line < len(index.starts) else len(self.text)
        return self.text[start:end]

    def yaml_directives(self, pointer: str) -> list[str]:
        """Rule names in a ``# wfverify: ignore[...]`` comment on the line of the key at pointer."""
        if self.format != "yaml":
            return []
        self._ensure_map()
        assert self._keys is not None
        hit = self._lookup(pointer, values_too=False)
        line = self.line_text(hit[0]) if hit else ""
        return [name for m in _DIRECTIVE.finditer(line) for name in directives_in(m.group(1))]


def directives_in(text: str | None) -> list[str]:
    """Rule names silenced by ``wfverify: ignore[a, b]`` inside a comment string."""
    if not text:
        return []
    names: list[str] = []
    for m in re.finditer(r"wfverify:\s*ignore\[([^\]]*)\]", text):
        names += [n.strip() for n in m.group(1).split(",") if n.strip()]
    return names


def decode(raw: bytes) -> tuple[str | None, SourceProblem | None]:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16/32 with a BOM."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raw, encoding = raw[len(bom) :], name
            break
    if encoding == "utf-8" and b"\x00" in raw[:8192]:
        return None, SourceProblem("binary file (NUL bytes): not a JSON or YAML workflow", 1, 1)
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode(encoding, "replace")) + 1
        return None, SourceProblem(
            f"invalid {encoding.upper()} byte 0x{raw[exc.start]:02x}: save the file as UTF-8", line, column
        )


def guess_format(name: str, text: str) -> str:
    lower = name.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def read_document(
    raw: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Document | None, list[SourceProblem]]:
    """Decode and parse. Returns the document (None when unreadable) and its problems."""
    if len(raw) > max_bytes:
        return None, [
            SourceProblem(
                f"file is {len(raw):,} bytes, over the {max_bytes:,}-byte limit (raise max-file-size in the config to read it)",
                1,
                1,
            )
        ]
    text, problem = decode(raw)
    if problem:
        return None, [problem]
    assert text is not None
    if not text.strip():
        return None, [SourceProblem("empty file: expected a workflow definition", 1, 1)]
    fmt = guess_format(name, text)
    return _parse_json(text) if fmt == "json" else _parse_yaml(text)


def _parse_json(text: str) -> tuple[Document | None, list[SourceProblem]]:
    duplicated = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        obj = dict(pairs)
        if len(obj) != len(pairs):  # keep the first occurrence, as the YAML reader does
            duplicated = True
            obj = {}
            for key, value in pairs:
                obj.setdefault(key, value)
        return obj

    try:
        try:
            data = json.loads(text, object_pairs_hook=pairs_hook)
        except RecursionError:
            data = parse_deep(lambda: json.loads(text, object_pairs_hook=pairs_hook))
    except json.JSONDecodeError as exc:
        return None, [SourceProblem(f"JSON: {exc.msg}", exc.lineno, exc.colno)]
    except RecursionError:
        return None, [SourceProblem(f"JSON nesting is deeper than {MAX_DEPTH:,} levels: not read", 1, 1)]
    except ValueError as exc:  # e.g. integer strings too long to convert
        return None, [SourceProblem(f"JSON: {exc}", 1, 1)]
    # Without repeated keys each pointer has one place, so positions can be read on demand.
    doc = Document(text, "json", data, _offsets=None if duplicated else jsonpos.LazyJsonMap(text))
    problems: list[SourceProblem] = []
    if duplicated:
        jmap = doc._offsets = jsonpos.scan(text)
        index = doc._line_index()
        for pointer, offset in jmap.duplicates:
            line, col = index.position(offset)
            key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            problems.append(
                SourceProblem(
                    f"duplicate key {key!r}: most readers silently keep only one of the values",
                    line,
                    col,
                    pointer,
                    "duplicate-key",
                )
            )
    return doc, problems


def _parse_yaml(text: str) -> tuple[Document | None, list[SourceProblem]]:
    from wfverify.load.yamlpos import load_yaml

    result = load_yaml(text)
    problems = [
        SourceProblem(
            p.message, p.line, p.column, p.pointer, "duplicate-key" if p.kind == "duplicate-key" else "syntax-error"
        )
        for p in result.problems
    ]
    fatal = any(p.rule == "syntax-error" and not p.pointer for p in problems) and result.data is None
    if fatal:
        return None, problems
    doc = Document(text, "yaml", result.data, result.keys, result.values)
    return doc, problems
