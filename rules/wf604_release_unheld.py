"""A state releases a lock its holder does not hold on some path.

## Why is this bad?
On that path the release frees a lock someone else may hold (breaking their
mutual exclusion) or fails at run time; either way the locking protocol the
author had in mind is not the one that runs.

## Example
```yaml
workflow: publish
start: route
states:
  route:
    type: choice
    choices: [{when: "urgent", next: publish}]
    default: lock
  lock: {type: task, acquire: [site], next: publish}
  publish: {type: task, release: [site], end: true}
```

## Use instead
```yaml
workflow: publish
start: lock
states:
  lock: {type: task, acquire: [site], next: publish}
  publish: {type: task, release: [site], end: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF604", name="release-unheld", severity="error", groups=("locks",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:
        return
    from wfverify.analysis.locks.facts import lock_facts
    from wfverify.core.witness import PathWitness

    for p in lock_facts(workflow).problems:
        if p.kind == "unheld":
            yield Finding(
                f"state '{p.state}' releases lock '{p.lock}', which is not held on the path "
                f"{' -> '.join(p.path)}; acquire it on every path first, or release it only where held",
                p.pointer,
                state=p.state,
                witness=PathWitness(p.path),
            )
