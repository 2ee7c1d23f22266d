"""A polling loop sends failure statuses back into the loop: a failed job is polled forever.

A polling loop asks a service for a job's status and leaves when the status
says the job is over. Reported: a Choice in the loop whose rule names a
failure status (FAILED, STOPPED, CANCELLED, ERROR, TIMED_OUT...) and goes
back into the loop, or whose exit rules name no failure status at all while
every other status goes back through `Default` (or a `Not` rule). The
statuses are read from the Choice's own string comparisons, so a loop whose
exits name some failure statuses is left to `unbounded-loop`, unless the
API's status enum is known (botocore's model of an AWS SDK or optimized
integration): then the final failure statuses that go back are named exactly. A loop that a counter bounds is not reported.

## Why is this bad?
A failed job never changes status again: the execution polls it until the
state machine's timeout, or for up to a year, instead of failing at once
with the job's error. The job's failure is hidden as a hang or a
`States.Timeout`.

## Example
```json
{
  "StartAt": "GetSegmentDetection",
  "States": {
    "GetSegmentDetection": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:getSegmentDetection",
      "Parameters": {"JobId.$": "$.JobId"}, "ResultPath": "$.Segments", "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Segments.JobStatus", "StringEquals": "SUCCEEDED", "Next": "Done"}],
      "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "GetSegmentDetection"},
    "Done": {"Type": "Succeed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "GetSegmentDetection",
  "States": {
    "GetSegmentDetection": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:getSegmentDetection",
      "Parameters": {"JobId.$": "$.JobId"}, "ResultPath": "$.Segments", "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Segments.JobStatus", "StringEquals": "SUCCEEDED", "Next": "Done"},
        {"Variable": "$.Segments.JobStatus", "StringEquals": "FAILED", "Next": "JobFailed"}],
      "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "GetSegmentDetection"},
    "Done": {"Type": "Succeed"},
    "JobFailed": {"Type": "Fail", "Error": "SegmentDetectionFailed"}
  }
}
```

The native format reads the same: a choice rule `status == 'FAILED'` that
leads to a `fail` state.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import sccs
from wfverify.core.findings import Finding
from wfverify.core.model import Dialect, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF204", name="failure-status-loop", severity="warning", groups=("graph", "termination"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    cycles = [c for scope in workflow.scopes.values() for c in sccs(workflow, scope)]
    if not cycles:
        return
    from wfverify.analysis.counters import counters
    from wfverify.analysis.loops import failure_examples, failure_routes
    from wfverify.analysis.smt.termination import analyze_loops

    proven = (
        {members for members, v in analyze_loops(workflow) if v.verdict == "terminates"}
        if any(counters(workflow, set(c)) for c in cycles)
        else set()
    )
    asl = workflow.dialect is Dialect.ASL
    for cycle in cycles:
        if frozenset(cycle) in proven:
            continue  # a counter ends it: a failed job is polled a bounded number of times
        for route in failure_routes(workflow, set(cycle)):
            pc = route.choice
            fail_state = "a Fail state" if asl else "a `fail` state"
            variable = f"$.{pc.variable}" if asl and not pc.variable.startswith("$") else pc.variable
            if route.from_api:
                said = ", ".join(route.statuses)
                what = (
                    f"at Choice '{pc.state}' the final statuses {said} of {variable}, which the API can return, "
                    "go back into the loop"
                )
            elif route.statuses:
                said = ", ".join(route.statuses)
                what = f"Choice '{pc.state}' sends {said} back into the loop"
            else:
                way = "Default" if workflow.states[pc.state].default in cycle else "a Not rule"
                examples = "/".join(failure_examples(pc))
                verb = "leaves" if len(pc.exits) == 1 else "leave"
                what = (
                    f"at Choice '{pc.state}' only {', '.join(pc.exits)} {verb} the loop: every other status of "
                    f"{variable} goes back through {way}, failure statuses included (no rule names one, such as "
                    f"{examples})"
                )
            yield Finding(
                f"{what}, so a failed job is polled forever; add a rule that sends the failure statuses to "
                f"{fail_state}",
                route.pointer,
                state=pc.state,
                witness={"statuses": list(route.statuses), "others_loop": route.through_default},
            )
