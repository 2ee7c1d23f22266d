"""Serverless Framework (``serverless.yml``): ``stepFunctions.stateMachines.<key>.definition``.

The definition is inline YAML (exact positions; ``Fn::GetAtt``/``Ref`` and
``${self:...}`` variables stay opaque placeholders) or ``${file(path)}``, a file
checked as part of the state machine. State machines declared as CloudFormation
resources under ``resources.Resources`` are read as in a CloudFormation template.
The file is read with cfn-lint's decoder (PyYAML underneath), which understands
the short CloudFormation tags Serverless files use.
"""

from __future__ import annotations

import re
from typing import Any

from wfverify.load.source import Document
from wfverify.load.templates.cloudformation import decode, machines_in
from wfverify.load.templates.intrinsics import TooLarge, to_data
from wfverify.load.templates.model import Context, Embedded, TemplateResult, mark_position, note
from wfverify.load.templates.refs import load_reference
from wfverify.load.templates.textmap import MappedText, align, read_json_definition

__all__ = ["extract"]

_FILE = re.compile(r"\$\{file\(\s*([^)\s]+)\s*\)\}")


def extract(ctx: Context) -> TemplateResult:
    result = TemplateResult("serverless")
    template = decode(ctx, result)
    if not isinstance(template, dict):
        return result
    functions = template.get("stepFunctions")
    machines = functions.get("stateMachines") if isinstance(functions, dict) else None
    for key, spec in machines.items() if isinstance(machines, dict) else ():
        machine = Embedded(str(key), "serverless", "none", ctx.display)
        try:
            _read(machine, spec.get("definition") if isinstance(spec, dict) else None, ctx, key)
        except TooLarge:
            machine.findings.append(
                note(
                    "syntax-error", "the definition expands to too many values; not read", ctx, mark_position(ctx, key)
                )
            )
        result.machines.append(machine)
    resources = template.get("resources")
    if isinstance(resources, dict) and isinstance(resources.get("Resources"), dict):
        result.machines += machines_in(resources["Resources"], ctx)
    return result


def _read(machine: Embedded, node: Any, ctx: Context, key: Any) -> None:
    if isinstance(node, dict):
        machine.form = "inline"
        data, positions = to_data(node, ctx)
        machine.document = Document(ctx.text, "yaml", data, positions.keys, positions.values)
        return
    if isinstance(node, str):
        match = _FILE.fullmatch(str(node).strip())
        if match:
            machine.form = "file"
            load_reference(machine, ctx, match.group(1), mark_position(ctx, node))
            return
        if str(node).lstrip().startswith("{"):
            machine.form = "string"
            mapped = MappedText()
            mark: Any = getattr(node, "start_mark", None)
            start = ctx.offset(mark.line, mark.column) if mark is not None else 0
            mapped.add(str(node), align(ctx.text, start, str(node)) if mark is not None else start)
            machine.document, machine.problems = read_json_definition(mapped, ctx.text, "yaml")
            return
    machine.form = "unresolved"
    where = node if hasattr(node, "start_mark") else key
    machine.findings.append(
        note(
            "unchecked-definition",
            "not checked: the definition is not inline YAML, a JSON string or ${{file(...)}}",
            ctx,
            mark_position(ctx, where),
        )
    )
