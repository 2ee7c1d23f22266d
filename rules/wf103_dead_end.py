"""A non-terminal state has no way out.

A state that is neither terminal (`succeed`, `fail`, `End: true`) nor leads
anywhere: a choice with no rules and no default, an event state with no
events and no timeout target, a state with no transition at all.

## Why is this bad?
An execution that enters it can neither continue nor finish: it fails at
run time, or the definition is rejected at deploy time.

## Example
```yaml
workflow: stuck
start: wait_for_reply
states:
  wait_for_reply: {type: event, on: [], timeout: 1h}
  done: {type: succeed}
```

## Use instead
```yaml
workflow: stuck
start: wait_for_reply
states:
  wait_for_reply:
    type: event
    on: [{event: Replied, next: done}]
    timeout: 1h
    on_timeout: done
  done: {type: succeed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import exits_scope
from wfverify.core.findings import Finding
from wfverify.core.model import StateKind, Workflow
from wfverify.core.rule import NoOptions, rule

_WHAT = {StateKind.CHOICE: "add choice rules or a default", StateKind.EVENT: "add events or an on_timeout target"}


@rule(code="WF103", name="dead-end", severity="error", groups=("structure",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for state in workflow.iter_states():
        if exits_scope(state) or state.transitions:
            continue
        if state.kind not in (StateKind.CHOICE, StateKind.EVENT) and not state.next:
            continue  # a flowing state without next/end is a schema violation already
        fix = _WHAT.get(state.kind, "give it a next state or end it")
        yield Finding(f"state '{state.name}' has no way out: {fix}", state.pointer, state=state.name)
