"""The error names Amazon States Language defines, and what a retry plan costs in time.

Names from the States Language and the Step Functions error-handling page: the
``States.`` prefix is reserved for them, and a ``Retry``/``Catch`` that names a
``States.`` error the service never raises never fires. HTTP Task errors
(``States.Http.Socket``, ``States.Http.StatusCode.NNN``) form an open family.
"""

from __future__ import annotations

from wfverify.core.model import Retrier

__all__ = ["STATES_ERRORS", "closest_states_error", "is_states_error", "total_backoff"]

STATES_ERRORS = (
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
)
_OPEN_FAMILIES = ("States.Http.",)


def is_states_error(name: str) -> bool:
    """A name the service itself raises (or the wildcard)."""
    return name in STATES_ERRORS or name.startswith(_OPEN_FAMILIES)


def closest_states_error(name: str) -> str | None:
    """The predefined name a misspelt ``States.`` error most likely meant."""
    import difflib  # only when a name is unknown

    found = difflib.get_close_matches(name, STATES_ERRORS, n=1, cutoff=0.6)
    return found[0] if found else None


def total_backoff(r: Retrier, jitter_average: bool = False) -> float:
    """Seconds spent waiting between attempts, before any attempt's own run time.

    Each delay is ``interval x rate^i`` capped by ``max_delay``; with FULL
    jitter the service waits a random time up to that delay, so
    ``jitter_average`` gives the expected total (half) instead of the longest.
    """
    total, delay = 0.0, r.interval
    for _ in range(max(r.max_attempts, 0)):
        total += min(delay, r.max_delay) if r.max_delay is not None else delay
        delay *= r.backoff_rate
        if total > 10**12:
            break
    return total / 2 if jitter_average and r.jitter else total
