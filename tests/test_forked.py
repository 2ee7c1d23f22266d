"""Checking in several processes without a pool: order, helpers that fail, errors in the parent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wfverify import forked

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="forked helpers are used on Linux only")


def test_results_keep_the_order_of_the_work_whoever_did_it() -> None:
    parent = os.getpid()
    results = forked.forked_map(lambda i: (i * i, os.getpid() == parent), 200, 3)
    assert [square for square, _ in results] == [i * i for i in range(200)]


def test_every_index_is_reported_once_as_it_arrives() -> None:
    seen: list[int] = []
    forked.forked_map(lambda i: i, 50, 2, seen.append)
    assert sorted(seen) == list(range(50))


def test_work_a_helper_did_not_send_back_is_done_by_the_parent() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # a helper killed mid-run: what it took must still be checked
        return index + 1

    assert forked.forked_map(work, 40, 2) == list(range(1, 41))


def test_an_error_in_a_helper_is_raised_by_the_parent_when_it_redoes_the_work() -> None:
    def work(index: int) -> int:
        if index == 7:
            raise ValueError("seven")
        return index

    with pytest.raises(ValueError, match="seven"):
        forked.forked_map(work, 20, 2)


def test_a_large_run_is_handed_out_in_chunks_that_fit_the_pipe() -> None:
    count = forked._MOST_TOKENS * 2 + 5
    results = forked.forked_map(lambda i: i, count, 2)
    assert results == list(range(count))


def test_where_forking_is_not_the_norm_a_pool_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wfverify.api import Options, check_paths

    folder = tmp_path
    for i in range(6):
        text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "%s"}, "B": {"Type": "Succeed"}}}'
        (folder / f"f{i}.asl.json").write_text(text % ("B" if i % 2 else "Nowhere"), encoding="utf-8")
    forked_run = check_paths([str(folder)], Options(jobs=2))
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    pooled = check_paths([str(folder)], Options(jobs=2))
    single = check_paths([str(folder)], Options(jobs=1))
    summaries = [[(r.path, [f.rule for f in r.findings]) for r in run.files] for run in (forked_run, pooled, single)]
    assert summaries[0] == summaries[1] == summaries[2]
    assert any(rules for _, rules in summaries[0])


def test_work_is_handed_out_in_the_order_asked() -> None:
    taken: list[int] = []

    def work(index: int) -> int:
        taken.append(index)  # in this process only: a helper's list is its own
        return index

    order = list(range(30))[::-1]
    assert forked.forked_map(work, 30, 1, first=order) == list(range(30))
    assert taken == order


def test_work_of_its_own_is_done_by_the_parent_and_never_by_a_helper() -> None:
    parent = os.getpid()
    own = [3, 17, 29]
    results = forked.forked_map(lambda i: os.getpid() == parent, 40, 2, own=own)
    assert all(results[i] for i in own)


def test_results_larger_than_the_pipe_arrive_whole_while_the_parent_is_busy() -> None:
    import time

    def work(index: int) -> str:
        if index == 0:
            time.sleep(0.3)  # the parent's own, long file: the helper fills the pipe meanwhile
        return str(index) * 5000

    results = forked.forked_map(work, 400, 2, own=[0])
    assert results == [str(i) * 5000 for i in range(400)]


def test_a_process_with_other_threads_is_not_forked() -> None:
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not forked.can_fork()
    finally:
        release.set()
        other.join()
    assert forked.can_fork()
