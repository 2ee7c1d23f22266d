"""A task that is not idempotent is retried.

Only tasks marked `idempotent: true` (natively, or in an ASL sidecar) are
safe to run more than once. The rule stays silent on files that state no
idempotency facts (ASL without a sidecar).

## Why is this bad?
A retry after a timeout runs the task again although the first attempt may
have succeeded: the customer is charged twice, the email goes out twice.

## Example
```yaml
workflow: charge
start: charge
states:
  charge:
    type: task
    action: payments.charge
    retry: [{errors: [Timeout], max_attempts: 3}]
    end: true
```

## Use instead
```yaml
workflow: charge
start: charge
states:
  charge:
    type: task
    action: payments.charge
    idempotent: true
    retry: [{errors: [Timeout], max_attempts: 3}]
    end: true
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF406", name="non-idempotent-retry", severity="warning", groups=("errors", "sagas"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    for state in workflow.iter_states():
        if state.kind is StateKind.TASK and state.retry and not state.idempotent and state.side_effects:
            yield Finding(
                f"task '{state.name}' is retried but not marked idempotent: a retry may repeat its effect; "
                "make the action idempotent and say so (idempotent: true), or drop the retry",
                state.field_pointer("retry"),
                state=state.name,
            )
