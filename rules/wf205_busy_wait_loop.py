"""A polling loop has no Wait: it calls the service again at once, as fast as it can.

Reported: a loop that polls a status (a Choice routes on status strings) by
calling a task, with no `Wait` state (or callback, `.sync` job or activity)
anywhere in it. Pagination loops (they go round while a token such as
`NextToken` is present) and loops a counter bounds are not reported.

## Why is this bad?
Each turn is a state transition and an API call: a busy loop burns the
account's state-transition and API quotas, gets throttled, and costs money
for nothing, for as long as the job runs.

## Example
```json
{
  "StartAt": "GetExperiment",
  "States": {
    "GetExperiment": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:fis:getExperiment",
      "Parameters": {"Id.$": "$.Id"}, "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Experiment.State.Status", "StringEquals": "completed", "Next": "Done"},
        {"Variable": "$.Experiment.State.Status", "StringEquals": "failed", "Next": "Failed"},
        {"Variable": "$.Experiment.State.Status", "StringEquals": "stopped", "Next": "Failed"}],
      "Default": "GetExperiment"},
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "ExperimentFailed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "GetExperiment",
  "States": {
    "GetExperiment": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:fis:getExperiment",
      "Parameters": {"Id.$": "$.Id"}, "Next": "Finished?"},
    "Finished?": {"Type": "Choice", "Choices": [
        {"Variable": "$.Experiment.State.Status", "StringEquals": "completed", "Next": "Done"},
        {"Variable": "$.Experiment.State.Status", "StringEquals": "failed", "Next": "Failed"},
        {"Variable": "$.Experiment.State.Status", "StringEquals": "stopped", "Next": "Failed"}],
      "Default": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "GetExperiment"},
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "ExperimentFailed"}
  }
}
```

In the native format: a `wait` state (`{type: wait, duration: 30s}`) in the loop.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.graph import sccs
from wfverify.core.findings import Finding
from wfverify.core.model import Dialect, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF205", name="busy-wait-loop", severity="warning", groups=("graph", "termination"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not any(sccs(workflow, scope) for scope in workflow.scopes.values()):
        return  # no loop (and no need to load the loop analyses)
    from wfverify.analysis.loops import pagination_token, polling_choices, waits_in

    for scope in workflow.scopes.values():
        for cycle in sccs(workflow, scope):
            tasks = [n for n in scope.states if n in cycle and workflow.states[n].kind is StateKind.TASK]
            if not tasks or waits_in(workflow, cycle) or pagination_token(workflow, cycle):
                continue
            if not polling_choices(workflow, cycle) or _counted(workflow, cycle):
                continue
            task = workflow.states[tasks[0]]
            wait = (
                'a Wait state ("Type": "Wait", "Seconds": 30)'
                if workflow.dialect is Dialect.ASL
                else ("a `wait` state (duration: 30s)")
            )
            yield Finding(
                f"the loop through '{task.name}' polls with no wait between calls: it calls the service again at "
                f"once, burning state transitions and API quota; add {wait} before polling again",
                task.pointer,
                state=task.name,
                witness=[n for n in scope.states if n in cycle],
            )


def _counted(workflow: Workflow, cycle: set[str]) -> bool:
    """A counter provably ends the loop (the solver runs only when the loop has a counter at all)."""
    from wfverify.analysis.counters import counters
    from wfverify.analysis.smt.termination import analyze_loops

    if not counters(workflow, cycle):
        return False

    return any(v.verdict == "terminates" and set(m) == cycle for m, v in analyze_loops(workflow))
