"""Deadlock witnesses as :class:`~wfverify.core.witness.LockSchedule`: concrete lock names and the data behind them.

A schedule names concrete locks, so data-named locks get values: the names
the solver made equal share one string that every template of the class can
spell (:func:`~wfverify.analysis.locks.names.common_name`), and each holder's
placeholder values are read back from it. When no such strings exist (two
placeholders of one holder would need two values) there is no witness, and the
caller says ``unknown`` rather than print a schedule that cannot happen.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from wfverify.analysis.locks.facts import Event, Path
from wfverify.analysis.locks.names import PLACEHOLDER, common_name, is_template, placeholder_values
from wfverify.analysis.locks.numeric import integer_variables, spell, spellings
from wfverify.analysis.locks.threads import Conflict, Thread
from wfverify.core.model import Workflow
from wfverify.core.witness import LockSchedule, ScheduleStep

__all__ = ["conflict_schedule", "model_schedule"]

_VERBS = {"acquire": "acquire {}", "release": "release {}", "timeout": "gives up waiting for {} (LockTimeout)"}


def _step(k: int, holder: str, action: str, lock: str, e: Event) -> ScheduleStep:
    message = f"waits for {lock} forever" if action == "block" else _VERBS[action].format(lock)
    return ScheduleStep(k, holder, action, lock, e.state, e.pointer, message)


def conflict_schedule(workflow: Workflow, c: Conflict) -> LockSchedule | None:
    """Each enclosing body runs to its fork and joins; the innermost body runs to the wait."""
    held_name = common_name(c.held, c.lock)
    if held_name is None:
        return None
    data: dict[str, dict[str, str]] = {}
    for holder, template in ((c.holder, c.held), (c.chain[-1][0], c.lock)):
        values = placeholder_values(template, held_name)
        if values is None or any(data.get(holder, {}).get(k, v) != v for k, v in values.items()):
            return None
        data.setdefault(holder, {}).update(values)
    steps: list[ScheduleStep] = []
    for level, (holder, events) in enumerate(c.chain):
        for e in events:
            if e.action in ("acquire", "release", "timeout"):
                name = held_name if (holder, e.lock) == (c.holder, c.held) else _fill(e.lock, data.get(holder, {}))
                steps.append(_step(len(steps) + 1, holder, e.action, name, e))
        if level + 1 < len(c.chain):
            fork = events[-1]
            below = c.chain[level + 1][0]
            steps.append(
                ScheduleStep(
                    len(steps) + 1,
                    holder,
                    "join",
                    "",
                    fork.state,
                    fork.pointer,
                    f"waits for {below} to end",
                    (below,),
                )
            )
    waiter = c.chain[-1][0]
    steps.append(_step(len(steps) + 1, waiter, "block", held_name, c.wait))
    return LockSchedule(tuple(steps), {h: v for h, v in data.items() if v})


def _fill(template: str, values: dict[str, str]) -> str:
    """A concrete name: known placeholder values, else the expression itself in angle brackets."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), f"<{m.group(1).strip()}>"), template)


def model_schedule(group: list[Thread], paths: list[Path], model: Any, enc: Any) -> LockSchedule | None:
    """The solver's schedule: executed events by timestamp, then the blocked acquires."""
    import z3

    names = _concrete_names(model, enc.occurrences)
    if names is None:
        return None
    names = _integer_names(group, names) or names
    data: dict[int, dict[str, str]] = {}
    for (copy, lock), concrete in names.items():
        if not is_template(lock):
            continue
        values = placeholder_values(lock, concrete)
        mine = data.setdefault(copy, {})
        if values is None or any(mine.get(k, v) != v for k, v in values.items()):
            return None
        mine.update(values)
    order = []
    for h in range(len(paths)):
        count = model.eval(enc.prefix[h], model_completion=True).as_long()
        order += [(model.eval(enc.stamp[h][i], model_completion=True).as_long(), h, i) for i in range(count)]
    order.sort()
    steps: list[ScheduleStep] = []
    for _, h, i in order:
        e = paths[h][i]
        steps.append(_step(len(steps) + 1, group[h].name, e.action, names[group[h].copy, e.lock], e))
    for h in range(len(paths)):
        if z3.is_true(model.eval(enc.blocked[h], model_completion=True)):
            e = paths[h][model.eval(enc.prefix[h], model_completion=True).as_long()]
            steps.append(_step(len(steps) + 1, group[h].name, "block", names[group[h].copy, e.lock], e))
    holders = {t.name: data[t.copy] for t in group if data.get(t.copy)}
    return LockSchedule(tuple(steps), holders)


def _concrete_names(model: Any, occurrences: dict[tuple[int, str], Any]) -> dict[tuple[int, str], str] | None:
    """(copy, name) -> a concrete string: equal integers share one string, different ones differ."""
    by_value: dict[int, list[tuple[int, str]]] = {}
    for key, term in occurrences.items():
        by_value.setdefault(model.eval(term, model_completion=True).as_long(), []).append(key)
    out: dict[tuple[int, str], str] = {}
    used: set[str] = set()
    for k, (_, keys) in enumerate(sorted(by_value.items())):
        name = _one_string([lock for _, lock in keys], f"v{k}")
        if name is None or name in used:
            return None
        used.add(name)
        out.update((key, name) for key in keys)
    return out


def _one_string(locks: list[str], filler: str) -> str | None:
    constants = sorted({lk for lk in locks if not is_template(lk)})
    if len(constants) > 1:
        return None
    templates = sorted({lk for lk in locks if is_template(lk)})
    name = constants[0] if constants else common_name(templates[0], templates[-1], filler)
    if name is None or any(placeholder_values(t, name) is None for t in templates):
        return None
    return name


MAX_TRIES = 4096


def _integer_names(group: list[Thread], names: dict[tuple[int, str], str]) -> dict[tuple[int, str], str] | None:
    """Numbers for integer placeholders (``r:{n}``, ``r:{n + 1}`` with ``n`` declared int) that spell the
    solver's classes exactly, instead of filler strings; None when some placeholder is not integer
    arithmetic or no small values (and the numbers in the constants, one off) do it."""
    ints = {t.copy: t.ints for t in group if t.ints}
    wanted: dict[tuple[int, str], str] = {}
    slots: list[tuple[int, str]] = []  # (copy, variable)
    for copy, lock in names:
        found = integer_variables(lock, ints.get(copy, frozenset())) if is_template(lock) else set()
        if found is None:
            return None
        slots += [(copy, v) for v in sorted(found) if (copy, v) not in slots]
    if not slots:
        return None
    numbers = {int(x) for name in names.values() for x in re.findall(r"-?\d+", name) if len(x) < 16}
    pool = {0, 1, 2, 3} | numbers | {x + 1 for x in numbers} | {x - 1 for x in numbers}
    candidates = sorted(pool, key=lambda x: (abs(x), x))
    for count, choice in enumerate(itertools.product(candidates, repeat=len(slots))):
        if count >= MAX_TRIES:
            return None
        values = dict(zip(slots, choice, strict=True))
        for copy, lock in names:
            mine = {v: x for (c, v), x in values.items() if c == copy}
            wanted[copy, lock] = spell(lock, spellings([lock], mine)) if is_template(lock) else lock
        if all((names[a] == names[b]) == (wanted[a] == wanted[b]) for a in names for b in names):
            return dict(wanted)
    return None
