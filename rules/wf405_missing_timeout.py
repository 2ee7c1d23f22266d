"""A state that waits on the outside world has nothing that bounds the wait.

Callback tasks (`.waitForTaskToken`), activities, `.sync` integrations whose
service has no time limit of its own (ECS `runTask`, Batch `submitJob`, EMR
steps and clusters, EMR on EKS, EKS `runJob`, Glue `startJobRun` (streaming jobs never
end), nested `states:startExecution`),
and native `event` states (human approvals, webhooks) wait until someone or
something answers. A wait is bounded by the task's `TimeoutSeconds` /
`TimeoutSecondsPath`, by its `HeartbeatSeconds` / `HeartbeatSecondsPath` (the
task fails when no heartbeat arrives in time: AWS's recommended liveness check
for callbacks), or by the state machine's top-level `TimeoutSeconds`.

## Why is this bad?
If the answer never comes (the message was lost, the approver left, the Batch
job is stuck in RUNNABLE, the container never exits), the execution hangs for
up to a year on Step Functions Standard, holding whatever it had reserved.

## Example
```json
{
  "StartAt": "RequestApproval",
  "States": {
    "RequestApproval": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {"token.$": "$$.Task.Token"}},
      "Next": "Approved"},
    "Approved": {"Type": "Succeed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "RequestApproval",
  "States": {
    "RequestApproval": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {"token.$": "$$.Task.Token"}},
      "TimeoutSeconds": 259200,
      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Expired"}],
      "Next": "Approved"},
    "Approved": {"Type": "Succeed"},
    "Expired": {"Type": "Fail", "Error": "ApprovalExpired"}
  }
}
```

In the native format: `timeout: 3d` and `on_timeout: expired` on the `event`
state, or `timeout`/`heartbeat` on a task.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Dialect, State, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule

#: `.sync` integrations whose service puts no time limit on the job it runs.
_UNBOUNDED_SYNC = re.compile(
    r":states:::(ecs:runTask|batch:submitJob|elasticmapreduce:[A-Za-z]+|emr-containers:startJobRun|eks:runJob"
    r"|glue:startJobRun|states:startExecution)\.sync(:2)?$"
)


def _what_waits(state: State) -> str | None:
    action = state.action or ""
    if action.endswith(".waitForTaskToken"):
        return "waits for a callback (.waitForTaskToken)"
    if ":activity:" in action:
        return "waits for an activity worker"
    if state.kind is StateKind.TASK and _UNBOUNDED_SYNC.search(action):
        return f"runs a job to its end ({action.rsplit(':::', 1)[-1]}), which the service does not time-limit,"
    if state.waits_on_outside:
        return "waits for an outside answer"
    return None


@rule(code="WF405", name="missing-timeout", severity="warning", groups=("timeouts",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if workflow.timeout is not None:
        return  # the whole execution is bounded
    asl = workflow.dialect is Dialect.ASL
    for state in workflow.iter_states():
        what = _what_waits(state)
        if what is None or state.timeout is not None or state.heartbeat is not None or state.timeout_is_dynamic:
            continue
        if asl:
            fix = (
                "add TimeoutSeconds (or HeartbeatSeconds) to the task with a Catch for States.Timeout, "
                "or a top-level TimeoutSeconds"
            )
        else:
            fix = "add a `timeout` and say where to go when it runs out (`on_timeout`, or a catch for Timeout)"
        yield Finding(
            f"state '{state.name}' {what} with nothing that bounds the wait; {fix}",
            state.pointer,
            state=state.name,
        )
