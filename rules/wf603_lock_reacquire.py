"""A holder acquires a lock it already holds.

Locks are not reentrant: a branch, iteration or execution that acquires a
lock it already holds waits for itself forever.

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

    for p in lock_facts(workflow).problems:
        if p.kind == "reacquire":
            yield Finding(
                f"state '{p.state}' acquires lock '{p.lock}', which its holder already holds after "
                f"{' -> '.join(p.path[:-1])}: locks are not reentrant, so it waits for itself forever",
                p.pointer,
                state=p.state,
                witness=list(p.path),
            )
