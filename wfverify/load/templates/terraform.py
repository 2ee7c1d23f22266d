"""Terraform: ``resource "aws_sfn_state_machine" "NAME"`` and its ``definition``.

Forms read: a heredoc or a quoted string of JSON (positions inside mapped back
to the ``.tf`` file; ``${...}`` interpolations kept as opaque placeholders),
``jsonencode({...})`` (each key at its place), ``templatefile(path, vars)`` and
``file(path)`` (the file checked as part of the state machine, literal ``vars``
put in), and ``data.template_file.NAME.rendered`` (its ``template`` and ``vars``,
looked up in the same file, then in the module's other ``.tf`` files), and
``local.NAME`` (its expression in a ``locals`` block of the file). Anything else
(``var.x``, other functions) is noted as not checked. Parsed
with python-hcl2's Lark tree, whose tokens keep line and column.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wfverify.core.records import dataclass
from wfverify.load.source import Document
from wfverify.load.templates.model import Context, Embedded, TemplateResult, note
from wfverify.load.templates.refs import load_reference
from wfverify.load.templates.textmap import MappedText, Positions, align, placeholder, read_json_definition

__all__ = ["extract", "MAX_DEPTH"]

#: Deepest bracket nesting parsed; deeper files are refused before parsing (bounded time and memory).
MAX_DEPTH = 500
_MODULE_PATH = re.compile(r"^\$\{\s*path\.(module|root|cwd)\s*\}/?")
_MAX_VALUES = 500_000
#: The Terraform registry module that wraps aws_sfn_state_machine (its ``definition`` is the same).
_STEP_FUNCTIONS_MODULE = "terraform-aws-modules/step-functions/aws"


def extract(ctx: Context) -> TemplateResult:
    result = TemplateResult("terraform")
    tree = _parse(ctx, result)
    if tree is None:
        return result
    scope = _Scope(_blocks(tree, "data"), {})
    for _, body, _ in _blocks(tree, "locals"):
        scope.locals.update(_attributes(body))
    for name, body, head in _declarations(tree, ctx):
        machine = Embedded(name, "terraform", "none", ctx.display)
        expr = _attributes(body).get("definition")
        if expr is None:
            machine.findings.append(note("unchecked-definition", "no definition attribute", ctx, _pos(head)))
        else:
            _definition(machine, expr, ctx, scope, {})
        result.machines.append(machine)
    return result


def _declarations(tree: Any, ctx: Context) -> list[tuple[str, Any, Any]]:
    """(definition name, body, block) of each ``aws_sfn_state_machine`` resource, and of each
    module from the registry's ``terraform-aws-modules/step-functions/aws`` (``module.NAME``)."""
    out = []
    for labels, body, head in _blocks(tree, "resource"):
        if labels[:1] == ["aws_sfn_state_machine"] and len(labels) >= 2:
            out.append((f"aws_sfn_state_machine.{labels[1]}", body, head))
    for labels, body, head in _blocks(tree, "module"):
        source = _attributes(body).get("source")
        text = ctx.text[_tokens(source)[0].start_pos : _tokens(source)[-1].end_pos] if source is not None else ""
        if labels and _STEP_FUNCTIONS_MODULE in text:
            out.append((f"module.{labels[0]}", body, head))
    return sorted(out, key=lambda item: _pos(item[2]))


def _parse(ctx: Context, result: TemplateResult) -> Any:
    depth, where = _depth(ctx.text)
    if depth > MAX_DEPTH:
        line, column = ctx.position(ctx.text.count("\n", 0, where), where - ctx.text.rfind("\n", 0, where) - 1)
        message = f"brackets nest deeper than {MAX_DEPTH} levels; not read"
        result.findings.append(note("syntax-error", message, ctx, (line, column)))
        return None
    import hcl2

    from wfverify.load.templates.hclscan import relevant_text

    text = relevant_text(ctx.text)
    if text is not None:  # only the blocks a state machine needs, at their own lines and columns
        try:
            return hcl2.parses_to_tree(text)
        except Exception:  # the whole file, for an exact finding
            pass
    try:
        return hcl2.parses_to_tree(ctx.text)
    except Exception as exc:  # Lark's errors carry line and column; anything else is still a finding
        line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        position = (max(int(line or 1), 1), max(int(column or 1), 1))
        result.findings.append(note("syntax-error", f"HCL: {first}", ctx, position))
        return None


def _depth(text: str) -> tuple[int, int]:
    depth = deepest = where = 0
    for m in re.finditer(r"[\[\]{}()]", text):
        depth += 1 if m.group() in "[{(" else -1
        if depth > deepest:
            deepest, where = depth, m.start()
    return deepest, where


def _name(node: Any) -> str:
    return node.data if isinstance(node.data, str) else str(node.data)


def _tree(node: Any, kind: str) -> bool:
    return hasattr(node, "data") and _name(node) == kind


def _label(node: Any) -> str:
    return "".join(str(t) for t in _tokens(node) if t.type in ("NAME", "STRING_CHARS"))


def _tokens(node: Any) -> list[Any]:
    out, stack = [], [node]
    while stack:
        item = stack.pop()
        if hasattr(item, "children"):
            stack.extend(reversed(item.children))
        else:
            out.append(item)
    return out


def _pos(node: Any) -> tuple[int, int]:
    tokens = _tokens(node) if hasattr(node, "children") else [node]
    return (tokens[0].line, tokens[0].column) if tokens and getattr(tokens[0], "line", None) else (1, 1)


def _blocks(tree: Any, kind: str) -> list[tuple[list[str], Any, Any]]:
    """(labels, body, block) of the top-level blocks of ``kind``."""
    body = next((c for c in tree.children if _tree(c, "body")), None)
    out = []
    for block in body.children if body is not None else ():
        if not _tree(block, "block") or _label(block.children[0]) != kind:
            continue
        labels = [_label(c) for c in block.children[1:] if _tree(c, "string") or _tree(c, "identifier")]
        inner = next((c for c in block.children if _tree(c, "body")), None)
        out.append((labels, inner, block))
    return out


def _attributes(body: Any) -> dict[str, Any]:
    out = {}
    for item in body.children if body is not None else ():
        if _tree(item, "attribute"):
            out[_label(item.children[0])] = item.children[-1]
    return out


def _unwrap(node: Any) -> Any:
    while _tree(node, "expr_term") and len(node.children) == 1:
        node = node.children[0]
    return node


@dataclass
class _Scope:
    """What a definition expression may name in its module file: data blocks and locals."""

    data: list[tuple[list[str], Any, Any]]
    locals: dict[str, Any]
    depth: int = 0


def _definition(machine: Embedded, expr: Any, ctx: Context, scope: _Scope, values: dict[str, Any]) -> None:
    node = _unwrap(expr)
    kind = _name(node) if hasattr(node, "data") else ""
    if kind.startswith("heredoc"):
        machine.form = machine.form if machine.form == "template_file" else "heredoc"
        _text(machine, _heredoc(node.children[0], ctx), ctx, values)
    elif kind == "string":
        machine.form = machine.form if machine.form == "template_file" else "string"
        _text(machine, _string(node, ctx), ctx, values)
    elif kind == "function_call":
        _call(machine, node, ctx, values)
    elif kind == "get_attr_expr_term" and _dotted(node)[:2] == ["data", "template_file"]:
        _template_file(machine, node, ctx, scope.data)
    elif kind == "get_attr_expr_term" and _local(node, scope) is not None:
        _definition(machine, _local(node, scope), ctx, _Scope(scope.data, scope.locals, scope.depth + 1), values)
    else:
        shown = ctx.text[_tokens(node)[0].start_pos : _tokens(node)[-1].end_pos] if _tokens(node) else kind
        why = f"the definition is {shown[:60]!r}, which wfverify cannot resolve"
        machine.form = "unresolved"
        machine.findings.append(note("unchecked-definition", f"not checked: {why}", ctx, _pos(node)))


def _local(node: Any, scope: _Scope) -> Any:
    """The expression of ``local.NAME`` (locals naming locals are followed a few steps only)."""
    dotted = _dotted(node)
    if len(dotted) == 2 and dotted[0] == "local" and scope.depth < 8:
        return scope.locals.get(dotted[1])
    return None


def _text(machine: Embedded, mapped: MappedText, ctx: Context, values: dict[str, Any]) -> None:
    machine.document, machine.problems = read_json_definition(mapped, ctx.text, "yaml", values)


def _heredoc(token: Any, ctx: Context) -> MappedText:
    raw = str(token)
    first = raw.find("\n") + 1
    last = raw.rstrip().rfind("\n") + 1
    out = MappedText()
    out.add(raw[first:last], range(token.start_pos + first, token.start_pos + last))
    return out


def _string(node: Any, ctx: Context) -> MappedText:
    out = MappedText()
    for part in node.children:
        if not _tree(part, "string_part"):
            continue
        for piece in part.children:
            tokens = _tokens(piece)
            if hasattr(piece, "children"):  # an interpolation: opaque
                shown = ctx.text[tokens[0].start_pos : tokens[-1].end_pos]
                out.add(placeholder(shown[2:-1]), tokens[0].start_pos)
                continue
            try:
                value = json.loads('"' + str(piece) + '"')
            except ValueError:
                value = str(piece)
            out.add(value, align(ctx.text, piece.start_pos, value, escapes=True))
    return out


def _dotted(node: Any) -> list[str]:
    return [str(t) for t in _tokens(node) if t.type == "NAME"]


def _call(machine: Embedded, node: Any, ctx: Context, values: dict[str, Any]) -> None:
    function = _label(node.children[0])
    arguments = next((c for c in node.children if _tree(c, "arguments")), None)
    args = [c for c in arguments.children if hasattr(c, "data")] if arguments is not None else []
    if function == "jsonencode" and args and _tree(_unwrap(args[0]), "object"):
        machine.form = "jsonencode"
        data, positions = _data(args[0], ctx)
        machine.document = Document(ctx.text, "yaml", data, positions.keys, positions.values)
        return
    if function in ("templatefile", "file") and args:
        machine.form = machine.form if machine.form == "template_file" else function
        path = _literal_path(args[0], ctx)
        if path is None:
            why = f"the {function} path is an expression wfverify cannot resolve"
            machine.findings.append(note("unchecked-definition", f"not checked: {why}", ctx, _pos(args[0])))
            return
        if function == "templatefile" and len(args) > 1:
            values = {**values, **_literals(args[1], ctx)}
        load_reference(machine, ctx, path, _pos(args[0]), values)
        _directives_unchecked(machine, ctx, _pos(args[0]))
        return
    machine.form = "unresolved"
    why = f"the definition is built by {function}(), which wfverify does not evaluate"
    machine.findings.append(note("unchecked-definition", f"not checked: {why}", ctx, _pos(node)))


def _directives_unchecked(machine: Embedded, ctx: Context, position: tuple[int, int]) -> None:
    """A template file with ``%{ if }``/``%{ for }`` directives is JSON only once rendered: when it
    does not read as JSON, say it was not checked rather than report a false syntax error."""
    if machine.file is None or not machine.problems or machine.form == "file":
        return
    try:
        directives = "%{" in machine.file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    if directives:
        machine.document, machine.problems = None, []
        why = "the template file uses %{ } directives, which wfverify does not render"
        machine.findings.append(note("unchecked-definition", f"not checked: {why}", ctx, position))


def _literal_path(node: Any, ctx: Context) -> str | None:
    """A path string, with ``${path.module}`` (and root, cwd) read as the template's folder."""
    node = _unwrap(node)
    if not _tree(node, "string"):
        return None
    text = ctx.text[_tokens(node)[0].start_pos + 1 : _tokens(node)[-1].end_pos - 1]
    text = _MODULE_PATH.sub("", text)
    return None if "${" in text or not text else text


def _literals(node: Any, ctx: Context) -> dict[str, Any]:
    data, _ = _data(node, ctx)
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float)) and "${" not in str(v)}


def _template_file(machine: Embedded, node: Any, ctx: Context, data_blocks: Any) -> None:
    machine.form = "template_file"
    name = _dotted(node)[2] if len(_dotted(node)) > 2 else ""
    found = next((body for labels, body, _ in data_blocks if labels == ["template_file", name]), None)
    if found is None:
        found, ctx = _sibling_data(ctx, name)
    attributes = _attributes(found) if found is not None else {}
    if "template" not in attributes:
        why = f'data "template_file" "{name}" is not in this module'
        machine.findings.append(note("unchecked-definition", f"not checked: {why}", ctx, _pos(node)))
        return
    values = _literals(attributes["vars"], ctx) if "vars" in attributes else {}
    _definition(machine, attributes["template"], ctx, _Scope([], {}), values)


def _sibling_data(ctx: Context, name: str) -> tuple[Any, Context]:
    """The ``data "template_file" NAME`` block in another ``.tf`` file of the module, with that
    file's context (so positions and references are its own)."""
    if ctx.path is None:
        return None, ctx
    import os

    marker = f'"{name}"'.encode()
    for sibling in sorted(ctx.path.parent.glob("*.tf")):
        if sibling == ctx.path:
            continue
        try:
            raw = sibling.read_bytes()[: ctx.max_bytes]
        except OSError:
            continue
        if b"template_file" not in raw or marker not in raw:
            continue
        display = os.path.join(os.path.dirname(ctx.display), sibling.name)
        other = Context(display, sibling, ctx.root, raw.decode("utf-8", "replace"), ctx.max_bytes)
        tree = _parse(other, TemplateResult("terraform"))
        for labels, body, _ in _blocks(tree, "data") if tree is not None else ():
            if labels == ["template_file", name]:
                return body, other
    return None, ctx


def _data(root: Any, ctx: Context) -> tuple[Any, Positions]:
    """An HCL expression as JSON-like data (as ``jsonencode`` sees it), with positions; iterative."""
    positions = Positions()
    holder: list[Any] = [None]
    work: list[tuple[Any, str, Any, Any]] = [(root, "", holder, 0)]
    while work and len(positions.values) < _MAX_VALUES:
        node, pointer, container, slot = work.pop()
        node = _unwrap(node)
        positions.values.setdefault(pointer, _pos(node))
        kind = _name(node) if hasattr(node, "data") else ""
        if kind == "object":
            mapping: dict[str, Any] = {}
            container[slot] = mapping
            pending = []
            for elem in (c for c in node.children if _tree(c, "object_elem")):
                key_node = elem.children[0]
                key = _key(key_node, ctx)
                where = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                positions.keys[where] = _pos(key_node)
                mapping[key] = None
                pending.append((elem.children[-1], where, mapping, key))
            work.extend(reversed(pending))
        elif kind == "tuple":
            items = [c for c in node.children if hasattr(c, "data")]
            values: list[Any] = [None] * len(items)
            container[slot] = values
            work.extend((items[i], f"{pointer}/{i}", values, i) for i in range(len(items) - 1, -1, -1))
        else:
            container[slot] = _scalar(node, kind, ctx)
    return holder[0], positions


def _key(node: Any, ctx: Context) -> str:
    inner = _unwrap(node.children[0]) if node.children else node
    if _tree(inner, "string"):
        return _string(inner, ctx).text
    return _label(inner)


def _scalar(node: Any, kind: str, ctx: Context) -> Any:
    tokens = _tokens(node)
    if kind == "string":
        return _string(node, ctx).text
    if kind == "int_lit":
        return int(str(tokens[0]))
    if kind == "float_lit":
        return float(str(tokens[0]))
    if kind == "literal_value":
        return {"true": True, "false": False, "null": None}.get(str(tokens[0]), str(tokens[0]))
    if kind.startswith("heredoc"):
        return _heredoc(node.children[0], ctx).text
    shown = ctx.text[tokens[0].start_pos : tokens[-1].end_pos] if tokens else kind
    return placeholder(shown)
