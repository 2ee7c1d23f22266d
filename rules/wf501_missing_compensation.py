"""A task with side effects has no compensation though a later step can fail.

On files that state saga facts (native, or ASL with a sidecar): a task that
changes the outside world (`side_effects` is true by default) and is not
itself a compensation step, with no `compensate`, while some step after it
(a task, Parallel or Map that can raise, a `fail` state, an `event` that
times out with no `on_timeout`, a choice that may match no rule) can still
fail the execution. Mark read-only tasks `side_effects: false`.

## Why is this bad?
When the later step fails, the effect of this task stays: the reservation
is held, the email promised a shipment that never comes.

## Example
```yaml
workflow: reserve
start: reserve
states:
  reserve: {type: task, action: stock.reserve, next: charge}
  charge: {type: task, action: pay.charge, side_effects: false, end: true}
```

## Use instead
```yaml
workflow: reserve
start: reserve
states:
  reserve: {type: task, action: stock.reserve, compensate: release, next: charge}
  charge: {type: task, action: pay.charge, side_effects: false, catch: [{errors: ["*"], next: release}], end: true}
  release:
    type: task
    action: stock.release
    compensation: true
    idempotent: true
    retry: [{max_attempts: 3}]
    catch: [{errors: ["*"], next: failed}]
    next: failed
  failed: {type: fail, error: ReservationFailed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import successors_in_scope
from wfverify.core.findings import Finding
from wfverify.core.model import StateKind, TransitionKind, Workflow
from wfverify.core.rule import NoOptions, rule


def _after_success(workflow: Workflow, name: str) -> list[str]:
    """States entered after ``name`` completes: its non-catch successors, or its owner's when it ends a body."""
    state = workflow.states[name]
    nexts = [
        t.target
        for t in state.transitions
        if t.kind is not TransitionKind.CATCH
        and t.target in workflow.states
        and workflow.states[t.target].scope == state.scope
    ]
    owner = workflow.scopes[state.scope].owner
    if state.end and owner:
        nexts += _after_success(workflow, owner)
        nexts += [s for b in workflow.children(owner) if b.id != state.scope for s in b.states]
    return nexts


def _later_can_fail(workflow: Workflow, name: str) -> bool:
    """Some step after ``name`` completes can fail the execution: a task, Parallel, Map or fail state,
    an event that times out with no ``on_timeout``, a choice that may match no rule."""
    from wfverify.analysis.failures import can_fail  # only for files with saga facts

    seen: set[str] = set()
    frontier = _after_success(workflow, name)
    while frontier:
        current = frontier.pop()
        if current in seen or current not in workflow.states:
            continue
        seen.add(current)
        state = workflow.states[current]
        if not state.compensation and can_fail(workflow, state):
            return True
        frontier += successors_in_scope(workflow, current) + (_after_success(workflow, current) if state.end else [])
    return False


@rule(code="WF501", name="missing-compensation", severity="warning", groups=("sagas",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    for state in workflow.iter_states():
        if (
            state.kind is StateKind.TASK
            and state.side_effects
            and not state.compensate
            and not state.compensation
            and _later_can_fail(workflow, state.name)
        ):
            yield Finding(
                f"task '{state.name}' changes the outside world but has no compensation, and a later "
                "step can fail; add `compensate: STATE`, or mark it `side_effects: false` if it only reads",
                state.pointer,
                state=state.name,
            )
