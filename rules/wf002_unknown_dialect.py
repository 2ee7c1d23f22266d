"""The content is no workflow dialect wfverify knows.

A file is Amazon States Language when its top-level mapping has `States` or
`StartAt`, and native when it has `workflow`. Anything else, including a list
or a scalar at the top, is reported here (so is a Serverless Workflow file,
recognised by `specVersion`: that dialect is not supported yet). Force a
dialect with `--dialect` when detection is wrong.

## Why is this bad?
A file named like a workflow that is not one is usually a mistake (a template
that was never rendered, a configuration file with the wrong suffix), and
nothing in it can be checked.

## Example
```json
{"Comment": "forgot the states", "Version": "1.0"}
```

## Use instead
```json
{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF002", name="unknown-dialect", severity="error", doc=__doc__)
