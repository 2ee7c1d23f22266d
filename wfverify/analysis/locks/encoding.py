"""The Z3 encoding of one deadlock search: a path per holder, and a moment where they wait on each other.

Executed prefixes with timestamps in program order; mutual exclusion of
critical sections on the same lock; lock names are Z3 integers (constants
fixed, each data-named (copy, template) free but unequal to every name it
cannot alias); a ``LockTimeout`` only while a holder (another, or the waiting
one itself) holds the lock, or
at any time when an enclosing body may hold it around the fork (``free``);
at least two holders each stopped before an acquire of a lock another of them
holds, every such wait without a timeout (a deadlock) or every one with a
timeout (a timeout storm). Each call runs in a fresh Z3 context with a
deterministic ``rlimit``; reaching it is reported through ``gave_up``.
"""

from __future__ import annotations

import itertools
from typing import Any

from wfverify.analysis.locks.facts import Path
from wfverify.analysis.locks.names import is_template, may_alias
from wfverify.analysis.locks.numeric import never_equal
from wfverify.analysis.locks.threads import Thread
from wfverify.analysis.locks.witness import model_schedule
from wfverify.core.records import dataclass
from wfverify.core.witness import LockSchedule

__all__ = ["FreeTimeouts", "RLIMIT", "Waits", "solve"]

RLIMIT = 20_000_000

#: (state, lock) of lock timeouts that need no holder of the group: an enclosing body may hold the lock.
FreeTimeouts = frozenset[tuple[str, str]]


@dataclass
class Waits:
    """Holders found waiting on each other: what happens, the schedule, who waits."""

    detail: str
    witness: LockSchedule
    holders: list[str]


@dataclass
class _Section:
    holder: int
    acquire: int
    release: int | None
    lock: Any  # z3 Int expression


@dataclass
class _Encoding:
    """The Z3 terms of one search: prefixes, timestamps, lock identities."""

    solver: Any
    prefix: list[Any]
    stamp: list[list[Any]]
    done: list[list[Any]]
    ident: list[list[Any]]
    blocked: list[Any]
    occurrences: dict[tuple[int, str], Any]


def _lock_ids(
    z3: Any, solver: Any, group: list[Thread], paths: list[Path]
) -> tuple[list[list[Any]], dict[tuple[int, str], Any]]:
    """Lock identities: constants fixed, each (copy, template) a free integer unequal to what it cannot alias."""
    constants: dict[str, int] = {}
    occurrences: dict[tuple[int, str], Any] = {}
    ident = []
    for h, path in enumerate(paths):
        row = []
        for e in path:
            key = (group[h].copy, e.lock)
            if key not in occurrences:
                if is_template(e.lock):
                    occurrences[key] = z3.Int(f"lock#{len(occurrences)}")
                else:
                    occurrences[key] = z3.IntVal(constants.setdefault(e.lock, len(constants) + 1))
            row.append(occurrences[key])
        ident.append(row)
    ints = _ints_by_copy(group)
    keys = list(occurrences)
    for a, b in itertools.combinations(keys, 2):
        if not (is_template(a[1]) or is_template(b[1])):
            continue
        if not may_alias(a[1], b[1]) or _apart(a, b, ints):
            solver.add(occurrences[a] != occurrences[b])
    return ident, occurrences


def _apart(a: tuple[int, str], b: tuple[int, str], ints: dict[int, frozenset[str]]) -> bool:
    """Two names that integer placeholders keep apart: within one copy (one value per expression), or a
    template against a constant (``acct:{n}`` is never ``acct:042`` for an int ``n``)."""
    if is_template(a[1]) and is_template(b[1]) and a[0] != b[0]:
        return False
    declared = ints.get(a[0] if is_template(a[1]) else b[0], frozenset())
    return bool(declared) and never_equal(a[1], b[1], declared)


def _ints_by_copy(group: list[Thread]) -> dict[int, frozenset[str]]:
    """Copy -> the variables declared ``int`` for every thread of that copy (one value per expression)."""
    out: dict[int, frozenset[str]] = {}
    for t in group:
        if t.ints is not None:
            out[t.copy] = out[t.copy] & t.ints if t.copy in out else t.ints
    return out


def solve(
    group: list[Thread], paths: list[Path], timeouts: bool, gave_up: list[str], free: FreeTimeouts
) -> Waits | None:
    """In a Z3 context of its own, so the schedule found does not depend on earlier queries."""
    from wfverify.analysis.smt import fresh_context

    with fresh_context():
        return _solve_here(group, paths, timeouts, gave_up, free)


def _solve_here(
    group: list[Thread], paths: list[Path], timeouts: bool, gave_up: list[str], free: FreeTimeouts
) -> Waits | None:
    import z3

    solver = z3.Solver()
    solver.set("rlimit", RLIMIT)
    paths = [tuple(e for e in p if e.action != "fork") for p in paths]
    ident, occurrences = _lock_ids(z3, solver, group, paths)
    n = [len(p) for p in paths]
    prefix = [z3.Int(f"p{h}") for h in range(len(paths))]
    stamp = [[z3.Int(f"t{h}_{i}") for i in range(n[h])] for h in range(len(paths))]
    done = [[i < prefix[h] for i in range(n[h])] for h in range(len(paths))]
    for h in range(len(paths)):
        solver.add(prefix[h] >= 0, prefix[h] <= n[h])
        for i in range(n[h] - 1):
            solver.add(z3.Implies(done[h][i + 1], stamp[h][i] < stamp[h][i + 1]))
    sections = _sections(paths, ident)
    _mutual_exclusion(solver, sections, done, stamp)
    _timeouts_need_a_holder(solver, paths, sections, done, stamp, ident, free)
    blocked = [z3.Bool(f"blocked{h}") for h in range(len(paths))]
    for h in range(len(paths)):
        waits = []
        for i, e in enumerate(paths[h]):
            if e.action != "acquire" or (e.timeout is not None) != timeouts:
                continue
            holders_of = [z3.And(_held(s, done, ident[h][i]), blocked[s.holder]) for s in sections if s.holder != h]
            waits.append(z3.And(prefix[h] == i, z3.Or(*holders_of) if holders_of else z3.BoolVal(False)))
        solver.add(z3.Implies(blocked[h], z3.Or(*waits) if waits else z3.BoolVal(False)))
    solver.add(z3.PbGe([(b, 1) for b in blocked], 2))
    answer = solver.check()
    if answer == z3.unknown:
        gave_up.append(f"the solver gave up ({solver.reason_unknown()})")
        return None
    if answer == z3.unsat:
        return None
    enc = _Encoding(solver, prefix, stamp, done, ident, blocked, occurrences)
    schedule = model_schedule(group, paths, solver.model(), enc)
    if schedule is None:
        gave_up.append("a candidate schedule needs lock names that the data cannot spell at once")
        return None
    names = sorted(schedule.blocked)
    detail = f"{' and '.join(names)} wait on each other" + (
        " (every wait has a timeout: a timeout storm)" if timeouts else ""
    )
    return Waits(detail, schedule, names)


def _sections(paths: list[Path], ident: list[list[Any]]) -> list[_Section]:
    out = []
    for h, path in enumerate(paths):
        open_: dict[str, list[int]] = {}
        for i, e in enumerate(path):
            if e.action == "acquire":
                open_.setdefault(e.lock, []).append(i)
            elif e.action == "release" and open_.get(e.lock):
                start = open_[e.lock].pop()
                out.append(_Section(h, start, i, ident[h][start]))
        out += [_Section(h, i, None, ident[h][i]) for starts in open_.values() for i in starts]
    return out


def _held(s: _Section, done: list[list[Any]], lock: Any) -> Any:
    import z3

    released = done[s.holder][s.release] if s.release is not None else z3.BoolVal(False)
    return z3.And(done[s.holder][s.acquire], z3.Not(released), s.lock == lock)


def _timeouts_need_a_holder(
    solver: Any,
    paths: list[Path],
    sections: list[_Section],
    done: list[list[Any]],
    stamp: list[list[Any]],
    ident: list[list[Any]],
    free: FreeTimeouts,
) -> None:
    """A LockTimeout happens only while some holder holds the lock: another one, or the waiting holder
    itself (it took the lock earlier on its path), or any time when an enclosing body may hold it around
    the fork (:func:`_outside_held_timeouts`)."""
    import z3

    for h, path in enumerate(paths):
        for i, e in enumerate(path):
            if e.action != "timeout" or (e.state, e.lock) in free:
                continue
            t = stamp[h][i]
            options = []
            for s in sections:
                if s.holder == h:
                    if s.acquire < i and (s.release is None or s.release > i):
                        options.append(s.lock == ident[h][i])
                    continue
                taken = z3.And(done[s.holder][s.acquire], stamp[s.holder][s.acquire] < t, s.lock == ident[h][i])
                if s.release is None:
                    options.append(taken)
                else:
                    free_again = z3.And(done[s.holder][s.release], stamp[s.holder][s.release] < t)
                    options.append(z3.And(taken, z3.Not(free_again)))
            solver.add(z3.Implies(done[h][i], z3.Or(*options) if options else z3.BoolVal(False)))


def _no_self_overlap(solver: Any, a: _Section, b: _Section, done: list[list[Any]]) -> None:
    """A holder never gets a lock it already holds (an ancestor's, inlined): it stops at that acquire."""
    import z3

    first, second = (a, b) if a.acquire < b.acquire else (b, a)
    if first.release is not None and first.release < second.acquire:
        return
    solver.add(z3.Implies(first.lock == second.lock, z3.Not(done[second.holder][second.acquire])))


def _mutual_exclusion(solver: Any, sections: list[_Section], done: list[list[Any]], stamp: list[list[Any]]) -> None:
    import z3

    for a, b in itertools.combinations(sections, 2):
        if a.holder == b.holder:
            _no_self_overlap(solver, a, b, done)
            continue
        same = a.lock == b.lock
        a_in, b_in = done[a.holder][a.acquire], done[b.holder][b.acquire]
        a_out = done[a.holder][a.release] if a.release is not None else z3.BoolVal(False)
        b_out = done[b.holder][b.release] if b.release is not None else z3.BoolVal(False)
        ta, tb = stamp[a.holder][a.acquire], stamp[b.holder][b.acquire]
        a_first = z3.And(a_out, stamp[a.holder][a.release] < tb) if a.release is not None else z3.BoolVal(False)
        b_first = z3.And(b_out, stamp[b.holder][b.release] < ta) if b.release is not None else z3.BoolVal(False)
        solver.add(z3.Implies(same, z3.Or(z3.Not(a_in), z3.Not(b_in), a_first, b_first)))
