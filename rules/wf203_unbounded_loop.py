"""A loop can be left, but only on outside answers: nothing bounds it.

For every cycle that has a way out, the termination analysis
(`wfverify.analysis.smt.termination`) looks for a counter that every turn of the loop
moves towards an exit condition that must eventually hold (native `set`,
ASL `Assign` or `States.MathAdd`), proved with Z3. Retry policies are bounded
by their `max_attempts`. A loop with no such argument, and no timeout on the
whole execution, is reported with the bound that would fix it. This rule also
gives the `termination` proof of the file.

## Why is this bad?
A polling loop that waits for a job to say "done" runs forever when the job
never says it (the job crashed, the status field was renamed). Step Functions
Standard executions then run for up to a year.

## Example
```yaml
workflow: poll
start: check
states:
  check: {type: task, action: job.status, side_effects: false, next: ready}
  ready:
    type: choice
    choices: [{when: "status == 'DONE'", next: done}]
    default: wait
  wait: {type: wait, duration: 30s, next: check}
  done: {type: succeed}
```

## Use instead
```yaml
workflow: poll
start: check
input: {polls: int}
states:
  check: {type: task, action: job.status, side_effects: false, set: {polls: "polls + 1"}, next: ready}
  ready:
    type: choice
    choices:
      - {when: "status == 'DONE'", next: done}
      - {when: "polls >= 20", next: gave_up}
    default: wait
  wait: {type: wait, duration: 30s, next: check}
  done: {type: succeed}
  gave_up: {type: fail, error: PollingTimedOut}
```

## Options
None. A timeout on the whole execution (`timeout`, ASL `TimeoutSeconds`) also bounds every loop.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import sccs
from wfverify.core.findings import Finding, Proof, Verdict
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF203", name="unbounded-loop", severity="warning", groups=("graph", "termination", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    if not any(sccs(workflow, scope) for scope in workflow.scopes.values()):
        retries = sum(len(s.retry) for s in workflow.iter_states())
        detail = f"no loops; {retries} retry policies bounded by max_attempts" if retries else "no loops"
        yield Proof("termination", Verdict.PROVEN, detail)
        return
    from wfverify.analysis.smt.termination import analyze_loops, can_leave, termination_proof

    yield termination_proof(workflow)
    if workflow.timeout is not None:
        return  # the whole execution is bounded by its timeout
    for members, verdict in analyze_loops(workflow):
        if verdict.verdict == "terminates" or not can_leave(workflow, set(members)):
            continue  # proven, or a trap (reported by no-path-to-end)
        scope = workflow.scopes[workflow.states[next(iter(members))].scope]
        ordered = [n for n in scope.states if n in members]
        first = workflow.states[ordered[0]]
        yield Finding(
            f"loop {' -> '.join(ordered + [ordered[0]])} ends only on outside answers: {verdict.reason}; "
            f"{verdict.hint}",
            first.pointer,
            state=first.name,
            witness=ordered,
        )
