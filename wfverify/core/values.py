"""Value classes built often enough that a frozen dataclass's construction shows.

A frozen dataclass's ``__init__`` sets each field through
``object.__setattr__``, to get past its own guard: about four times the cost
of a plain assignment, which made building the model's :class:`State`
objects (some 40 fields each) a fifth of loading a definition. A
:func:`value_class` is a slotted dataclass that ``mypy --strict`` checks as
frozen (assigning to a field is a type error, as for a frozen class), with the
equality and hashing of a frozen dataclass (``unsafe_hash``), built without
that run-time guard. Creating the class costs less too (no ``__setattr__``,
``__delattr__``, ``__getstate__`` and ``__setstate__`` to generate), which
start-up pays once per class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

__all__ = ["value_class"]

C = TypeVar("C")


@dataclass_transform(frozen_default=True)
def value_class(cls: type[C]) -> type[C]:
    """Make ``cls`` a value class (see the module documentation)."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
