"""A catch-all (`States.ALL`, `*`) stands before another retrier or catcher.

Retriers and catchers are tried in order and the first whose error list
matches wins. A catch-all that is not the last entry makes every entry after
it dead; inside one error list, the catch-all must stand alone.

## Why is this bad?
Step Functions rejects it (`States.ALL` must appear alone and last). In the
native format the specific handlers after it silently never run: a
`Timeout` retry written after a catch-all retry is never used.

## Example
```yaml
workflow: charge
start: charge
states:
  charge:
    type: task
    action: payments.charge
    catch:
      - {errors: ["*"], next: failed}
      - {errors: [CardDeclined], next: declined}
    end: true
  failed: {type: fail, error: ChargeFailed}
  declined: {type: fail, error: CardDeclined}
```

## Use instead
```yaml
workflow: charge
start: charge
states:
  charge:
    type: task
    action: payments.charge
    catch:
      - {errors: [CardDeclined], next: declined}
      - {errors: ["*"], next: failed}
    end: true
  failed: {type: fail, error: ChargeFailed}
  declined: {type: fail, error: CardDeclined}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from wfverify.core.findings import Finding
from wfverify.core.model import ALL_ERRORS, Catcher, Retrier, State, Workflow
from wfverify.core.rule import NoOptions, rule


def _entries(state: State) -> Iterator[tuple[str, list[Retrier | Catcher]]]:
    yield "retrier", list(state.retry)
    yield "catcher", list(state.catch)


@rule(code="WF401", name="catch-all-not-last", severity="error", groups=("errors",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for state in workflow.iter_states():
        for what, entries in _entries(state):
            for i, entry in enumerate(entries):
                if ALL_ERRORS in entry.errors and len(entry.errors) > 1:
                    yield Finding(
                        f"{what} {i + 1} of state '{state.name}' lists the catch-all with other errors; "
                        "the catch-all must stand alone in its list",
                        entry.pointer,
                        state=state.name,
                    )
                if ALL_ERRORS in entry.errors and i < len(entries) - 1:
                    yield Finding(
                        f"{what} {i + 1} of state '{state.name}' catches every error, so the "
                        f"{len(entries) - i - 1} {what}(s) after it never run; move it last",
                        entry.pointer,
                        state=state.name,
                    )
