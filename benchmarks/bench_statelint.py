"""wfverify against statelint on a folder of definitions: cold, warm (result cache), one file, memory.

statelint (PyPI ``statelint``) only checks structure; wfverify runs every rule
and proof. Both are timed as a user runs them, as separate processes, in turn
(wfverify, statelint, wfverify, ...) on the same files, and the median of the
runs is reported with the ratio and the budget of issue 15:

* all rules and proofs, cold cache: at most 1.5 x statelint;
* the same run again, nothing changed (warm cache): at most 0.3 x;
* one definition, start-up included: at most 1.3 x;
* peak memory checking 1,000 definitions: under 150 MB.

statelint is not a dependency: install it to measure (``pip install
statelint==3.1.0``); without it only wfverify's times are printed. Both tools
run with their bytecode caches allowed (``PYTHONDONTWRITEBYTECODE`` removed),
as installed tools do, after one warm-up run each.

    python benchmarks/bench_statelint.py [FOLDER] [--runs 5] [--cpu] [--jobs-sweep]

``--cpu`` measures CPU time (user + system) instead of wall-clock time: the
same ratios on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "asl"
BUDGETS = {"cold": 1.5, "warm": 0.3, "one file": 1.3}
MEMORY_PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(command: list[str], cwd: Path) -> float:
    """Seconds of the process: CPU time (user + system) with ``--cpu``, else wall-clock time."""
    began, used = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    return _children_cpu() - used if CPU else time.perf_counter() - began


CPU = False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wfverify(files: list[str], *extra: str) -> list[str]:
    return [sys.executable, "-m", "wfverify", "check", *files, "--format", "text", "--quiet", *extra]


def _statelint() -> str | None:
    beside = Path(sys.executable).with_name("statelint")
    return str(beside) if beside.exists() else shutil.which("statelint")


def _in_turn(
    ours: list[str], theirs: list[str] | None, cwd: Path, runs: int, before: object = None
) -> tuple[float, float | None]:
    """Median seconds of each command, alternating; ``before`` runs ahead of each of ours (cache reset)."""
    mine, other = [], []
    for _ in range(runs):
        if callable(before):
            before()
        mine.append(_time(ours, cwd))
        if theirs:
            other.append(_time(theirs, cwd))
    return statistics.median(mine), (statistics.median(other) if other else None)


def _row(name: str, mine: float, other: float | None) -> str:
    if other is None:
        return f"| {name} | {mine:.3f} s | (not installed) | | |"
    ratio = mine / other
    budget = BUDGETS.get(name)
    verdict = "" if budget is None else ("within" if ratio <= budget else "over") + f" {budget} x"
    return f"| {name} | {mine:.3f} s | {other:.3f} s | {ratio:.2f} x | {verdict} |"


def _peak_mb(files: list[str], work: Path, count: int) -> float:
    many = work / "many"
    many.mkdir()
    for i in range(count):
        source = Path(files[i % len(files)])
        shutil.copyfile(source, many / f"{i:04d}-{source.name}")
    probe = [sys.executable, "-c", MEMORY_PROBE, *_wfverify([str(many)], "--no-cache", "--jobs", "1")]
    out = subprocess.run(probe, cwd=work, capture_output=True, text=True, env=_env()).stdout
    return int(out.split()[-1]) / 1024


def _jobs_sweep(work: Path, runs: int) -> None:
    many = [str(work / "many")]
    for jobs in ("1", "2", "0"):
        seconds, _ = _in_turn(_wfverify(many, "--no-cache", "--jobs", jobs), None, work, runs)
        print(f"1,000 definitions, --jobs {jobs}: {seconds:.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs-sweep", action="store_true", help="also time 1,000 definitions with -j 1, 2, auto")
    parser.add_argument("--cpu", action="store_true", help="CPU time instead of wall-clock (on a busy machine)")
    args = parser.parse_args()
    global CPU
    CPU = args.cpu
    folder = Path(args.folder)
    files = sorted(str(p) for p in folder.rglob("*.json"))
    if not files:
        print(f"no JSON definitions under {folder}")
        return 1
    lint = _statelint()
    one = sorted(files, key=lambda f: Path(f).stat().st_size)[len(files) // 2]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / ".wfverify_cache"

        def reset() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        for command in (_wfverify(files), [lint, *files] if lint else None):
            if command:
                _time(command, work)  # warm-up: bytecode caches, page cache
        cold = _in_turn(_wfverify(files), [lint, *files] if lint else None, work, args.runs, reset)
        _time(_wfverify(files), work)
        warm = _in_turn(_wfverify(files), [lint, *files] if lint else None, work, args.runs)
        single = _in_turn(_wfverify([one], "--no-cache"), [lint, one] if lint else None, work, args.runs)
        peak = _peak_mb(files, work, 1000)
        clock = "CPU time" if CPU else "wall-clock time"
        print(f"{len(files)} JSON definitions under {folder.name}/, {clock}, median of {args.runs} runs in turn")
        print("| run | wfverify | statelint 3.1.0 | ratio | budget |")
        print("|---|---|---|---|---|")
        print(_row("cold", *cold))
        print(_row("warm", *warm))
        print(_row("one file", *single))
        print(f"| peak memory, 1,000 definitions | {peak:.0f} MB | | | {'within' if peak < 150 else 'over'} 150 MB |")
        if args.jobs_sweep:
            _jobs_sweep(work, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
