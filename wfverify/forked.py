"""Checking files in several processes, without a process pool.

A pool (:class:`concurrent.futures.ProcessPoolExecutor`) starts its workers,
pickles every argument to them, and leaves the parent idle while they work: on
the two cores of a pre-commit machine that made a second process gain only a
fifth of the run. Here the parent forks its helpers after everything is loaded
(the files' bytes included, so nothing is sent to them), then works too. The
files are handed out from one pipe filled before the fork: every process reads
the next four-byte index when it is free, so a slow file does not hold up a
fixed share. A pipe read of a few bytes is atomic, so no index is taken twice.
Each helper sends back its results, pickled, when it has no more to take; any
index a helper did not return (it was killed, say) is checked by the parent.

Only where :func:`os.fork` is the normal way to start a process (Linux); other
systems use the pool.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

#: A pipe holds 64 KiB before a write blocks, and all of it is written before the fork.
_MOST_TOKENS = 65536 // 4


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def forked_map(
    work: Callable[[int], Any],
    count: int,
    processes: int,
    done: Callable[[int], None] | None = None,
    first: Sequence[int] | None = None,
) -> list[Any]:
    """``[work(0), ..., work(count - 1)]``, computed by this process and ``processes - 1`` forked ones.

    ``done(index)`` is called in this process for each result as it arrives (a progress display).
    ``first``: the order to hand the work out in (the largest first, so that no process is left
    with a large one at the end while the others wait); by index when not given.
    """
    chunk = -(-count // _MOST_TOKENS)
    tokens = -(-count // chunk)
    order = first if first is not None and chunk == 1 else range(tokens)
    take_fd, give_fd = os.pipe()
    os.write(give_fd, b"".join(i.to_bytes(4, "little") for i in order))
    os.close(give_fd)
    sys.stdout.flush()
    sys.stderr.flush()
    helpers = [_fork_helper(work, take_fd, chunk, count) for _ in range(processes - 1)]
    results: dict[int, Any] = {}
    try:
        for index, result in _take_all(work, take_fd, chunk, count):
            results[index] = result
            if done:
                done(index)
    except BaseException:
        _stop(helpers)
        raise
    finally:
        os.close(take_fd)
    for pid, read_fd in helpers:
        for index, result in _collect(pid, read_fd):
            results[index] = result
            if done:
                done(index)
    for index in range(count):
        if index not in results:  # a helper that failed: checked here
            results[index] = work(index)
            if done:
                done(index)
    return [results[i] for i in range(count)]


def _stop(helpers: list[tuple[int, int]]) -> None:
    import signal

    for pid, read_fd in helpers:
        os.kill(pid, signal.SIGKILL)
        os.close(read_fd)
        os.waitpid(pid, 0)


def _take_all(work: Callable[[int], Any], take_fd: int, chunk: int, count: int) -> Iterator[tuple[int, Any]]:
    while len(token := os.read(take_fd, 4)) == 4:
        first = int.from_bytes(token, "little") * chunk
        for index in range(first, min(first + chunk, count)):
            yield index, work(index)


def _fork_helper(work: Callable[[int], Any], take_fd: int, chunk: int, count: int) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return pid, read_fd
    status = 1
    try:
        os.close(read_fd)
        done = list(_take_all(work, take_fd, chunk, count))
        with os.fdopen(write_fd, "wb") as out:
            pickle.dump(done, out, pickle.HIGHEST_PROTOCOL)
        status = 0
    except BaseException:  # the parent checks what this helper did not send back
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read_fd: int) -> list[tuple[int, Any]]:
    """What a helper sent back: all its results, or nothing if it failed (the parent redoes them)."""
    with os.fdopen(read_fd, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return []
    try:
        done: list[tuple[int, Any]] = pickle.loads(data)
    except Exception:
        return []
    return done


def pool_map(function: Callable[[Any], Any], arguments: Sequence[Any], processes: int) -> Iterator[Any]:
    """``map(function, arguments)`` in a process pool, where forking is not the norm."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=processes) as pool:
        yield from pool.map(function, arguments, chunksize=max(1, len(arguments) // (processes * 4)))
