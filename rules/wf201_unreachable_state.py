"""No path from the start enters the state.

Reachability follows every transition (next, choice rules, default,
catchers, events, timeouts) from the workflow's start; a Parallel branch or
Map iterator is entered when its owner is. A group of states that name each
other but that the start never reaches is unreachable too.

Each dead region is reported once, at the state where it would be entered
(one with no unreachable predecessor, or the first state of an unreachable
cycle); the message names the states cut off behind it, so one misspelt
`next` gives one finding, not one per state after it.

## Why is this bad?
Step Functions rejects state machines with unreachable states. In any engine,
dead states are usually a forgotten `next` after a refactoring, which means
some step the author meant to run never runs.

## Example
```yaml
workflow: onboarding
start: verify
states:
  verify: {type: task, action: kyc.verify, next: welcome}
  welcome: {type: succeed}
  legacy_import: {type: task, action: legacy.import, next: welcome}
```

## Use instead
```yaml
workflow: onboarding
start: verify
states:
  verify: {type: task, action: kyc.verify, next: legacy_import}
  legacy_import: {type: task, action: legacy.import, next: welcome}
  welcome: {type: succeed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import reachable_states, successors_in_scope
from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


def _regions(workflow: Workflow, dead: list[str]) -> list[tuple[str, list[str]]]:
    """(entry state, states only reachable through it) for each dead region, in document order."""
    members = set(dead)
    after = {n: [m for m in successors_in_scope(workflow, n) if m in members and m != n] for n in dead}
    has_pred = {m for targets in after.values() for m in targets}
    order = [n for n in dead if n not in has_pred] + dead
    covered: set[str] = set()
    out = []
    for entry in order:
        if entry in covered:
            continue
        region, stack = [], [entry]
        covered.add(entry)
        while stack:
            for m in after[stack.pop()]:
                if m not in covered:
                    covered.add(m)
                    region.append(m)
                    stack.append(m)
        out.append((entry, [n for n in dead if n in region]))
    return out


@rule(code="WF201", name="unreachable-state", severity="error", groups=("graph",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    reached = reachable_states(workflow)
    for scope in workflow.scopes.values():
        if scope.owner is not None and scope.owner not in reached:
            continue  # the whole body is unreachable: its owner is reported
        dead = [
            n
            for n in scope.states
            if n not in reached and n in workflow.states and workflow.states[n].scope == scope.id
        ]
        start = scope.start if scope.start in workflow.states else "the start"
        for entry, behind in _regions(workflow, dead):
            also = f"; so are the states only it leads to: {', '.join(behind)}" if behind else ""
            yield Finding(
                f"state '{entry}' is never entered: no transition from '{start}' or any state "
                f"reachable from it leads here{also}; link it into the flow or delete it",
                workflow.states[entry].pointer,
                state=entry,
                witness=[entry, *behind],
            )
