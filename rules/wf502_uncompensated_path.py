"""A failure path ends without compensating a completed task.

The saga analysis (`wfverify.analysis.saga`) follows every way an execution can fail
(each task error, each catcher, a failing Parallel or Map, uncaught errors,
an `event` timeout without `on_timeout`, a choice that matches no rule, a
compensation step that itself fails with nothing to catch it)
and tracks the tasks with `compensate` that completed and the compensations
that ran. When a path reaches a `fail` state, or ends with an uncaught error,
while a completed task was never compensated, it is reported with the path as
witness (the failure, the tasks completed, the compensations that ran). A
`compensate` that names a state not marked `compensation: true` is reported
too. This rule also gives the `saga` proof of the file; files that state no
saga facts (ASL without a sidecar) get `n/a`. Paths that no run can take are
left out: past a state that acquires a lock its own execution holds (it waits
forever, or can only fail with `LockTimeout`), past a retry that waits for the
lock its first attempt kept, through a choice rule that contradicts one taken
earlier on the same unchanged data, or through the catcher of a Parallel whose
branches cannot fail.

## Why is this bad?
The customer was charged, the booking failed, and nobody refunds the charge:
the system is left inconsistent, and someone finds out from an angry email.

## Example
```yaml
workflow: booking
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, next: book}
  book: {type: task, action: hotel.book, catch: [{errors: ["*"], next: failed}], end: true}
  refund:
    type: task
    action: pay.refund
    compensation: true
    idempotent: true
    retry: [{max_attempts: 3}]
    catch: [{errors: ["*"], next: failed}]
    next: failed
  failed: {type: fail, error: BookingFailed}
```

## Use instead
```yaml
workflow: booking
start: charge
states:
  charge: {type: task, action: pay.charge, compensate: refund, next: book}
  book: {type: task, action: hotel.book, catch: [{errors: ["*"], next: refund}], end: true}
  refund:
    type: task
    action: pay.refund
    compensation: true
    idempotent: true
    retry: [{max_attempts: 3}]
    catch: [{errors: ["*"], next: failed}]
    next: failed
  failed: {type: fail, error: BookingFailed}
```

## References
- Garcia-Molina and Salem, "Sagas" (1987); the native format page, "Sagas".
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding, Proof, Verdict
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule

_WHY = {
    "Timeout": "its event timeout runs out with no on_timeout",
    "NoChoiceMatched": "no choice rule matches and there is no default",
}


@rule(code="WF502", name="uncompensated-path", severity="error", groups=("sagas", "proofs"))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    if not workflow.annotated:  # ASL without a sidecar states no saga facts (nor loads the analysis)
        yield Proof("saga", Verdict.NOT_APPLICABLE, "no saga facts stated (add a sidecar)", 0.0)
        return
    from wfverify.analysis.saga import analyze

    for state in workflow.iter_states():
        target = workflow.states.get(state.compensate or "")
        if target is not None and not target.compensation:
            yield Finding(
                f"task '{state.name}' is compensated by '{target.name}', which is not marked "
                "compensation: true; mark it, so it is entered only on failure paths",
                state.field_pointer("compensate"),
                state=state.name,
            )
    report = analyze(workflow)
    if not report.applicable:
        yield Proof("saga", Verdict.NOT_APPLICABLE, "no task has a compensation", report.seconds)
        return
    found = [v for v in report.violations if v.kind == "uncompensated"]
    for v in found:
        end = workflow.states[v.state]
        how = (
            f"reaches fail state '{v.state}'"
            if end.kind.value == "fail"
            else f"fails in '{v.state}' ({_WHY.get(v.witness.failure_error or '', 'an error')}, uncaught)"
        )
        yield Finding(
            f"a failure path {how} without compensating {', '.join(v.missing)}: "
            f"{' -> '.join(v.witness.path)}; route it through the compensation(s) first",
            end.pointer,
            state=v.state,
            witness=v.witness,
        )
    order = [v for v in report.violations if v.kind == "order"]
    detail = f"{report.configurations} configurations explored"
    if found or order:
        first = (found or order)[0]
        yield Proof(
            "saga",
            Verdict.VIOLATED,
            f"{len(found)} uncompensated path(s), {len(order)} out-of-order; {detail}",
            report.seconds,
            first.witness,
        )
    elif report.runtime_risk is not None:
        where, missing = report.runtime_risk
        yield Proof(
            "saga",
            Verdict.UNKNOWN,
            f"'{where}' reads data that may be absent: States.Runtime, which no catcher takes, would end the "
            f"execution without compensating {', '.join(missing)}; only the data's producer knows; {detail}",
            report.seconds,
        )
    elif not report.complete:
        yield Proof("saga", Verdict.UNKNOWN, f"stopped after {detail} (the bound)", report.seconds)
    else:
        yield Proof(
            "saga", Verdict.PROVEN, f"every failure path compensates in reverse order; {detail}", report.seconds
        )
