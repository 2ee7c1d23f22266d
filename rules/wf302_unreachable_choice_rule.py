"""A choice rule can never be the one taken.

Z3 checks each rule of each choice state: its condition may be
unsatisfiable on its own (`x > 5 and x < 3`, a comparison of a field with
two types), or every input it accepts may already be taken by earlier rules
(the first matching rule wins). The message names the earlier rules that
shadow it; they are the related locations.

## Why is this bad?
A rule that can never fire is dead routing: usually the rules are in the
wrong order (a broad `> 100` before a narrow `> 1000`) or a bound is
mistyped, and the state it leads to is reached less often than intended, or
never.

## Example
```yaml
workflow: discounts
start: route
input: {order.total: number}
states:
  route:
    type: choice
    choices:
      - {when: "order.total > 100", next: silver}
      - {when: "order.total > 1000", next: gold}
    default: none
  silver: {type: succeed}
  gold: {type: succeed}
  none: {type: succeed}
```

## Use instead
```yaml
workflow: discounts
start: route
input: {order.total: number}
states:
  route:
    type: choice
    choices:
      - {when: "order.total > 1000", next: gold}
      - {when: "order.total > 100", next: silver}
    default: none
  silver: {type: succeed}
  gold: {type: succeed}
  none: {type: succeed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding, Related
from wfverify.core.model import StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF302", name="unreachable-choice-rule", severity="warning", groups=("choices", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    choices = [s for s in workflow.iter_states() if s.kind is StateKind.CHOICE and s.choices]
    if not choices:
        return
    from wfverify.analysis.smt.choices import analyze_workflow, reads_absent_failing

    reports = analyze_workflow(workflow)
    for state in choices:
        for dead in reports[state.name].dead:
            rule_ = state.choices[dead.index]
            if not dead.shadowed_by:
                yield Finding(
                    f"choice '{state.name}' rule {dead.index + 1} can never match: its condition is unsatisfiable",
                    pointer=rule_.pointer,
                    state=state.name,
                )
                continue
            names = ", ".join(str(j + 1) for j in dead.shadowed_by)
            plural = "s" if len(dead.shadowed_by) > 1 else ""
            fails = any(reads_absent_failing(state.choices[j].condition) for j in dead.shadowed_by)
            tail = " (or that fails the execution reading an absent field)" if fails else ""
            yield Finding(
                f"choice '{state.name}' rule {dead.index + 1} is never taken: every input it accepts is taken by "
                f"earlier rule{plural} {names}{tail}",
                pointer=rule_.pointer,
                state=state.name,
                witness={"shadowed_by": list(dead.shadowed_by), "input": dead.sample},
                related=tuple(
                    Related(state.choices[j].pointer, f"rule {j + 1} takes its inputs first") for j in dead.shadowed_by
                ),
            )
