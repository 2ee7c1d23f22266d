"""A state name is used twice where the dialect requires unique names.

State names must be unique in the whole file, nested Parallel branches and
Map iterators included. Reported by the loader at the second occurrence; the
model keeps the first state of that name.

## Why is this bad?
A JSON object with the key twice keeps only one of the two states, silently,
and a name shared between a branch and its parent makes transitions
ambiguous. Step Functions rejects both.

## Example
```yaml
workflow: dup
start: a
states:
  a: {type: pass, next: b}
  b: {type: succeed}
  b: {type: fail}
```

## Use instead
```yaml
workflow: dup
start: a
states:
  a: {type: pass, next: b}
  b: {type: succeed}
  c_failed: {type: fail}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF102", name="duplicate-state", severity="error", doc=__doc__, groups=("structure",))
