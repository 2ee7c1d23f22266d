"""Generated code is compiled once per installation and read back after, as .pyc files are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from wfverify.core import codecache
compiled = []
real_compile = compile
def counting(*args, **kwargs):
    compiled.append(args[0])
    return real_compile(*args, **kwargs)
codecache.compile = counting
from wfverify.core.records import dataclass
@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
assert Point(1) == Point(1, 0) and hash(Point(2)) == hash((2, 0))
print(len(compiled))
"""


def _run(cache: Path | str) -> int:
    env = {**os.environ, "WFVERIFY_CACHE_DIR": str(cache)}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return int(run.stdout.split()[-1])


def test_a_class_is_compiled_once_then_read_back(tmp_path: Path) -> None:
    assert _run(tmp_path) >= 1  # the first process compiles (the model's classes and the probe's)
    assert _run(tmp_path) == 0  # later ones read what it kept
    (stored,) = tmp_path.glob("generated-*.marshal")
    stored.write_bytes(b"not marshal data")
    assert _run(tmp_path) >= 1  # a damaged file is ignored and written again
    assert _run(tmp_path) == 0


def test_nothing_is_kept_when_the_cache_is_off(tmp_path: Path) -> None:
    assert _run("off") >= 1
    assert _run("off") >= 1
