"""A heartbeat is not shorter than its timeout.

The heartbeat is how long a task may go without reporting progress; the
timeout is how long it may run in total. A heartbeat equal to or longer than
the timeout can never fire.

## Why is this bad?
Step Functions rejects the definition (HeartbeatSeconds must be smaller than
TimeoutSeconds), and the stuck-worker detection the author wanted does not exist.

## Example
```json
{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:work", "TimeoutSeconds": 60, "HeartbeatSeconds": 60, "End": true}}}
```

## Use instead
```json
{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:work", "TimeoutSeconds": 600, "HeartbeatSeconds": 60, "End": true}}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF404", name="timeout-order", severity="error", groups=("timeouts",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for state in workflow.iter_states():
        if state.heartbeat is not None and state.timeout is not None and state.heartbeat >= state.timeout:
            pointer = state.fields.get("HeartbeatSeconds") or state.field_pointer("heartbeat")
            yield Finding(
                f"state '{state.name}' has a heartbeat of {state.heartbeat:g}s, not shorter than its "
                f"timeout of {state.timeout:g}s: make the heartbeat shorter",
                pointer,
                state=state.name,
            )
