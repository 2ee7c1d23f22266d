"""A retrier or catcher can never fire: earlier ones take all its errors.

An entry is shadowed when every error it names is already named by an
earlier entry of the same list (or an earlier entry catches everything). The
message names the earlier entries; their places are related locations.

## Why is this bad?
The handler looks like it handles the error, and reviewers trust it, but the
error is always handled by an earlier entry, often with a different policy
(fewer retries, another recovery state).

## Example
```yaml
workflow: ship
start: ship
states:
  ship:
    type: task
    action: carrier.book
    retry:
      - {errors: [Timeout, Throttled], max_attempts: 2}
      - {errors: [Timeout], max_attempts: 5, interval: 10s}
    end: true
```

## Use instead
```yaml
workflow: ship
start: ship
states:
  ship:
    type: task
    action: carrier.book
    retry:
      - {errors: [Timeout], max_attempts: 5, interval: 10s}
      - {errors: [Throttled], max_attempts: 2}
    end: true
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from wfverify.core.findings import Finding, Related
from wfverify.core.model import ALL_ERRORS, Catcher, Retrier, Workflow
from wfverify.core.rule import NoOptions, rule


@rule(code="WF402", name="shadowed-catcher", severity="warning", groups=("errors",))
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding]:
    for state in workflow.iter_states():
        lists: tuple[tuple[str, Sequence[Retrier | Catcher]], ...] = (
            ("retrier", state.retry),
            ("catcher", state.catch),
        )
        for what, entries in lists:
            for i, entry in enumerate(entries):
                earlier = entries[:i]
                if ALL_ERRORS in entry.errors or not earlier:
                    continue  # a catch-all after a catch-all is catch-all-not-last's finding
                if any(ALL_ERRORS in e.errors for e in earlier):
                    continue
                takers = [j for j, e in enumerate(earlier) if set(e.errors) & set(entry.errors)]
                covered = set().union(*(set(earlier[j].errors) for j in takers)) if takers else set()
                if takers and set(entry.errors) <= covered:
                    names = ", ".join(f"{what} {j + 1}" for j in takers)
                    yield Finding(
                        f"{what} {i + 1} of state '{state.name}' never fires: {names} already handle(s) "
                        f"{', '.join(entry.errors)}; merge it into the earlier one or remove it",
                        entry.pointer,
                        state=state.name,
                        related=tuple(Related(earlier[j].pointer, f"{what} {j + 1} handles it first") for j in takers),
                    )
