"""An AWS SDK integration names no known service or action, or leaves out a parameter the API requires.

For `arn:aws:states:::aws-sdk:SERVICE:ACTION` tasks, botocore's service
models say which services and operations exist and which request members
each operation requires. The service name is the SDK client name (`sfn`,
`eventbridge`, `redshiftdata`...), the action the operation in camelCase
(`getObject`), the parameters PascalCase (`Bucket`, `Key`).

Reported as an error only when certain: an action the service's model does
not have but that is a near miss of one it has (a typo), a missing required
parameter. An action botocore does not know at all, or a service name it does
not know, is `info` (retired from, or newer than, the installed botocore, or a
client name wfverify does not map). A `${Placeholder}` resource, parameters given as
a whole (`"Parameters.$": "$.request"`), or a JSONata `Arguments` string are
not judged, and without botocore installed the rule is silent.

## Why is this bad?
Step Functions refuses to create a state machine whose SDK integration names
an unknown service or action; a request that lacks a required parameter fails
on every execution with a validation error from the service.

## Example
```json
{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
      "Parameters": {"Bucket": "reports"},
      "End": true
    }
  }
}
```

## Use instead
```json
{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
      "Parameters": {"Bucket": "reports", "Key.$": "$.key"},
      "End": true
    }
  }
}
```

## References
- AWS Step Functions, "AWS SDK service integrations" (service names, camelCase actions, PascalCase parameters).
- botocore service models (operations and their required request members).
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding, Severity
from wfverify.core.model import StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF304", name="invalid-integration", severity="error", groups=("aws",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    tasks = [s for s in workflow.iter_states() if s.kind is StateKind.TASK and s.action and ":aws-sdk:" in s.action]
    if not tasks:
        return
    from wfverify.analysis.aws import request_problems

    for state in tasks:
        for problem in request_problems(state.action, state.parameters):
            field = "Resource" if problem.about == "resource" else _parameters_field(state.fields)
            yield Finding(
                f"Task '{state.name}': {problem.message}",
                pointer=state.field_pointer(field),
                state=state.name,
                severity_override=None if problem.certain else Severity.INFO,
            )


def _parameters_field(fields: object) -> str:
    return "Arguments" if isinstance(fields, dict) and "Arguments" in fields else "Parameters"
