"""Deadlock verdicts on generated workflows vs. an explicit-state search of all interleavings (not a timed test).

k parallel branches, each acquiring m locks (drawn from a pool of m) in a seeded random order, then
releasing them. Run: python benchmarks/bench_deadlock.py [--cap STATES]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import deque

from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.solver import check_deadlock
from wfverify.testing import workflow_from_text


def generate(k: int, m: int, seed: int, mode: str = "random") -> tuple[str, list[list[str]]]:
    """mode: random orders (deadlocks), ordered (one global order), gated (random orders behind a gate lock)."""
    rng = random.Random(seed)
    orders = []
    lines = ["workflow: bench", "start: p", "states:", "  p:", "    type: parallel", "    next: done", "    branches:"]
    for b in range(k):
        order = [f"l{i}" for i in range(m)]
        if mode != "ordered":
            rng.shuffle(order)
        if mode == "gated":
            order = ["gate", *order[: m - 1]]
        orders.append(order)
        lines += [
            f"      - start: b{b}",
            "        states:",
            f"          b{b}: {{type: task, acquire: [{', '.join(order)}], release: [{', '.join(reversed(order))}], end: true}}",
        ]
    lines.append("  done: {type: succeed}")
    return "\n".join(lines) + "\n", orders


def explicit(orders: list[list[str]], cap: int) -> str:
    """BFS over (positions, owners); 'deadlock', 'free' or 'gave up'."""
    programs = [[("a", lk) for lk in o] + [("r", lk) for lk in reversed(o)] for o in orders]
    start = (tuple(0 for _ in programs), tuple())
    seen = {start}
    queue = deque([start])
    while queue:
        pos, owned = queue.popleft()
        owners = dict(owned)
        moved = False
        for h, prog in enumerate(programs):
            if pos[h] == len(prog):
                continue
            op, lk = prog[pos[h]]
            if op == "a" and lk in owners:
                continue
            new_owners = dict(owners)
            if op == "a":
                new_owners[lk] = h
            else:
                del new_owners[lk]
            nxt = (pos[:h] + (pos[h] + 1,) + pos[h + 1 :], tuple(sorted(new_owners.items())))
            moved = True
            if nxt not in seen:
                if len(seen) >= cap:
                    return "gave up"
                seen.add(nxt)
                queue.append(nxt)
        if not moved and any(p < len(prog) for p, prog in zip(pos, programs)):
            return "deadlock"
    return "free"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=int, default=200_000, help="explicit search gives up past this many states")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'mode':>8} {'branches x locks':>17} {'wfverify':>10} {'verdict':>9} {'explicit search':>22}")
    cases = [("random", k, m) for k, m in ((2, 2), (4, 4), (8, 8), (16, 8), (16, 16), (32, 12), (32, 16), (32, 32))]
    cases += [(mode, k, m) for mode in ("ordered", "gated") for k, m in ((8, 8), (32, 16), (32, 32))]
    for mode, k, m in cases:
        text, orders = generate(k, m, seed=k * 100 + m, mode=mode)
        times, verdict = [], ""
        for _ in range(args.repeat):
            workflow = workflow_from_text(text)
            began = time.perf_counter()
            result = check_deadlock(lock_facts(workflow))
            times.append(time.perf_counter() - began)
            verdict = result.verdict
        began = time.perf_counter()
        answer = explicit(orders, args.cap)
        spent = time.perf_counter() - began
        print(
            f"{mode:>8} {k:>8} x {m:<6} {statistics.median(times) * 1000:8.1f} ms {verdict:>9} {answer:>12} "
            f"{spent * 1000:8.0f} ms"
        )


if __name__ == "__main__":
    main()
