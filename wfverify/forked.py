"""Checking files in several processes, without a process pool.

A pool (:class:`concurrent.futures.ProcessPoolExecutor`) starts its workers,
pickles every argument to them, and leaves the parent idle while they work: on
the two cores of a pre-commit machine that made a second process gain only a
fifth of the run. Here the parent forks its helpers after everything is loaded
(the files' bytes included, so nothing is sent to them), then works too. The
files are handed out from one pipe filled before the fork: every process reads
the next four-byte index when it is free, so a slow file does not hold up a
fixed share. A pipe read of a few bytes is atomic, so no index is taken twice.
Each helper sends every result back, pickled, as soon as it has it, and the
parent reads what has arrived between its own files, so neither pickling nor
unpickling waits for the end; any index a helper did not return (it was
killed, say) is checked by the parent.

Only where :func:`os.fork` is the normal way to start a process (Linux); other
systems use the pool.
"""

from __future__ import annotations

import itertools
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

#: A pipe holds 64 KiB before a write blocks, and all of it is written before the fork.
_MOST_TOKENS = 65536 // 4


def can_fork() -> bool:
    """Linux, and no other thread running (a thread holding a lock at the fork would leave it held in the
    helper forever): a library caller with threads gets the pool, with freshly started processes."""
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and hasattr(os, "fork") and alone


def forked_map(
    work: Callable[[int], Any],
    count: int,
    processes: int,
    done: Callable[[int], None] | None = None,
    first: Sequence[int] | None = None,
    own: Sequence[int] = (),
) -> list[Any]:
    """``[work(0), ..., work(count - 1)]``, computed by this process and ``processes - 1`` forked ones.

    ``done(index)`` is called in this process for each result as it arrives (a progress display).
    ``first``: the order to hand the work out in (the largest first, so that no process is left
    with a large one at the end while the others wait); by index when not given. ``own``: work
    this process does itself, before it takes from the others' queue: work that needs a costly
    set-up of its own (a library to import) is then set up in one process, not in each.
    """
    chunk = -(-count // _MOST_TOKENS)
    tokens = -(-count // chunk)
    mine = list(own) if chunk == 1 else []  # a chunked queue (a huge run) hands out everything
    order: Sequence[int] = range(tokens)
    if chunk == 1:
        kept = set(mine)
        order = [i for i in (first if first is not None else range(count)) if i not in kept]
    take_fd, give_fd = os.pipe()
    os.write(give_fd, b"".join(i.to_bytes(4, "little") for i in order))
    os.close(give_fd)
    sys.stdout.flush()
    sys.stderr.flush()
    helpers = [_fork_helper(work, take_fd, chunk, count) for _ in range(processes - 1)]
    results: dict[int, Any] = {}

    def arrived(pairs: Iterable[tuple[int, Any]]) -> None:
        for index, result in pairs:
            results[index] = result
            if done:
                done(index)

    try:
        for pair in itertools.chain(((i, work(i)) for i in mine), _take_all(work, take_fd, chunk, count)):
            arrived([pair])
            arrived(pair for helper in helpers for pair in helper.ready())
    except BaseException:
        for helper in helpers:
            helper.stop()
        raise
    finally:
        os.close(take_fd)
    for helper in helpers:
        arrived(helper.rest())
    arrived((i, work(i)) for i in range(count) if i not in results)  # what a failed helper left: done here
    return [results[i] for i in range(count)]


def _take_all(work: Callable[[int], Any], take_fd: int, chunk: int, count: int) -> Iterator[tuple[int, Any]]:
    while len(token := os.read(take_fd, 4)) == 4:
        first = int.from_bytes(token, "little") * chunk
        for index in range(first, min(first + chunk, count)):
            yield index, work(index)


def _fork_helper(work: Callable[[int], Any], take_fd: int, chunk: int, count: int) -> _Helper:
    read_fd, write_fd = os.pipe()
    _widen(write_fd)
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return _Helper(pid, read_fd)
    status = 1
    try:
        os.close(read_fd)
        for pair in _take_all(work, take_fd, chunk, count):
            frame = pickle.dumps(pair, pickle.HIGHEST_PROTOCOL)
            _write_all(write_fd, len(frame).to_bytes(4, "little") + frame)
        status = 0
    except BaseException:  # the parent checks what this helper did not send back
        pass
    finally:
        os._exit(status)


def _widen(fd: int) -> None:
    """A 1 MiB pipe (Linux allows it unprivileged): a helper rarely waits while the parent is busy with a
    long file before it reads what has arrived (a default pipe holds some 40 results)."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        return


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Helper:
    """A forked helper seen from the parent: the results it has sent, read as they arrive."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid, self.fd = pid, read_fd
        self.buffer = bytearray()
        os.set_blocking(read_fd, False)

    def ready(self) -> list[tuple[int, Any]]:
        """The results that have arrived whole, without waiting."""
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not data:
                break
            self.buffer += data
        return self._frames()

    def rest(self) -> list[tuple[int, Any]]:
        """Everything else it sends, until it ends; nothing more if it failed (the parent redoes that)."""
        os.set_blocking(self.fd, True)
        with os.fdopen(self.fd, "rb") as stream:
            self.buffer += stream.read()
        os.waitpid(self.pid, 0)
        return self._frames()

    def stop(self) -> None:
        import signal

        os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        os.waitpid(self.pid, 0)

    def _frames(self) -> list[tuple[int, Any]]:
        out: list[tuple[int, Any]] = []
        start = 0
        while len(self.buffer) - start >= 4:
            size = int.from_bytes(self.buffer[start : start + 4], "little")
            if len(self.buffer) - start - 4 < size:
                break
            try:
                out.append(pickle.loads(self.buffer[start + 4 : start + 4 + size]))
            except Exception:  # a damaged frame: its index is checked again by the parent
                pass
            start += 4 + size
        del self.buffer[:start]
        return out


def pool_map(function: Callable[[Any], Any], arguments: Sequence[Any], processes: int) -> Iterator[Any]:
    """``map(function, arguments)`` in a pool of freshly started processes, where forking is not safe."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        yield from pool.map(function, arguments, chunksize=max(1, len(arguments) // (processes * 4)))
