"""``wfverify simulate`` and ``wfverify fuzz``: the simulator at the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_sim_commands", "load_workflow"]


def add_sim_commands(sub: Any) -> None:
    sim = sub.add_parser(
        "simulate",
        help="run the reference simulator once and print the audit trail",
        description="Run FILE once. Task outcomes, event arrivals and scheduler picks come from "
        '--outcomes (JSON: {"outcomes": {STATE: [{"error": E} | {"result": R}]}, '
        '"events": {STATE: [EVENT|"timeout"]}, "schedule": [INDEX...]}); by '
        "default every task succeeds and echoes its input.",
    )
    sim.add_argument("file", metavar="FILE")
    sim.add_argument(
        "--input", metavar="JSON", help="the execution's input (JSON text; default: the --outcomes file's, else {})"
    )
    sim.add_argument("--outcomes", metavar="FILE", help="an environment file (JSON), as printed by 'wfverify fuzz'")
    sim.add_argument(
        "--max-steps", type=positive, metavar="N", help="step bound (default: the --outcomes file's, else 1000)"
    )
    sim.add_argument("--format", choices=["rich", "text", "json"], help="output format")
    fz = sub.add_parser(
        "fuzz",
        help="explore environments with Hypothesis; print the smallest failing trace",
        description="Check that runs end within the step bound, never deadlock, honour the saga "
        "contract, enter no unreachable state, and never miss every rule of a choice the "
        "proof calls exhaustive. Exit 1 when a property breaks.",
    )
    fz.add_argument("file", metavar="FILE")
    fz.add_argument("--examples", type=positive, default=200, metavar="N", help="environments to try (default 200)")
    fz.add_argument("--seed", type=int, metavar="S", help="random seed (default: derandomized, reproducible)")
    fz.add_argument("--max-steps", type=positive, default=500, metavar="N", help="step bound per run (default 500)")
    fz.add_argument("--format", choices=["text", "json"], default="text", help="output format")


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a bound of 0 runs nothing and proves nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _environment(args: argparse.Namespace) -> Any:
    """The run's environment from --outcomes and --input, or a usage error naming the option at fault."""
    from wfverify.api import UsageError
    from wfverify.simulate import Environment

    env = Environment()
    if args.outcomes:
        try:
            data = json.loads(Path(args.outcomes).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"--outcomes {args.outcomes}: {exc.strerror or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"--outcomes {args.outcomes}: not valid JSON: {exc}") from None
        try:
            if not isinstance(data, dict):
                raise TypeError(f"the top level is {type(data).__name__}")
            env = Environment.from_json(data)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise UsageError(
                f"--outcomes {args.outcomes}: not an environment ({exc}); expected "
                '{"input": ..., "outcomes": {STATE: [{"error": E} | {"result": R}]}, "events": {STATE: [EVENT]}, '
                '"schedule": [...], "max_steps": N}, as fuzz and explore print it'
            ) from None
    if args.input is not None:
        try:
            env.input = json.loads(args.input)
        except ValueError as exc:
            raise UsageError(f"--input: not valid JSON: {exc}") from None
    return env


def load_workflow(path: str) -> Any:
    """The workflow of FILE (with its sidecar), or a usage error saying why it cannot be simulated."""
    from wfverify.api import UsageError
    from wfverify.load import SIDECAR_SUFFIX, load_bytes

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    side = p.with_name(p.name + SIDECAR_SUFFIX)
    sidecar = (side.read_bytes(), str(side)) if side.exists() else None
    loaded = load_bytes(raw, path, sidecar=sidecar)
    if loaded.workflow is None:
        first = loaded.findings[0].message if loaded.findings else "not a workflow"
        raise UsageError(f"{path}: cannot simulate: {first} (run 'wfverify check {path}')")
    return loaded.workflow


def simulate_command(args: argparse.Namespace) -> int:
    from wfverify.simulate import simulate

    workflow = load_workflow(args.file)
    env = _environment(args)
    if args.max_steps is not None:
        env.max_steps = args.max_steps
    trace = simulate(workflow, env)
    fmt = args.format or ("rich" if sys.stdout.isatty() else "text")
    if fmt == "json":
        print(json.dumps(trace.to_json(args.file), indent=2, default=str))
    elif fmt == "rich":
        _rich_trail(trace)
    else:
        for t in trace.trail:
            print(
                f"{t['step']:>4} t={t['time']:<8g} {t['holder']:<16} {t['from'] or '-'} -> {t['to'] or '(end)'}  [{t['why']}]"
            )
        print(status_line(trace))
    return 0


_RUNTIME_CAUSES = (
    ("KeyError: ", "the path {} selects nothing: the field is absent from the state's data"),
    ("IndexError: ", "an index is out of range: {}"),
    ("TypeError: ", "a value has the wrong type: {}"),
    ("ValueError: ", "a value is not valid here: {}"),
    ("AbsentVariable: ", "the variable {} is read before any Assign sets it"),
    (
        "not simulated: ",
        "wfverify's simulator does not evaluate {} (filters, slices, wildcards and JSONata are not run)",
    ),
)


def explain_failure(trace: Any) -> str:
    """``ERROR: why``, and for ``States.Runtime`` the state and the reason in words; never ``None``."""
    if not trace.error:
        return ""
    cause = str(trace.cause) if trace.cause is not None else ""
    if trace.error == "States.Runtime":
        for prefix, wording in _RUNTIME_CAUSES:
            if cause.startswith(prefix):
                cause = wording.format(cause.removeprefix(prefix))
                break
        if trace.entered:
            cause = f"in state {trace.entered[-1]!r}: {cause}" if cause else f"in state {trace.entered[-1]!r}"
    return f"{trace.error}: {cause}" if cause else str(trace.error)


def status_line(trace: Any) -> str:
    why = explain_failure(trace)
    return f"status: {trace.status}" + (f" ({why})" if why else "")


def _rich_trail(trace: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="trail", caption=status_line(trace), caption_justify="left")
    for col in ("step", "time", "holder", "from", "to", "why"):
        table.add_column(col)
    for t in trace.trail:
        table.add_row(str(t["step"]), f"{t['time']:g}", t["holder"], t["from"] or "-", t["to"] or "(end)", t["why"])
    Console().print(table)


def _held_line(path: str, tried: int, workflow: Any, coverage: Any) -> str:
    """No property broke; and when runs missed states, say that nothing was shown about those."""
    missed = [name for name in workflow.states if name not in coverage.states]
    if not missed:
        return f"{path}: {tried} environments tried, every property held (every state was entered)"
    line = f"{path}: {tried} environments tried, no property broke"
    shown = ", ".join(missed[:5]) + (", ..." if len(missed) > 5 else "")
    return (
        line + f" in the {len(workflow.states) - len(missed)} of {len(workflow.states)} states the runs entered; "
        f"never entered, so not checked: {shown}"
    )


def fuzz_command(args: argparse.Namespace) -> int:
    from wfverify.simulate.fuzz import fuzz
    from wfverify.testing import check_text

    workflow = load_workflow(args.file)
    text = Path(args.file).read_text(encoding="utf-8", errors="replace")
    static = check_text(text, args.file) if workflow.source is not None else None
    proven = {p.property: p.verdict.value for p in static.proofs} if static else {}
    result = fuzz(workflow, args.examples, args.seed, proven)
    coverage = result.coverage.summary(workflow)
    if args.format == "json":
        out = {
            "version": 1,
            "path": args.file,
            "tried": result.tried,
            "coverage": coverage,
            "broken": result.failure,
            "environment": result.environment.to_json() if result.environment else None,
            "trace": result.trace.to_json(args.file) if result.trace else None,
        }
        print(json.dumps(out, indent=2, default=str))
    elif result.failure:
        print(f"{args.file}: property broken: {result.failure}")
        print(f"smallest environment (replay with 'wfverify simulate {args.file} --outcomes FILE'):")
        print(json.dumps(result.environment.to_json(), indent=2, default=str))  # type: ignore[union-attr]
        for t in result.trace.trail:  # type: ignore[union-attr]
            print(f"  {t['step']:>3} {t['holder']:<14} {t['from'] or '-'} -> {t['to'] or '(end)'}  [{t['why']}]")
        print(status_line(result.trace))
    else:
        print(_held_line(args.file, result.tried, workflow, result.coverage))
        print("coverage: " + ", ".join(f"{k} {v}" for k, v in coverage.items()))
    return 1 if result.failure else 0
