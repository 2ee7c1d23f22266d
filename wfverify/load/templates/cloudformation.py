"""CloudFormation, SAM and CDK synth output: the state machines among a template's ``Resources``.

Forms read: ``Definition`` (inline YAML or JSON, exact positions),
``DefinitionString`` (a plain string, ``Fn::Sub``, ``Fn::Join``: positions in
the string mapped back to the template), ``DefinitionUri`` (a file, checked as
part of the state machine; an S3 location is noted, not read),
``DefinitionS3Location`` (noted) and ``DefinitionSubstitutions`` (literal values
put in, the rest opaque). The template is decoded by cfn-lint, imported only here.
"""

from __future__ import annotations

from typing import Any

from wfverify.load.source import Document, guess_format
from wfverify.load.templates.intrinsics import TooLarge, append_text, intrinsic_name, literal_values, to_data
from wfverify.load.templates.model import Context, Embedded, TemplateResult, mark_position, note
from wfverify.load.templates.refs import load_reference
from wfverify.load.templates.textmap import MappedText, read_json_definition, substitute

__all__ = ["extract", "machines_in", "STATE_MACHINE_TYPES"]

STATE_MACHINE_TYPES = {"AWS::StepFunctions::StateMachine": "cloudformation", "AWS::Serverless::StateMachine": "sam"}


def extract(ctx: Context) -> TemplateResult:
    """Every state machine of a CloudFormation/SAM/CDK template."""
    kind = "cdk" if _is_cdk(ctx.display) else "cloudformation"
    result = TemplateResult(kind)
    template = decode(ctx, result)
    if isinstance(template, dict) and isinstance(template.get("Resources"), dict):
        result.machines = machines_in(template["Resources"], ctx, "" if kind != "cdk" else "cdk")
    return result


def _is_cdk(display: str) -> bool:
    parts = display.replace("\\", "/").split("/")
    return "cdk.out" in parts and display.endswith(".template.json")


def decode(ctx: Context, result: TemplateResult) -> Any:
    """The decoded template, or None with a ``syntax-error`` finding at the parser's position."""
    from wfverify.load.templates.lenient import decode_keeping_last

    try:
        template, repeats = decode_keeping_last(ctx.text)
    except Exception:  # cfn-lint's own reading gives the finding (or reads JSON with tabs)
        return _strict(ctx, result)
    for key, line0, column0 in repeats:
        message = f"key {key!r} is written again later in this mapping; deploy tools keep only the last value"
        result.findings.append(note("duplicate-template-key", message, ctx, ctx.position(line0, column0)))
    return template


def _strict(ctx: Context, result: TemplateResult) -> Any:
    from cfnlint.decode import decode_str

    try:
        template, matches = decode_str(ctx.text)
    except Exception as exc:  # the decoder's own fault: a finding, never a crash
        template, matches = None, []
        result.findings.append(note("syntax-error", f"template could not be read: {exc}", ctx, (1, 1)))
    if template is None:
        for match in matches[:1]:
            line, column = max(int(match.linenumber or 1), 1), max(int(match.columnnumber or 1), 1)
            message = str(match.message).strip() or "malformed template"
            result.findings.append(note("syntax-error", f"template: {message}", ctx, (line, column)))
    return template


def machines_in(resources: dict[Any, Any], ctx: Context, kind: str = "") -> list[Embedded]:
    """The state machines among ``resources`` (a CloudFormation ``Resources`` mapping)."""
    out = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in STATE_MACHINE_TYPES:
            continue
        machine = Embedded(str(logical_id), kind or STATE_MACHINE_TYPES[resource["Type"]], "none", ctx.display)
        properties = resource.get("Properties")
        try:
            _read_machine(machine, properties if isinstance(properties, dict) else {}, ctx, logical_id)
        except TooLarge:
            machine.findings.append(
                note(
                    "syntax-error",
                    "the definition expands to too many values (YAML aliases?); not read",
                    ctx,
                    mark_position(ctx, logical_id),
                )
            )
        out.append(machine)
    return out


def _read_machine(machine: Embedded, properties: dict[Any, Any], ctx: Context, logical_id: Any) -> None:
    values = literal_values(properties.get("DefinitionSubstitutions"))
    if "Definition" in properties:
        _inline(machine, properties["Definition"], ctx, values)
    elif "DefinitionString" in properties:
        _string(machine, properties["DefinitionString"], ctx, values)
    elif "DefinitionUri" in properties:
        _uri(machine, properties["DefinitionUri"], ctx, values)
    elif "DefinitionS3Location" in properties:
        machine.form = "s3"
        machine.findings.append(_unchecked(machine, "its definition is in S3 (DefinitionS3Location)", ctx, properties))
    else:
        machine.findings.append(
            note(
                "unchecked-definition",
                "no Definition, DefinitionString, DefinitionUri or DefinitionS3Location; "
                "the deployment would reject it",
                ctx,
                mark_position(ctx, logical_id),
            )
        )


def _unchecked(machine: Embedded, why: str, ctx: Context, node: Any) -> Any:
    return note("unchecked-definition", f"not checked: {why}", ctx, mark_position(ctx, node))


def _inline(machine: Embedded, node: Any, ctx: Context, values: dict[str, Any]) -> None:
    machine.form = "inline"
    name = intrinsic_name(node)
    if name is not None:
        machine.findings.append(
            _unchecked(machine, f"Definition is built by {name}, which wfverify does not evaluate", ctx, node)
        )
        return
    data, positions = to_data(node, ctx)
    data = substitute(data, values)
    machine.document = Document(ctx.text, guess_format(ctx.display, ctx.text), data, positions.keys, positions.values)


def _string(machine: Embedded, node: Any, ctx: Context, values: dict[str, Any]) -> None:
    name = intrinsic_name(node)
    machine.form = {"Fn::Sub": "sub", "Fn::Join": "join", None: "string"}.get(name, "intrinsic")
    if machine.form == "intrinsic":
        machine.findings.append(
            _unchecked(machine, f"DefinitionString is built by {name}, which wfverify does not evaluate", ctx, node)
        )
        return
    mapped = MappedText()
    values = dict(values)
    append_text(node, ctx, mapped, values)
    machine.document, machine.problems = read_json_definition(
        mapped, ctx.text, guess_format(ctx.display, ctx.text), values
    )


def _uri(machine: Embedded, node: Any, ctx: Context, values: dict[str, Any]) -> None:
    if isinstance(node, str):
        machine.form = "uri"
        load_reference(machine, ctx, str(node), mark_position(ctx, node), values)
        return
    machine.form = "s3"
    why = (
        "its definition is in S3 (DefinitionUri with Bucket and Key)"
        if not intrinsic_name(node)
        else (f"DefinitionUri is built by {intrinsic_name(node)}, which wfverify does not evaluate")
    )
    machine.findings.append(_unchecked(machine, why, ctx, node))
