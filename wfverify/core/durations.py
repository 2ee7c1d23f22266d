"""Durations of the native format: seconds as a number, or ``500ms``, ``30s``, ``5m``, ``2h``, ``1d``."""

from __future__ import annotations

import re

__all__ = ["parse_duration", "DURATION_PATTERN"]

DURATION_PATTERN = r"^\d+(\.\d+)?(ms|s|m|h|d)$"
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_RE = re.compile(DURATION_PATTERN)


def parse_duration(value: object) -> float | None:
    """Seconds, or ``None`` when the value is not a duration.

    >>> parse_duration("500ms"), parse_duration("2h"), parse_duration(30)
    (0.5, 7200.0, 30.0)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if isinstance(value, str) and _RE.match(value):
        number = re.match(r"\d+(\.\d+)?", value).group()  # type: ignore[union-attr]
        return float(number) * _UNITS[value[len(number) :]]
    return None
