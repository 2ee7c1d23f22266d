"""A loop can be left, but only on outside answers: nothing bounds it.

For every cycle that has a way out, the termination analysis
(`wfverify.analysis.smt.termination`) looks for a counter that every turn of the loop
moves towards an exit condition that must eventually hold (ASL `Assign` with
`States.MathAdd` or JSONata `$n + 1`, a Pass `Parameters`/`Result` written back
by `ResultPath`; native `set`), proved with Z3. A loop under a timeout (the
state machine's top-level `TimeoutSeconds`, or that of a state running the
loop) is bounded by it. A pagination loop, which goes round while a token such
as `NextToken` is present, is bounded by the data and not reported. A polling
loop that sends failure statuses back is reported by `failure-status-loop`
instead. Any other loop is reported with the bound that would fix it, in the
file's own terms; as `info` when the AWS API's status enum shows that every
final status leaves the loop (the service bounds it). This rule also gives the `termination` proof of the file.

## Why is this bad?
A polling loop that waits for a job to say "done" runs forever when the job
never says it (the job ended in a status nobody handles, the status field was
renamed). Step Functions Standard executions then run for up to a year.

## Example
```json
{
  "StartAt": "GetStatus",
  "States": {
    "GetStatus": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "export-status", "Payload.$": "$"}, "ResultPath": "$.Run", "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Run.Payload.status", "StringEquals": "SUCCEEDED", "Next": "Done"},
        {"Variable": "$.Run.Payload.status", "StringEquals": "FAILED", "Next": "JobFailed"}],
      "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "GetStatus"},
    "Done": {"Type": "Succeed"},
    "JobFailed": {"Type": "Fail", "Error": "JobFailed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Assign": {"polls": 0}, "Next": "GetStatus"},
    "GetStatus": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "export-status", "Payload.$": "$"}, "ResultPath": "$.Run",
      "Assign": {"polls.$": "States.MathAdd($polls, 1)"}, "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Run.Payload.status", "StringEquals": "SUCCEEDED", "Next": "Done"},
        {"Variable": "$.Run.Payload.status", "StringEquals": "FAILED", "Next": "JobFailed"},
        {"Variable": "$polls", "NumericGreaterThanEquals": 120, "Next": "GaveUp"}],
      "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "GetStatus"},
    "Done": {"Type": "Succeed"},
    "JobFailed": {"Type": "Fail", "Error": "JobFailed"},
    "GaveUp": {"Type": "Fail", "Error": "PollingTimedOut"}
  }
}
```

A top-level `"TimeoutSeconds": 3600` on the state machine bounds the loop as
well. In the native format the counter is `set: {polls: "polls + 1"}` on the
polling task, with `polls` declared in `input` or set to 0 before the loop,
and a choice rule `polls >= 120`.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import sccs
from wfverify.core.findings import Finding, Proof, Severity, Verdict
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF203", name="unbounded-loop", severity="warning", groups=("graph", "termination", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    if not any(sccs(workflow, scope) for scope in workflow.scopes.values()):
        retries = sum(len(s.retry) for s in workflow.iter_states())
        detail = f"no loops; {retries} retry policies bounded by max_attempts" if retries else "no loops"
        yield Proof("termination", Verdict.PROVEN, detail)
        return
    from wfverify.analysis.loops import every_failure_leaves, failure_routes, pagination_token, polling_choices
    from wfverify.analysis.smt.termination import analyze_loops, can_leave, termination_proof

    yield termination_proof(workflow)
    for members, verdict in analyze_loops(workflow):
        loop = set(members)
        if verdict.verdict in ("terminates", "bounded") or not can_leave(workflow, loop):
            continue  # proven, bounded by a timeout, or a trap (reported by no-path-to-end)
        if pagination_token(workflow, loop) or failure_routes(workflow, loop):
            continue  # bounded by the data, or reported by failure-status-loop
        scope = workflow.scopes[workflow.states[next(iter(members))].scope]
        ordered = [n for n in scope.states if n in members]
        first = workflow.states[ordered[0]]
        statuses = ""
        for pc in polling_choices(workflow, loop):
            if pc.others_stay and pc.exits:
                verb = "leaves" if len(pc.exits) == 1 else "leave"
                statuses = (
                    f" (at '{pc.state}' only {', '.join(pc.exits)} {verb}; a status the service may end in that no "
                    "rule names is polled forever)"
                )
                break
        handled = every_failure_leaves(workflow, loop)
        if handled is not None:
            statuses = f" (bounded by the service: every final status the API returns leaves at '{handled}')"
        yield Finding(
            f"loop {' -> '.join(ordered + [ordered[0]])} ends only on outside answers{statuses}: {verdict.reason}; "
            f"{verdict.hint}",
            first.pointer,
            state=first.name,
            witness=ordered,
            severity_override=Severity.INFO if handled is not None else None,
        )
