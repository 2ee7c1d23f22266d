"""``wfverify explore FILE``: the exhaustive explorer at the command line.

Exit codes as for ``fuzz``: 1 when a property is ``violated``, 0 otherwise
(``unknown`` is not a failure: the output names the bound that was reached).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["add_explore_command", "explore_command"]


def add_explore_command(sub: Any) -> None:
    from wfverify.simulate.bounds import Bounds

    defaults = Bounds()
    ex = sub.add_parser(
        "explore",
        help="explore every run of the reference simulator within bounds; prove or refute each property",
        description="Explore every interleaving, task outcome, event, lock timeout and boundary input of FILE "
        "with the reference simulator. Per property: 'violated' with an environment that "
        "'wfverify simulate FILE --outcomes ENV' replays, 'proven' when every run was explored, or "
        "'unknown' naming the bound reached. Exit 1 when a property is violated.",
    )
    ex.add_argument("file", metavar="FILE")
    options = {
        "configurations": "distinct configurations explored",
        "steps": "moves in one run",
        "loop_iterations": "entries of one state in one run",
        "executions": "concurrent executions of a 'concurrent: true' workflow with locks",
        "map_items": "length of Map item lists drawn from the input",
        "inputs": "inputs tried",
    }
    for name, text in options.items():
        flag = "--max-" + name.replace("_", "-")
        ex.add_argument(
            flag,
            dest=name,
            type=int,
            default=getattr(defaults, name),
            metavar="N",
            help=f"{text} (default {getattr(defaults, name)})",
        )
    ex.add_argument("--timeout", type=float, metavar="SECONDS", help="wall-clock budget (default: none)")
    ex.add_argument("--format", choices=["text", "json"], default="text", help="output format")


def explore_command(args: argparse.Namespace) -> int:
    from wfverify.cli.simulate import load_workflow
    from wfverify.core.findings import Verdict
    from wfverify.simulate.explore import Bounds, explore

    workflow = load_workflow(args.file)
    bounds = Bounds(
        configurations=args.configurations,
        steps=args.steps,
        loop_iterations=args.loop_iterations,
        executions=args.executions,
        map_items=args.map_items,
        inputs=args.inputs,
        seconds=args.timeout,
    )
    result = explore(workflow, bounds)
    if args.format == "json":
        out = result.to_json(args.file)
        for prop in out["properties"]:
            if prop["trace"]:
                prop["trace"]["path"] = args.file
        print(json.dumps(out, indent=2, default=str))
    else:
        _print_text(args.file, result)
    return 1 if any(p.verdict is Verdict.VIOLATED for p in result.properties.values()) else 0


def _print_text(path: str, result: Any) -> None:
    print(
        f"{path}: {result.configurations} configurations explored in {result.seconds:.2f} s "
        f"({result.cpu_seconds:.2f} s CPU)"
    )
    for prop in result.properties.values():
        print(f"  {prop.property}: {prop.verdict.value} ({prop.detail})")
        if prop.environment is not None:
            print(
                f"    replay: save the environment below as ENV.json, then 'wfverify simulate {path} --outcomes ENV.json'"
            )
            print("    " + json.dumps(prop.environment.to_json(), default=str))
