"""The cycle collector during start-up: off while modules load, frozen out of the way once they have.

Start-up allocates a hundred thousand long-lived objects (modules, classes,
rules) and no garbage, so collecting cycles meanwhile only slows every command
down. :func:`pause` turns it off as a command begins; :func:`started_up` moves
everything allocated so far into the permanent generation and turns it on again,
before any analysis (analyses do make cycles).
"""

from __future__ import annotations

import gc

__all__ = ["pause", "started_up"]


def pause() -> None:
    gc.disable()


def started_up() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
