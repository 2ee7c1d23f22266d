"""What every dialect's builder shares: the walk over nested bodies, duplicate names, scopes.

A workflow is a tree of *bodies* (the top level, each Parallel branch, each Map
iterator), each a mapping with a start name and a mapping of states. Every
dialect walks that tree the same way: breadth first, one :class:`Scope` per
body, state names unique across the whole file, an entry that is not a mapping
reported once and not built as a state. A dialect supplies only its spelling (:class:`Spelling`) and a
:class:`StateFactory` that turns one raw state into a model state plus the
bodies nested in it.

>>> spelling = Spelling(start="start", states="states", state_shape="a mapping with a 'type'")
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from wfverify.core.findings import Finding
from wfverify.core.model import Scope, State
from wfverify.core.records import dataclass, field
from wfverify.load.jsonpos import escape

__all__ = ["Assembly", "Body", "Spelling", "StateFactory", "assemble", "duplicate_key_finding"]


@dataclass(frozen=True)
class Body:
    """One mapping of states: the top level, a branch or an iterator."""

    pointer: str  # JSON Pointer of the body ("" for the top level)
    data: dict[str, Any]
    owner: str | None  # the Parallel or Map state that holds it
    kind: str  # "root", "branch" or "iterator"
    language: str = ""  # dialect context inherited by nested bodies (ASL's QueryLanguage)
    distributed: bool = False  # ASL Map ItemProcessor with ProcessorConfig Mode DISTRIBUTED


@dataclass(frozen=True)
class Spelling:
    """How a dialect spells the parts the walk needs."""

    start: str
    states: str
    state_shape: str  # how a state must look, for the message on a non-mapping entry
    #: what to say about a non-mapping entry (name, body) -> message; ``None``: "must be <state_shape>"
    not_a_state: Callable[[str, Body], str] | None = None


class StateFactory(Protocol):
    """Build one state: the model state and the bodies nested in it; findings on it go to ``findings``."""

    def __call__(
        self, name: str, raw: dict[str, Any], pointer: str, body: Body, findings: list[Finding]
    ) -> tuple[State, list[Body]]: ...


@dataclass
class Assembly:
    """The states and scopes of a whole file, and what the walk found wrong."""

    states: dict[str, State] = field(default_factory=dict)
    scopes: dict[str, Scope] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def assemble(root: Body, spelling: Spelling, make_state: StateFactory) -> Assembly:
    """Walk every body breadth first, building each state once."""
    out = Assembly()
    pending: deque[Body] = deque([root])
    while pending:
        pending.extend(_assemble_body(pending.popleft(), spelling, make_state, out))
    return out


def _assemble_body(body: Body, spelling: Spelling, make_state: StateFactory, out: Assembly) -> list[Body]:
    raw_states = body.data.get(spelling.states)
    names: list[str] = []
    nested: list[Body] = []
    for name, raw in raw_states.items() if isinstance(raw_states, dict) else ():
        pointer = f"{body.pointer}/{spelling.states}/{escape(name)}"
        if name in out.states:
            out.findings.append(_reused_name(name, pointer, out.states[name].pointer))
            continue
        if not isinstance(raw, dict):  # not a state: one finding, and no state for other rules to trip on
            message = (
                spelling.not_a_state(name, body)
                if spelling.not_a_state
                else f"state {name!r} must be {spelling.state_shape}"
            )
            out.findings.append(Finding(message, pointer, rule="schema-violation"))
            continue
        state, bodies = make_state(name, raw, pointer, body, out.findings)
        out.states[name] = state
        names.append(name)
        nested += bodies
    start = body.data.get(spelling.start)
    out.scopes[body.pointer] = Scope(
        body.pointer,
        start if isinstance(start, str) else "",
        tuple(names),
        body.owner,
        body.kind,
        f"{body.pointer}/{spelling.start}",
        body.distributed,
    )
    return nested


def _reused_name(name: str, pointer: str, first: str) -> Finding:
    return Finding(
        f"state name {name!r} is already used at {first}; names are unique in the whole file, "
        "nested bodies included: rename one",
        pointer,
        state=name,
        rule="duplicate-state",
    )


def duplicate_key_finding(problem: Any, states_keys: Sequence[str]) -> Finding:
    """A key written twice in one mapping: ``duplicate-state`` among states, else a schema violation."""
    parent, _, key = problem.pointer.rpartition("/")
    if any(parent.endswith(f"/{k}") for k in states_keys):
        return Finding(
            f"state name {key!r} is used twice in this mapping of states; the first one is kept: rename one",
            problem.pointer,
            state=key,
            rule="duplicate-state",
            line=problem.line,
            column=problem.column,
        )
    return Finding(problem.message, problem.pointer, rule="schema-violation", line=problem.line, column=problem.column)
