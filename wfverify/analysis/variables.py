"""Which workflow variables (``Assign``) may, and must, be set when a state is entered.

Step Functions variables follow the rules of the AWS guide "Passing data
between states with variables":

* a state's ``Assign`` takes effect when the state completes; every expression
  of the state (its ``Assign`` included) reads the values it was entered with;
* a ``Catch`` applies its own ``Assign`` instead of the state's;
* a Parallel branch or a Map iteration starts with the variables of the state
  that runs it (read-only), and what it assigns stays inside it: the enclosing
  machine sees only the branch or iteration ``Output``;
* a Distributed Map runs its iterations as child executions, which start
  with no variables at all (values go in through ``ItemSelector``).

Two forward analyses over each scope's graph give, for every reachable state,
the variables set on *some* path to it (``maybe``: a union) and on *every*
path to it (``must``: an intersection, computed from the top). A variable
outside ``maybe`` is undefined whichever way the execution goes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from wfverify.core.model import State, TransitionKind, Workflow
from wfverify.core.records import dataclass

__all__ = ["VariableFacts", "assigned_by", "variable_facts"]


@dataclass(frozen=True)
class VariableFacts:
    """``maybe[state]`` / ``must[state]``: variables set on some / every path that enters ``state``."""

    maybe: dict[str, frozenset[str]]
    must: dict[str, frozenset[str]]
    #: every variable some ``Assign`` sets, by the scope id that assigns it
    assigned_in: dict[str, frozenset[str]]
    #: the maybe-set each scope starts with (its owner's entry set; empty for the root)
    base: dict[str, frozenset[str]]

    def maybe_on_first_arrival(self, workflow: Workflow, state: str) -> frozenset[str]:
        """Variables set on some path that enters ``state`` for the first time (not through itself).

        A loop whose body assigns a variable it reads at its head has it on the
        back edge only: the first arrival, which every execution makes, lacks it.
        """
        scope = workflow.states[state].scope
        start = workflow.scopes[scope].start
        return _flow(workflow, start, self.base.get(scope, frozenset()), True, blocked=state).get(state, frozenset())


def _names(writes: Iterable[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(w[0][1:] for w in writes if len(w) == 1 and w[0].startswith("$"))


def assigned_by(state: State) -> frozenset[str]:
    """Variables the state's own ``Assign`` sets when it completes normally."""
    return _names(state.writes)


def _out(state: State, entry: frozenset[str], kind: TransitionKind, index: int | None) -> frozenset[str]:
    if kind == TransitionKind.CATCH:
        catcher = state.catch[index] if index is not None and index < len(state.catch) else None
        return entry | (_names(catcher.writes) if catcher is not None else frozenset())
    return entry | assigned_by(state)


def _flow(
    workflow: Workflow, start: str, base: frozenset[str], union: bool, blocked: str | None = None
) -> dict[str, frozenset[str]]:
    """Entry sets of one scope, from ``base`` at its start; ``union`` picks maybe (else must).

    Nothing flows out of ``blocked``: the sets then describe the paths that
    reach it for the first time.
    """
    scope = workflow.states[start].scope
    entry: dict[str, frozenset[str]] = {start: base}
    queue = deque([start])
    while queue:
        name = queue.popleft()
        if name == blocked:
            continue
        state = workflow.states[name]
        for t in state.transitions:
            target = workflow.states.get(t.target)
            if target is None or target.scope != scope:
                continue
            out = _out(state, entry[name], t.kind, t.index)
            old = entry.get(t.target)
            new = out if old is None else (old | out if union else old & out)
            if new != old:
                entry[t.target] = new
                queue.append(t.target)
    return entry


def variable_facts(workflow: Workflow) -> VariableFacts:
    """Maybe- and must-sets at the entry of every reachable state, scope by scope from the root."""

    def compute() -> VariableFacts:
        maybe: dict[str, frozenset[str]] = {}
        must: dict[str, frozenset[str]] = {}
        base: dict[str, frozenset[str]] = {}
        pending: deque[tuple[str, frozenset[str], frozenset[str]]] = deque([("", frozenset(), frozenset())])
        while pending:
            scope_id, base_maybe, base_must = pending.popleft()
            start = workflow.scopes[scope_id].start
            if start not in workflow.states or workflow.states[start].scope != scope_id:
                continue
            base[scope_id] = base_maybe
            maybe.update(_flow(workflow, start, base_maybe, union=True))
            must.update(_flow(workflow, start, base_must, union=False))
            for name in workflow.scopes[scope_id].states:
                if name in maybe:
                    state = workflow.states[name]
                    for child in state.branches:  # a Distributed Map's child executions start with none
                        inherited = not workflow.scopes[child].distributed if child in workflow.scopes else True
                        pending.append(
                            (child, maybe[name] if inherited else frozenset(), must[name] if inherited else frozenset())
                        )
        assigned: dict[str, set[str]] = {}
        for state in workflow.iter_states():
            names = assigned_by(state).union(*(_names(c.writes) for c in state.catch))
            assigned.setdefault(state.scope, set()).update(names)
        return VariableFacts(maybe, must, {k: frozenset(v) for k, v in assigned.items()}, base)

    return workflow.memo("variable-facts", compute)
