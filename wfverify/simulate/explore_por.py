"""Partial-order reduction for the explorer: one holder's private steps need no interleaving.

A step is *private* when it cannot affect or be affected by another holder:
it takes and releases no lock, starts and ends no holder (its holder goes on
to a next state on every outcome: every error is caught by a catch-all), and
touches nothing the saga monitor watches (no compensable task, no
compensation, no dead-letter step). Interleaving private steps with the rest
only permutes independent moves, so exploring the private moves of one
holder first (an *ample set*) reaches the same deadlocks and violations. The
cycle proviso keeps non-termination visible: when a reduced move closes a
cycle on the search stack, the configuration is expanded in full.

Only the native dialect is reduced: an ASL step can fail with
``States.Runtime`` (which no catch-all takes) wherever it reads data.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.model import ALL_ERRORS, Dialect, State, StateKind, Workflow
from wfverify.simulate.engine import Run

__all__ = ["ample"]

_LOCAL_KINDS = (StateKind.TASK, StateKind.PASS, StateKind.CHOICE, StateKind.WAIT, StateKind.EVENT)


def _targets(state: State) -> list[str | None]:
    """Every state the holder may go to from ``state`` (None: the holder ends)."""
    if state.kind is StateKind.CHOICE:
        return [rule.next for rule in state.choices] + [state.default]
    if state.kind is StateKind.EVENT:
        return [branch.next for branch in state.events] + [state.on_timeout]
    return [state.next] + [c.next for c in state.catch]


def _private(workflow: Workflow, state: State, dead_letters: set[str]) -> bool:
    if state.kind not in _LOCAL_KINDS or state.acquire or state.release:
        return False
    if state.compensate or state.compensation:
        return False
    if state.kind is StateKind.TASK and not any(ALL_ERRORS in c.errors for c in state.catch):
        return False  # an error nobody catches ends the holder
    for target in _targets(state):
        if target is None or target not in workflow.states:
            return False
        entered = workflow.states[target]
        if entered.compensation or target in dead_letters:
            return False
    return True


def ample(run: Run, moves: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]] | None:
    """The moves of one holder whose next step is private, or None when every holder's step is visible."""
    workflow = run.w
    if workflow.dialect is not Dialect.NATIVE:
        return None
    dead_letters = workflow.memo(
        "explore-dead-letters", lambda: {c.next for s in workflow.iter_states() if s.compensation for c in s.catch}
    )
    by_holder = {h.name: h for h in run.runnable()}
    for name, holder in by_holder.items():
        state = workflow.states.get(holder.state)
        if state is None or holder.acquired_here < len(state.acquire):
            continue
        if _private(workflow, state, dead_letters):
            mine = [m for m in moves if m[0] == "pick" and m[1] == name]
            return mine if len(mine) < len(moves) else None
    return None
