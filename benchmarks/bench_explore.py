"""The explorer on every corpus file: configurations, time and verdicts, as a Markdown table.

Run: python benchmarks/bench_explore.py [--configurations N]   (the table in docs/explorer.md)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wfverify.core.findings import PROOF_PROPERTIES
from wfverify.load import SIDECAR_SUFFIX, load_bytes
from wfverify.simulate.explore import Bounds, explore

ROOT = Path(__file__).resolve().parents[1]
SHORT = {
    "choice-exhaustiveness": "choices",
    "termination": "termination",
    "saga": "saga",
    "deadlock-freedom": "deadlock",
}


def corpus_files() -> list[Path]:
    out = []
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.is_file() and not path.name.endswith((".expected.json", SIDECAR_SUFFIX)):
            out.append(path)
    return out


def row(path: Path, bounds: Bounds) -> str:
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    sidecar = (side.read_bytes(), str(side)) if side.exists() else None
    loaded = load_bytes(path.read_bytes(), str(path), sidecar=sidecar)
    name = path.relative_to(ROOT).as_posix()
    if loaded.workflow is None:
        return f"| {name} | – | – | – | does not load |"
    result = explore(loaded.workflow, bounds)
    verdicts = ", ".join(f"{SHORT[p]} {result.properties[p].verdict.value}" for p in PROOF_PROPERTIES)
    reached = "; ".join(result.bounds_reached) or "none"
    return f"| {name} | {result.configurations} | {result.cpu_seconds:.2f} | {reached} | {verdicts} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--configurations", type=int, default=Bounds().configurations)
    args = parser.parse_args()
    bounds = Bounds(configurations=args.configurations)
    print("| file | configurations | CPU s | bounds reached | verdicts |")
    print("|---|---:|---:|---|---|")
    for path in corpus_files():
        print(row(path, bounds))


if __name__ == "__main__":
    main()
