"""CloudFormation intrinsic functions, as far as a definition's shape needs them.

A decoded template (cfn-lint's decoder: every node keeps its position, short
tags such as ``!Sub`` and ``!GetAtt`` are the long ``Fn::`` forms) becomes plain
data for the ASL loader. What only the deployment knows stays opaque: ``!Ref X``
is the placeholder ``${X}``, ``!GetAtt A.Arn`` is ``${A.Arn}``; ``!Sub`` keeps
its ``${...}`` and takes the literal values it is given; ``!If`` takes its first
branch (a real configuration of the template). Nothing here recurses on the
template's depth, so deeply nested intrinsics cost time in proportion to size.
"""

from __future__ import annotations

from typing import Any

from wfverify.load.jsonpos import escape
from wfverify.load.templates.model import Context, mark_position
from wfverify.load.templates.textmap import MappedText, Positions, align, placeholder

__all__ = ["intrinsic_name", "to_data", "append_text", "literal_values", "MAX_NODES"]

#: Values built from one definition at most (a template is at most 1 MB; aliases may expand it).
MAX_NODES = 500_000
#: Nesting of ``Fn::Join``/``Fn::Sub`` read inside a definition string.
MAX_TEXT_DEPTH = 64
_DROP = object()


class TooLarge(Exception):
    """The definition expands to more than :data:`MAX_NODES` values."""


def intrinsic_name(node: Any) -> str | None:
    if isinstance(node, dict) and len(node) == 1:
        (key,) = node.keys()
        if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
            return str(key)
    return None


def literal_values(node: Any) -> dict[str, Any]:
    """The literal entries of a substitution mapping (intrinsic values stay opaque)."""
    if not isinstance(node, dict) or intrinsic_name(node):
        return {}
    return {str(k): v for k, v in node.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}


def _opaque(name: str, args: Any) -> str:
    if name == "Ref" and isinstance(args, str):
        return "${" + args + "}"
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else args
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return placeholder(".".join(parts))
    return placeholder(name)


def _scalar(name: str, args: Any) -> Any:
    """The value of an intrinsic in a definition: a string, or a node to read instead."""
    if name == "Fn::Sub":
        text = args if isinstance(args, str) else args[0] if isinstance(args, list) and args else None
        if isinstance(text, str):
            from wfverify.load.templates.textmap import substitute

            values = literal_values(args[1]) if isinstance(args, list) and len(args) > 1 else {}
            return substitute(str(text), values)
    if name == "Fn::Join" and isinstance(args, list) and len(args) == 2:
        delimiter, parts = args
        if isinstance(delimiter, str) and isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return str(delimiter).join(str(p) for p in parts)
    if name == "Ref" and args == "AWS::NoValue":
        return _DROP
    return _opaque(name, args)


def _branch(args: Any) -> Any:
    """``Fn::If [condition, then, else]``: the first branch that is a value."""
    if isinstance(args, list) and len(args) == 3:
        for option in args[1:]:
            if not (intrinsic_name(option) == "Ref" and option["Ref"] == "AWS::NoValue"):
                return option
    return _DROP


def to_data(root: Any, ctx: Context) -> tuple[Any, Positions]:
    """Plain data and the 1-based positions of every pointer, iteratively."""
    positions = Positions()
    holder: list[Any] = [None]
    work: list[tuple[Any, str, Any, Any]] = [(root, "", holder, 0)]
    built = 0
    while work:
        node, pointer, container, slot = work.pop()
        built += 1
        if built > MAX_NODES:
            raise TooLarge(pointer)
        if hasattr(node, "start_mark"):
            positions.values.setdefault(pointer, mark_position(ctx, node))
        name = intrinsic_name(node)
        if name == "Fn::If":
            node = _branch(node[name])
            if node is not _DROP:
                work.append((node, pointer, container, slot))
                continue
        value = _scalar(name, node[name]) if name and name != "Fn::If" else _DROP if name else node
        if value is _DROP:
            if isinstance(container, dict):
                container.pop(slot, None)
            continue
        if isinstance(value, dict):
            mapping: dict[str, Any] = {}
            container[slot] = mapping
            pending = []
            for key, child in value.items():
                text = str(key)
                where = f"{pointer}/{escape(text)}"
                if hasattr(key, "start_mark"):
                    positions.keys[where] = mark_position(ctx, key)
                mapping[text] = None
                pending.append((child, where, mapping, text))
            work.extend(reversed(pending))
        elif isinstance(value, list):
            items: list[Any] = [None] * len(value)
            container[slot] = items
            work.extend((value[i], f"{pointer}/{i}", items, i) for i in range(len(value) - 1, -1, -1))
        elif isinstance(value, str):
            container[slot] = str(value)
        else:
            container[slot] = value
    return holder[0], positions


def append_text(node: Any, ctx: Context, out: MappedText, values: dict[str, Any], depth: int = 0) -> None:
    """Append the text a definition-string node stands for: strings where they are written,
    ``Fn::Join`` rebuilt, ``Fn::Sub`` read with its literal values noted, the rest opaque."""
    start = _offset(ctx, node)
    if isinstance(node, str):
        out.add(str(node), align(ctx.text, start, str(node)) if hasattr(node, "start_mark") else start)
        return
    name = intrinsic_name(node)
    args = node[name] if name else None
    if depth < MAX_TEXT_DEPTH and name == "Fn::Join" and isinstance(args, list) and len(args) == 2:
        delimiter, parts = args
        if isinstance(parts, list):
            for i, part in enumerate(parts):
                if i and isinstance(delimiter, str):
                    append_text(delimiter, ctx, out, values, depth + 1)
                append_text(part, ctx, out, values, depth + 1)
            return
    if depth < MAX_TEXT_DEPTH and name == "Fn::Sub":
        template = args[0] if isinstance(args, list) and args else args
        if isinstance(args, list) and len(args) > 1:
            values.update(literal_values(args[1]))
        if isinstance(template, (str, dict)):
            append_text(template, ctx, out, values, depth + 1)
            return
    out.add(_opaque(name, args) if name else placeholder(type(node).__name__), start)


def _offset(ctx: Context, node: Any) -> int:
    mark = getattr(node, "start_mark", None)
    return ctx.offset(mark.line, mark.column) if mark is not None else 0
