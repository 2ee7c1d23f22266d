"""YAML to plain data with a position for every pointer, safely.

PyYAML composes the node graph (libyaml when present); we build the values
ourselves with an explicit stack instead of PyYAML's constructor, which lets us:

* refuse every tag outside YAML's core schema (``!!python/object`` and
  friends are a finding, never constructed);
* bound alias expansion ("billion laughs") by counting the nodes we build;
* report duplicate and non-string keys at their own position;
* record the 1-based line and column of every key and value as we go.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from wfverify.core.records import dataclass, field
from wfverify.load.deep import parse_deep
from wfverify.load.jsonpos import escape

__all__ = ["YamlResult", "YamlProblem", "load_yaml"]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "binary")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Nesting deeper than libyaml's cap of 1,000 is read by PyYAML's pure-Python reader, whose
#: time grows with depth squared (about 1 s at this depth); deeper YAML is refused up front.
MAX_YAML_DEPTH = 2_500
_PY_YAML_FRAMES = 3 * MAX_YAML_DEPTH


@dataclass(frozen=True)
class YamlProblem:
    message: str
    line: int
    column: int
    pointer: str = ""
    kind: str = "syntax"  # syntax | duplicate-key


@dataclass
class YamlResult:
    data: Any = None
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    values: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


def _estimated_depth(text: str) -> int:
    """Nesting depth from brackets and indentation, without parsing (an upper-bound guess)."""
    depth = deepest = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    indent = max((len(m.group()) for m in re.finditer(r"(?m)^[ -]+", text)), default=0)
    return max(deepest, indent // 2)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(text: str, max_nodes: int = 1_000_000) -> YamlResult:
    """Parse one YAML document. Problems are returned, never raised."""

    out = YamlResult()
    try:
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            if "nesting depth" not in str(exc):
                raise
            if _estimated_depth(text) > MAX_YAML_DEPTH:
                raise RecursionError from None
            # libyaml stops at 1,000 levels; the pure-Python reader has no such cap
            root = parse_deep(lambda: yaml.compose(text, Loader=yaml.SafeLoader), limit=_PY_YAML_FRAMES)
        except RecursionError:
            root = parse_deep(lambda: yaml.compose(text, Loader=yaml.SafeLoader), limit=_PY_YAML_FRAMES)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        out.problems.append(YamlProblem(f"YAML: {exc.problem or exc.context}", line, col))
        return out
    except yaml.YAMLError as exc:
        out.problems.append(YamlProblem(f"YAML: {exc}", 1, 1))
        return out
    except RecursionError:
        out.problems.append(
            YamlProblem(
                f"YAML nesting is deeper than about {MAX_YAML_DEPTH:,} levels: not read (write it as JSON to go deeper)",
                1,
                1,
            )
        )
        return out
    if root is None:
        return out
    out.data = _build(root, out, max_nodes)
    return out


def _yaml11_word(node: yaml.Node) -> bool:
    """``on``/``off``/``yes``/``no``/``y``/``n``: booleans in YAML 1.1 only. We read YAML 1.2,
    where they are strings, as the native format's ``on:`` key requires."""
    return (
        isinstance(node, yaml.ScalarNode) and node.tag == f"{_CORE}bool" and node.value.lower() not in ("true", "false")
    )


def _scalar(node: yaml.ScalarNode, out: YamlResult, pointer: str) -> Any:
    if _yaml11_word(node):
        return node.value
    if node.tag not in _SCALAR_TAGS:
        line, col = _mark(node)
        out.problems.append(
            YamlProblem(f"YAML tag {node.tag!r} is not allowed: only plain data is read", line, col, pointer)
        )
        return None
    if node.tag == f"{_CORE}timestamp" or node.tag == f"{_CORE}binary":
        return node.value  # keep the text: workflows compare timestamps as strings
    try:
        return _CONSTRUCTOR.construct_object(node, deep=False)
    except Exception:  # a malformed int/float literal: keep the text
        return node.value


_CONSTRUCTOR = yaml.SafeLoader("")


def _build(root: yaml.Node, out: YamlResult, max_nodes: int) -> Any:  # noqa: C901
    """Iteratively turn the node graph into dicts, lists and scalars."""
    built = 0
    holder: list[Any] = [None]
    # work items: (node, pointer, container, slot, ancestors)
    work: list[tuple[yaml.Node, str, Any, Any, frozenset[int]]] = [(root, "", holder, 0, frozenset())]
    while work:
        node, pointer, container, slot, ancestors = work.pop()
        built += 1
        if built > max_nodes:
            line, col = _mark(node)
            out.problems.append(
                YamlProblem(
                    f"YAML expands to more than {max_nodes:,} values (aliases nested inside aliases?); not read further",
                    line,
                    col,
                    pointer,
                )
            )
            return None
        out.values.setdefault(pointer, _mark(node))
        if id(node) in ancestors:
            line, col = _mark(node)
            out.problems.append(YamlProblem("YAML alias refers to itself (a recursive structure)", line, col, pointer))
            container[slot] = None
            continue
        if isinstance(node, yaml.ScalarNode):
            container[slot] = _scalar(node, out, pointer)
            continue
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_CORE}seq":
                out.problems.append(YamlProblem(f"YAML tag {node.tag!r} is not allowed", *_mark(node), pointer))
            items: list[Any] = [None] * len(node.value)
            container[slot] = items
            for i in range(len(node.value) - 1, -1, -1):
                work.append((node.value[i], f"{pointer}/{i}", items, i, inner))
            continue
        if node.tag not in (f"{_CORE}map", f"{_CORE}omap", f"{_CORE}set"):
            out.problems.append(YamlProblem(f"YAML tag {node.tag!r} is not allowed", *_mark(node), pointer))
        mapping: dict[str, Any] = {}
        container[slot] = mapping
        pending = []
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                out.problems.append(
                    YamlProblem(
                        "YAML merge keys (<<) are not supported; write the fields out", *_mark(key_node), pointer
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or (
                key_node.tag != f"{_CORE}str" and not _yaml11_word(key_node)
            ):
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                out.problems.append(
                    YamlProblem(f"YAML key {shown!r} is not a string; quote it", *_mark(key_node), pointer)
                )
                continue
            key = key_node.value
            child = f"{pointer}/{escape(key)}"
            if key in mapping:  # keep the first occurrence, as the JSON reader does
                out.problems.append(YamlProblem(f"duplicate key {key!r}", *_mark(key_node), child, "duplicate-key"))
                continue
            out.keys[child] = _mark(key_node)
            mapping[key] = None
            pending.append((value_node, child, mapping, key, inner))
        work.extend(reversed(pending))
    return holder[0]
