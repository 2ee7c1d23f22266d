"""A reachable deadlock over locks (witness: the schedule); a warning when every wait has a timeout.

Holders are the branches of a Parallel state (at any nesting level), the
iterations of a Map (unless `max_concurrency: 1`), the executions of the
workflow when it is `concurrent: true`, and a body that holds a lock around a
Parallel or Map: its branches and iterations that wait for that lock wait
forever. A lock-order graph over every holder (names that data could make
equal, `account:42` and `account:{acct}`, count as one lock) proves most
files for any number of holders; when it has a cycle, Z3 searches the
interleavings for a moment where a set of holders each wait for a lock
another one holds (`wfverify.analysis.locks`), and the witness gives the
schedule and the data that deadlocks. Where the search cannot cover every
holder count (Map iterations, concurrent executions) the proof says
`unknown`, never `proven`. This rule also gives the `deadlock-freedom`
proof of the file; files that state no lock facts get `n/a`. Holders
that wait on each other with a timeout on every wait (a branch waiting,
with a timeout, for a lock its parent holds included) are a timeout storm:
a warning, and not a deadlock, so the proof's verdict does not count it.

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

TYPE_CHECKING = False  # the witness classes load only when a file takes locks
if TYPE_CHECKING:
    from wfverify.core.witness import LockSchedule

_VERBS = {
    "acquire": "takes",
    "release": "releases",
    "timeout": "times out on",
    "block": "waits for",
    "join": "waits at",
}


@rule(code="WF601", name="deadlock", severity="error", groups=("locks", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    if not workflow.annotated or not any(s.acquire for s in workflow.iter_states()):
        yield Proof("deadlock-freedom", Verdict.NOT_APPLICABLE, "no locks are taken")
        return
    from wfverify.analysis.locks.facts import lock_facts
    from wfverify.analysis.locks.solver import check_deadlock

    result = check_deadlock(lock_facts(workflow))
    yield Proof("deadlock-freedom", result.verdict, result.detail, result.seconds, result.witness)
    if result.verdict is Verdict.VIOLATED and result.witness is not None:
        yield _finding("deadlock", result.detail, result.witness, None)
    elif result.storm is not None:  # not a deadlock, but worth a warning
        yield _finding(
            "timeout storm: every wait times out instead", result.storm.detail, result.storm.witness, Severity.WARNING
        )


def _finding(kind: str, detail: str, witness: LockSchedule, severity: Severity | None) -> Finding:
    first = min((s for s in witness.steps if s.action == "block"), key=lambda s: s.pointer)
    steps = "; ".join(f"{s.holder} {_VERBS[s.action]} {s.lock or s.state}" for s in witness.steps)
    return Finding(
        f"{kind}: {detail}: {steps}; take the locks in one global order everywhere, and never "
        "inside a Parallel or Map a lock held around it",
        first.pointer,
        state=first.state,
        witness=witness,
        severity_override=severity,
    )
