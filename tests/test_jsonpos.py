"""Positions in JSON text: the fast readers against a plain recursive reference.

``reference`` below is the rule written as simply as possible (recursive, one value
at a time, strings decoded by the standard library): every value's offset (the first
occurrence of a pointer wins), every key's offset (the first occurrence inside an
object; a later object at the same pointer, written after a duplicate key, replaces
it) and every repeated key. :func:`jsonpos.scan` must give exactly that on any JSON
text, and :class:`jsonpos.LazyJsonMap` the same offsets, pointer by pointer, on any
text without repeated keys, whatever order the pointers are asked in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wfverify.load import jsonpos
from wfverify.load.jsonpos import LazyJsonMap, LineIndex, escape, scan
from wfverify.load.source import Document, read_document

ROOT = Path(__file__).resolve().parents[1]
#: These properties cost a few milliseconds an example: more than the profile's default, never fewer.
EXAMPLES = max(300, settings().max_examples)
_BLANK = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


class Reference:
    """Offsets of every pointer, read recursively (the texts here are shallow)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[str, int] = {}
        self.values: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self.value(self.blank(0), "")

    def blank(self, pos: int) -> int:
        return _BLANK.match(self.text, pos).end()  # type: ignore[union-attr]

    def string(self, pos: int) -> tuple[str, int]:
        literal = _STRING.match(self.text, pos).group()  # type: ignore[union-attr]
        return json.loads(literal), pos + len(literal)

    def value(self, pos: int, pointer: str) -> int:
        self.values.setdefault(pointer, pos)
        first = self.text[pos]
        if first == "{":
            return self.members(self.blank(pos + 1), pointer)
        if first == "[":
            return self.elements(self.blank(pos + 1), pointer)
        if first == '"':
            return self.string(pos)[1]
        return _NUMBER.match(self.text, pos).end()  # type: ignore[union-attr]

    def members(self, pos: int, pointer: str) -> int:
        seen: set[str] = set()
        while self.text[pos] != "}":
            key, end = self.string(pos)
            child = f"{pointer}/{escape(key)}"
            if key in seen:
                self.duplicates.append((child, pos))
            else:
                seen.add(key)
                self.keys[child] = pos
            colon = self.blank(end)
            assert self.text[colon] == ":"
            pos = self.blank(self.value(self.blank(colon + 1), child))
            pos = self.blank(pos + 1) if self.text[pos] == "," else pos
        return pos + 1

    def elements(self, pos: int, pointer: str) -> int:
        index = 0
        while self.text[pos] != "]":
            pos = self.blank(self.value(pos, f"{pointer}/{index}"))
            pos = self.blank(pos + 1) if self.text[pos] == "," else pos
            index += 1
        return pos + 1


# --- generated JSON text: escapes, unicode, nesting, arrays, repeated keys, odd blanks ---

KEYS = st.sampled_from(["a", "b", "Next", "a/b", "~", "~1", "/", "é", "𝄞", 'q"', "back\\slash", "", "0", "1"])
BLANKS = st.sampled_from(["", " ", "\n", "\t", "\r\n  ", "  \n\t "])


@st.composite
def written_strings(draw: st.DrawFn, strategy: st.SearchStrategy[str]) -> str:
    """A JSON string literal, sometimes with every character written as a ``\\u`` escape."""
    value = draw(strategy)
    style = draw(st.sampled_from(["plain", "ascii", "escaped"]))
    if style == "escaped":
        return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else json.dumps(c)[1:-1] for c in value) + '"'
    return json.dumps(value, ensure_ascii=style == "ascii")


SCALARS = st.one_of(
    st.sampled_from(
        ["true", "false", "null", "0", "-0", "1.5e+3", "-12", "3.25", "1E2", "NaN", "Infinity", "-Infinity"]
    ),
    written_strings(st.text(max_size=6)),
    written_strings(st.sampled_from(["{", "}", "[", "]", '":', '"a": [', "\\", ","])),
)


def _array(items: list[tuple[str, str, str]], inside: str) -> str:
    return "[" + (",".join(before + item + after for before, item, after in items) or inside) + "]"


def _object(members: list[tuple[str, str, str, str, str]], inside: str) -> str:
    return "{" + (",".join(f"{b1}{key}{b2}:{b3}{value}{b1}" for b1, key, b2, b3, value in members) or inside) + "}"


def _containers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    items = st.lists(st.tuples(BLANKS, inner, BLANKS), max_size=4)
    members = st.lists(st.tuples(BLANKS, written_strings(KEYS), BLANKS, BLANKS, inner), max_size=5)
    return st.builds(_array, items, BLANKS) | st.builds(_object, members, BLANKS)


json_texts = st.builds(
    lambda before, body, after: before + body + after, BLANKS, st.recursive(SCALARS, _containers, max_leaves=30), BLANKS
)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _has_duplicates(text: str) -> bool:
    found = False

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        found = found or len({k for k, _ in pairs}) != len(pairs)
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    return found


@settings(max_examples=EXAMPLES)
@given(json_texts)
def test_scan_gives_the_reference_offsets(text: str) -> None:
    expected = Reference(text)
    got = scan(text)
    assert (got.keys, got.values, got.duplicates) == (expected.keys, expected.values, expected.duplicates)


@settings(max_examples=EXAMPLES)
@given(json_texts, st.randoms(use_true_random=False))
def test_lazy_map_agrees_with_scan_pointer_by_pointer(text: str, rnd: Any) -> None:
    if _has_duplicates(text):
        return
    full = scan(text)
    asked = list(full.values) + [p + suffix for p in full.values for suffix in ("/zz", "/9", "/a/zz")]
    rnd.shuffle(asked)
    lazy, spent_early = LazyJsonMap(text), LazyJsonMap(text)
    spent_early._budget = rnd.randint(0, len(text))  # switches to the full map midway
    for pointer in asked:
        expected = (full.keys.get(pointer), full.values.get(pointer))
        for reader in (lazy, spent_early):
            reader.reach(pointer)
            assert (reader.keys.get(pointer), reader.values.get(pointer)) == expected
    assert lazy.complete() is lazy.complete()
    assert lazy.complete().values == full.values


@settings(max_examples=EXAMPLES)
@given(json_texts, st.integers(0, 400), st.sampled_from(["", "}", "]", ",", ":", '"', "x", "[", "{"]))
@example(' {"a":false} ', 6, "")  # a member cut right after its colon
def test_malformed_text_stops_quietly(text: str, cut: int, junk: str) -> None:
    broken = text[: cut % (len(text) + 1)] + junk
    scan(broken)
    lazy = LazyJsonMap(broken)
    for pointer in ("/a", "/0/a", "/a/b/0", "/Next/~1", "/0/0/0"):
        lazy.reach(pointer)


def test_real_json_files_match_the_reference() -> None:
    texts = {p: p.read_text(encoding="utf-8-sig") for p in sorted((ROOT / "corpus").rglob("*.json"))}
    readable = {p: t for p, t in texts.items() if _parses(t)}
    assert len(readable) > 20
    for path, text in readable.items():
        expected, got = Reference(text), scan(text)
        assert (got.keys, got.values, got.duplicates) == (expected.keys, expected.values, expected.duplicates), path


def test_escaped_and_repeated_keys() -> None:
    text = '{"a/b": 1, "m~n": {"\\u0078": [true, {"k": 2}]}, "a/b": [3], "m~n": {"y": 4, "x": 5}}'
    at = text.index
    got = scan(text)
    # The first value of a pointer wins; its key is the first in the last object written there.
    assert got.keys == {"/a~1b": 1, "/m~0n": at('"m~n"'), "/m~0n/x": at('"x"'), "/m~0n/y": at('"y"')} | {
        "/m~0n/x/1/k": at('"k"')
    }
    assert got.values["/m~0n/x"] == at("[true") and got.values["/m~0n/x/1/k"] == at("2}")
    assert got.values["/a~1b"] == at("1,") and got.values["/a~1b/0"] == at("3]")
    assert got.duplicates == [("/a~1b", at('"a/b": [3]')), ("/m~0n", at('"m~n": {"y"'))]
    lazy = LazyJsonMap('{"a/b": 1, "m~n": {"\\u0078": [true, {"k": 2}]}}')
    lazy.reach("/m~0n/x/1/k")
    assert (lazy.keys["/m~0n/x/1/k"], lazy.values["/m~0n/x/1/k"], lazy.values["/m~0n/x/0"]) == (
        at('"k"'),
        at("2}"),
        at("true"),
    )


@pytest.mark.parametrize("depth", [3_000])
def test_deep_documents_never_recurse(depth: int) -> None:
    """Deeper than the C scanner goes: skipping falls back to counting brackets."""
    text = '{"deep": ' + '{"a": [' * depth + "1" + "]}" * depth + ', "after": {"x": 1}}'
    lazy = LazyJsonMap(text)
    lazy.reach("/after/x")
    assert lazy.values["/after/x"] == text.index('"x"') + 5
    deepest = "/deep" + "/a/0" * depth
    lazy.reach(deepest)
    assert lazy.values[deepest] == text.index("1")
    assert scan(text).values[deepest] == text.index("1")
    assert jsonpos._skip_nested(text, 9) == text.index(', "after"')


def test_document_positions_and_line_text_without_a_line_index() -> None:
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass",\r\n "End": true}\n  }\n}\n'
    doc, problems = read_document(text.encode(), "x.asl.json")
    assert doc is not None and not problems
    index = LineIndex(text)
    for pointer, offset in scan(text).keys.items():
        assert doc.locate(pointer) == index.position(offset)
    assert doc._lines is None  # positions were counted, not indexed
    assert doc.locate("/States/A/Missing/deeper") == doc.locate("/States/A") == (4, 5)
    assert [doc.line_text(n) for n in (4, 5, 1)] == ['    "A": {"Type": "Pass",\r', ' "End": true}', "{"]
    indexed = Document(text, "json", None)
    assert [indexed.line_text(n) for n in (4, 5, 1, 8, 9)] == [doc.line_text(n) for n in (4, 5, 1)] + ["", ""]


def test_findings_spread_over_a_deep_text_fall_back_to_one_scan() -> None:
    """Each level's finding sits after a deep branch: skipping it at every level would be quadratic."""
    body = '{"StartAt": "leaf", "States": {"leaf": {"Type": "Succeed"}}}'
    for _ in range(300):
        parallel = '{"Type": "Parallel", "Branches": [' + body + '], "Next": "after"}'
        body = '{"StartAt": "p", "States": {"p": ' + parallel + ', "after": {"Type": "Pass", "End": true}}}'
    pointers = ["/States/p/Branches/0" * level + "/States/after/End" for level in range(300)]
    lazy, full = LazyJsonMap(body), scan(body)
    for pointer in pointers:
        lazy.reach(pointer)
        assert (lazy.keys[pointer], lazy.values[pointer]) == (full.keys[pointer], full.values[pointer])
    assert lazy.complete().values == full.values  # the budget ran out: one full scan answered the rest
    assert lazy._budget < 0


def test_a_finding_beside_a_deep_value_maps_only_its_way() -> None:
    """A full map of 40,000 nested arrays holds pointers of every length (gigabytes); the lazy one holds a few."""
    text = '{"StartAt": "A", "X": ' + "[" * 40_000 + "]" * 40_000 + ', "States": {"A": {"Type": "Pass"}}}'
    doc, problems = read_document(text.encode(), "x.asl.json")
    assert doc is not None and not problems
    assert doc.locate("/X/0/0/0") == (1, text.index("[") + 4)  # an array item: its value
    assert doc.locate("/States/A/End") == (1, text.index('"A": {') + 1)
    assert isinstance(doc._offsets, LazyJsonMap) and len(doc._offsets.values) == 9
