"""An inline silencing directive silences nothing.

A `# wfverify: ignore[NAME]` comment on a state's line (YAML), or
`wfverify: ignore[NAME]` in a state's `Comment`/`comment` field (JSON),
silences findings of rule NAME on that state. When no such finding exists, or
NAME is no rule, the directive is reported, as ruff reports unused `noqa`.

## Why is this bad?
Stale directives hide the next real problem on that state, and a misspelt rule
name silences nothing while looking as if it did.

## Example
```yaml
workflow: quiet
start: a
states:
  a: {type: pass, next: b}  # wfverify: ignore[unreachable-state]
  b: {type: succeed}
```

## Use instead
```yaml
workflow: quiet
start: a
states:
  a: {type: pass, next: b}
  b: {type: succeed}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF902", name="unused-suppression", severity="warning", doc=__doc__, groups=("meta",))
