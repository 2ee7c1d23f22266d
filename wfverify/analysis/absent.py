"""Reads of data fields, and how sure wfverify is that each field is there when it is read.

In JSONPath states a read of an absent field fails the execution with
``States.Runtime`` (a Choice rule's ``Variable``, a ``key.$`` of
``Parameters``/``ItemSelector``/``ResultSelector``, ``ItemsPath``). For each
read this module says, with the facts of :mod:`wfverify.analysis.dataflow`:

* ``present``: written or guarded on every way in, or always in the AWS
  response the data comes from;
* ``absent``: the AWS response the data *is* can never have that field;
* ``maybe``: anything else (execution input, a Lambda's payload, an optional
  response field): only the data's producer knows.

Only simple definite paths are judged (``$.a.b[0]``); ``$$`` context paths,
``$var`` variables, filters, wildcards and intrinsic functions are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wfverify.analysis.dataflow import Facts, facts_at, input_facts, response_at, simple_keys
from wfverify.core.expr import variables
from wfverify.core.model import State, StateKind, Workflow

if TYPE_CHECKING:
    from wfverify.analysis.aws.models import ShapeRef

__all__ = ["Judgement", "Read", "classify", "payload_reads", "judge", "present_at", "present_before", "rule_guards"]

Path = tuple[str, ...]


class Judgement(NamedTuple):
    """``presence``: ``present``, ``absent`` or ``maybe``; ``reason`` says why, for the message."""

    presence: str
    reason: str = ""
    origin_unknown: bool = False  # "maybe" only because nothing is known of the data's producer


class Read(NamedTuple):
    """One read of a field: where it is written, what it reads (keys from its base), and in which field."""

    pointer: str
    text: str
    keys: Path
    base: str  # "input": the state's input; "result": the task's raw result
    field: str  # Parameters, ItemSelector, ResultSelector, ItemsPath


def classify(facts: Facts, path: Path) -> Judgement:
    """How certainly ``path`` is in data described by ``facts``."""
    if facts.guards(path):
        return Judgement("present", "written or checked earlier")
    typed = facts.shape_at(path)
    if typed is None:
        return Judgement("maybe", "nothing on every way here writes or checks it", origin_unknown=True)
    return _by_shape(typed[1], path[len(typed[0]) :])


def _by_shape(ref: ShapeRef, rest: Path) -> Judgement:
    from wfverify.analysis.aws import Presence, lookup
    from wfverify.analysis.aws.shapes import members_named

    found = lookup(ref, rest)
    api = f"{ref.service} {found.shape_name or ref.name}"
    if found.presence is Presence.PRESENT:
        return Judgement("present", f"always in the {api} response")
    if found.presence is Presence.ABSENT:
        fields = members_named(ref) if found.shape_name == ref.name else []
        known = f"; its fields are {', '.join(fields[:8])}" if fields else ""
        return Judgement("absent", f"the {api} response never has '{found.step}'{known}")
    if found.presence is Presence.OPTIONAL:
        return Judgement("maybe", f"'{found.step}' is optional in the {api} response")
    return Judgement("maybe", "the response part it reads is not modelled", origin_unknown=True)


def rule_guards(node: object) -> frozenset[Path]:
    """Objects a Choice rule checks with ``IsPresent: true`` in an ``And`` before reading inside them.

    ``And: [{Variable: $.list[0], IsPresent: true}, {Variable: $.list[0].Name, ...}]``: the author
    made the parent the contract, as an earlier Choice's ``IsPresent`` on a parent does.
    """
    from wfverify.core.expr import And, Exists

    if not isinstance(node, And):
        return frozenset()
    out: set[Path] = set()
    for item in node.items:
        if isinstance(item, Exists):
            out.add(item.var.path)
        out |= rule_guards(item)
    return frozenset(out)


_FIELDS = {"Parameters": "input", "ItemSelector": "input", "ResultSelector": "result", "ItemsPath": "input"}


def payload_reads(state: State) -> list[Read]:
    """Simple JSONPath reads of a state's Parameters, ItemSelector, ResultSelector and ItemsPath."""
    out = []
    start = len(state.pointer) + 1
    for p in state.paths:
        if p.language not in ("payload", "reference-path"):
            continue
        field = p.pointer[start:].partition("/")[0]
        base = _FIELDS.get(field)
        if base is None:
            continue
        keys = simple_keys(p.text.strip())
        if keys:
            out.append(Read(p.pointer, p.text, keys, base, field))
    return out


def judge(workflow: Workflow, state: State, read: Read) -> Judgement:
    """The judgement of one payload read at its state."""
    if read.base == "result":
        ref = response_at(workflow, state.action) if state.kind is StateKind.TASK else None
        if ref is None:
            return Judgement("maybe", "the task's result is not modelled", origin_unknown=True)
        return _by_shape(ref, read.keys)
    facts = input_facts(workflow, state)
    if facts is None:
        return Judgement("present", "state not reached, or InputPath not modelled")
    return classify(facts, read.keys)


def present_at(workflow: Workflow) -> dict[str, frozenset[Path]]:
    """state name -> paths certainly present on entry: written, checked, or always in an AWS response.

    For a Choice this includes the variables its rules read (after its InputPath) that a guard or a
    response shape proves present, so the choice proofs see them as present.
    """

    def compute() -> dict[str, frozenset[Path]]:
        return {name: _present(workflow, workflow.states[name]) for name in facts_at(workflow)}

    return workflow.memo("dataflow.present", compute)


def present_before(workflow: Workflow, state: State) -> frozenset[Path]:
    """``present_at(workflow).get(state.name, frozenset())``, for one state alone (the choice analyses
    ask only about Choices)."""
    return _present(workflow, state) if state.name in facts_at(workflow) else frozenset()


def _present(workflow: Workflow, state: State) -> frozenset[Path]:
    facts = input_facts(workflow, state) or Facts()
    extra: set[Path] = set()
    if state.kind is StateKind.CHOICE:
        for rule in state.choices:
            read = variables(rule.condition) if rule.condition is not None else set()
            extra |= {p for p in read if classify(facts, p).presence == "present"}
    return facts.present | frozenset(extra)
