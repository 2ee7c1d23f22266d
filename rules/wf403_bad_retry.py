"""A retry policy that cannot work as written.

Reported: a backoff rate below 1 (delays would shrink), a maximum delay below
the first interval, negative attempts or intervals, and, when the workflow
has a timeout, retries whose total backoff alone cannot fit in it: the sum
over the attempts of `interval x rate^i`, each capped by the maximum delay.
(ASL `TimeoutSeconds` on a state bounds each attempt, not the retries, so the
whole-execution timeout is the one that cuts the retries short.)

## Why is this bad?
The retries the author planned never happen: the execution times out in the
middle of them, or the policy is rejected at deploy time.

## Example
```yaml
workflow: sync
start: sync
timeout: 1m
states:
  sync:
    type: task
    action: crm.sync
    idempotent: true
    retry: [{errors: [Timeout], max_attempts: 6, interval: 10s, backoff_rate: 2}]
    end: true
```

## Use instead
```yaml
workflow: sync
start: sync
timeout: 1m
states:
  sync:
    type: task
    action: crm.sync
    idempotent: true
    retry: [{errors: [Timeout], max_attempts: 3, interval: 2s, backoff_rate: 2, max_delay: 10s}]
    end: true
```

## Options
- `check_total_backoff` (bool, default true): compare the total backoff with the workflow's timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wfverify.core.findings import Finding
from wfverify.core.model import Retrier, Workflow
from wfverify.core.rule import rule


@dataclass(frozen=True)
class Options:
    check_total_backoff: bool = True


def total_backoff(r: Retrier) -> float:
    """Seconds spent waiting between attempts, before any attempt's own run time."""
    total, delay = 0.0, r.interval
    for _ in range(max(r.max_attempts, 0)):
        total += min(delay, r.max_delay) if r.max_delay is not None else delay
        delay *= r.backoff_rate
        if total > 10**9:
            break
    return total


@rule(code="WF403", name="bad-retry", severity="error", groups=("errors",), options=Options)
def check(workflow: Workflow, options: Options) -> Iterator[Finding]:
    for state in workflow.iter_states():
        for i, r in enumerate(state.retry):
            label = f"retrier {i + 1} of state '{state.name}'"
            if r.backoff_rate < 1:
                yield Finding(
                    f"{label} has backoff rate {r.backoff_rate}: below 1 the delays shrink; use 1 or more",
                    r.pointer,
                    state=state.name,
                )
            if r.max_attempts < 0 or r.interval < 0:
                yield Finding(f"{label} has a negative attempt count or interval", r.pointer, state=state.name)
            if r.max_delay is not None and r.max_delay < r.interval:
                yield Finding(
                    f"{label} caps delays at {r.max_delay:g}s, below its first interval of {r.interval:g}s",
                    r.pointer,
                    state=state.name,
                )
            if options.check_total_backoff and workflow.timeout is not None and r.backoff_rate >= 1:
                waited = total_backoff(r)
                if waited >= workflow.timeout:
                    yield Finding(
                        f"{label} waits {waited:g}s in total between its {r.max_attempts} attempts, but the "
                        f"whole execution times out after {workflow.timeout:g}s; lower max_attempts or set "
                        "max_delay",
                        r.pointer,
                        state=state.name,
                    )
