"""Choice questions decided exactly without a solver, for the common shapes.

Most choice rules compare one variable with constants: ``status ==
'DONE'``, ``total >= 100``, ``IsPresent``, ``IsNumeric``. For such rules the
truth of every comparison depends only on which *class* each variable's value
falls in: absent; one class per JSON type the rules mention (and one shared
class for every type they do not mention, since all comparisons are false
there); each string constant and "any other string"; each number constant and
each gap between consecutive constants. One representative per class is a
finite set of inputs, and the reference evaluator
(:func:`wfverify.core.evaluate.evaluate`) run on every combination answers the
three questions of :mod:`wfverify.analysis.smt.choices` exactly, with the
evaluator's own semantics (IEEE doubles, ``States.Runtime`` on an absent read,
short-circuit ``And``/``Or``).

Numbers are doubles: a gap between two constants is represented only when a
double lies strictly inside it (``x > 1`` and ``x < 1.0000000000000002``
leave none), so the answers are those of the service's engine.

Representatives are ordered (absent, null, false, true, numbers by magnitude
with 0 first, strings, objects) and combinations are tried in that order, so
the first witness found is the smallest one: canonical, whatever else is in
the run. A ``StringMatches`` pattern without ``*`` is one string; one with
``*`` adds strings that match it and strings that do not, enough of each that
one differs from every constant; several on one variable are decided when all
are suffixes (``*.pdf``, ``*.txt``) or all prefixes (see
:func:`~wfverify.analysis.smt.values.affix_strings`). Variables compared with
each other (``*Path`` rules: equality in any type, order of numbers) share
one pool: all their constants, and in each gap and among other strings as
many values as there are variables, so every order among them has a
representative. An opaque condition (JSONata beyond the model) is an unknown
boolean, shared by equal texts, and every truth value of it is tried (the
answers then name no input). Anything else (arithmetic, timestamps, string
ordering, values the model cannot read) raises :class:`Undecided` and the
caller asks Z3.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from wfverify.analysis.smt.conditions import opaque_texts, opaque_truths, substitute_opaque
from wfverify.analysis.smt.unreadable import lift_unreadable, without_stand_ins
from wfverify.analysis.smt.values import (
    ABSENT,
    affix_strings,
    combinations,
    instantiate,
    json_number,
    numbers,
    spare_strings,
    wildcard_strings,
)
from wfverify.core.evaluate import AbsentVariable, evaluate, json_type, to_double
from wfverify.core.expr import And, Cmp, Exists, Expr, In, IsType, Lit, Matches, Not, Opaque, Or, Var
from wfverify.core.records import dataclass, field

__all__ = ["MAX_INPUTS", "Decision", "DeadInfo", "Undecided", "decide"]

#: Beyond this many representative inputs the solver is cheaper.
MAX_INPUTS = 1024
#: Opaque conditions tried in every combination of truth values, at most.
MAX_OPAQUE = 4
_MAX = sys.float_info.max
_TAG_ORDER = ("null", "boolean", "number", "string", "object")
_DECLARED = {"int": "number", "number": "number", "string": "string", "bool": "boolean"}
_CANONICAL: dict[str, Any] = {"null": None, "boolean": False, "number": 0, "string": "", "object": {}}


class Undecided(Exception):
    """The rules hold a shape this procedure does not cover; the solver decides."""


@dataclass
class _Mentions:
    """What the rules ask of one variable."""

    tags: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    #: variables it is compared with (``*Path`` rules), and how many of them share its values
    linked: set[tuple[str, ...]] = field(default_factory=set)
    copies: int = 1


@dataclass(frozen=True)
class DeadInfo:
    index: int
    shadowed_by: tuple[int, ...]
    sample: dict[str, Any] | None


@dataclass
class Decision:
    """The answers: a fall-through input, absent reads per rule, never-taken rules."""

    fall_through: dict[str, Any] | None = None
    absent_reads: dict[int, dict[str, Any]] = field(default_factory=dict)
    dead: list[DeadInfo] = field(default_factory=list)
    #: the rules hold opaque conditions: inputs found are not witnesses
    opaque: bool = False
    #: some input falls through (its witness may be a null whole input, before it is named)
    falls: bool = False


def decide(
    conditions: list[Expr],
    inputs: dict[str, str],
    present: set[tuple[str, ...]],
    limit: int = MAX_INPUTS,
    values: dict[tuple[str, ...], tuple[Any, ...]] | None = None,
) -> Decision:
    """Answer the choice questions over every representative input (raises :class:`Undecided`);
    ``values``: paths known to hold one of a few scalars (set before the Choice) take only those."""
    values = values or {}
    lifted = [lift_unreadable(c) for c in conditions]
    unreadable = lifted != conditions
    conditions = lifted
    mentions: dict[tuple[str, ...], _Mentions] = {}
    for cond in conditions:
        _collect(cond, mentions)
    nested = {tuple(k.split(".")) for k in inputs} | present
    declared = {tuple(k.split(".")): _DECLARED[v] for k, v in inputs.items() if v in _DECLARED}
    ints = {tuple(k.split(".")) for k, v in inputs.items() if v == "int"}
    paths = sorted(mentions)
    whole = paths == [()]  # the rules compare the whole input ("Variable": "$"), and nothing in it
    if () in mentions and not whole:
        raise Undecided("the whole input compared, and parts of it")
    present = present | {()} if whole else present  # the input is always there
    _share(mentions, ints)
    reps = [
        list(values[p])
        if p in values
        else _representatives(p, mentions[p], declared, nested, present, p in ints, paths)
        for p in paths
    ]
    texts = sorted(opaque_texts(conditions))
    if len(texts) > MAX_OPAQUE:
        raise Undecided("too many opaque conditions")
    data = []
    for one in combinations(paths, reps, {**declared, **{p: "scalar" for p in values}}):
        data.append(one)
        if len(data) << len(texts) > limit:
            raise Undecided("too many combinations")
    variants = (
        [[substitute_opaque(c, dict(zip(texts, truth))) for c in conditions] for truth in opaque_truths(len(texts))]
        if texts
        else [conditions]
    )
    decision = _answer([(variant, one) for variant in variants for one in data], len(conditions))
    decision.opaque = bool(texts) or unreadable
    if whole:
        _shown(decision, _named_whole_input)
    return _shown(decision, without_stand_ins) if unreadable else decision


def _shown(decision: Decision, show: Callable[[Any], Any]) -> Decision:
    """The answers with every input they show passed through ``show``."""
    if decision.falls:
        decision.fall_through = show(decision.fall_through)
    decision.absent_reads = {i: show(d) for i, d in decision.absent_reads.items()}
    decision.dead = [
        DeadInfo(d.index, d.shadowed_by, None if d.sample is None else show(d.sample)) for d in decision.dead
    ]
    return decision


def _named_whole_input(value: Any) -> Any:
    """A whole input that is not an object is shown as ``{"$": value}``, as the solver's witnesses are
    (see :func:`wfverify.analysis.smt.conditions.input_of`)."""
    return value if isinstance(value, dict) else {"$": value}


# -- what the rules mention ----------------------------------------------------
def _collect(node: Expr, out: dict[tuple[str, ...], _Mentions]) -> None:
    if isinstance(node, (And, Or)):
        for item in node.items:
            _collect(item, out)
    elif isinstance(node, Not):
        _collect(node.item, out)
    elif isinstance(node, (Lit, Opaque)):
        return
    elif isinstance(node, Matches):
        seen = out.setdefault(node.var.path, _Mentions())
        seen.tags.add("string")
        if instantiate(node.pattern, "") == instantiate(node.pattern, "*"):  # no wildcard: one string
            seen.strings.add(instantiate(node.pattern, ""))
        else:
            seen.patterns.add(node.pattern)
    elif isinstance(node, Var):
        out.setdefault(node.path, _Mentions()).tags.add("boolean")
    elif isinstance(node, Exists):
        out.setdefault(node.var.path, _Mentions())
    elif isinstance(node, IsType) and node.type != "timestamp":
        out.setdefault(node.var.path, _Mentions()).tags.add(node.type)
    elif isinstance(node, In) and isinstance(node.item, Var):
        seen = out.setdefault(node.item.path, _Mentions())
        for lit in node.values:
            _mention(seen, lit.value)
    elif isinstance(node, Cmp) and node.type != "timestamp":
        _collect_comparison(node, out)
    else:
        raise Undecided(type(node).__name__)


def _collect_comparison(node: Cmp, out: dict[tuple[str, ...], _Mentions]) -> None:
    if isinstance(node.left, Var) and isinstance(node.right, Lit):
        var, lit = node.left, node.right
    elif isinstance(node.left, Lit) and isinstance(node.right, Var):
        var, lit = node.right, node.left
    elif isinstance(node.left, Lit) and isinstance(node.right, Lit):
        return
    elif isinstance(node.left, Var) and isinstance(node.right, Var):
        _collect_link(node, node.left.path, node.right.path, out)
        return
    else:
        raise Undecided("comparison with a value the model cannot read")
    seen = out.setdefault(var.path, _Mentions())
    kind = json_type(lit.value)
    if kind not in _TAG_ORDER[:4] or (node.type is not None and node.type != kind):
        return  # never true: the evaluator wants both sides of the pinned type
    if kind == "string" and node.op not in ("==", "!="):
        raise Undecided("string ordering")
    _mention(seen, lit.value)


def _collect_link(node: Cmp, left: tuple[str, ...], right: tuple[str, ...], out: dict[Any, _Mentions]) -> None:
    """Two variables compared: equal or not in any type, ordered only as numbers."""
    if node.op not in ("==", "!=") and node.type != "number":
        raise Undecided("ordering of two values other than numbers")
    kinds = {node.type} if node.type else {"null", "boolean", "number", "string"}
    for one, other in ((left, right), (right, left)):
        seen = out.setdefault(one, _Mentions())
        seen.tags |= kinds
        seen.linked.add(other)


def _share(mentions: dict[tuple[str, ...], _Mentions], ints: set[tuple[str, ...]]) -> None:
    """Variables compared with each other draw from one pool: every constant any of them is
    compared with, and as many values in each gap as there are variables in the group, so
    that every order among them and the constants has a representative."""
    done: set[tuple[str, ...]] = set()
    for path in sorted(mentions):
        if path in done or not mentions[path].linked:
            continue
        group, todo = {path}, [path]
        while todo:
            for other in mentions[todo.pop()].linked - group:
                group.add(other)
                todo.append(other)
        done |= group
        members = [mentions[p] for p in group]
        if group & ints or any(m.patterns for m in members):
            raise Undecided("compared variables with integer types or wildcards")
        numbers = set().union(*(m.numbers for m in members))
        strings = set().union(*(m.strings for m in members))
        tags = set().union(*(m.tags for m in members))
        for m in members:
            m.numbers, m.strings, m.tags, m.copies = set(numbers), set(strings), set(tags), len(group)


def _mention(seen: _Mentions, value: Any) -> None:
    kind = json_type(value)
    if kind not in _TAG_ORDER[:4]:
        raise Undecided("literal of type " + kind)
    seen.tags.add(kind)
    if kind == "number":
        seen.numbers.add(to_double(value))
    elif kind == "string":
        seen.strings.add(value)


# -- representatives ---------------------------------------------------------------
def _representatives(
    path: tuple[str, ...],
    seen: _Mentions,
    declared: dict[tuple[str, ...], str],
    nested: set[tuple[str, ...]],
    present: set[tuple[str, ...]],
    integral: bool,
    paths: list[tuple[str, ...]],
) -> list[Any]:
    """One value per class of the variable, smallest first, within what is known of it.

    ``nested``: paths declared or known present; one below ``path`` makes it an object."""
    below = [p for p in nested if len(p) > len(path) and p[: len(path)] == path]
    wanted = declared.get(path)
    allowed = {"object"} if below else ({wanted} if wanted else set(_TAG_ORDER))
    if wanted and below:
        allowed = set()  # a declared scalar with declared fields below: no input at all
    out: list[Any] = [] if (wanted or below or path in present) else [ABSENT]
    spare = [t for t in _TAG_ORDER if t in allowed and t not in seen.tags]
    for tag in _TAG_ORDER:
        if tag not in allowed:
            continue
        if tag in seen.tags:
            out += _of_type(tag, seen, integral)
        elif spare and tag == spare[0]:
            out.append(_CANONICAL[tag])
    has_fields = any(len(p) > len(path) and p[: len(path)] == path for p in paths)
    if has_fields and "object" in allowed and not any(isinstance(v, dict) for v in out):
        out.append({})
    return out


def _of_type(tag: str, seen: _Mentions, integral: bool) -> list[Any]:
    if tag == "null":
        return [None]
    if tag == "boolean":
        return [False, True]
    if tag == "string":
        spare = (s for s in spare_strings() if s not in seen.strings)
        others = [next(spare) for _ in range(seen.copies)]
        extra = _pattern_strings(seen)
        return sorted({*seen.strings, *others, *extra}, key=lambda s: (len(s), s))
    if tag == "number":
        return [json_number(v) for v in numbers(sorted(seen.numbers), integral, seen.copies)]
    return [{}]


def _pattern_strings(seen: _Mentions) -> list[str]:
    if len(seen.patterns) <= 1:
        return wildcard_strings(next(iter(seen.patterns)), len(seen.strings)) if seen.patterns else []
    affixes = affix_strings(seen.patterns, seen.strings)
    if affixes is None:
        raise Undecided("wildcards on one variable other than all prefixes or all suffixes")
    return affixes


# -- answers ---------------------------------------------------------------------
def _status(cond: Expr, data: dict[str, Any]) -> str:
    """``take``, ``pass`` or ``fail`` (an absent read) for one rule on one input."""
    try:
        return "take" if evaluate(cond, data) else "pass"
    except AbsentVariable:
        return "fail"


def _answer(cases: list[tuple[list[Expr], dict[str, Any]]], count: int) -> Decision:
    """The answers over every case (the rules, with opaque parts decided, and an input)."""
    decision = Decision()
    taken: set[int] = set()
    for conditions, data in cases:
        for i, cond in enumerate(conditions):
            status = _status(cond, data)
            if status == "take":
                taken.add(i)
                break
            if status == "fail":
                decision.absent_reads.setdefault(i, data)
                break
        else:
            if not decision.falls:
                decision.falls, decision.fall_through = True, data
    for i in range(count):
        if i not in taken:
            decision.dead.append(_dead(cases, i))
    return decision


def _dead(cases: list[tuple[list[Expr], dict[str, Any]]], i: int) -> DeadInfo:
    """Why rule ``i`` is never taken: alone unsatisfiable, or the earlier rules that take its inputs."""
    accepted = [(conds, data) for conds, data in cases if _status(conds[i], data) == "take"]
    if not accepted:
        return DeadInfo(i, (), None)
    firing = [{j for j in range(i) if _status(conds[j], data) != "pass"} for conds, data in accepted]
    return DeadInfo(i, minimal_cover(i, lambda keep: all(f & keep for f in firing)), accepted[0][1])


def minimal_cover(i: int, covers: Any) -> tuple[int, ...]:
    """Rules ``0..i-1`` less each one in turn while the rest still cover (canonical minimal set)."""
    keep = set(range(i))
    for j in range(i):
        if covers(keep - {j}):
            keep.discard(j)
    return tuple(sorted(keep))
