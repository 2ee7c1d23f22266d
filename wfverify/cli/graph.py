"""``wfverify graph FILE``: the state graph as Mermaid or DOT, findings marked.

The findings come from the engine, with the rules the file's configuration
selects (as ``check`` would run them); the renderer in
:mod:`wfverify.report.graph` only draws.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_graph_command", "graph_command"]


def add_graph_command(sub: Any) -> None:
    graph = sub.add_parser(
        "graph",
        help="print the state graph as Mermaid or DOT, findings marked",
        description="Print FILE's states and transitions (next, choice rules, defaults, catchers, "
        "events, timeouts), retries as self-loops, parallel branches and map iterators as nested "
        "boxes; states with findings in red, unreachable states grey and dashed.",
    )
    graph.add_argument("file", metavar="FILE", help="a workflow file, or '-' for standard input")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="default: mermaid")
    graph.add_argument("--output-file", "-o", metavar="FILE", help="write to FILE instead of stdout")
    graph.add_argument("--no-proofs", action="store_true", help="skip the solver-backed rules (faster)")


def _selection(path: Path | None, no_proofs: bool) -> Any:
    """The rules `check` would run on this file (its configuration), so the marks agree with `check`."""
    from wfverify.core.config import Config, find_config, load_config
    from wfverify.engine import Selection

    found = find_config(path if path is not None else Path("."))
    config = load_config(found) if found else Config()
    return Selection(
        select=config.select,
        ignore=config.ignore,
        severity=config.severity,
        per_file_ignores=config.per_file_ignores,
        root=config.root,
        proofs=config.proofs and not no_proofs,
    )


def graph_command(args: argparse.Namespace) -> int:
    from wfverify.api import UsageError
    from wfverify.core.registry import load_registry
    from wfverify.engine import run_rules
    from wfverify.load import SIDECAR_SUFFIX, load_bytes
    from wfverify.report.graph import render

    path = None if args.file == "-" else Path(args.file)
    try:
        raw = sys.stdin.buffer.read() if path is None else path.read_bytes()
        side_path = None if path is None else path.with_name(path.name + SIDECAR_SUFFIX)
        sidecar = (side_path.read_bytes(), str(side_path)) if side_path and side_path.is_file() else None
    except OSError as exc:
        raise UsageError(f"{args.file}: {exc.strerror}") from None
    loaded = load_bytes(raw, args.file, sidecar=sidecar)
    if loaded.workflow is None:
        first = loaded.findings[0].message if loaded.findings else "not a workflow"
        raise UsageError(f"{args.file}: cannot draw: {first} (run 'wfverify check {args.file}')")
    result = run_rules(args.file, loaded, load_registry(), _selection(path, args.no_proofs))
    text = render(loaded.workflow, result.findings, args.format)
    if args.output_file:
        try:
            Path(args.output_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output-file {args.output_file}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
