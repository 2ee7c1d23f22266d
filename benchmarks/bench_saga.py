"""Saga analysis on generated workflows: long chains, wide and nested parallels (not a timed test).

Run: python benchmarks/bench_saga.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_saga import long_saga  # noqa: E402

from wfverify.analysis.saga import analyze  # noqa: E402
from wfverify.testing import workflow_from_text  # noqa: E402


def nested_parallels(depth: int, width: int) -> str:
    """A parallel of ``width`` branches, each a compensable task then a parallel one level deeper."""

    def body(level: int, indent: str, path: str = "") -> list[str]:
        out = []
        for b in range(width):
            name = f"t{path}{b}"
            out.append(f"{indent}- start: {name}")
            out.append(f"{indent}  states:")
            if level < depth:
                out.append(f"{indent}    {name}: {{type: task, compensate: undo_{name}, next: p{name}}}")
                out.append(f"{indent}    p{name}:")
                out.append(f"{indent}      type: parallel")
                out.append(f"{indent}      end: true")
                out.append(f"{indent}      branches:")
                out += body(level + 1, indent + "        ", f"{path}{b}_")
            else:
                out.append(f"{indent}    {name}: {{type: task, compensate: undo_{name}, end: true}}")
        return out

    lines = [
        "workflow: nested",
        "start: top",
        "states:",
        "  top:",
        "    type: parallel",
        "    catch: [{errors: ['*'], next: undo_first}]",
        "    next: done",
        "    branches:",
    ]
    lines += body(1, "      ")
    # one compensation chain that undoes every task (names repeat per level/branch index)
    all_names = sorted({line.split(":")[0].strip() for line in lines if "compensate: undo_" in line})
    chain = [f"undo_{n}" for n in all_names]
    lines.append(f"  undo_first: {{type: pass, next: {chain[0]}}}")
    for i, step in enumerate(chain):
        nxt = chain[i + 1] if i + 1 < len(chain) else "failed"
        lines.append(
            f"  {step}: {{type: task, compensation: true, idempotent: true, retry: [{{max_attempts: 2}}], "
            f"catch: [{{errors: ['*'], next: failed}}], next: {nxt}}}"
        )
    lines += ["  done: {type: succeed}", "  failed: {type: fail, error: Failed}"]
    return "\n".join(lines) + "\n"


def measure(label: str, text: str, repeat: int = 5) -> None:
    times, report = [], None
    for _ in range(repeat):
        workflow = workflow_from_text(text)  # fresh model: the analysis is memoized per workflow
        began = time.perf_counter()
        report = analyze(workflow)
        times.append(time.perf_counter() - began)
    assert report is not None
    print(
        f"{label:42} {len(workflow.states):6} states {report.configurations:8} configs "
        f"{statistics.median(times) * 1000:9.1f} ms  violations={len(report.violations)}"
    )


if __name__ == "__main__":
    for steps in (50, 200, 1000):
        measure(f"sequential saga, {steps} compensable steps", long_saga(steps))
    measure("nested parallels, depth 3 x width 3", nested_parallels(3, 3))
    measure("nested parallels, depth 4 x width 4", nested_parallels(4, 4))
