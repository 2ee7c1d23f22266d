"""A path ends its branch, iteration or execution still holding a lock.

Every path of every holder is followed, error paths through catchers
included; when a path reaches the end of its body (an `end`, a `succeed`, a
`fail`, or an error nothing catches: a task, Parallel or Map failure, an
`event` timeout without `on_timeout`, a choice that matches no rule) with a
lock still held, the lock leaks. A state that lists a lock in
both `acquire` and `release` always unlocks, whether its action succeeds or
fails.

## Why is this bad?
Nobody releases the lock: the next execution that needs it waits forever (or
until its lock timeout), typically only after a rare failure, in production.

## Example
```yaml
workflow: report
start: lock
states:
  lock: {type: task, acquire: [report], catch: [{errors: ["*"], next: failed}], next: render}
  render: {type: task, side_effects: false, catch: [{errors: ["*"], next: failed}], next: unlock}
  unlock: {type: task, release: [report], next: done}
  done: {type: succeed}
  failed: {type: fail, error: RenderFailed}
```

## Use instead
```yaml
workflow: report
start: lock
states:
  lock: {type: task, acquire: [report], catch: [{errors: ["*"], next: unlock_after_failure}], next: render}
  render: {type: task, side_effects: false, catch: [{errors: ["*"], next: unlock_after_failure}], next: unlock}
  unlock: {type: task, release: [report], next: done}
  unlock_after_failure: {type: task, release: [report], next: failed}
  done: {type: succeed}
  failed: {type: fail, error: RenderFailed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF602", name="lock-leak", severity="error", groups=("locks",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    from wfverify.analysis.locks.facts import lock_facts
    from wfverify.core.witness import PathWitness

    for p in lock_facts(workflow).problems:
        if p.kind == "leak":
            how = f"fails at '{p.state}' with an error nothing catches" if p.uncaught else f"ends at '{p.state}'"
            yield Finding(
                f"the path {' -> '.join(p.path)} {how}, still holding lock '{p.lock}'; "
                "release it on every path, error paths included (a catcher that releases it)",
                p.pointer,
                state=p.state,
                witness=PathWitness(p.path),
            )
