"""A transition names a state that does not exist in its scope.

Every `next`/`Next`, choice rule target, `default`/`Default`, catcher target,
event target and `start`/`StartAt` must name a state of the same body: a
Parallel branch or Map iterator cannot jump out to its parent's states, and
the parent cannot jump into them. The message suggests the closest name.

## Why is this bad?
Step Functions rejects the definition; a native workflow would stop at that
state with nowhere to go. Most often it is a typo, or a `Next` inside a
branch that points at a state of the main flow (leave the branch with
`End: true` and continue from the Parallel state's `Next`).

## Example
```yaml
workflow: signup
start: verify
states:
  verify: {type: task, action: kyc.verify, next: create_acount}
  create_account: {type: succeed}
```

## Use instead
```yaml
workflow: signup
start: verify
states:
  verify: {type: task, action: kyc.verify, next: create_account}
  create_account: {type: succeed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


def _hint(target: str, candidates: list[str], elsewhere: bool) -> str:
    if elsewhere:
        return " (that state belongs to another branch or body: leave this body with end/End and go on from its owner)"
    import difflib  # only for a target that does not exist

    close = difflib.get_close_matches(target, candidates, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; states here: {', '.join(candidates[:8])}"


@rule(code="WF101", name="unknown-target", severity="error", groups=("structure",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for scope in workflow.scopes.values():
        names = [n for n in scope.states if workflow.states.get(n) is not None and workflow.states[n].scope == scope.id]
        if scope.start not in names:
            where = "the workflow" if not scope.id else f"this {scope.kind} of '{scope.owner}'"
            yield Finding(
                f"start {scope.start!r} of {where} is no state of it"
                f"{_hint(scope.start, names, scope.start in workflow.states)}",
                scope.start_pointer,
                state=scope.owner,
            )
        for name in names:
            state = workflow.states[name]
            for t in state.transitions:
                target = workflow.states.get(t.target)
                if target is None or target.scope != state.scope:
                    yield Finding(
                        f"state '{name}' goes to {t.target!r}, which is no state of its body"
                        f"{_hint(t.target, names, target is not None)}",
                        t.pointer,
                        state=name,
                    )
