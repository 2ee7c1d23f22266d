"""State machines in templates: what is found per kind and form, and what it costs.

Run: python benchmarks/bench_templates.py PATH [--repeat 3]

Counts every state machine the templates under PATH declare, by kind (sam,
cloudformation, cdk, terraform, serverless) and form (inline, string, sub, join,
uri, heredoc, jsonencode, templatefile, file, template_file, s3, unresolved...),
lists the errors found, then times ``check`` on PATH against checking the same
definitions written out as standalone ASL files (the extra cost of templates).
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import tempfile
import time
from pathlib import Path

from wfverify.api import Options, check_paths
from wfverify.discovery import discover
from wfverify.embedded import root_for, template_kind
from wfverify.load.templates import extract
from wfverify.testing import registry


def machines(path: Path) -> list[tuple[str, str, str, object]]:
    """(kind, form, definition, data) for every state machine under ``path``."""
    out = []
    for display, file in discover([str(path)]):
        kind = template_kind(display, file) if file is not None else None
        if kind is None or file is None:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        result = extract(kind, text, display, file, root_for(file, [str(path)]), 10 * 1024 * 1024)
        for m in result.machines:
            data = m.document.data if m.document is not None else None
            out.append((m.kind, m.form, m.definition, data))
    return out


def timed(paths: list[str], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time stays meaningful on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        check_paths(paths, Options(), registry())
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(args.path)
    found = machines(root)
    counts = collections.Counter((kind, form) for kind, form, _, _ in found)
    print(f"{len(found)} state machines")
    for (kind, form), n in sorted(counts.items()):
        print(f"  {kind:15} {form:14} {n}")
    report = check_paths([str(root)], Options(), registry())
    errors = [f for f in report.findings if f.severity.value == "error"]
    print(f"{len(report.files)} results, {len(errors)} errors:")
    for f in errors:
        print(f"  {f.path}:{f.line}:{f.column} {f.rule} [{f.definition}] {f.message[:100]}")
    with tempfile.TemporaryDirectory() as folder:
        for i, (_, _, _, data) in enumerate(found):
            if isinstance(data, dict):
                Path(folder, f"{i:04d}.asl.json").write_text(json.dumps(data))
        standalone = timed([folder], args.repeat)
    templates = timed([str(root)], args.repeat)
    print(
        f"check {root}: {templates[0]:.2f}s wall, {templates[1]:.2f}s CPU; the same definitions as "
        f"standalone files: {standalone[0]:.2f}s wall, {standalone[1]:.2f}s CPU "
        f"(the first run of each pays the template parsers' import)"
    )


if __name__ == "__main__":
    main()
