"""CPU cost of the positions of findings: the lazy map against one full map per file.

Run: python benchmarks/bench_positions.py [FOLDER] [--repeat 7]

FOLDER (default: the real ASL definitions next to the repository, when present)
is checked once to record which pointers each file's findings ask about. Then,
on fresh documents each time, it times (CPU, best of ``--repeat``):

- ``scan``: :func:`wfverify.load.jsonpos.scan` over every JSON text (the full map);
- ``locate, lazy``: the recorded look-ups as a run makes them (``Document.locate``);
- ``locate, full map``: the same look-ups when the first one maps the whole text.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wfverify.api import Options, check_paths
from wfverify.load import jsonpos, source
from wfverify.testing import registry

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "asl"


def record(folder: Path) -> list[tuple[str, list[str]]]:
    """(text, pointers asked) for every JSON document a check of ``folder`` locates findings in."""
    asked: dict[int, tuple[str, list[str]]] = {}
    kept: list[source.Document] = []  # alive until the end, so their ids stay unique
    original = source.Document.locate

    def recording(doc: source.Document, pointer: str) -> tuple[int, int]:
        if id(doc) not in asked:
            kept.append(doc)
            asked[id(doc)] = (doc.text, [])
        asked[id(doc)][1].append(pointer)
        return original(doc, pointer)

    source.Document.locate = recording  # type: ignore[method-assign,assignment]
    try:
        check_paths([str(folder)], Options(), registry())
    finally:
        source.Document.locate = original  # type: ignore[method-assign]
    return [entry for entry in asked.values() if entry[0].lstrip()[:1] in ("{", "[")]


def best(repeat: int, run: Callable[[], None], prepare: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeat):
        state = prepare() if prepare else None
        started = time.process_time()
        run() if state is None else state()
        times.append(time.process_time() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not args.folder.is_dir():
        raise SystemExit(f"no folder {args.folder}: give one with JSON workflow definitions")
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(args.folder.rglob("*.json"))]
    cases = record(args.folder)

    def documents(full: bool) -> Callable[[], Callable[[], None]]:
        def prepare() -> Callable[[], None]:
            docs = [(source._parse_json(text)[0], pointers) for text, pointers in cases]
            for doc, _ in docs:
                if full and doc is not None:
                    doc._offsets = None  # the first look-up maps the whole text, as before the lazy map

            def run() -> None:
                for doc, pointers in docs:
                    for pointer in pointers:
                        doc.locate(pointer)  # type: ignore[union-attr]

            return run

        return prepare

    print(f"{len(texts)} JSON texts; {len(cases)} located findings in, {sum(len(p) for _, p in cases)} look-ups")

    def scan_all() -> None:
        for text in texts:
            jsonpos.scan(text)

    print(f"scan (full map) of every text  {best(args.repeat, scan_all):8.2f} ms")
    print(f"locate, lazy                   {best(args.repeat, lambda: None, documents(False)):8.2f} ms")
    print(f"locate, full map at first use  {best(args.repeat, lambda: None, documents(True)):8.2f} ms")


if __name__ == "__main__":
    main()
