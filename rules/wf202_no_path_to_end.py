"""Once entered, the state can never lead to the end of its body (a trap cycle).

For each body (the workflow, each branch, each iterator) the rule computes
the states from which some path reaches an exit (`succeed`, `fail`,
`end`/`End`, including through catchers). A reachable state outside that set
is trapped; each trap (a strongly connected group of states) is reported
once, at its first state, with the cycle as witness.

## Why is this bad?
An execution that enters the trap loops until the whole execution times out
(a year by default on Step Functions Standard), burning state transitions.

## Example
```yaml
workflow: poller
start: check
states:
  check: {type: task, action: job.status, side_effects: false, next: wait}
  wait: {type: wait, duration: 10s, next: check}
```

## Use instead
```yaml
workflow: poller
start: check
states:
  check: {type: task, action: job.status, side_effects: false, next: ready}
  ready:
    type: choice
    choices: [{when: "status == 'DONE'", next: done}]
    default: wait
  wait: {type: wait, duration: 10s, next: check}
  done: {type: succeed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import reachable_states, reaches_exit, sccs
from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF202", name="no-path-to-end", severity="error", groups=("graph", "termination"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    reached = reachable_states(workflow)
    for scope in workflow.scopes.values():
        good = reaches_exit(workflow, scope)
        trapped = [
            n
            for n in scope.states
            if n in reached
            and n not in good
            and workflow.states.get(n) is not None
            and workflow.states[n].scope == scope.id
        ]
        if not trapped:
            continue
        for component in sccs(workflow, scope):
            members = [n for n in scope.states if n in component]
            if members and all(n in trapped for n in members):
                first = workflow.states[members[0]]
                cycle = " -> ".join(members + [members[0]])
                yield Finding(
                    f"state '{first.name}' starts a loop that can never end: {cycle}; add a way out "
                    "(a choice to an end state, or a catcher)",
                    first.pointer,
                    state=first.name,
                    witness=members,
                )
