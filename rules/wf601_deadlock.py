"""A reachable deadlock over locks (witness: the schedule); a warning when every wait has a timeout.

Holders are the branches of a Parallel state, two iterations of a Map (unless
`max_concurrency: 1`), and two executions of the workflow when it is
`concurrent: true`. A lock-order graph rules most files out without a
solver; when it has a cycle, Z3 searches the interleavings for a moment where
a set of holders each wait for a lock another one holds (`wfverify.analysis.locks`).
Locks named by data (`account:{item.from}`) are symbolic, and the witness
gives the data that deadlocks. This rule also gives the `deadlock-freedom`
proof of the file; files that state no lock facts get `n/a`.

## Why is this bad?
Both branches wait forever: the execution hangs until its timeout, holding
every lock it took, and every other execution that needs those locks hangs too.

## Example
```yaml
workflow: rebalance
start: both
states:
  both:
    type: parallel
    branches:
      - start: a
        states:
          a: {type: task, acquire: [ledger, audit], release: [audit, ledger], end: true}
      - start: b
        states:
          b: {type: task, acquire: [audit, ledger], release: [ledger, audit], end: true}
    next: done
  done: {type: succeed}
```

## Use instead
```yaml
workflow: rebalance
start: both
states:
  both:
    type: parallel
    branches:
      - start: a
        states:
          a: {type: task, acquire: [audit, ledger], release: [ledger, audit], end: true}
      - start: b
        states:
          b: {type: task, acquire: [audit, ledger], release: [ledger, audit], end: true}
    next: done
  done: {type: succeed}
```

## References
- Coffman, Elphick and Shoshani, "System Deadlocks" (1971): a global lock order prevents circular wait.
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding, Proof, Severity, Verdict
from wfverify.core.model import Workflow
from wfverify.core.rule import NoOptions, rule

_VERDICTS = {
    "proven": Verdict.PROVEN,
    "violated": Verdict.VIOLATED,
    "unknown": Verdict.UNKNOWN,
    "n/a": Verdict.NOT_APPLICABLE,
}


@rule(code="WF601", name="deadlock", severity="error", groups=("locks", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    if not workflow.annotated or not any(s.acquire for s in workflow.iter_states()):
        yield Proof("deadlock-freedom", Verdict.NOT_APPLICABLE, "no locks are taken")
        return
    from wfverify.analysis.locks.facts import lock_facts
    from wfverify.analysis.locks.solver import check_deadlock

    result = check_deadlock(lock_facts(workflow))
    yield Proof("deadlock-freedom", _VERDICTS[result.verdict], result.detail, result.seconds, result.witness)
    if result.verdict != "violated" or result.witness is None:
        return
    first = next(s for s in result.witness["schedule"] if s["action"] == "block")
    verbs = {"acquire": "takes", "release": "releases", "block": "waits for"}
    steps = "; ".join(f"{s['holder']} {verbs[s['action']]} {s['lock']}" for s in result.witness["schedule"])
    kind = "timeout storm: every wait times out instead" if result.timeouts_only else "deadlock"
    yield Finding(
        f"{kind}: {result.detail}: {steps}; take the locks in one global order everywhere",
        first["pointer"],
        state=first["state"],
        witness=result.witness,
        severity_override=Severity.WARNING if result.timeouts_only else None,
    )
