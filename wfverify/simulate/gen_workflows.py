"""Hypothesis strategies for small, well-formed workflows that exercise every proof (public, for tests).

:func:`generated_workflows` draws a native workflow (nested Parallel and Map
bodies, ``concurrent: true``, constant and data-named locks, lock timeouts,
retries, catchers, events, choices with loops and counters, sagas whose
compensations run in the right or the wrong order) and renders it either as a
native file or as Amazon States Language with a sidecar. The soundness
harness (tests/test_soundness.py) compares the static proofs with the
explorer on them.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from wfverify.core.records import dataclass, field
from wfverify.simulate.gen_asl import to_asl

__all__ = ["Generated", "generated_workflows"]

_CONDITIONS = ["x > 3", "x <= 3", "s == 'A'", "s != 'B'", "flag", "not flag", "u >= 2", "exists(u)", "n >= 2"]
_ROOT_LOCKS = ["L1", "L2", "account:42", "account:{acct}"]
_ITEM_LOCKS = ["L1", "L2", "acc:{item.k}", "acc:{item.j}"]


@dataclass
class Generated:
    name: str  # file name (its suffix says the dialect)
    text: str
    sidecar: str | None = None


@dataclass
class _Builder:
    draw: Any
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    count: int = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def body(self, depth: int, in_map: bool, root: bool) -> tuple[str, list[str]]:
        """A chain of 1..3 steps; returns its start and the names of the chain's steps."""
        names = [self.fresh("s") for _ in range(self.draw(st.integers(1, 3)))]
        fail = self.fresh("f")
        held: list[Any] = []
        for i, name in enumerate(names):
            target = names[i + 1] if i + 1 < len(names) else None
            self.states[name] = self.step(name, depth, in_map, target, names[: i + 1], fail, held)
        last = self.states[names[-1]]
        if held and last["type"] == "task" and self.draw(st.booleans()):  # release what is held (or leak it)
            last.setdefault("release", []).extend(a if isinstance(a, str) else a["lock"] for a in held)
        self.states[fail] = {"type": "fail", "error": "Failed"}
        return names[0], [*names, fail]

    def _next(self, state: dict[str, Any], target: str | None) -> dict[str, Any]:
        if target is None:
            state["end"] = True
        else:
            state["next"] = target
        return state

    def step(
        self, name: str, depth: int, in_map: bool, target: str | None, before: list[str], fail: str, held: list[Any]
    ) -> dict[str, Any]:
        kinds = ["task", "task", "task", "choice", "event", "pass"] + (["parallel", "map"] if depth < 2 else [])
        kind = self.draw(st.sampled_from(kinds))
        if kind == "task":
            return self.task(target, in_map, fail, held)
        if kind == "choice":
            return self.choice(target, before, fail)
        if kind == "event":
            state: dict[str, Any] = {"type": "event", "on": [{"event": "Go", "next": target or fail}], "timeout": 5}
            if self.draw(st.booleans()):
                state["on_timeout"] = target or fail
            return state
        if kind == "pass":
            value = self.draw(st.sampled_from(["n + 1", "0", "n - 1", "'text'"]))
            return self._next({"type": "pass", "set": {"n": value}}, target)
        return self.fan(kind, depth, in_map, target, fail)

    def task(self, target: str | None, in_map: bool, fail: str, held: list[Any]) -> dict[str, Any]:
        state: dict[str, Any] = {"type": "task", "action": "act"}
        pool = _ITEM_LOCKS if in_map else _ROOT_LOCKS
        acquire = self.draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
        if acquire:
            entries: list[Any] = [
                {"lock": lock, "timeout": 3} if self.draw(st.integers(0, 3)) == 0 else lock for lock in acquire
            ]
            state["acquire"] = entries
            if self.draw(st.integers(0, 2)):
                state["release"] = list(acquire)
            else:
                held.extend(acquire)
        elif held and self.draw(st.booleans()):
            state["release"] = [held.pop()]
        if self.draw(st.integers(0, 2)) == 0:
            state["retry"] = [{"errors": [self.draw(st.sampled_from(["E1", "*"]))], "max_attempts": 1, "interval": 1}]
            state["idempotent"] = True
        if self.draw(st.booleans()):
            catch_to = self.draw(st.sampled_from([fail, target or fail]))
            state["catch"] = [{"errors": [self.draw(st.sampled_from(["E1", "*"]))], "next": catch_to}]
        if self.draw(st.integers(0, 3)) == 0:
            state["timeout"] = 10
        if self.draw(st.integers(0, 3)) == 0:
            state["set"] = {"n": "n + 1"}
        return self._next(state, target)

    def choice(self, target: str | None, before: list[str], fail: str) -> dict[str, Any]:
        rule_next = self.draw(st.sampled_from([target or fail, *before]))  # an earlier state makes a loop
        state: dict[str, Any] = {
            "type": "choice",
            "choices": [{"when": self.draw(st.sampled_from(_CONDITIONS)), "next": rule_next}],
        }
        if self.draw(st.integers(0, 3)):
            state["default"] = self.draw(st.sampled_from([target or fail, fail, *before]))
        return state

    def fan(self, kind: str, depth: int, in_map: bool, target: str | None, fail: str) -> dict[str, Any]:
        state: dict[str, Any] = {"type": kind}
        if kind == "parallel":
            bodies = [self.body(depth + 1, in_map, False) for _ in range(self.draw(st.integers(1, 2)))]
            state["branches"] = [{"start": start, "states": self.take(names)} for start, names in bodies]
        else:
            start, names = self.body(depth + 1, True, False)
            state["items"] = "items"
            state["max_concurrency"] = self.draw(st.sampled_from([0, 1, 2]))
            state["iterator"] = {"start": start, "states": self.take(names)}
        if self.draw(st.booleans()):
            state["catch"] = [{"errors": ["*"], "next": fail}]
        return self._next(state, target)

    def take(self, names: list[str]) -> dict[str, Any]:
        """Move a nested body's states out of the flat list into the body."""
        return {name: self.states.pop(name) for name in names}


def _saga(builder: _Builder, chain: list[str], draw: Any) -> None:
    """Make some root tasks compensable; their compensations chained in reverse (or, sometimes, not)."""
    tasks = [n for n in chain if builder.states[n]["type"] == "task" and draw(st.integers(0, 2)) == 0]
    if not tasks:
        return
    order = list(reversed(tasks)) if draw(st.integers(0, 3)) else draw(st.permutations(tasks))
    comps = [f"undo_{t}" for t in order]
    for i, task in enumerate(order):
        builder.states[task]["compensate"] = comps[i]
        builder.states[comps[i]] = {
            "type": "task",
            "action": "undo",
            "compensation": True,
            "idempotent": True,
            "retry": [{"max_attempts": 1, "interval": 1}],
            "catch": [{"errors": ["*"], "next": "dead_letter"}],
            "next": comps[i + 1] if i + 1 < len(comps) else "failed",
        }
    builder.states["dead_letter"] = {"type": "task", "action": "ops", "side_effects": False, "next": "failed"}
    done: list[str] = []
    for name in chain:  # a failure after compensable tasks completed goes to the latest one's compensation
        state = builder.states[name]
        if state["type"] in ("task", "parallel", "map") and done and draw(st.integers(0, 3)):
            state["catch"] = [{"errors": ["*"], "next": f"undo_{done[-1]}"}]
        if name in tasks:
            done.append(name)


@st.composite
def generated_workflows(draw: Any, asl: bool | None = None) -> Generated:
    """One small workflow, native or (``asl``) Amazon States Language with a sidecar."""
    builder = _Builder(draw)
    start, chain = builder.body(0, False, True)
    chain = chain[:-1]  # the body's own fail state is no step of the chain
    for name in chain:
        state = builder.states[name]
        if state.get("end"):
            del state["end"]
            state["next"] = "done"
    _saga(builder, chain, draw)
    builder.states.setdefault("failed", {"type": "fail", "error": "Failed"})
    builder.states["done"] = {"type": "succeed"}
    inputs = draw(
        st.fixed_dictionaries(
            {}, optional={"x": st.just("int"), "s": st.just("string"), "flag": st.just("bool"), "n": st.just("int")}
        )
    )
    doc: dict[str, Any] = {"workflow": "generated", "start": start, "states": builder.states}
    if inputs:
        doc["input"] = inputs
    if draw(st.integers(0, 3)) == 0:
        doc["concurrent"] = True
    if asl if asl is not None else draw(st.booleans()):
        text, sidecar = to_asl(doc)
        return Generated("generated.asl.json", text, sidecar)
    return Generated("generated.wf.json", json.dumps(doc, indent=1))
