"""Compensations run in an order other than the reverse of completion.

If A completed before B, B must be undone before A (a booking is cancelled
before the payment that paid for it is refunded). Tasks completed in parallel
branches may be compensated in either order. The witness is the path, with
the tasks completed and the compensations run.

## Why is this bad?
Undoing in the wrong order breaks the invariants the forward steps relied on:
refunding before cancelling lets the cancellation fail on an unpaid booking,
releasing stock before cancelling the shipment ships goods that are no longer
reserved.

## Example
```yaml
workflow: trip
start: pay
states:
  pay: {type: task, action: pay.charge, compensate: refund, next: hotel}
  hotel: {type: task, action: hotel.book, compensate: cancel_hotel, next: flight}
  flight: {type: task, action: air.book, catch: [{errors: ["*"], next: refund}], end: true}
  refund: {type: task, action: pay.refund, compensation: true, idempotent: true, next: cancel_hotel}
  cancel_hotel: {type: task, action: hotel.cancel, compensation: true, idempotent: true, next: failed}
  failed: {type: fail, error: TripFailed}
```

## Use instead
```yaml
workflow: trip
start: pay
states:
  pay: {type: task, action: pay.charge, compensate: refund, next: hotel}
  hotel: {type: task, action: hotel.book, compensate: cancel_hotel, next: flight}
  flight: {type: task, action: air.book, catch: [{errors: ["*"], next: cancel_hotel}], end: true}
  cancel_hotel: {type: task, action: hotel.cancel, compensation: true, idempotent: true, next: refund}
  refund: {type: task, action: pay.refund, compensation: true, idempotent: true, next: failed}
  failed: {type: fail, error: TripFailed}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF503", name="compensation-order", severity="error", groups=("sagas",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    if not workflow.annotated:  # no saga facts: nothing to order (and no need to load the analysis)
        return
    from wfverify.analysis.saga import analyze

    report = analyze(workflow)
    for v in report.violations:
        if v.kind != "order":
            continue
        step = workflow.states[v.state]
        yield Finding(
            f"compensation '{v.state}' runs while {', '.join(v.missing)}, completed later, is not yet "
            f"compensated: {' -> '.join(v.witness.path)}; undo the later work first",
            step.pointer,
            state=v.state,
            witness=v.witness,
        )
