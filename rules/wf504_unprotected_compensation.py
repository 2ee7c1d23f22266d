"""A compensation step has no retry, no catcher to a dead-letter step or recording `fail`, or is not idempotent.

A compensation (`compensation: true`) is the last line of defence: it must
retry transient errors, hand permanent ones to people (a catcher leading to a
dead-letter step or a `fail` state that records the failure), and be safe to
run more than once (`idempotent: true`), since retries and duplicate failure
paths may run it twice.

## Why is this bad?
A compensation that fails silently leaves the system inconsistent with no one
told: the refund was never issued and the execution history just says "failed".

## Example
```yaml
workflow: refund
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, catch: [{errors: ["*"], next: refund}], end: true}
  refund: {type: task, action: pay.refund, compensation: true, next: failed}
  failed: {type: fail, error: ChargeFailed}
```

## Use instead
```yaml
workflow: refund
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, catch: [{errors: ["*"], next: refund}], end: true}
  refund:
    type: task
    action: pay.refund
    compensation: true
    idempotent: true
    retry: [{max_attempts: 5, interval: 2s}]
    catch: [{errors: ["*"], next: dead_letter}]
    next: failed
  dead_letter: {type: task, action: ops.dead_letter, side_effects: false, next: failed}
  failed: {type: fail, error: ChargeFailed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import ALL_ERRORS, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF504", name="unprotected-compensation", severity="warning", groups=("sagas",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    for state in workflow.iter_states():
        if not state.compensation or state.kind is not StateKind.TASK:
            continue
        missing = []
        if not state.retry:
            missing.append("a retry")
        if not any(ALL_ERRORS in c.errors and c.next in workflow.states for c in state.catch):
            missing.append("a catch-all catcher leading to a dead-letter step or a fail state")
        if not state.idempotent:
            missing.append("idempotent: true")
        if missing:
            yield Finding(
                f"compensation step '{state.name}' lacks {', '.join(missing)}: a failed compensation "
                "leaves the system inconsistent with nobody told",
                state.pointer,
                state=state.name,
            )
