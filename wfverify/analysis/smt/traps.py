"""Is a loop with no way out but a failure certainly gone round for ever by some run?

A cycle with no edge out and no end "can never be left" by a normal transition, yet a run may leave it by
failing (a task's error, a Choice that matches no rule, a sibling branch that fails), or never reach it (a
state on every way in always fails, or blocks on a lock it holds: locks are not reentrant). ``violated``
needs one run that certainly goes round for ever, so :func:`certain_trap` looks for a witness:

* *a way in and a lap*: from the start down to the loop (into the Parallel branch or Map iteration that
  holds it) and once round, each step certain: a task succeeds or fails into a catcher that names the
  error, an event arrives or times out, a Choice takes the rule the input selects, a Parallel passed on
  the way has branches that certainly succeed, a Map passed on the way gets no items from the input;
* *one input* (Z3) for every Choice rule taken (and against the rules before it), over data no step of
  the witness writes, so every lap sees the same values (a rule on written data, a workflow variable, or
  JSONata beyond the encoding leaves it uncertain);
* *locks*: no acquire meets a lock the run (its holder or a parent) or another execution may hold; a
  lap hands the locks back as it found them. Siblings of the loop's branch run first and certainly
  succeed (a failing one cancels it); a Map on the way in runs one item, with free data of its own.

Anything else is ``unknown`` with the obstacle found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wfverify.analysis.counters import clobbers
from wfverify.analysis.smt import DEFAULT_RLIMIT
from wfverify.core import records
from wfverify.core.expr import Opaque, Var, variables
from wfverify.core.model import ALL_ERRORS, Dialect, State, StateKind, Transition, TransitionKind, Workflow

__all__ = ["certain_trap"]

Path = tuple[str, ...]
Rename = Callable[[Path], Path]
Edge = tuple[State, Transition | None]  # None: the state completes its scope (``end``)
_BUDGET = 3000  # steps tried in all, before the search gives up (then: unknown)
_ITEMS = re.compile(r"\$((?:\.[A-Za-z0-9_]+)+)")


def _overlap(a: Path, b: Path) -> bool:
    return a[: len(b)] == b[: len(a)]


class _Search:
    """One depth-first search for a witness, with the solver's scopes following the search's."""

    def __init__(self, workflow: Workflow, members: set[str]) -> None:
        import z3

        from wfverify.analysis.smt.encode import Encoder

        self.w, self.members, self.z3 = workflow, members, z3
        self.enc = Encoder(dict(workflow.inputs))
        self.solver = z3.Solver()
        self.solver.set("rlimit", DEFAULT_RLIMIT)
        self.budget = _BUDGET
        self.reason = ""
        self.reads: list[Path] = []  # data the witness's Choices read (as written in the file)
        self.edges: list[Edge] = []  # every step of the witness, for the data check
        concurrent = workflow.concurrent  # then another execution may hold any lock
        self.foreign = {a.lock for s in workflow.iter_states() for a in s.acquire} if concurrent else set()

    def refuse(self, reason: str) -> bool:
        self.reason = self.reason or reason
        return False

    def take(self, state: State, held: frozenset[str]) -> frozenset[str] | None:
        """The locks held once the state's acquires are taken; None when one may block."""
        from wfverify.analysis.locks.names import may_alias

        taken = set(held)
        for a in state.acquire:
            if any(may_alias(a.lock, h) for h in taken | self.foreign):
                self.refuse(f"'{state.name}' acquires '{a.lock}', which may be held already (a lock is not reentrant)")
                return None
            taken.add(a.lock)
        return frozenset(taken)

    @staticmethod
    def let_go(state: State, held: frozenset[str]) -> frozenset[str]:
        """Tasks, Parallels and Maps release their ``release`` locks when they complete or fail."""
        if state.kind in (StateKind.TASK, StateKind.PARALLEL, StateKind.MAP):
            return held - set(state.release)
        return held

    def writes(self, state: State, t: Transition | None, path: Path) -> bool:
        assigned = state.assignments if t is None else state.assigned_on(t)
        if t is None:
            assigned = tuple(a for a in assigned if not a.via)
        return any(_overlap(tuple(a.variable.split(".")), path) for a in assigned) or clobbers(state, ".".join(path), t)

    def add_edge(self, state: State, t: Transition | None) -> bool:
        if any(self.writes(state, t, r) for r in self.reads):
            return self.refuse(f"'{state.name}' writes data that a Choice of the loop's way reads")
        self.edges.append((state, t))
        return True

    def add_reads(self, paths: set[Path], where: str) -> bool:
        for path in paths:
            if path and path[0].startswith("$"):
                return self.refuse(f"'{where}' reads the workflow variable '{path[0]}'")
            if any(self.writes(s, t, path) for s, t in self.edges):
                return self.refuse(f"'{where}' reads '{'.'.join(path)}', which a step on the way writes")
        self.reads.extend(paths)
        return True

    def steps(self, state: State, rename: Rename) -> list[tuple[Transition | None, list[Any], set[Path]]]:
        """The ways a state can certainly be left normally: (edge, constraints, data read)."""
        kind, asl = state.kind, self.w.dialect is Dialect.ASL
        if asl and kind not in (StateKind.CHOICE, StateKind.SUCCEED, StateKind.FAIL) and _data_may_fail(self.w, state):
            self.refuse(f"'{state.name}' may fail on its data (States.Runtime)")
            return []
        if kind is StateKind.CHOICE:
            return self.choice_steps(state, rename)
        out: list[tuple[Transition | None, list[Any], set[Path]]] = []
        for t in state.transitions:
            if t.kind in (TransitionKind.NEXT, TransitionKind.EVENT, TransitionKind.TIMEOUT):
                out.append((t, [], set()))
            elif t.kind is TransitionKind.CATCH and kind is StateKind.TASK and _nameable(t.errors):
                out.append((t, [], set()))
        if state.end or kind is StateKind.SUCCEED:
            out.append((None, [], set()))
        return out

    def choice_steps(self, state: State, rename: Rename) -> list[tuple[Transition | None, list[Any], set[Path]]]:
        if _input_path(state):
            self.refuse(f"'{state.name}' reads its rules through an InputPath")
            return []
        z3 = self.z3
        encoded: list[tuple[Any, Any, set[Path]] | None] = []
        for rule in state.choices:
            cond = rule.condition
            if cond is None or _has_opaque(cond):
                encoded.append(None)
                continue
            value, fails = self.enc.condition(_renamed(cond, rename))
            encoded.append((value, fails, variables(cond)))
        out: list[tuple[Transition | None, list[Any], set[Path]]] = []
        for t in state.transitions:
            upto = t.index + 1 if t.kind is TransitionKind.CHOICE and t.index is not None else len(encoded)
            if t.kind not in (TransitionKind.CHOICE, TransitionKind.DEFAULT) or any(e is None for e in encoded[:upto]):
                if t.kind in (TransitionKind.CHOICE, TransitionKind.DEFAULT):
                    self.refuse(f"'{state.name}' has a rule beyond the encoding (JSONata or unmodelled)")
                continue
            parts: list[Any] = []
            reads: set[Path] = set()
            for i, e in enumerate(encoded[:upto]):
                assert e is not None
                value, fails, read = e
                taken = t.kind is TransitionKind.CHOICE and i == upto - 1
                parts += [value if taken else z3.Not(value), z3.Not(fails)]
                reads |= read
            out.append((t, parts, reads))
        return out

    def walk(
        self,
        name: str,
        goal: Callable[[str], bool],
        inside: Callable[[str], bool],
        held: frozenset[str],
        rename: Rename,
        seen: frozenset[str],
        done: Callable[[str | None, frozenset[str]], bool],
    ) -> bool:
        """Certain steps from ``name`` until ``goal`` (then ``done(state, held)``); ``done(None, ...)``: an end.

        On success the witness (steps, data read, constraints) stays recorded; on failure it is undone."""
        self.budget -= 1
        if self.budget < 0:
            return self.refuse("the search for a witness reached its bound")
        state = self.w.states.get(name)
        if state is None or name in seen or not inside(name):
            return False
        entry = self.mark()
        taken = self.take(state, held)
        passed = None if taken is None else self.passes(state, taken, rename)
        if passed is None:
            return self.undo(entry)
        after = self.let_go(state, passed)
        for t, constraints, reads in self.steps(state, rename):
            mark = self.mark()
            self.solver.push()
            ok = self.add_reads(reads, state.name) and self.add_edge(state, t)
            if ok and constraints:
                self.solver.add(*self.enc.domain, *constraints)
                ok = self.solver.check() == self.z3.sat or self.refuse(f"no input takes '{state.name}' that way")
            if ok:
                target = None if t is None else t.target
                if target is None:
                    ok = done(None, after)
                elif goal(target):
                    ok = done(target, after)
                else:
                    ok = self.walk(target, goal, inside, after, rename, seen | {name}, done)
            if ok:
                return True
            self.undo(mark)
        return self.undo(entry)

    def mark(self) -> tuple[int, int, int]:
        return self.solver.num_scopes(), len(self.reads), len(self.edges)

    def undo(self, mark: tuple[int, int, int]) -> bool:
        """Back to an earlier point of the search (solver scopes, data read, steps); False, for ``return``."""
        scopes, reads, edges = mark
        if self.solver.num_scopes() > scopes:
            self.solver.pop(self.solver.num_scopes() - scopes)
        del self.reads[reads:], self.edges[edges:]
        return False

    def passes(self, state: State, held: frozenset[str], rename: Rename) -> frozenset[str] | None:
        """A Parallel or Map passed on the way completes: the locks held after it (its bodies' leftovers)."""
        if state.kind is StateKind.MAP:
            return held if self.take_items(state) else None
        if state.kind is not StateKind.PARALLEL:
            return held
        if state.body_input is not None or _input_path(state):
            self.refuse(f"'{state.name}' gives its branches other data")
            return None
        for branch in state.branches:
            left = self.succeeds(branch, held, rename)
            if left is None:
                return None
            held = left
        return held

    def succeeds(self, scope_id: str, held: frozenset[str], rename: Rename) -> frozenset[str] | None:
        """The locks held after a certain successful run of a body (kept on the witness), or None."""
        scope = self.w.scopes[scope_id]
        result: list[frozenset[str]] = []

        def done(end: str | None, after: frozenset[str]) -> bool:
            result.append(after)
            return True

        inside = set(scope.states)
        if self.walk(scope.start, lambda n: False, inside.__contains__, held, rename, frozenset(), done):
            return result[0]
        self.refuse(f"the branch starting at '{scope.start}' may fail, which cancels the loop's branch")
        return None

    def take_items(self, state: State) -> bool:
        """A Map's items come from an input path that the witness does not write (then it chooses them)."""
        items: Path | None = state.items.path if isinstance(state.items, Var) else None
        if self.w.dialect is Dialect.ASL:
            m = _ITEMS.fullmatch(state.items) if isinstance(state.items, str) else None
            items = tuple(m.group(1)[1:].split(".")) if m and not _input_path(state) else None
        if items is None:
            return self.refuse(f"'{state.name}' has items the input does not give")
        return self.add_reads({items}, state.name)


def _data_may_fail(workflow: Workflow, state: State) -> bool:
    """An ASL state's own data processing may fail (States.Runtime). A Parallel's or Map's bodies are
    walked by the search itself, and the items of a Map come from the input the witness chooses."""
    if _input_path(state) or state.output_root is not None:
        return True  # InputPath / OutputPath read data the witness does not supply
    if state.kind is StateKind.WAIT:
        return state.duration is None  # SecondsPath / TimestampPath
    if state.kind in (StateKind.PARALLEL, StateKind.MAP):
        from wfverify.analysis.absent import judge, payload_reads

        reads = [r for r in payload_reads(state) if r.field != "ItemsPath"]
        return any(judge(workflow, state, r).presence != "present" for r in reads)
    from wfverify.analysis.failures import runtime_possible

    return runtime_possible(workflow, state)


def _input_path(state: State) -> bool:
    return any(p.pointer.endswith("/InputPath") for p in state.paths)


def _nameable(errors: tuple[str, ...]) -> bool:
    """A catcher the outside world can certainly trigger: it takes every error, or one of its own naming."""
    return any(e == ALL_ERRORS or not e.startswith("States.") for e in errors)


def _has_opaque(node: Any) -> bool:
    if isinstance(node, Opaque):
        return True
    if records.is_dataclass(node):
        node = tuple(getattr(node, f.name) for f in records.fields(node))
    return isinstance(node, tuple) and any(_has_opaque(p) for p in node)


def _renamed(node: Any, rename: Rename) -> Any:
    """The condition with every variable path renamed (a Map item's fields get a namespace of their own)."""
    if isinstance(node, Var):
        return Var(rename(node.path), node.absent_fails)
    if isinstance(node, tuple):
        return tuple(_renamed(i, rename) for i in node)
    if records.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: _renamed(getattr(node, f.name), rename) for f in records.fields(node)}
        return records.replace(node, **changes)
    return node


def _chain(workflow: Workflow, name: str) -> list[str]:
    """The Parallel/Map states that run the state's scope, outermost first."""
    out: list[str] = []
    scope = workflow.scope_of(name)
    while scope.owner is not None and scope.owner in workflow.states:
        out.append(scope.owner)
        scope = workflow.scope_of(scope.owner)
    return out[::-1]


def certain_trap(workflow: Workflow, members: set[str]) -> tuple[bool, str]:
    """(True, "") when some run certainly goes round the cycle for ever; else (False, the obstacle found)."""
    search = _Search(workflow, members)
    owners = _chain(workflow, next(iter(members)))
    found = _level(search, owners, workflow.root.id, frozenset(), lambda path: path)
    return found, "" if found else (search.reason or "no way into the loop can certainly be taken")


def _level(search: _Search, owners: list[str], scope_id: str, held: frozenset[str], rename: Rename) -> bool:
    """Walk one scope of the chain: to the next owner (and into its body), or to the loop and round it."""
    scope = search.w.scopes[scope_id]
    inside = set(scope.states).__contains__
    if not owners:
        lap = _lap(search, rename)
        return search.walk(scope.start, search.members.__contains__, inside, held, rename, frozenset(), lap)
    owner = owners[0]

    def enter(_: str | None, after: frozenset[str]) -> bool:
        return _enter(search, owners, after, rename)

    if scope.start == owner:
        return enter(owner, held)
    return search.walk(scope.start, lambda n: n == owner, inside, held, rename, frozenset(), enter)


def _enter(search: _Search, owners: list[str], held: frozenset[str], rename: Rename) -> bool:
    """Into the owner's body that holds the loop: its acquires, its siblings' success, a Map's one item."""
    w = search.w
    state = w.states[owners[0]]
    body = w.scope_of(owners[1] if len(owners) > 1 else next(iter(search.members))).id
    taken = search.take(state, held)
    if taken is None:
        return False
    if state.kind is StateKind.MAP:
        if not search.take_items(state):
            return False
        tag = f"#item:{state.name}"
        if w.dialect is Dialect.ASL:
            if state.body_input != ():
                return search.refuse(f"'{state.name}' gives its iterations other data (ItemSelector)")
            rename = lambda path: (tag, *path)  # noqa: E731 (the ASL iteration's input is the item itself)
        else:
            rename = _item_field(rename, tag)
        return _level(search, owners[1:], body, taken, rename)
    if state.body_input is not None or _input_path(state):
        return search.refuse(f"'{state.name}' gives its branches other data")
    for sibling in state.branches:  # the siblings run first, to their end (their leftover locks stay held)
        if sibling != body:
            left = search.succeeds(sibling, taken, rename)
            if left is None:
                return False
            taken = left
    return _level(search, owners[1:], body, taken, rename)


def _item_field(outer: Rename, tag: str) -> Rename:
    """A native Map iteration sees the data and ``item``: ``item.*`` reads the item."""
    return lambda path: (tag, *path[1:]) if path[:1] == ("item",) else outer(path)


def _lap(search: _Search, rename: Rename) -> Callable[[str | None, frozenset[str]], bool]:
    """From the loop's entry, once round and back, with the locks handed back as they were found."""

    def at_entry(entry: str | None, held: frozenset[str]) -> bool:
        if entry is None:
            return False
        first = len(search.edges)

        def back(_: str | None, after: frozenset[str]) -> bool:
            again = _replay_locks(search, search.edges[first:], after)
            return again == after or search.refuse("a lap of the loop keeps a lock it takes again")

        inside = search.members.__contains__
        return search.walk(entry, lambda n: n == entry, inside, held, rename, frozenset(), back)

    return at_entry


def _replay_locks(search: _Search, edges: list[Edge], held: frozenset[str]) -> frozenset[str] | None:
    for state, _ in edges:
        inner = [s for s in search.w.iter_states() for b in state.branches if f"{s.scope}/".startswith(f"{b}/")]
        if any(s.acquire for s in inner):
            return None  # a body's leftover locks would pile up lap after lap: not followed
        taken = search.take(state, held)
        if taken is None:
            return None
        held = search.let_go(state, taken)
    return held
