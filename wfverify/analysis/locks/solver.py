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
3. **Search** (Z3, :mod:`wfverify.analysis.locks.encoding`), per group of concurrent holders
   (:func:`wfverify.analysis.locks.threads.groups`), for one path per holder:
   executed prefixes with timestamps in program order, mutual exclusion of
   critical sections on the same lock (names are Z3 integers: constants fixed,
   data-named ones free but unequal to every name they cannot alias), a
   ``LockTimeout`` only while another holder (or an enclosing body) holds the lock, and at least two
   holders each stopped before an acquire of a lock another of them holds.
   Pairs first, rings on groups of up to 8 holders. Waits without a timeout
   decide the verdict (a deadlock, an error). Waits that all time out are a
   timeout storm, not a deadlock (native format: "With timeouts on every wait
   in the cycle it is a timeout storm"): it is searched separately and
   reported beside the verdict, which it never makes ``violated``.

A search that finds nothing proves freedom only when the groups are exact: a
fixed set of holders, each with its own events only. Copies of one body (Map
iterations, concurrent executions) form rings of any size, and inlined nested
locking is one schedule among many: then the verdict is ``unknown`` and says
why. Solver calls carry a deterministic ``rlimit``; reaching it is ``unknown``.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from wfverify.analysis.locks.encoding import RLIMIT, FreeTimeouts, Waits, solve
from wfverify.analysis.locks.facts import LockFacts, Path
from wfverify.analysis.locks.names import may_alias
from wfverify.analysis.locks.order import class_map, inherited_locks, lock_order_cycle
from wfverify.analysis.locks.stable import unstable_templates
from wfverify.analysis.locks.threads import (
    Group,
    Thread,
    ancestor_conflicts,
    edge_events,
    groups,
    may_contend,
    sibling_always_fails,
)
from wfverify.analysis.locks.witness import conflict_schedule
from wfverify.core.findings import Verdict
from wfverify.core.records import dataclass, field
from wfverify.core.witness import LockSchedule, ReplayError

__all__ = ["DeadlockResult", "Waits", "check_deadlock", "lock_order_cycle", "MAX_COMBINATIONS", "RLIMIT"]

MAX_COMBINATIONS = 64
MAX_PAIR_CHECKS = 2_000
#: A timeout storm is only a warning: its search stops sooner (the verdict does not depend on it).
MAX_STORM_PAIR_CHECKS = 100
#: Deadlock cycles through three or more holders are searched on groups up to this size.
MAX_GROUP_FOR_RINGS = 8


@dataclass
class DeadlockResult:
    verdict: Verdict
    detail: str
    witness: LockSchedule | None = None
    seconds: float = 0.0
    holders: list[str] = field(default_factory=list)
    storm: Waits | None = None  # holders waiting on each other with a timeout on every wait

    @property
    def timeouts_only(self) -> bool:
        """No deadlock, but a timeout storm: the ``deadlock`` rule's warning."""
        return self.verdict is not Verdict.VIOLATED and self.storm is not None


def check_deadlock(facts: LockFacts) -> DeadlockResult:
    began = time.perf_counter()

    def done(result: DeadlockResult) -> DeadlockResult:
        result.seconds = time.perf_counter() - began
        return result

    if facts.workflow is None or not facts.scopes:
        return done(DeadlockResult(Verdict.NOT_APPLICABLE, "no locks are taken"))
    found_groups, cut = groups(facts)
    conflicts, conflicts_cut = ancestor_conflicts(facts)
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
    found = _search(facts, relevant, conflicts, gave_up, timeouts=False)
    if found is not None:
        return done(
            DeadlockResult(Verdict.VIOLATED, f"{summary}; {found.detail}", found.witness, holders=found.holders)
        )
    reasons = gave_up + _inexact(relevant, conflicts_cut, truncated) + _changing_names(facts)
    if reasons:
        result = DeadlockResult(
            Verdict.UNKNOWN,
            f"{summary}; lock-order cycle {' -> '.join(cycle)}: no deadlock found, but {'; '.join(reasons)}",
        )
    else:
        result = DeadlockResult(Verdict.PROVEN, f"{summary}; lock-order cycle {' -> '.join(cycle)} cannot happen (Z3)")
    result.storm = _search(facts, relevant, conflicts, [], timeouts=True)
    if result.storm is not None:
        result.storm.detail = f"{summary}; {result.storm.detail}"
        result.detail += "; a timeout storm can happen (every wait in it has a timeout: not a deadlock)"
    return done(result)


def _search(
    facts: LockFacts, relevant: list[Group], conflicts: list[Any], gave_up: list[str], timeouts: bool
) -> Waits | None:
    """A deadlock (waits without a timeout) or a timeout storm (``timeouts``: every wait has one), by a
    body waiting on its ancestor, or in a group (Z3)."""
    workflow = facts.workflow
    assert workflow is not None
    free = _outside_held_timeouts(facts)
    for c in conflicts:
        if c.timeout != timeouts:
            continue
        doomed = sibling_always_fails(workflow, set(c.scopes))
        schedule = None if doomed else conflict_schedule(workflow, c)
        if doomed:
            gave_up.append(f"a branch of '{doomed}' fails on every run and cancels the waiting holders")
        elif schedule is None:
            gave_up.append(f"{c.chain[-1][0]} may wait for a data-named lock that {c.holder} holds around it")
        elif not _replays(schedule):  # a LockTimeout on its way that only a holder outside the chain causes
            gave_up.append(f"{c.chain[-1][0]} may wait for {c.lock}, which {c.holder} holds, after a lock timeout")
            schedule = None
        if schedule is not None:
            detail = f"{c.chain[-1][0]} waits for {c.lock}, which {c.holder} holds until its branches end" + (
                " (the wait has a timeout: it always times out)" if timeouts else ""
            )
            return Waits(detail, schedule, [c.chain[-1][0]])
    for group in relevant:
        found = _search_pairs(facts, group.locking, timeouts, gave_up, free)
        if found is None and 2 < len(group.locking) <= MAX_GROUP_FOR_RINGS:
            found = _search_rings(facts, group.locking, timeouts, gave_up, free)
        if found is not None:
            blocked = {t.scope for t in group.threads if t.name in found.holders}
            doomed = sibling_always_fails(workflow, blocked)
            if not doomed:
                return found
            gave_up.append(f"a branch of '{doomed}' fails on every run and cancels the waiting holders")
    return None


def _replays(schedule: LockSchedule) -> bool:
    try:
        schedule.replay()
    except ReplayError:
        return False
    return True


def _outside_held_timeouts(facts: LockFacts) -> FreeTimeouts:
    """(state, lock) of the lock timeouts an enclosing body can cause: it may hold the lock around the
    fork the waiting body runs in, which no member of the waiting body's group shows."""
    workflow = facts.workflow
    assert workflow is not None
    inherited = inherited_locks(facts)
    return frozenset(
        (e.state, e.lock)
        for paths in facts.scopes.values()
        for path in paths
        for e in path
        if e.action == "timeout"
        and any(may_alias(e.lock, h) for h in inherited.get(workflow.states[e.state].scope, ()))
    )


def _changing_names(facts: LockFacts) -> list[str]:
    """A template that one body's path names at two states while its data may change in between: the
    search reads it as one lock, which may be two (:mod:`wfverify.analysis.locks.stable`)."""
    assert facts.workflow is not None
    unstable = unstable_templates(facts.workflow)
    if not unstable:
        return []
    for path in (p for paths in facts.scopes.values() for p in paths):
        states: dict[str, set[str]] = {}
        for e in path:
            if e.lock in unstable:
                states.setdefault(e.lock, set()).add(e.state)
        spanning = sorted(lock for lock, where in states.items() if len(where) > 1)
        if spanning:
            return [f"lock name '{spanning[0]}' reads data that may change between the states that name it"]
    return []


def _inexact(relevant: list[Group], conflicts_cut: bool, truncated: bool) -> list[str]:
    """Why finding nothing is not a proof (empty when the search was exhaustive)."""
    reasons = []
    if truncated:
        reasons.append("paths were cut at the loop bound")
    if conflicts_cut:
        reasons.append("not every body that may wait for a lock its enclosing body holds was examined")
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


def _search_pairs(
    facts: LockFacts, group: list[Thread], timeouts: bool, gave_up: list[str], free: FreeTimeouts
) -> Waits | None:
    """Two holders waiting on each other: the common case, checked pair by pair on small encodings."""
    cls = class_map(facts)
    edges = [[_edges(p, cls) for p in t.paths] for t in group]
    checked = 0
    for a, b in itertools.combinations(range(len(group)), 2):
        for i, j in itertools.product(range(len(group[a].paths)), range(len(group[b].paths))):
            if not edges[a][i] & {(y, x) for x, y in edges[b][j]}:
                continue  # no opposite lock order between these two paths: they cannot wait on each other
            checked += 1
            limit = MAX_STORM_PAIR_CHECKS if timeouts else MAX_PAIR_CHECKS
            if checked > limit:
                gave_up.append(f"more than {limit} candidate pairs")
                return None
            result = solve([group[a], group[b]], [group[a].paths[i], group[b].paths[j]], timeouts, gave_up, free)
            if result is not None:
                return result
    return None


def _search_rings(
    facts: LockFacts, group: list[Thread], timeouts: bool, gave_up: list[str], free: FreeTimeouts
) -> Waits | None:
    choices = [range(len(t.paths)) for t in group]
    for count, combo in enumerate(itertools.product(*choices)):
        if count >= MAX_COMBINATIONS:
            gave_up.append(f"more than {MAX_COMBINATIONS} path combinations")
            return None
        paths = [group[i].paths[j] for i, j in enumerate(combo)]
        if not any(e.action == "acquire" for p in paths for e in p):
            continue
        result = solve(group, paths, timeouts, gave_up, free)
        if result is not None:
            return result
    return None
