"""A state reads a workflow variable (`$name`) that no `Assign` before it has set.

Variables are set by `Assign` (in a state, a `Catch`, or a Choice rule) and
read as `$name`: in a JSONata expression (`{% $order.total %}`), or as the
root of a JSONPath (`"total.$": "$order.total"`, a Choice `Variable`, an
intrinsic's argument). Scoping follows the AWS guide: the new values of an
`Assign` take effect when its state completes (the state's own expressions
read the old ones); a Parallel branch or inline Map iteration can read the
variables set before its state, and what it assigns stays inside it; a
Distributed Map's iterations are child executions that start with none.
`$states` and JSONata's functions (`$count`, `$lowercase`...), lambda
parameters and `:=` bindings are not workflow variables.

It is an error when the variable is unset on every path that reaches the
read, or, for a read every visit makes, when only a path that already
passed the state sets it (a loop whose first round lacks it); when only
some paths set it, an `info` says so (the branch that skips the `Assign`
may be impossible in practice). A JSONata expression that tests the
variable first (`$exists($n) ? $n + 1 : 0`) is written for its absence and
is not reported.

## Why is this bad?
Reading a variable that was never assigned fails the execution when the
state runs, however the input looks: a typo in the name, an `Assign` placed
after the read, or a value assigned inside a Map iteration and read outside
it.

## Example
```json
{"QueryLanguage": "JSONata", "StartAt": "Load",
 "States": {
   "Load": {"Type": "Pass", "Assign": {"orderId": "{% $states.input.id %}"}, "Next": "Report"},
   "Report": {"Type": "Pass", "Output": {"id": "{% $orderID %}"}, "End": true}}}
```

## Use instead
```json
{"QueryLanguage": "JSONata", "StartAt": "Load",
 "States": {
   "Load": {"Type": "Pass", "Assign": {"orderId": "{% $states.input.id %}"}, "Next": "Report"},
   "Report": {"Type": "Pass", "Output": {"id": "{% $orderId %}"}, "End": true}}}
```

## References
- AWS Step Functions developer guide: "Passing data between states with variables".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from wfverify.core.findings import Finding, Severity
from wfverify.core.model import PathExpr, State, Workflow
from wfverify.core.rule import rule

if TYPE_CHECKING:
    from wfverify.analysis.variables import VariableFacts


#: A JSONPath (or intrinsic) can only read a variable where ``$`` is followed by a name's first letter.
_NAME_AFTER_DOLLAR = re.compile(r"\$[^\W\d]")


def _reads(path: PathExpr) -> tuple[str, ...]:
    """The variables ``path`` reads. A path with no ``$name`` in its text reads none, which saves
    parsing most paths (``$.detail``, ``$$.Execution.Id``); the same text reads the same names, so
    each distinct text of a run is parsed once."""
    if path.language != "jsonata" and not _NAME_AFTER_DOLLAR.search(path.text):
        return ()
    from wfverify.load.asl_paths import variable_reads  # answers kept per text there

    return tuple(variable_reads(path.text, path.language))


def _always_evaluated(state: State, path: PathExpr) -> bool:
    """Whether every visit evaluates ``path``: not a Catch (errors only), not a Choice rule after the first."""
    rest = path.pointer[len(state.pointer) :]
    if rest.startswith("/Catch/"):
        return False
    if rest.startswith("/Choices/"):
        return rest.split("/")[2] == "0" and rest.split("/")[3:4] in (["Condition"], ["Variable"])
    return True


def _visible_scopes(workflow: Workflow, scope: str) -> tuple[set[str], str | None]:
    """The scope and those enclosing it whose variables it can read; and the Distributed Map that stops it."""
    seen = {scope}
    while scope in workflow.scopes and workflow.scopes[scope].owner in workflow.states:
        owner = str(workflow.scopes[scope].owner)
        if workflow.scopes[scope].distributed:
            return seen, owner
        scope = workflow.states[owner].scope
        seen.add(scope)
    return seen, None


def _why(workflow: Workflow, state: State, name: str, assigned_in: dict[str, frozenset[str]]) -> str:
    visible, distributed = _visible_scopes(workflow, state.scope)
    if any(w == (f"${name}",) for w in state.writes):
        return (
            f"'{state.name}' assigns it itself, but a state's expressions read the values from before the state: "
            "assign a first value in an earlier state"
        )
    if any(name in names for scope, names in assigned_in.items() if scope in visible):
        setters = sorted(
            s.name for s in workflow.iter_states() if s.scope in visible and any(w == (f"${name}",) for w in s.writes)
        )
        shown = ", ".join(f"'{s}'" for s in setters[:3]) or "a Catch"
        return f"no path into this state passes an Assign that sets it (it is set by {shown}): assign it earlier"
    if distributed is not None and any(name in names for names in assigned_in.values()):
        return (
            f"'{distributed}' is a Distributed Map, whose iterations run as child executions without the "
            "variables of the enclosing state machine: pass the value in through its ItemSelector"
        )
    owners = sorted(
        {str(workflow.scopes[scope].owner) for scope, names in assigned_in.items() if name in names and scope}
    )
    if owners:
        shown = ", ".join(f"'{o}'" for o in owners[:3])
        return (
            f"it is assigned only in a branch or iteration of {shown}, and what a Parallel branch or Map "
            "iteration assigns stays inside it: return the value through its Output and assign it from there"
        )
    known = sorted(set().union(*assigned_in.values())) if assigned_in else []
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean ${close[0]}?)" if close else ""
    return f"no Assign in the state machine sets it{hint}"


@rule(code="WF005", name="undefined-variable", severity="error", groups=("paths", "dataflow"), dialects=("asl",))
def check(workflow: Workflow, options: object) -> Iterator[Finding]:
    from wfverify.analysis.variables import variable_facts

    facts: VariableFacts | None = None  # worked out at the first read: most definitions read no variable
    for state in workflow.iter_states():
        reads = [(path, names) for path in state.paths if (names := _reads(path))]
        if not reads:
            continue
        if facts is None:
            facts = variable_facts(workflow)
        if state.name in facts.maybe:  # else unreachable: another rule says so, and nothing flows into it
            yield from _unset_reads(workflow, state, reads, facts)


def _unset_reads(
    workflow: Workflow, state: State, reads: list[tuple[PathExpr, tuple[str, ...]]], facts: VariableFacts
) -> Iterator[Finding]:
    first: frozenset[str] | None = None
    for path, names in reads:
        always = _always_evaluated(state, path)
        for name in dict.fromkeys(names):
            if always and name not in facts.must[state.name] and first is None:
                first = facts.maybe_on_first_arrival(workflow, state.name)
            if name not in facts.maybe[state.name] or (always and first is not None and name not in first):
                when = (
                    "on any path to it"
                    if name not in facts.maybe[state.name]
                    else "when an execution first reaches it (only paths that already passed it set it)"
                )
                why = _why(workflow, state, name, facts.assigned_in)
                message = f"state '{state.name}' reads ${name}, which is not set {when}: {why}"
                severity = None
            elif name not in facts.must[state.name]:
                message = (
                    f"state '{state.name}' reads ${name}, which only some paths to it assign; "
                    "an execution that arrives another way finds it unset"
                )
                severity = Severity.INFO
            else:
                continue
            yield Finding(
                message, path.pointer, state=state.name, args=(("variable", name),), severity_override=severity
            )
