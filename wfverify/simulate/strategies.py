"""Hypothesis strategies for wfverify (public: use them to fuzz your own workflows in your tests).

>>> from wfverify.simulate.strategies import environments          # doctest: +SKIP
>>> @given(environments(workflow))                        # doctest: +SKIP
... def test_my_flow_ends(env): assert simulate(workflow, env).status != "out-of-steps"
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from wfverify.core.expr import variables
from wfverify.core.model import StateKind, Workflow
from wfverify.simulate.environment import Environment, Outcome

__all__ = ["environments", "inputs", "native_workflows"]

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 2000), st.sampled_from(["", "A", "READY", "FAILED"]))
_TYPED = {
    "int": st.integers(-5, 2000),
    "number": st.integers(-5, 2000) | st.floats(-10, 2000, allow_nan=False),
    "string": st.sampled_from(["", "A", "READY", "DONE", "FAILED"]),
    "bool": st.booleans(),
}


def _nest(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(node.get(key, {}), dict) else {}
        node[path[-1]] = value
    return out


def inputs(workflow: Workflow) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs: declared variables of their type; other variables the choices read, any value or absent."""
    declared: dict[tuple[str, ...], Any] = {
        tuple(k.split(".")): _TYPED.get(v, _SCALARS) for k, v in workflow.inputs.items()
    }
    read: set[tuple[str, ...]] = set()
    for s in workflow.iter_states():
        for rule in s.choices:
            if rule.condition is not None:
                read |= variables(rule.condition)
    optional: dict[tuple[str, ...], Any] = {
        p: _SCALARS for p in sorted(read) if p not in declared and not p[0].startswith("$")
    }
    for path, fields in _map_items(workflow).items():
        item = st.fixed_dictionaries({f: st.sampled_from(["a", "b", "c"]) for f in sorted(fields)})
        declared[path] = st.lists(item, min_size=0, max_size=4)
    return st.fixed_dictionaries(declared, optional=optional).map(_nest)


def _map_items(workflow: Workflow) -> dict[tuple[str, ...], set[str]]:
    """Map states whose items are a variable: that path, and the item fields their lock names use."""
    import re

    from wfverify.core.expr import Var

    out: dict[tuple[str, ...], set[str]] = {}
    for s in workflow.iter_states():
        if s.kind is StateKind.MAP and isinstance(s.items, Var):
            fields: set[str] = set()
            for scope in workflow.children(s.name):
                for name in scope.states:
                    for a in workflow.states[name].acquire:
                        fields |= set(re.findall(r"\{\s*item\.([A-Za-z0-9_]+)\s*\}", a.lock))
            out[s.items.path] = fields or {"id"}
    return out


def environments(workflow: Workflow, max_steps: int = 500) -> st.SearchStrategy[Environment]:
    """Task outcomes (success, or an error its retriers/catchers name, or one they do not), event
    arrivals, inputs and scheduler picks for one workflow."""
    outcomes = {}
    events = {}
    for s in workflow.iter_states():
        if s.kind is StateKind.TASK:
            named = sorted({e for r in s.retry for e in r.errors} | {e for c in s.catch for e in c.errors} - {"*"})
            errors = st.sampled_from([*named, "Unexpected"]) if named else st.just("Unexpected")
            outcome = st.one_of(st.just(Outcome()), st.builds(Outcome, errors))
            outcomes[s.name] = st.lists(outcome, max_size=4)
        if s.kind is StateKind.EVENT:
            events[s.name] = st.lists(st.sampled_from([e.event for e in s.events] + ["timeout"]), max_size=3)
    return st.builds(
        Environment,
        inputs(workflow),
        st.fixed_dictionaries(outcomes),
        st.fixed_dictionaries(events),
        st.lists(st.integers(0, 7), max_size=40),
        st.just(max_steps),
    )


@st.composite
def native_workflows(draw: Any, max_tasks: int = 6) -> str:
    """Random well-formed native workflows (YAML text): a chain of tasks, some compensable with
    their compensations chained in reverse, choices that skip ahead, a parallel, optional locks."""
    n = draw(st.integers(1, max_tasks))
    lines = ["workflow: generated", "start: t0", "input: {x: int}", "states:"]
    comp: list[int] = []
    for i in range(n):
        nxt = f"t{i + 1}" if i + 1 < n else "done"
        compensable = draw(st.booleans())
        catch_to = f"u{comp[-1]}" if comp else "failed"
        fields = ["type: task", f"action: a.t{i}", f"catch: [{{errors: ['*'], next: {catch_to}}}]"]
        if compensable:
            fields.append(f"compensate: u{i}")
        if draw(st.booleans()):
            fields.append("idempotent: true")
        if draw(st.integers(0, 3)) == 0 and i + 2 <= n:
            lines.append(f"  t{i}: {{{', '.join(fields)}, next: c{i}}}")
            target = f"t{i + 2}" if i + 2 < n else "done"
            lines.append(
                f"  c{i}: {{type: choice, choices: [{{when: 'x > {draw(st.integers(0, 9))}', next: {target}}}], "
                f"default: {nxt}}}"
            )
        else:
            lines.append(f"  t{i}: {{{', '.join(fields)}, next: {nxt}}}")
        if compensable:
            comp.append(i)
    for k, i in enumerate(comp):
        back = f"u{comp[k - 1]}" if k else "failed"
        lines.append(
            f"  u{i}: {{type: task, action: a.u{i}, compensation: true, idempotent: true, "
            f"retry: [{{max_attempts: 2}}], catch: [{{errors: ['*'], next: failed}}], next: {back}}}"
        )
    lines += ["  done: {type: succeed}", "  failed: {type: fail, error: Failed}"]
    return "\n".join(lines) + "\n"
