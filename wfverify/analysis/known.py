"""Values certainly set before a state is entered: native ``set``, ASL ``Assign`` and Pass ``Result``.

A Choice right after ``mark: {type: pass, set: {flag: "true"}}`` reads
``flag == true`` whatever the execution input was; treating ``flag`` as free
input makes ``missing-default`` report inputs (``flag: null``) that can never
reach the Choice. This must-analysis carries, per state, the values a path
certainly has on entry: a small set of scalars (null, booleans, finite
numbers, strings) or only a numeric type (``int``, ``number``), that holds
on *every* way in. Paths meet as in :mod:`wfverify.analysis.dataflow`: a path
known on only some ways in is free, and the value sets of the others are
united (more than :data:`MAX_VALUES` values: their type if they are all
numbers, else free). A fixpoint per scope covers loops: a counter that grows
by a small constant ends up an ``int`` or a ``number`` (a finite double plus a
constant of at most 2**53 stays finite), one that is multiplied ends up free.

It is deliberately conservative, because a wrong fact turns into a wrong
``proven``:

* native: ``set`` takes effect on a task's or pass state's success, every
  right-hand side evaluated (with :func:`wfverify.core.evaluate.value_of`,
  the simulator's own semantics: IEEE doubles, ``null`` for an undefined
  value) on the data *before* the state, for every combination of the
  known values it reads; a variable it reads that is not known makes the
  target free. A catcher's way out keeps the data as it was before the
  failed state (the simulator and the format page: ``set`` runs only on
  success), less anything its nested bodies assign;
* ASL: workflow variables (``$name``) follow the ``Assign`` of a Task,
  Pass, Parallel or Map on its normal way out, of literals or of arithmetic
  over known variables (``States.MathAdd``, JSONata ``+``/``-``); ``Assign``
  in a Choice (rule or Default), a Wait or a Catch, or of anything else
  (data, ``$states.result``), makes the variable free. A catcher's way out
  keeps the variables as they were before the failed state. Data paths are
  known only from a Pass ``Result``/``Parameters`` literal and survive only
  Choice, Wait, Succeed and Fail states without ``InputPath``/``OutputPath``;
  every other state (Task, Pass, Parallel, Map, catchers) may rewrite data in
  ways the model does not follow, so data facts die there;
* a Choice in a Parallel branch or Map iteration does not trust a variable
  that any nested body assigns, nor any variable with ``concurrent: true``:
  the reference simulator shares variables between those holders;
* the execution starts with the declared input types (numbers, booleans);
* a Parallel or Map makes free everything its nested bodies assign; a
  branch starts from its owner's facts (native; ASL: variables only, none in a
  Distributed Map), a native Map iteration without the ``item`` it is given.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from wfverify.analysis.graph import forward_facts
from wfverify.core.evaluate import UNDEFINED, to_double, value_of
from wfverify.core.expr import Arith, Lit, Var, variables
from wfverify.core.model import Dialect, Scope, State, StateKind, Transition, TransitionKind, Workflow

__all__ = ["MAX_VALUES", "Known", "known_at", "known_before_choice"]

Path = tuple[str, ...]
#: A scalar with the kind of its Python type (so that ``1``, ``1.0`` and ``True`` stay apart in sets).
Value = tuple[str, Any]
#: A few possible values, or only a type: ``int`` (integer-valued) or ``number`` (any finite double).
Fact = frozenset[Value] | str
Known = dict[Path, Fact]

#: A path with more possible values than this is free.
MAX_VALUES = 8
#: Combinations of known values tried for one right-hand side, at most.
_MAX_COMBINATIONS = 16
_STILL = (StateKind.CHOICE, StateKind.WAIT, StateKind.SUCCEED, StateKind.FAIL)
_SETTING = (StateKind.TASK, StateKind.PASS, StateKind.PARALLEL, StateKind.MAP)


def known_at(workflow: Workflow) -> dict[str, Known]:
    """state name -> the values known on entry (memoized per workflow)."""
    return workflow.memo("known.values", lambda: _compute(workflow))


def known_before_choice(workflow: Workflow, state: State) -> dict[Path, tuple[Any, ...] | str]:
    """The values (each set sorted) or types known in the data a Choice's rules read (after its ``InputPath``)."""
    if not _sets_anything(workflow):
        return {}  # nothing is ever known: no need to run the analysis
    facts = known_at(workflow).get(state.name, {})
    if workflow.dialect is Dialect.ASL:
        from wfverify.analysis.dataflow import input_root

        root = input_root(state)
        if root is None:
            facts = _variables_only(facts)
        elif root:
            facts = _reroot(facts, root)
        racing = _racing_variables(workflow, state)
        facts = {p: v for p, v in facts.items() if not (_is_variable(p) and (racing is None or p in racing))}
    return {
        path: fact if isinstance(fact, str) else tuple(sorted((v for _, v in fact), key=_order))
        for path, fact in facts.items()
    }


def _sets_anything(workflow: Workflow) -> bool:
    """Some fact can arise (only assignments and declared number or boolean inputs make them)."""
    return workflow.memo(
        "known.sets_anything", lambda: bool(_declared(workflow)) or any(s.assignments for s in workflow.iter_states())
    )


def _racing_variables(workflow: Workflow, state: State) -> set[Path] | None:
    """ASL variables another holder may assign while ``state`` runs (None: any of them).

    The reference simulator keeps one set of variables per run, shared by concurrent executions, Parallel
    branches and Map iterations (the service gives each its own scope): a variable assigned in any nested
    body may change under a Choice in another body, and with ``concurrent: true`` any variable may."""
    if workflow.concurrent:
        return None
    if workflow.scope_of(state.name).owner is None:
        return set()
    nested = [other for other in workflow.iter_states() if workflow.scope_of(other.name).owner is not None]
    return {w for other in nested for w in _own_writes(other) if _is_variable(w)}


def _order(value: Any) -> tuple[int, float, bool, str]:
    """Canonical order of scalars: null, false, true, numbers by magnitude (0 first), strings."""
    if value is None:
        return (0, 0.0, False, "")
    if isinstance(value, bool):
        return (1, float(value), False, "")
    if isinstance(value, (int, float)):
        return (2, abs(float(value)), value < 0, repr(value))
    return (3, float(len(value)), False, str(value))


def _value(value: Any) -> Value | None:
    """The tagged scalar, or None for what is not followed (objects, arrays, non-finite numbers)."""
    if value is None or isinstance(value, (bool, str)):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):  # a huge integer literal is an infinite double: not followed
        return (type(value).__name__, value) if math.isfinite(to_double(value)) else None
    return None


def _is_variable(path: Path) -> bool:
    return bool(path) and path[0].startswith("$")


def _variables_only(facts: Known) -> Known:
    return {p: v for p, v in facts.items() if _is_variable(p)}


def _reroot(facts: Known, root: Path) -> Known:
    n = len(root)
    out = _variables_only(facts)
    out.update({p[n:]: v for p, v in facts.items() if p[:n] == root and len(p) > n and not _is_variable(p)})
    return out


def _kill(facts: Known, written: set[Path] | frozenset[Path]) -> Known:
    """Facts that no write touches: not the path itself, a parent of it or a part of it."""
    return {p: v for p, v in facts.items() if not any(p[: len(w)] == w or w[: len(p)] == p for w in written)}


def _meet(a: Known, b: Known) -> Known:
    out: Known = {}
    for path in a.keys() & b.keys():
        joined = _join(a[path], b[path])
        if joined is not None:
            out[path] = joined
    return out


def _join(a: Fact, b: Fact) -> Fact | None:
    """Either fact: the union of the values while few, else the type both have (or nothing)."""
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        values = a | b
        return values if len(values) <= MAX_VALUES else _type_of(values)
    return _wider(_type_of(a), _type_of(b))


def _type_of(fact: Fact) -> str | None:
    if isinstance(fact, str):
        return fact
    if not fact or not all(kind in ("int", "float") for kind, _ in fact):
        return None
    return "int" if all(to_double(v).is_integer() for _, v in fact) else "number"


def _wider(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    return a if a == b else "number"


# -- right-hand sides ---------------------------------------------------------------
def _determined(path: Path, facts: Known) -> bool:
    """The value at ``path`` is one of a few known: known, or below a known scalar (absent)."""
    return any(isinstance(facts.get(path[:k]), frozenset) for k in range(1, len(path) + 1))


def _data(choice: dict[Path, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in choice.items():
        cursor = data
        for key in path[:-1]:
            cursor = cursor.setdefault(key, {})
        cursor[path[-1]] = value
    return data


def _outcomes(expr: Any, facts: Known, undefined_is_null: bool) -> frozenset[Value] | None:
    """Every value ``expr`` takes over the known values it reads; None when not all are known."""
    if expr is None:
        return None
    read = sorted(variables(expr))
    if not all(_determined(p, facts) for p in read):
        return None
    sources = sorted({p[:k] for p in read for k in range(1, len(p) + 1) if isinstance(facts.get(p[:k]), frozenset)})
    pools = [sorted(facts[p], key=repr) for p in sources]
    if math.prod(len(pool) for pool in pools) > _MAX_COMBINATIONS:
        return None
    out: set[Value] = set()
    for combination in itertools.product(*pools):
        try:
            result = value_of(expr, _data({p: v for p, (_, v) in zip(sources, combination)}))
        except Exception:  # the simulator fails the state: its success edge never carries this case
            continue
        if result is UNDEFINED:
            if not undefined_is_null:
                return None
            result = None
        tagged = _value(result)
        if tagged is None:
            return None
        out.add(tagged)
    return frozenset(out) if out and len(out) <= MAX_VALUES else None


def _generated(state: State, facts: Known, asl: bool) -> Known:
    """What the state's own assignments set on its normal way out (each target set once).

    Only states that complete with a result set anything: a Choice's or a Wait's ``Assign`` (when the
    Default is taken, or after the wait) is left free, the simulator does not apply it."""
    if state.kind not in _SETTING:
        return {}
    targets = [tuple(a.variable.split(".")) for a in state.assignments]
    out: Known = {}
    for a, target in zip(state.assignments, targets):
        if a.via or sum(1 for t in targets if t[: len(target)] == target or target[: len(t)] == t) > 1:
            continue
        if asl and not _asl_followed(state, a.expr, target):
            continue
        fact = _outcomes(a.expr, facts, undefined_is_null=not asl) or _numeric_type(a.expr, facts)
        if fact is not None:
            out[target] = fact
    return out


#: A constant this small added to any finite double gives a finite double (it rounds back below the maximum).
_SMALL = 2.0**53


def _numeric_type(expr: Any, facts: Known) -> str | None:
    """``int``/``number`` when ``expr`` is certainly a finite number: a counter plus or minus a small constant."""
    if isinstance(expr, Var):
        fact = facts.get(expr.path)
        return _type_of(fact) if fact is not None else None
    if isinstance(expr, Lit):
        tagged = _value(expr.value)
        return _type_of(frozenset({tagged})) if tagged is not None else None
    if not isinstance(expr, Arith) or expr.op not in ("+", "-"):
        return None
    small = [side for side in (expr.left, expr.right) if isinstance(side, Lit) and _is_small(side.value)]
    if not small:
        return None
    return _wider(_numeric_type(expr.left, facts), _numeric_type(expr.right, facts)) or None


def _is_small(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= _SMALL


def _asl_followed(state: State, expr: Any, target: Path) -> bool:
    """ASL: a literal, or a variable copied into a variable; data only from a Pass literal."""
    if _is_variable(target):
        return all(_is_variable(p) for p in variables(expr)) if isinstance(expr, (Lit, Var, Arith)) else False
    return state.kind is StateKind.PASS and isinstance(expr, Lit)


# -- transfer along one transition ----------------------------------------------------
def _nested_writes(workflow: Workflow, state: State) -> set[Path]:
    """Every path the nested bodies of ``state`` (at any depth) assign or write."""
    out: set[Path] = set()
    todo = list(state.branches)
    while todo:
        scope = workflow.scopes.get(todo.pop())
        for name in scope.states if scope else ():
            inner = workflow.states[name]
            out |= _own_writes(inner)
            todo += inner.branches
    return out


def _own_writes(state: State) -> set[Path]:
    out = set(state.writes) | {tuple(a.variable.split(".")) for a in state.assignments}
    for c in state.catch:
        out |= set(c.writes)
    return out


def _native_edge(state: State, t: Transition, facts: Known, inner: set[Path]) -> Known:
    """A catcher gets the data as it was before the failed state (its ``set`` never ran)."""
    if t.kind is TransitionKind.CATCH:
        return _kill(facts, inner | {w for c in state.catch for w in c.writes})
    out = _kill(facts, _own_writes(state) | inner)
    if state.kind in (StateKind.TASK, StateKind.PASS):  # ``set`` runs on those only
        out.update(_generated(state, facts, asl=False))
    return out


def _asl_edge(state: State, t: Transition, facts: Known, inner: set[Path]) -> Known:
    """A catcher gets the variables as they were before the failed state (its ``Assign`` runs only on
    success), less what a catcher assigns; the data is the catcher's business (dropped)."""
    from wfverify.analysis.dataflow import input_root

    if t.kind is TransitionKind.CATCH:
        caught = {w for c in state.catch for w in c.writes if _is_variable(w)}
        return _variables_only(_kill(facts, caught | {w for w in inner if _is_variable(w)}))
    out = _kill(facts, {w for w in _own_writes(state) if _is_variable(w)} | inner)
    if not (state.kind in _STILL and state.keeps_input and input_root(state) == ()):
        out = _variables_only(out)
    if state.output_root is not None:
        out = _reroot(out, state.output_root)
    made = _generated(state, facts, asl=True)
    if state.output_root is not None:
        made = {**_variables_only(made), **_reroot(made, state.output_root)}
    out = _kill(out, set(made))
    out.update(made)
    return out


def _edges(workflow: Workflow, state: State, facts: Known, inner: set[Path]) -> list[tuple[str, Known]]:
    """The facts along each transition: a catcher's, or any other's (worked out once each, copied)."""
    edge = _asl_edge if workflow.dialect is Dialect.ASL else _native_edge
    made: dict[bool, Known] = {}
    out = []
    for t in state.transitions:
        caught = t.kind is TransitionKind.CATCH
        if caught in made:
            out.append((t.target, dict(made[caught])))
        else:
            out.append((t.target, made.setdefault(caught, edge(state, t, facts, inner))))
    return out


def _body_start(workflow: Workflow, owner: State, facts: Known, kind: str, distributed: bool) -> Known:
    if workflow.dialect is Dialect.ASL:
        return {} if distributed else _variables_only(facts)
    return _kill(facts, {("item",)}) if kind == "iterator" else dict(facts)


def _declared(workflow: Workflow) -> Known:
    """What the declared input types say of the data when the execution starts."""
    out: Known = {}
    for name, kind in workflow.inputs.items():
        if kind in ("int", "number"):
            out[tuple(name.split("."))] = kind
        elif kind == "bool":
            out[tuple(name.split("."))] = frozenset({("bool", False), ("bool", True)})
    return out


def _compute(workflow: Workflow) -> dict[str, Known]:
    inner: dict[str, set[Path]] = {}

    def start(scope: Scope, facts: dict[str, Known]) -> Known | None:
        if scope.owner is None:
            return _declared(workflow)
        if scope.owner not in facts:
            return None
        owner = workflow.states[scope.owner]
        return _body_start(workflow, owner, facts[scope.owner], scope.kind, scope.distributed)

    def edges(state: State, here: Known) -> list[tuple[str, Known]]:
        if state.name not in inner:
            inner[state.name] = _nested_writes(workflow, state)
        return _edges(workflow, state, here, inner[state.name])

    return forward_facts(workflow, start, edges, _meet)
