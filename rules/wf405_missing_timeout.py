"""A state that waits on the outside world has no timeout.

Callback tasks (`.waitForTaskToken`), activities, and native `event` states
(human approvals, webhooks) wait until someone answers. Without a timeout
they wait as long as the whole execution may live.

## Why is this bad?
If the answer never comes (the message was lost, the approver left), the
execution hangs for up to a year on Step Functions Standard, holding whatever
it had reserved.

## Example
```yaml
workflow: approval
start: approve
states:
  approve:
    type: event
    on: [{event: Approved, next: done}]
  done: {type: succeed}
```

## Use instead
```yaml
workflow: approval
start: approve
states:
  approve:
    type: event
    on: [{event: Approved, next: done}]
    timeout: 3d
    on_timeout: expired
  done: {type: succeed}
  expired: {type: fail, error: ApprovalExpired}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF405", name="missing-timeout", severity="warning", groups=("timeouts",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for state in workflow.iter_states():
        if state.waits_on_outside and state.timeout is None and not state.timeout_is_dynamic:
            yield Finding(
                f"state '{state.name}' waits for an outside answer with no timeout; add one "
                "(timeout / TimeoutSeconds) and say where to go when it runs out",
                state.pointer,
                state=state.name,
            )
