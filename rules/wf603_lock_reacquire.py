"""A holder acquires a lock it already holds.

Locks are not reentrant: a branch, iteration or execution that acquires a
lock it already holds waits for itself forever (or, with a timeout, until it
fails with `LockTimeout`, every time). Data-named locks count when
their names can be the same string (`account:{item.from}` then
`account:{item.to}`: a transfer to the same account); the message gives the
data.

## Why is this bad?
The execution hangs at that state on every run that takes this path.

## Example
```yaml
workflow: adjust
start: count
states:
  count: {type: task, side_effects: false, acquire: [inventory], next: correct}
  correct: {type: task, acquire: [inventory], release: [inventory], end: true}
```

## Use instead
```yaml
workflow: adjust
start: count
states:
  count: {type: task, side_effects: false, acquire: [inventory], next: correct}
  correct: {type: task, release: [inventory], end: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF603", name="lock-reacquire", severity="error", groups=("locks",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    from wfverify.analysis.locks.facts import lock_facts
    from wfverify.core.witness import PathWitness

    for p in lock_facts(workflow).problems:
        if p.kind == "reacquire" and p.held != p.lock:
            values = ", ".join(f"{k} = {v!r}" for k, v in p.data)
            yield Finding(
                f"state '{p.state}' acquires lock '{p.lock}' while its holder holds '{p.held}' "
                f"({' -> '.join(p.path)}): both name the same lock when {values or 'the data says so'}, and "
                f"locks are not reentrant, so it then {_waits(p.timed)}; make sure the names differ, "
                "or take the lock once",
                p.pointer,
                state=p.state,
                witness=PathWitness(p.path),
            )
        elif p.kind == "reacquire":
            yield Finding(
                f"state '{p.state}' acquires lock '{p.lock}', which its holder already holds after "
                f"{' -> '.join(p.path[:-1])}: locks are not reentrant, so it {_waits(p.timed)}",
                p.pointer,
                state=p.state,
                witness=PathWitness(p.path),
            )


def _waits(timed: bool) -> str:
    return "waits for itself until the timeout and fails with LockTimeout" if timed else "waits for itself forever"
