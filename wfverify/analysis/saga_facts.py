"""What a saga path knows on its way: the locks its execution holds, and the choices it took on unchanged data.

The saga search (:mod:`wfverify.analysis.saga`) lets every task succeed or fail
and every choice take any rule. On its own that finds failure paths no run can
take, which would make ``violated`` claims that nothing reproduces:

* **a lock the execution already holds**: locks are not reentrant (native
  format page, "Locks"), so a state that acquires one its own execution holds
  blocks forever, or fails with ``LockTimeout`` when that acquire has a
  timeout; a retried task that kept a lock it does not release meets the same
  fate on its retry;
* **choices on data nothing changed**: a condition that held at one choice
  still holds at the next choice reading the same unchanged data, so
  ``s == 'A'`` cannot be true at one choice and false at the next.

:class:`PathFacts` travels with each configuration of the search; it keeps only
what is certain on every run that reaches the configuration (a subset of the
locks really held; conditions whose data no state on the path could have
written), so that it can only remove outcomes that no run has: soundness first.
What may write data follows the reference simulator: a native ``set`` writes
its variables (a native task's success echoes its input); in Amazon States
Language a state's ``ResultPath``/``Assign`` writes, and a result or
``OutputPath`` that replaces the input, or a catcher's ``ResultPath``, forgets
everything. Lock names with ``{EXPR}`` placeholders are compared as text, and
forgotten as soon as data they read may change; a release forgets every held
name it could spell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from wfverify.core.expr import Not, Opaque, variables
from wfverify.core.model import ALL_ERRORS, Acquire, Dialect, State, StateKind, Workflow
from wfverify.core.records import dataclass, replace

__all__ = ["BLOCKED", "TIMES_OUT", "Outcomes", "PathFacts", "after_choice", "caught", "completed", "outcomes"]

Path = tuple[str, ...]
BLOCKED = "blocked"  # waits forever for a lock its own execution holds
TIMES_OUT = "times-out"  # can only fail with LockTimeout
UNNAMED = "wfverify.UnnamedError"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class PathFacts:
    #: lock names (constants, or templates whose data is unchanged) the execution certainly holds
    held: frozenset[str] = frozenset()
    #: (condition, truth) of choice rules evaluated on the way, while the data they read is unchanged
    known: frozenset[tuple[Any, bool]] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcomes:
    """What a state can do from a configuration, when locks restrict it (else every outcome is possible)."""

    success: bool
    catchers: frozenset[int]  # indexes into ``state.catch``
    uncaught: bool


# -- locks ---------------------------------------------------------------------


def _regex(template: str) -> str:
    parts = _PLACEHOLDER.split(template)
    return "".join(re.escape(p) if i % 2 == 0 else ".*" for i, p in enumerate(parts))


def _may_spell(a: str, b: str) -> bool:
    """Whether lock names ``a`` and ``b`` can be the same string (templates: by their literal parts)."""
    if a == b:
        return True
    templated_a, templated_b = bool(_PLACEHOLDER.search(a)), bool(_PLACEHOLDER.search(b))
    if templated_a and templated_b:
        return True
    if templated_a:
        return re.fullmatch(_regex(a), b, re.DOTALL) is not None
    if templated_b:
        return re.fullmatch(_regex(b), a, re.DOTALL) is not None
    return False


def _released(held: frozenset[str], release: Iterable[str]) -> frozenset[str]:
    names = list(release)
    return frozenset(h for h in held if not any(_may_spell(h, r) for r in names))


def _blocks(acquire: Iterable[Acquire], held: frozenset[str]) -> str | None:
    """How taking ``acquire`` in order ends when a name in it is certainly held already."""
    timeout_before = False
    for a in acquire:
        if a.lock in held:
            return TIMES_OUT if a.timeout is not None or timeout_before else BLOCKED
        timeout_before = timeout_before or a.timeout is not None
    return None


def _template_reads(name: str) -> set[Path]:
    from wfverify.core.exprparse import ExprError, parse

    reads: set[Path] = set()
    for text in _PLACEHOLDER.findall(name):
        try:
            reads |= variables(parse(text))
        except ExprError:
            reads.add(())  # unreadable: any write may change it
    return reads


# -- data ----------------------------------------------------------------------


def _overlaps(reads: set[Path], writes: tuple[Path, ...] | None) -> bool:
    """Whether data read at ``reads`` may change (``writes`` None: everything may have changed)."""
    if not reads:
        return False
    if writes is None:
        return True
    return any(r[: len(w)] == w or w[: len(r)] == r for r in reads for w in writes)


def _forget(facts: PathFacts, writes: tuple[Path, ...] | None) -> PathFacts:
    if writes == ():
        return facts
    held = frozenset(h for h in facts.held if not _overlaps(_template_reads(h), writes))
    known = frozenset(k for k in facts.known if not _overlaps(variables(k[0]), writes))
    return PathFacts(held, known)


def _writes(workflow: Workflow, state: State) -> tuple[Path, ...] | None:
    """Data a state's normal completion may change (None: all of it)."""
    if workflow.dialect is Dialect.ASL and (not state.keeps_input or state.output_root is not None):
        return None
    return state.writes


# -- transitions -----------------------------------------------------------------


def completed(workflow: Workflow, state: State, facts: PathFacts) -> PathFacts:
    """Facts after the state completed normally: its locks taken, its releases done, its writes made."""
    held = _released(facts.held | {a.lock for a in state.acquire}, state.release)
    return _forget(replace(facts, held=held), _writes(workflow, state))


def caught(workflow: Workflow, state: State, index: int | None, facts: PathFacts) -> PathFacts:
    """Facts on catcher ``index``'s way: the state's locks taken unless an acquire may time out (then maybe
    none of them: LockTimeout), its releases maybe done."""
    taken = frozenset() if any(a.timeout is not None for a in state.acquire) else {a.lock for a in state.acquire}
    out = replace(facts, held=_released(facts.held | taken, state.release))
    catcher = state.catch[index] if index is not None and index < len(state.catch) else None
    if workflow.dialect is not Dialect.ASL:
        return out
    if catcher is None or not catcher.keeps_input:
        return _forget(out, None)
    return _forget(out, catcher.writes)


def _modelled(condition: Any) -> bool:
    """Plain comparisons on data paths: re-evaluating them on unchanged data gives the same answer."""
    if condition is None:
        return False
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, Opaque):
            return False
        stack += [getattr(node, n) for n in ("item", "left", "right") if hasattr(node, n)]
        stack += list(getattr(node, "items", ()) or ())
    try:
        hash(condition)
    except TypeError:
        return False
    return all(p and not p[0].startswith("$") for p in variables(condition))


def _literal(condition: Any, truth: bool) -> tuple[Any, bool]:
    while isinstance(condition, Not):
        condition, truth = condition.item, not truth
    return condition, truth


def after_choice(workflow: Workflow, state: State, index: int | None, facts: PathFacts) -> PathFacts | None:
    """Facts after rule ``index`` (``None``: no rule) of a choice; ``None`` when the facts rule it out."""
    from wfverify.analysis.dataflow import input_root

    rules = [r.condition for r in state.choices]
    upto = len(rules) if index is None else index
    needed = [(c, False) for c in rules[:upto]] + ([(rules[index], True)] if index is not None else [])
    if input_root(state) != ():  # the rules read a part of the data: texts alike may read different values
        return _forget(facts, _writes(workflow, state))
    known = dict(facts.known)
    for condition, truth in (_literal(c, t) for c, t in needed if _modelled(c)):
        if known.setdefault(condition, truth) != truth:
            return None
    return _forget(replace(facts, known=frozenset(known.items())), _writes(workflow, state))


# -- outcomes under locks ----------------------------------------------------------


def _takes(names: tuple[str, ...], error: str) -> bool:
    """The simulator's matching of an error list (``*``/``States.ALL`` takes every error considered here)."""
    return ALL_ERRORS in names or error in names or (error.startswith("States.") and error[7:] in names)


def _retried(state: State, error: str) -> bool:
    first = next((r for r in state.retry if _takes(r.errors, error)), None)
    return first is not None and first.max_attempts > 0


def _route(state: State, error: str) -> tuple[frozenset[int], bool]:
    for i, c in enumerate(state.catch):
        if _takes(c.errors, error):
            return frozenset({i}), False
    return frozenset(), True


def _action_errors(state: State) -> list[str]:
    named = {e for r in state.retry for e in r.errors} | {e for c in state.catch for e in c.errors}
    if state.timeout is not None or state.heartbeat is not None:
        named |= {"Timeout", "States.Timeout"}
    return sorted(named - {ALL_ERRORS}) + [UNNAMED]


def outcomes(state: State, facts: PathFacts) -> Outcomes | None:
    """The outcomes left when a lock the execution holds stops the state (or its retry); None: no restriction."""
    entry = _blocks(state.acquire, facts.held)
    if entry == BLOCKED:
        return Outcomes(False, frozenset(), False)
    if entry == TIMES_OUT:
        return Outcomes(False, *_route(state, "LockTimeout"))
    if state.kind is not StateKind.TASK or not state.retry:
        return None
    retry = _blocks(state.acquire, _released(facts.held | {a.lock for a in state.acquire}, state.release))
    if retry is None:
        return None
    catchers: frozenset[int] = frozenset()
    uncaught = False
    for error in _action_errors(state):
        if _retried(state, error):
            if retry == BLOCKED:
                continue  # the retry waits forever for the lock the first attempt kept
            error = "LockTimeout"
        more, lost = _route(state, error)
        catchers, uncaught = catchers | more, uncaught or lost
    return Outcomes(True, catchers, uncaught)
