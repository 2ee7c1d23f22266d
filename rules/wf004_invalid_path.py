"""A path, intrinsic function or expression that Step Functions would reject.

Checks every string the service evaluates, as the loader recorded it in the
model, with the service's own grammars:

* **paths** (`InputPath`, `OutputPath`, values of `key.$` fields): the ASL
  root (`$`, `$$`, `$name`) followed by Jayway JsonPath, the engine Step
  Functions runs. So `$.[0]`, `$.Snapshots.[0].State`, `$.[*].['a', 'b']`,
  `$..name`, `$.rows[-2:]`, `$.items[?(@.price > 10)]` and `$.items.length()`
  are accepted; a blank inside a name, `$...x`, `[1,,2]`, `[?]` or an unknown
  function such as `total()` are not. Blanks around a path are trimmed by the
  engine: an `info` note, never an error;
* **reference paths** (`ResultPath`, `ItemsPath`, the `*Path` fields, a
  Choice `Variable` and `...Path` operands) name exactly one node: names and
  single indexes, no wildcard, deep scan, filter, slice, list or function;
* **intrinsic functions** (`States.Format(...)`, nested up to 10 deep): known
  name, argument count, argument kinds, and the literal values the service
  constrains (`States.Hash` algorithms, `States.JsonMerge`'s `false`,
  `States.ArrayRange` steps, numbers for `States.MathAdd`);
* **JSONata** (`{%...%}`): the string starts with `{%` and ends with `%}` (no
  blank is needed inside) and the expression parses; a blank or line break
  after the closing `%}` (a YAML `|` block) is a warning;
* the native format's condition and `set` expressions.

## Why is this bad?
Step Functions rejects the definition when it is created or updated, or the
execution fails when it reaches the state (`States.Runtime`). A native
expression that does not parse makes the choice or counter it belongs to
unknowable, so no proof about it can be trusted.

## Example
```json
{"StartAt": "Save", "States": {"Save": {"Type": "Pass",
  "Parameters": {"first.$": "$.items[?]", "name.$": "$.customer name"},
  "ResultPath": "$.results[*]", "End": true}}}
```

## Use instead
```json
{"StartAt": "Save", "States": {"Save": {"Type": "Pass",
  "Parameters": {"first.$": "$.items[?(@.selected == true)]", "name.$": "$['customer name']"},
  "ResultPath": "$.results", "End": true}}}
```

## References
- Amazon States Language specification: "Paths", "Reference Paths", "Intrinsic Functions".
- Jayway JsonPath (the JSONPath engine of Step Functions): path syntax.
- AWS Step Functions developer guide: "Transforming data with JSONata".
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding, Severity
from wfverify.core.model import PathExpr, Workflow
from wfverify.core.rule import rule


def _problem(path: PathExpr) -> str | None:
    """What is wrong with the path's text in its language (the path checks keep their answers per text:
    the same texts recur across a run, ``$``, ``$.Payload``, ``$$.Execution.Id``)."""
    from wfverify.load import asl_paths

    text, language = path.text, path.language
    if language == "jsonpath":
        return asl_paths.check_jsonpath(text)
    if language == "reference-path":
        return asl_paths.check_reference_path(text)
    if language == "result-path":
        return asl_paths.check_reference_path(text, variables=False)
    if language == "payload":
        return asl_paths.check_payload_value(text)
    if language == "jsonata":
        return asl_paths.check_jsonata(text)
    if language == "native-expr":
        from wfverify.core.exprparse import ExprError, parse

        try:
            parse(text)
        except ExprError as exc:
            return f"{exc} (at character {exc.offset + 1})"
    return None


def _note(path: PathExpr) -> tuple[str, Severity] | None:
    """Text the service reads despite a flaw: blanks around a path (info), after a JSONata '%}' (warning)."""
    from wfverify.load import asl_paths

    text, language = path.text, path.language
    if language in ("jsonpath", "reference-path", "result-path", "payload"):
        note = asl_paths.style_note(text)
        return (note, Severity.INFO) if note else None
    if language == "jsonata":
        note = asl_paths.jsonata_note(text)
        return (note, Severity.WARNING) if note else None
    return None


@rule(code="WF004", name="invalid-path", severity="error", groups=("paths",))
def check(workflow: Workflow, options: object) -> Iterator[Finding]:
    for state in workflow.iter_states():
        for path in state.paths:
            problem = _problem(path)
            note = None if problem else _note(path)
            if problem or note:
                shown = path.text if len(path.text) <= 60 else path.text[:57] + "..."
                yield Finding(
                    f"{shown!r} in state '{state.name}': {problem or (note[0] if note else '')}",
                    path.pointer,
                    state=state.name,
                    args=(("text", path.text), ("language", path.language)),
                    severity_override=note[1] if note else None,
                )
