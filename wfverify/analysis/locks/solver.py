"""Deadlock freedom: a lock-order pre-filter, then an exact check of interleavings with Z3.

Pre-filter (networkx, no solver): the lock-order graph has an edge l1 -> l2
when some holder acquires l2 while holding l1 (data-named locks are folded by
their template, ``account:{item.from}`` -> ``account:*``, since two of them may
be the same lock). Without a cycle no set of holders can wait on each other:
deadlock freedom is proven.

Exact check, for one path per holder (combinations are enumerated, at most
:data:`MAX_COMBINATIONS`): each holder ``h`` has executed a prefix of
``p_h`` events; executed events get distinct timestamps in program order. A
*critical section* is an acquire with its matching release on the same path.
Two sections on the same lock (lock identities are Z3 integers, so
``account:{item.from}`` of one map iteration equals ``account:{item.to}`` of
another exactly when the data says so) never overlap in time; a lock held at
the end (acquired, not yet released) was taken after every other holder's
finished section on it, and is held by one holder only. A deadlock is a set
of at least two holders, each stopped right before an acquire of a lock that
another holder of the set holds. The model gives the schedule: the executed
events in timestamp order, then the blocked acquires, and concrete data for
the placeholders. First a deadlock whose waits have no timeout is sought
(an error); failing that, one where every wait has a timeout (a storm: a
warning). Solver calls carry a deterministic ``rlimit``; reaching it gives
``unknown``.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from wfverify.analysis.locks.facts import Event, Holder, LockFacts

__all__ = ["DeadlockResult", "check_deadlock", "lock_order_cycle", "MAX_COMBINATIONS", "RLIMIT"]

MAX_COMBINATIONS = 64
MAX_PAIR_CHECKS = 2_000
#: Deadlock cycles through three or more holders are searched on groups up to this size.
MAX_GROUP_FOR_RINGS = 8
RLIMIT = 20_000_000
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass
class DeadlockResult:
    verdict: str  # proven | violated | unknown | n/a
    detail: str
    timeouts_only: bool = False  # the deadlock found is a timeout storm
    witness: dict[str, Any] | None = None
    seconds: float = 0.0
    holders: list[str] = field(default_factory=list)


def _template(lock: str) -> str:
    return _PLACEHOLDER.sub("*", lock)


def lock_order_cycle(facts: LockFacts) -> list[str] | None:
    """A cycle of the lock-order graph (as lock templates), or None.

    A gate lock (a constant lock held at every ordering edge) makes every cycle
    infeasible: two holders would hold the gate at once. Then there is no cycle.
    """
    edges: set[tuple[str, str]] = set()
    guards: list[frozenset[str]] = []
    for holder in facts.holders:
        for path in holder.paths:
            held: list[str] = []
            for e in path:
                if e.action == "acquire":
                    edges.update((_template(h), _template(e.lock)) for h in held)
                    if held:
                        guards.append(frozenset(h for h in held if h == _template(h)))
                    held.append(e.lock)
                elif e.lock in held:
                    held.remove(e.lock)
    if not edges or (guards and frozenset.intersection(*guards)):
        return None
    import networkx as nx

    graph = nx.DiGraph(list(edges))
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [a for a, _ in cycle]


def check_deadlock(facts: LockFacts) -> DeadlockResult:
    began = time.perf_counter()
    holders = [h for h in facts.holders if h.paths]
    groups = _concurrent_groups(holders)
    if not any(len(g) >= 2 and any(e.action == "acquire" for h in g for p in h.paths for e in p) for g in groups):
        return DeadlockResult("n/a", "no locks taken by concurrent holders", seconds=time.perf_counter() - began)
    cycle = lock_order_cycle(facts)
    lockers = [h for h in holders if any(e.action == "acquire" for p in h.paths for e in p)]
    summary = f"{len(lockers)} holders, {len({e.lock for h in lockers for p in h.paths for e in p})} locks"
    if cycle is None:
        verdict = "unknown" if facts.truncated else "proven"
        why = "; paths were cut at the loop bound" if facts.truncated else ""
        return DeadlockResult(
            verdict,
            f"{summary}; the lock-order graph has no cycle (or a gate lock guards it){why}",
            seconds=time.perf_counter() - began,
        )
    unknown = ""
    for timeouts in (False, True):
        for group in groups:
            found, reason = _search_pairs(group, timeouts)
            if found is None and len(group) > 2:
                if len(group) > MAX_GROUP_FOR_RINGS:
                    reason = reason or (
                        f"no two holders deadlock; cycles through more than two of the "
                        f"{len(group)} holders were not searched (more than {MAX_GROUP_FOR_RINGS})"
                    )
                else:
                    found, more = _search(group, timeouts)
                    reason = reason or more
            if found is not None:
                found.seconds = time.perf_counter() - began
                found.detail = f"{summary}; {found.detail}"
                return found
            unknown = unknown or reason
    seconds = time.perf_counter() - began
    if unknown or facts.truncated:
        return DeadlockResult("unknown", f"{summary}; {unknown or 'paths were cut at the loop bound'}", seconds=seconds)
    return DeadlockResult(
        "proven", f"{summary}; lock-order cycle {' -> '.join(cycle)} cannot happen (Z3)", seconds=seconds
    )


def _concurrent_groups(holders: list[Holder]) -> list[list[Holder]]:
    """Holders that run at the same time: the branches of one Parallel, the copies of one body."""
    by_scope: dict[str, list[Holder]] = {}
    for h in holders:
        by_scope.setdefault(h.scope, []).append(h)
    groups: dict[str, list[Holder]] = {}
    for scope, members in by_scope.items():
        owner_key = (
            scope.rsplit("/Branches/", 1)[0]
            if "/Branches/" in scope
            else scope.rsplit("/branches/", 1)[0]
            if "/branches/" in scope
            else scope
        )
        groups.setdefault(owner_key, []).extend(members)
    return [g for g in groups.values() if len(g) >= 2]


def _edges(path: tuple[Event, ...]) -> set[tuple[str, str]]:
    """Lock-order edges of one path, on templates: (held, then acquired)."""
    held: list[str] = []
    out: set[tuple[str, str]] = set()
    for e in path:
        if e.action == "acquire":
            out.update((_template(h), _template(e.lock)) for h in held)
            held.append(e.lock)
        elif e.lock in held:
            held.remove(e.lock)
    return out


def _search_pairs(group: list[Holder], timeouts: bool) -> tuple[DeadlockResult | None, str]:
    """Two holders waiting on each other: the common case, checked pair by pair on small encodings."""
    reason = ""
    edges = [[_edges(p) for p in h.paths] for h in group]
    checked = 0
    for a, b in itertools.combinations(range(len(group)), 2):
        for i, j in itertools.product(range(len(group[a].paths)), range(len(group[b].paths))):
            if not edges[a][i] & {(y, x) for x, y in edges[b][j]}:
                continue  # no opposite lock order between these two paths: they cannot wait on each other
            checked += 1
            if checked > MAX_PAIR_CHECKS:
                return None, f"more than {MAX_PAIR_CHECKS} candidate pairs"
            result, why = _solve([group[a], group[b]], [group[a].paths[i], group[b].paths[j]], timeouts)
            if result is not None:
                return result, ""
            reason = reason or why
    return None, reason


def _search(group: list[Holder], timeouts: bool) -> tuple[DeadlockResult | None, str]:
    choices = [range(len(h.paths)) for h in group]
    reason = ""
    for count, combo in enumerate(itertools.product(*choices)):
        if count >= MAX_COMBINATIONS:
            return None, f"more than {MAX_COMBINATIONS} path combinations"
        paths = [group[i].paths[j] for i, j in enumerate(combo)]
        if not any(e.action == "acquire" for p in paths for e in p):
            continue
        result, why = _solve(group, paths, timeouts)
        if result is not None:
            return result, ""
        reason = reason or why
    return None, reason


@dataclass
class _Section:
    holder: int
    acquire: int
    release: int | None
    lock: Any  # z3 Int expression


def _solve(group: list[Holder], paths: list[tuple[Event, ...]], timeouts: bool) -> tuple[DeadlockResult | None, str]:
    import z3

    solver = z3.Solver()
    solver.set("rlimit", RLIMIT)
    ids: dict[str, int] = {}
    placeholders: dict[tuple[int, str], Any] = {}

    def lock_id(holder: int, name: str) -> Any:
        parts = _PLACEHOLDER.split(name)
        if len(parts) == 1:
            return z3.IntVal(ids.setdefault(name, len(ids) + 1) * 1_000_003)
        template = ids.setdefault(_template(name), len(ids) + 1)
        if len(parts) == 3 and not parts[2]:
            key = (group[holder].copy, parts[1].strip())
            if key not in placeholders:
                placeholders[key] = z3.Int(f"{parts[1].strip()}#{key[0] + 1}")
                solver.add(placeholders[key] >= 0, placeholders[key] < 1_000_000)
            return template * 1_000_003 + 1 + placeholders[key]
        return z3.Int(f"lock#{holder}#{name}")  # several placeholders: any lock

    n = [len(p) for p in paths]
    prefix = [z3.Int(f"p{h}") for h in range(len(paths))]
    stamp = [[z3.Int(f"t{h}_{i}") for i in range(n[h])] for h in range(len(paths))]
    done = [[i < prefix[h] for i in range(n[h])] for h in range(len(paths))]
    ident = [[lock_id(h, e.lock) for e in paths[h]] for h in range(len(paths))]
    for h in range(len(paths)):
        solver.add(prefix[h] >= 0, prefix[h] <= n[h])
        for i in range(n[h] - 1):
            solver.add(z3.Implies(done[h][i + 1], stamp[h][i] < stamp[h][i + 1]))
    sections = _sections(paths, ident)
    _mutual_exclusion(solver, sections, done, stamp)
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
        return None, f"the solver gave up ({solver.reason_unknown()})"
    if answer == z3.unsat:
        return None, ""
    return _witness(group, paths, solver.model(), prefix, stamp, blocked, placeholders, timeouts), ""


def _sections(paths: list[tuple[Event, ...]], ident: list[list[Any]]) -> list[_Section]:
    out = []
    for h, path in enumerate(paths):
        open_: dict[str, list[int]] = {}
        for i, e in enumerate(path):
            if e.action == "acquire":
                open_.setdefault(e.lock, []).append(i)
            elif open_.get(e.lock):
                start = open_[e.lock].pop()
                out.append(_Section(h, start, i, ident[h][start]))
        out += [_Section(h, i, None, ident[h][i]) for starts in open_.values() for i in starts]
    return out


def _held(s: _Section, done: list[list[Any]], lock: Any) -> Any:
    import z3

    released = done[s.holder][s.release] if s.release is not None else z3.BoolVal(False)
    return z3.And(done[s.holder][s.acquire], z3.Not(released), s.lock == lock)


def _mutual_exclusion(solver: Any, sections: list[_Section], done: list[list[Any]], stamp: list[list[Any]]) -> None:
    import z3

    for a, b in itertools.combinations(sections, 2):
        if a.holder == b.holder:
            continue
        same = a.lock == b.lock
        a_in, b_in = done[a.holder][a.acquire], done[b.holder][b.acquire]
        a_out = done[a.holder][a.release] if a.release is not None else z3.BoolVal(False)
        b_out = done[b.holder][b.release] if b.release is not None else z3.BoolVal(False)
        ta, tb = stamp[a.holder][a.acquire], stamp[b.holder][b.acquire]
        ra = stamp[a.holder][a.release] if a.release is not None else None
        rb = stamp[b.holder][b.release] if b.release is not None else None
        both_closed = z3.And(a_out, b_out, z3.Or(ra < tb, rb < ta)) if ra is not None and rb is not None else None
        a_first = z3.And(a_out, ra < tb) if ra is not None else z3.BoolVal(False)
        b_first = z3.And(b_out, rb < ta) if rb is not None else z3.BoolVal(False)
        ok = z3.Or(z3.Not(a_in), z3.Not(b_in), a_first, b_first, both_closed if both_closed is not None else False)
        solver.add(z3.Implies(same, ok))


def _witness(
    group: list[Holder],
    paths: list[tuple[Event, ...]],
    model: Any,
    prefix: list[Any],
    stamp: list[list[Any]],
    blocked: list[Any],
    placeholders: dict[tuple[int, str], Any],
    timeouts: bool,
) -> DeadlockResult:
    import z3

    steps = []
    for h, _path in enumerate(paths):
        count = model.eval(prefix[h], model_completion=True).as_long()
        for i in range(count):
            steps.append((model.eval(stamp[h][i], model_completion=True).as_long(), h, i))
    steps.sort()
    values = {k: model.eval(v, model_completion=True).as_long() for k, v in placeholders.items()}

    def concrete(h: int, name: str) -> str:
        copy = group[h].copy
        return _PLACEHOLDER.sub(lambda m: f"v{values.get((copy, m.group(1).strip()), 0)}", name)

    schedule, per_holder = [], {group[h].name: [] for h in range(len(paths))}
    for k, (_, h, i) in enumerate(steps):
        e = paths[h][i]
        item = {
            "step": k + 1,
            "holder": group[h].name,
            "action": e.action,
            "lock": concrete(h, e.lock),
            "state": e.state,
            "pointer": e.pointer,
        }
        schedule.append(item)
        per_holder[group[h].name].append({**item, "message": f"{e.action} {item['lock']}"})
    waiting = {}
    for h in range(len(paths)):
        if z3.is_true(model.eval(blocked[h], model_completion=True)):
            e = paths[h][model.eval(prefix[h], model_completion=True).as_long()]
            item = {
                "step": len(schedule) + 1,
                "holder": group[h].name,
                "action": "block",
                "lock": concrete(h, e.lock),
                "state": e.state,
                "pointer": e.pointer,
            }
            schedule.append(item)
            per_holder[group[h].name].append({**item, "message": f"waits for {item['lock']} forever"})
            waiting[group[h].name] = item["lock"]
    data = {}
    for h in range(len(paths)):
        mine = {name: f"v{v}" for (copy, name), v in sorted(values.items()) if copy == group[h].copy}
        if mine:
            data[group[h].name] = mine
    names = sorted(waiting)
    detail = f"{' and '.join(names)} wait on each other" + (
        " (every wait has a timeout: a timeout storm)" if timeouts else ""
    )
    witness = {"schedule": schedule, "holders": per_holder, "blocked": waiting, "data": data}
    return DeadlockResult("violated", detail, timeouts, witness, holders=names)
