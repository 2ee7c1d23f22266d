"""A custom error is named with the reserved `States.` prefix.

Step Functions reserves error names that start with `States.` for the errors
it raises itself. Reported: a Fail state whose `Error` starts with `States.`,
and a `Retry` or `Catch` that names such a custom error raised in the same
state machine is then left alone (one finding per cause, at the Fail state).

## Why is this bad?
The spec forbids it, and such a name is easily mistaken for, or shadowed by,
a service error: a catcher for `States.ALL` placement rules, `States.Runtime`
and `States.DataLimitExceeded` semantics, and future predefined names all
apply to the prefix. Tools and people reading the definition assume the
service raised it.

## Example
```json
{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
        {"Variable": "$.votes", "NumericGreaterThanEquals": 2, "Next": "QuorumMet"}],
      "Default": "Done"},
    "QuorumMet": {"Type": "Fail", "Error": "States.QuorumMet", "Cause": "enough votes"},
    "Done": {"Type": "Succeed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
        {"Variable": "$.votes", "NumericGreaterThanEquals": 2, "Next": "QuorumMet"}],
      "Default": "Done"},
    "QuorumMet": {"Type": "Fail", "Error": "Quorum.Met", "Cause": "enough votes"},
    "Done": {"Type": "Succeed"}
  }
}
```

Native workflows have no reserved prefix; the rule reads ASL only.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Dialect, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF407", name="reserved-error-name", severity="warning", groups=("errors",), dialects=("asl",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if workflow.dialect is not Dialect.ASL:
        return
    for state in workflow.iter_states():
        if state.kind is StateKind.FAIL and state.error and state.error.startswith("States."):
            suggestion = state.error.removeprefix("States.")
            yield Finding(
                f"Fail state '{state.name}' raises '{state.error}': the 'States.' prefix is reserved for errors "
                f"Step Functions raises; name it without the prefix (for example '{suggestion}') and update the "
                "Retry/Catch entries that name it",
                state.field_pointer("Error"),
                state=state.name,
            )
