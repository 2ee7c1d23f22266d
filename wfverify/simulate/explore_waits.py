"""Why holders cannot move: the wait-for relation at a stuck (or storming) configuration.

A blocked holder waits for the holder that owns the lock it wants; a Parallel
or Map state waits for its live children. A cycle in that relation is a
deadlock (or, when every wait has a timeout, a timeout storm); a holder that
waits for itself re-acquires a lock it holds; a wait for a holder that ended
is a wait for a leaked lock.
"""

from __future__ import annotations

from wfverify.simulate.engine import Run

__all__ = ["deadlock_detail", "stuck_kind"]


def deadlock_detail(run: Run) -> str:
    waits = [f"{h.name} at {h.state}" for h in run.holders if h.status == "blocked"]
    held = ", ".join(f"{lock} by {owner}" for lock, owner in sorted(run.owner_of.items()))
    return f"no holder can move ({'; '.join(waits) or 'nobody runnable'}; held: {held or 'nothing'})"


def stuck_kind(run: Run) -> str:
    """``cycle``: holders wait for each other (a lock's owner, or a Parallel/Map for its children);
    ``reacquire``: a holder waits for a lock it holds itself; ``leak``: for a lock whose holder ended."""
    by_name = {h.name: h for h in run.holders}
    waits: dict[str, set[str]] = {}
    for h in run.holders:
        if h.status == "blocked":
            lock = run.lock_name(h, run.w.states[h.state].acquire[h.acquired_here].lock)
            waits[h.name] = {run.owner_of.get(lock, "")}
        elif h.status == "waiting":
            waits[h.name] = {c.name for c in h.children if c.status.live}
    kinds: set[str] = set()
    for start in waits:
        seen, frontier = set(), set(waits[start])
        while frontier:
            nxt = frontier.pop()
            if nxt == start:
                kinds.add("reacquire" if waits[start] == {start} else "cycle")
                break
            if nxt in seen or nxt not in by_name:
                continue
            seen.add(nxt)
            frontier |= waits.get(nxt, set())
    return "cycle" if "cycle" in kinds else "reacquire" if kinds else "leak"
