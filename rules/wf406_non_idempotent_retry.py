"""A task that is not idempotent is retried.

Only tasks marked `idempotent: true` (natively, or in an ASL sidecar) are
safe to run more than once. A retried Parallel or Map runs its branches or
iterations again from the start, so it re-runs every task inside it (at any
depth): those must be idempotent too. The rule stays silent on files that
state no idempotency facts (ASL without a sidecar).

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
from wfverify.core.model import State, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


def _repeatable(state: State) -> bool:
    return state.idempotent or not state.side_effects


def _inside(workflow: Workflow, owner: str) -> list[str]:
    """Tasks that a retry of ``owner`` (a Parallel or Map) runs again, nested bodies included."""
    found: list[str] = []
    pending = [owner]
    while pending:
        for scope in workflow.children(pending.pop()):
            for name in scope.states:
                state = workflow.states.get(name)
                if state is None or state.scope != scope.id:
                    continue
                if state.kind is StateKind.TASK and not _repeatable(state):
                    found.append(name)
                pending.append(name)
    return found


@rule(code="WF406", name="non-idempotent-retry", severity="warning", groups=("errors", "sagas"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    for state in workflow.iter_states():
        if not state.retry:
            continue
        if state.kind is StateKind.TASK and not _repeatable(state):
            yield Finding(
                f"task '{state.name}' is retried but not marked idempotent: a retry may repeat its effect; "
                "make the action idempotent and say so (idempotent: true), or drop the retry",
                state.field_pointer("retry"),
                state=state.name,
            )
        elif state.kind in (StateKind.PARALLEL, StateKind.MAP) and (again := _inside(workflow, state.name)):
            yield Finding(
                f"{state.kind.value} state '{state.name}' is retried, which runs {', '.join(repr(n) for n in again)} "
                "again, and they are not marked idempotent: a retry may repeat their effects; make them "
                "idempotent and say so (idempotent: true), or retry inside the branches instead",
                state.field_pointer("retry"),
                state=state.name,
            )
