"""A retry policy that cannot work as written.

Reported as errors: a backoff rate below 1 (delays would shrink), a maximum
delay below the first interval, negative attempts or intervals, and retries
whose total backoff alone cannot fit in the workflow's timeout. Reported as
warnings: an ASL `ErrorEquals` naming a `States.` error that does not exist
(`States.TaskFailedId`: the service accepts the definition but never raises that
error, so the retrier or catcher never fires), with the name it most likely
meant; and a total backoff above `max_total_backoff` (one day by default),
whatever the timeout. The total is
the sum over the attempts of `IntervalSeconds x BackoffRate^i`, each capped by
`MaxDelaySeconds`; with `"JitterStrategy": "FULL"` the expected total (half) is
used. (ASL `TimeoutSeconds` on a state bounds each attempt, not the retries.)

## Why is this bad?
The retries the author planned never happen: the name never matches, the
execution times out in the middle of them, or an error that will never
succeed (a permission, a bad request) keeps the execution alive for weeks.

## Example
```json
{
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
      "Retry": [
        {"ErrorEquals": ["States.TaskFailedId"], "MaxAttempts": 3},
        {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 5, "MaxAttempts": 20,
         "BackoffRate": 2}],
      "End": true}
  }
}
```

## Use instead
```json
{
  "StartAt": "Charge",
  "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
      "Retry": [
        {"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3},
        {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 5, "MaxAttempts": 20,
         "BackoffRate": 2, "MaxDelaySeconds": 300, "JitterStrategy": "FULL"}],
      "End": true}
  }
}
```

In the native format: `retry: [{errors: [Timeout], max_attempts: 3, interval: 2s, max_delay: 10s}]`.

## Options
- `check_total_backoff` (bool, default true): compare the total backoff with the workflow's timeout and the limit.
- `max_total_backoff` (duration string, default `"1d"`): a total backoff above this is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.analysis.errors import closest_states_error, is_states_error, total_backoff
from wfverify.core.durations import parse_duration
from wfverify.core.findings import Finding, Severity
from wfverify.core.model import ALL_ERRORS, Dialect, Retrier, State, Workflow
from wfverify.core.records import dataclass
from wfverify.core.rule import rule

__all__ = ["Options", "check", "total_backoff"]


@dataclass(frozen=True)
class Options:
    check_total_backoff: bool = True
    max_total_backoff: str = "1d"


@rule(code="WF403", name="bad-retry", severity="error", groups=("errors",), options=Options)
def check(workflow: Workflow, options: Options) -> Iterator[Finding]:
    limit = parse_duration(options.max_total_backoff)
    if limit is None:
        raise ValueError(
            f"max_total_backoff must be a duration such as 1d, 12h or 3600s, not {options.max_total_backoff!r}"
        )
    asl = workflow.dialect is Dialect.ASL
    raised = {s.error for s in workflow.iter_states() if s.error}
    for state in workflow.iter_states():
        if asl:
            yield from _unknown_names(state, raised)
        for i, r in enumerate(state.retry):
            label = f"retrier {i + 1} of state '{state.name}'"
            yield from _shape(r, label, state, asl)
            if options.check_total_backoff and r.backoff_rate >= 1:
                yield from _backoff(workflow, r, label, state, limit, asl)


def _unknown_names(state: State, raised: set[str]) -> Iterator[Finding]:
    lists = [("Retry", i, r.errors, r.pointer) for i, r in enumerate(state.retry)]
    lists += [("Catch", i, c.errors, c.pointer) for i, c in enumerate(state.catch)]
    for field, i, errors, pointer in lists:
        for j, name in enumerate(errors):
            if name == ALL_ERRORS or not name.startswith("States.") or is_states_error(name) or name in raised:
                continue  # a custom States.X that a Fail state raises is reported by reserved-error-name
            guess = closest_states_error(name)
            hint = f"; did you mean '{guess}'?" if guess else ""
            what = "retrier" if field == "Retry" else "catcher"
            yield Finding(
                f"{field} {i + 1} of state '{state.name}' names '{name}', which is not an error Step Functions "
                f"raises, so this {what} never fires{hint}",
                f"{pointer}/ErrorEquals/{j}",
                state=state.name,
                severity_override=Severity.WARNING,  # deployable; the run only loses this retrier
            )


def _shape(r: Retrier, label: str, state: State, asl: bool) -> Iterator[Finding]:
    rate, cap = ("BackoffRate", "MaxDelaySeconds") if asl else ("backoff rate", "max_delay")
    if r.backoff_rate < 1:
        yield Finding(
            f"{label} has {rate} {r.backoff_rate:g}: below 1 the delays shrink; use 1 or more",
            r.pointer,
            state=state.name,
        )
    if r.max_attempts < 0 or r.interval < 0:
        yield Finding(f"{label} has a negative attempt count or interval", r.pointer, state=state.name)
    if r.max_delay is not None and r.max_delay < r.interval:
        yield Finding(
            f"{label} caps delays at {r.max_delay:g}s ({cap}), below its first interval of {r.interval:g}s",
            r.pointer,
            state=state.name,
        )


def _human(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds:.0f}s (about {seconds / size:.1f} {unit})"
    return f"{seconds:.0f}s"


def _backoff(workflow: Workflow, r: Retrier, label: str, state: State, limit: float, asl: bool) -> Iterator[Finding]:
    waited = total_backoff(r, jitter_average=True)
    jitter = " on average with FULL jitter" if r.jitter else ""
    fix = "set MaxDelaySeconds or lower MaxAttempts/BackoffRate" if asl else "set max_delay or lower max_attempts"
    if workflow.timeout is not None and waited >= workflow.timeout:
        yield Finding(
            f"{label} waits {_human(waited)}{jitter} in total between its {r.max_attempts} attempts, but the "
            f"whole execution times out after {workflow.timeout:g}s; {fix}",
            r.pointer,
            state=state.name,
        )
    elif waited > limit:
        yield Finding(
            f"{label} waits {_human(waited)}{jitter} in total between its {r.max_attempts} attempts (more than "
            f"{_human(limit)}): an error that never clears keeps the execution waiting that long; {fix}",
            r.pointer,
            state=state.name,
            severity_override=Severity.WARNING,
        )
