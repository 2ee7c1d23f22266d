"""Generated lock workflows: a `proven` deadlock freedom is never refuted by the reference simulator.

Small native workflows with nested Parallels, Maps (three items, concurrent or one at a time), critical
sections and locks held around a fork, over a pool of three locks, constant or data-named. Each is
checked statically, then run in the simulator under many seeded random schedules: a `proven` verdict
whose workflow deadlocks under some schedule fails the test, and every `violated` witness replays on
mutexes. Leaks and reacquires are kept out by construction (every lock is released in its own body,
tasks succeed, one state never takes two data-named locks), so a simulated deadlock is a deadlock
between holders. `WFVERIFY_HEAVY=1` runs more.
"""

from __future__ import annotations

import os
import random

import pytest

from wfverify.analysis.locks.facts import lock_facts
from wfverify.analysis.locks.solver import check_deadlock
from wfverify.core.findings import Verdict
from wfverify.simulate import Environment, simulate
from wfverify.testing import workflow_from_text

HEAVY = os.environ.get("WFVERIFY_HEAVY") == "1"
WORKFLOWS = 400 if HEAVY else 60
SCHEDULES = 400 if HEAVY else 80
LOCKS = ["A", "B", "C", "k:{item.a}", "k:{item.b}", "k:{x}"]


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.count = rng, 0
        self.in_map = False

    def name(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def locks(self, k: int) -> list[str]:
        """Distinct locks; two data-named ones in one list could be one lock (a reacquire, not a deadlock)."""
        pool = LOCKS if self.in_map else [lk for lk in LOCKS if "item" not in lk]
        while True:
            chosen = self.rng.sample(pool, k)
            if sum("{" in lk for lk in chosen) <= 1:
                return chosen

    def body(self, depth: int) -> tuple[str, dict[str, str]]:
        """A body: a chain of 1-3 steps; returns (start, states as YAML flow strings)."""
        steps: list[tuple[str, dict[str, str]]] = [self.step(depth) for _ in range(self.rng.randint(1, 3))]
        states: dict[str, str] = {}
        for i, (_first, parts) in enumerate(steps):
            last = list(parts)[-1]
            following = steps[i + 1][0] if i + 1 < len(steps) else None
            parts[last] = parts[last].replace("@NEXT", f"next: {following}" if following else "end: true")
            if any("@CATCH" in v for v in parts.values()):
                target = following or self.name()
                if following is None:
                    states[target] = "{type: succeed}"
                parts = {k: v.replace("@CATCH", target) for k, v in parts.items()}
            states.update(parts)
        return steps[0][0], states

    def step(self, depth: int) -> tuple[str, dict[str, str]]:
        roll = self.rng.random()
        if depth < 2 and roll < 0.35:
            return self.fork(depth, hold=self.rng.random() < 0.3)
        locks = self.locks(self.rng.randint(1, 2))
        name = self.name()
        timeout = self.rng.random() < 0.15 and len(locks) == 1
        acquire = (
            f"[{{lock: '{locks[0]}', timeout: 5s}}]" if timeout else "[" + ", ".join(f"'{lk}'" for lk in locks) + "]"
        )
        release = "[" + ", ".join(f"'{lk}'" for lk in reversed(locks)) + "]"
        if timeout and self.rng.random() < 0.6:  # a lock timeout that skips the section and goes on
            release += ", catch: [{errors: [LockTimeout], next: @CATCH}]"
        text = f"{{type: task, action: w, acquire: {acquire}, release: {release}, @NEXT}}"
        return name, {name: text}

    def fork(self, depth: int, hold: bool) -> tuple[str, dict[str, str]]:
        name = self.name()
        parts: dict[str, str] = {}
        held = self.locks(1)[0] if hold else None
        first = name
        if held:
            first = self.name()
            parts[first] = f"{{type: task, action: h, acquire: ['{held}'], next: {name}}}"
        if self.rng.random() < 0.5:
            branches = []
            for _ in range(2):
                start, states = self.body(depth + 1)
                branches.append(f"{{start: {start}, states: {{{', '.join(f'{k}: {v}' for k, v in states.items())}}}}}")
            fork = f"{{type: parallel, branches: [{', '.join(branches)}], @NEXT}}"
        else:
            was, self.in_map = self.in_map, True
            start, states = self.body(depth + 1)
            self.in_map = was
            width = self.rng.choice([0, 1])
            inner = ", ".join(f"{k}: {v}" for k, v in states.items())
            fork = f"{{type: map, items: rows, max_concurrency: {width}, iterator: {{start: {start}, states: {{{inner}}}}}, @NEXT}}"
        if held:
            after = self.name()
            parts[name] = fork.replace("@NEXT", f"next: {after}")
            parts[after] = f"{{type: task, action: u, release: ['{held}'], @NEXT}}"
        else:
            parts[name] = fork
        return first, parts


def generate(seed: int) -> str:
    gen = _Gen(random.Random(seed))
    start, states = gen.body(0)
    lines = ["workflow: gen", f"start: {start}", "states:"] + [f"  {k}: {v}" for k, v in states.items()]
    return "\n".join(lines) + "\n"


INPUT = {"x": 1, "rows": [{"a": 1, "b": 2}, {"a": 2, "b": 1}, {"a": 1, "b": 1}]}


def _deadlocks(text: str, seed: int) -> bool:
    workflow = workflow_from_text(text)
    rng = random.Random(seed)
    for _ in range(SCHEDULES):
        picks: list[int | str] = [rng.randrange(8) for _ in range(300)]
        if simulate(workflow, Environment(input=INPUT, schedule=picks)).status == "deadlocked":
            return True
    return False


@pytest.mark.parametrize("seed", range(WORKFLOWS))
def test_proven_is_never_refuted_and_witnesses_replay(seed: int) -> None:
    text = generate(seed)
    result = check_deadlock(lock_facts(workflow_from_text(text)))
    if result.verdict is Verdict.VIOLATED:
        assert result.witness is not None
        result.witness.replay()
    if result.verdict in (Verdict.PROVEN, Verdict.NOT_APPLICABLE):
        assert not _deadlocks(text, seed), f"{result.verdict}: {result.detail}\n{text}"
