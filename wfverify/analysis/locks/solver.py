"""Deadlock freedom: a lock-order argument that covers every holder count, then a search with Z3.

1. **Lock-order graph** (networkx, no solver): an edge ``A -> B`` when some
   holder acquires ``B`` while holding ``A``, where "holding" includes what the
   enclosing bodies hold around the fork it runs in. Nodes are *alias classes*
   (:mod:`wfverify.analysis.locks.names`): names that data could make equal,
   ``account:42`` and ``account:{acct}``, are one node. Without a cycle no set
   of holders, of any size and nesting, can wait on each other: proven. A gate
   (a constant lock that the acquiring holder itself holds at every edge) also
   proves it: two holders of a cycle would hold the gate at once.
2. **A body waits for a lock its enclosing body holds across the fork**: the
   enclosing body waits for the join, so the wait never ends
   (:func:`wfverify.analysis.locks.threads.ancestor_conflicts`).
3. **Search** (Z3), per group of concurrent holders
   (:func:`wfverify.analysis.locks.threads.groups`), for one path per holder:
   executed prefixes with timestamps in program order, mutual exclusion of
   critical sections on the same lock (names are Z3 integers: constants fixed,
   data-named ones free but unequal to every name they cannot alias), a
   ``LockTimeout`` only while another holder holds the lock, and at least two
   holders each stopped before an acquire of a lock another of them holds.
   Pairs first, rings on groups of up to 8 holders. Waits without a timeout
   first (a deadlock, an error), then waits that all time out (a storm).

A search that finds nothing proves freedom only when the groups are exact: a
fixed set of holders, each with its own events only. Copies of one body (Map
iterations, concurrent executions) form rings of any size, and inlined nested
locking is one schedule among many: then the verdict is ``unknown`` and says
why. Solver calls carry a deterministic ``rlimit``; reaching it is ``unknown``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from wfverify.analysis.locks.facts import LockFacts, Path
from wfverify.analysis.locks.names import is_template, may_alias
from wfverify.analysis.locks.order import class_map, lock_order_cycle
from wfverify.analysis.locks.threads import (
    Group,
    Thread,
    ancestor_conflicts,
    edge_events,
    groups,
    may_contend,
    sibling_always_fails,
)
from wfverify.analysis.locks.witness import conflict_schedule, model_schedule
from wfverify.core.findings import Verdict
from wfverify.core.witness import LockSchedule

__all__ = ["DeadlockResult", "check_deadlock", "lock_order_cycle", "MAX_COMBINATIONS", "RLIMIT"]

MAX_COMBINATIONS = 64
MAX_PAIR_CHECKS = 2_000
#: Deadlock cycles through three or more holders are searched on groups up to this size.
MAX_GROUP_FOR_RINGS = 8
RLIMIT = 20_000_000


@dataclass
class DeadlockResult:
    verdict: Verdict
    detail: str
    timeouts_only: bool = False  # the deadlock found is a timeout storm
    witness: LockSchedule | None = None
    seconds: float = 0.0
    holders: list[str] = field(default_factory=list)


def check_deadlock(facts: LockFacts) -> DeadlockResult:
    began = time.perf_counter()

    def done(result: DeadlockResult) -> DeadlockResult:
        result.seconds = time.perf_counter() - began
        return result

    if facts.workflow is None or not facts.scopes:
        return done(DeadlockResult(Verdict.NOT_APPLICABLE, "no locks are taken"))
    found_groups, cut = groups(facts)
    conflicts = ancestor_conflicts(facts)
    relevant = [g for g in found_groups if len(g.locking) >= 2]
    if not relevant and not conflicts:
        if (facts.truncated or cut) and may_contend(facts.workflow, found_groups):
            return done(
                DeadlockResult(
                    Verdict.UNKNOWN,
                    "paths were cut at the loop bound before any two concurrent holders were seen taking locks",
                )
            )
        return done(DeadlockResult(Verdict.NOT_APPLICABLE, "no locks taken by concurrent holders"))
    names = {e.lock for paths in facts.scopes.values() for p in paths for e in p if e.action == "acquire"}
    lockers = {t.name for g in relevant for t in g.locking} | {h for c in conflicts for h in (c.holder, c.chain[-1][0])}
    summary = f"{len(lockers)} holders, {len(names)} locks"
    truncated = facts.truncated or cut
    cycle = lock_order_cycle(facts)
    if cycle is None:
        verdict = Verdict.UNKNOWN if truncated else Verdict.PROVEN
        why = "; paths were cut at the loop bound" if truncated else ""
        return done(
            DeadlockResult(
                verdict,
                f"{summary}; the lock-order graph has no cycle, for any number of holders "
                f"(or a gate lock guards every cycle){why}",
            )
        )
    gave_up: list[str] = []
    result = _search(facts, relevant, conflicts, gave_up)
    if result is not None:
        result.detail = f"{summary}; {result.detail}"
        return done(result)
    reasons = gave_up + _inexact(relevant, conflicts, truncated)
    if reasons:
        return done(
            DeadlockResult(
                Verdict.UNKNOWN,
                f"{summary}; lock-order cycle {' -> '.join(cycle)}: no deadlock found, but {'; '.join(reasons)}",
            )
        )
    return done(DeadlockResult(Verdict.PROVEN, f"{summary}; lock-order cycle {' -> '.join(cycle)} cannot happen (Z3)"))


def _search(facts: LockFacts, relevant: list[Group], conflicts: list[Any], gave_up: list[str]) -> DeadlockResult | None:
    """A deadlock (then a timeout storm) by a body waiting on its ancestor, or in a group (Z3)."""
    workflow = facts.workflow
    assert workflow is not None
    for timeouts in (False, True):
        for c in conflicts:
            if c.timeout != timeouts:
                continue
            doomed = sibling_always_fails(workflow, set(c.scopes))
            schedule = None if doomed else conflict_schedule(workflow, c)
            if doomed:
                gave_up.append(f"a branch of '{doomed}' fails on every run and cancels the waiting holders")
            if schedule is not None:
                detail = f"{c.chain[-1][0]} waits for {c.lock}, which {c.holder} holds until its branches end" + (
                    " (the wait has a timeout: it always times out)" if timeouts else ""
                )
                return DeadlockResult(Verdict.VIOLATED, detail, timeouts, schedule, holders=[c.chain[-1][0]])
        for group in relevant:
            found = _search_pairs(facts, group.locking, timeouts, gave_up)
            if found is None and 2 < len(group.locking) <= MAX_GROUP_FOR_RINGS:
                found = _search_rings(facts, group.locking, timeouts, gave_up)
            if found is not None:
                blocked = {t.scope for t in group.threads if t.name in found.holders}
                doomed = sibling_always_fails(workflow, blocked)
                if not doomed:
                    return found
                gave_up.append(f"a branch of '{doomed}' fails on every run and cancels the waiting holders")
    return None


def _inexact(relevant: list[Group], conflicts: list[Any], truncated: bool) -> list[str]:
    """Why finding nothing is not a proof (empty when the search was exhaustive)."""
    reasons = []
    if truncated:
        reasons.append("paths were cut at the loop bound")
    if conflicts:
        reasons.append("a body may wait for a data-named lock its enclosing body holds")
    for g in relevant:
        where = f"'{g.fork}'" if g.fork else "the concurrent executions"
        if g.repeated:
            reasons.append(f"copies of {where} may form a ring of any size, and only two were searched")
        elif any(t.inexact for t in g.locking):
            reasons.append(next(t.inexact for t in g.locking if t.inexact))
        elif len(g.locking) > MAX_GROUP_FOR_RINGS:
            reasons.append(
                f"rings through more than two of the {len(g.locking)} holders of {where} were not searched "
                f"(more than {MAX_GROUP_FOR_RINGS})"
            )
    return list(dict.fromkeys(r for r in reasons if r))


def _edges(path: Path, cls: dict[str, str]) -> set[tuple[str, str]]:
    """Lock-order edges of one path, on alias classes: (held, then acquired)."""
    return {(cls[h], cls[e.lock]) for held, e in edge_events(path) for h in held if h != e.lock}


def _search_pairs(facts: LockFacts, group: list[Thread], timeouts: bool, gave_up: list[str]) -> DeadlockResult | None:
    """Two holders waiting on each other: the common case, checked pair by pair on small encodings."""
    cls = class_map(facts)
    edges = [[_edges(p, cls) for p in t.paths] for t in group]
    checked = 0
    for a, b in itertools.combinations(range(len(group)), 2):
        for i, j in itertools.product(range(len(group[a].paths)), range(len(group[b].paths))):
            if not edges[a][i] & {(y, x) for x, y in edges[b][j]}:
                continue  # no opposite lock order between these two paths: they cannot wait on each other
            checked += 1
            if checked > MAX_PAIR_CHECKS:
                gave_up.append(f"more than {MAX_PAIR_CHECKS} candidate pairs")
                return None
            result = _solve([group[a], group[b]], [group[a].paths[i], group[b].paths[j]], timeouts, gave_up)
            if result is not None:
                return result
    return None


def _search_rings(facts: LockFacts, group: list[Thread], timeouts: bool, gave_up: list[str]) -> DeadlockResult | None:
    choices = [range(len(t.paths)) for t in group]
    for count, combo in enumerate(itertools.product(*choices)):
        if count >= MAX_COMBINATIONS:
            gave_up.append(f"more than {MAX_COMBINATIONS} path combinations")
            return None
        paths = [group[i].paths[j] for i, j in enumerate(combo)]
        if not any(e.action == "acquire" for p in paths for e in p):
            continue
        result = _solve(group, paths, timeouts, gave_up)
        if result is not None:
            return result
    return None


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
    keys = list(occurrences)
    for a, b in itertools.combinations(keys, 2):
        if (is_template(a[1]) or is_template(b[1])) and not may_alias(a[1], b[1]):
            solver.add(occurrences[a] != occurrences[b])
    return ident, occurrences


def _solve(group: list[Thread], paths: list[Path], timeouts: bool, gave_up: list[str]) -> DeadlockResult | None:
    """In a Z3 context of its own, so the schedule found does not depend on earlier queries."""
    from wfverify.analysis.smt import fresh_context

    with fresh_context():
        return _solve_here(group, paths, timeouts, gave_up)


def _solve_here(group: list[Thread], paths: list[Path], timeouts: bool, gave_up: list[str]) -> DeadlockResult | None:
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
    _timeouts_need_a_holder(solver, paths, sections, done, stamp, ident)
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
    return DeadlockResult(Verdict.VIOLATED, detail, timeouts, schedule, holders=names)


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
) -> None:
    """A LockTimeout happens only while another holder holds the lock."""
    import z3

    for h, path in enumerate(paths):
        for i, e in enumerate(path):
            if e.action != "timeout":
                continue
            t = stamp[h][i]
            options = []
            for s in sections:
                if s.holder == h:
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
