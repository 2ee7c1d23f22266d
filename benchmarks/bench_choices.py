"""Time the choice and loop proofs: the whole corpus, and one generated choice with N rules.

Run: python benchmarks/bench_choices.py [--rules 200] [--repeat 3]

The generated choice splits a declared integer into N adjacent ranges
(``n >= k*10 and n < (k+1)*10``), with one duplicated range to shadow and one
gap, so every question (fall-through, dead rules with unsat cores) does work.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from wfverify.api import Options, check_paths
from wfverify.testing import registry, workflow_from_text

ROOT = Path(__file__).resolve().parents[1]


def generated(rules: int) -> str:
    lines = [
        "workflow: generated",
        "start: route",
        "input: {n: int, tag: string}",
        "states:",
        "  route:",
        "    type: choice",
        "    choices:",
    ]
    for k in range(rules):
        lo = k * 10 if k != rules // 2 else k * 10 + 1  # a gap at the middle boundary
        if k == rules - 1:
            lines.append("      - {when: \"n >= 100 and n < 200 and tag == 'x'\", next: done}")  # shadowed
        else:
            lines.append(f'      - {{when: "n >= {lo} and n < {(k + 1) * 10}", next: done}}')
    lines.append("  done: {type: succeed}")
    return "\n".join(lines) + "\n"


def time_generated(rules: int, repeat: int) -> list[float]:
    from wfverify.analysis.smt.choices import analyze_workflow

    text = generated(rules)
    out = []
    for _ in range(repeat):
        wf = workflow_from_text(text, "gen.wf.yaml")
        began = time.perf_counter()
        reports = analyze_workflow(wf)
        out.append(time.perf_counter() - began)
    report = reports["route"]
    print(
        f"generated choice, {rules} rules: exhaustive={report.exhaustive} witness={report.witness} "
        f"dead={[(d.index, d.shadowed_by) for d in report.dead]} unknown={report.unknown}"
    )
    return out


def time_corpus(repeat: int) -> list[float]:
    out, proofs = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        report = check_paths([str(ROOT / "corpus")], Options(), registry())
        out.append(time.perf_counter() - began)
        proofs = report.proofs
    spent = sum(p.seconds for p in proofs if p.property in ("choice-exhaustiveness", "termination"))
    print(f"corpus: {len(report.files)} files, {len(proofs)} proofs, solver-side proof seconds (last run) {spent:.3f}")
    return out


def time_termination() -> float:
    """termination_proof on every corpus workflow (the unbounded-loop rule's proof, computed here directly)."""
    from wfverify.analysis.smt.termination import termination_proof
    from wfverify.discovery import discover
    from wfverify.load import load_bytes

    total, verdicts = 0.0, {}
    for path, _ in discover([str(ROOT / "corpus")]):
        loaded = load_bytes(Path(path).read_bytes(), str(path))
        if loaded.workflow is None:
            continue
        began = time.perf_counter()
        proof = termination_proof(loaded.workflow)
        total += time.perf_counter() - began
        verdicts[Path(path).name] = proof.verdict.value
    print(f"termination proofs on the corpus: {total:.3f}s; {verdicts}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    registry()
    corpus = time_corpus(args.repeat)
    print(f"corpus check (all rules, in process): median {statistics.median(corpus):.3f}s over {args.repeat}")
    time_termination()
    gen = time_generated(args.rules, args.repeat)
    print(f"generated {args.rules}-rule choice proofs: median {statistics.median(gen):.3f}s over {args.repeat}")


if __name__ == "__main__":
    main()
