"""Command line: parse arguments, call the library, print, exit by the contract.

Exit codes (``check`` and ``fuzz``): 0 clean at the ``--fail-on`` level, 1
findings at or above it, 2 the tool could not do its job (one line on
stderr; the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]

EPILOG_CHECK = """\
examples:
  wfverify check corpus/                       every workflow file under corpus/
  wfverify check flows/order.asl.json --format json
  wfverify check - < order.asl.json            read standard input
  wfverify check . --select WF2 --ignore missing-timeout --fail-on warning

files searched in directories: *.asl.json|yaml|yml, *.wf.json|yaml|yml, *.sw.json|yaml|yml
config: [tool.wfverify] in the nearest pyproject.toml, or .wfverify.toml
silence one finding: '# wfverify: ignore[RULE]' on the state's line (YAML),
  or "Comment": "wfverify: ignore[RULE]" in the state (JSON)
exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or internal error
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the contract says
        self.exit(2, f"wfverify: error: {message} (see 'wfverify {self.prog.split()[-1]} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wfverify",
        description="Static analysis and proofs for workflow definitions "
        "(Amazon States Language and the native wfverify format).",
    )
    parser.add_argument("--version", action="version", version=f"wfverify {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = sub.add_parser(
        "check",
        help="load workflow files, run rules and proofs, report",
        epilog=EPILOG_CHECK,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories; '-' reads standard input")
    check.add_argument(
        "--format",
        choices=["rich", "text", "json", "sarif", "github"],
        help="output format (default: rich on a terminal, text otherwise)",
    )
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="only these rules: codes, names, groups or code prefixes, comma-separated",
    )
    check.add_argument("--ignore", action="append", default=[], metavar="RULES", help="skip these rules")
    check.add_argument(
        "--fail-on", choices=["error", "warning"], help="lowest severity that makes the exit code 1 (default error)"
    )
    check.add_argument(
        "--config", metavar="FILE", help="a .wfverify.toml or pyproject.toml to use instead of the nearest one"
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="check files in N processes (default 1; 0 = one per CPU); output order is unchanged",
    )
    check.add_argument(
        "--dialect", choices=["native", "asl", "serverless-workflow"], help="force the dialect instead of detecting it"
    )
    check.add_argument("--no-proofs", action="store_true", help="skip the solver-backed proofs (faster)")
    check.add_argument(
        "--no-aws-checks",
        action="store_true",
        help="ASL for engines other than AWS Step Functions: Resource need not be an ARN",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="only the findings, no summary")
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    rules = sub.add_parser("rules", help="list every rule: code, name, default severity, summary")
    rules.add_argument("--format", choices=["rich", "text", "json"], help="output format")
    explain = sub.add_parser("explain", help="show a rule's page: what, why, examples, how to silence")
    explain.add_argument("rule", metavar="NAME-OR-CODE")
    from wfverify.cli.simulate import add_sim_commands

    add_sim_commands(sub)
    from wfverify.cli.explore import add_explore_command

    add_explore_command(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wfverify")
    except PackageNotFoundError:
        return "unknown"


def _tokens(values: list[str]) -> tuple[str, ...]:
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def _check(args: argparse.Namespace) -> int:
    from wfverify import api
    from wfverify.core.config import Config, find_config, load_config
    from wfverify.core.registry import load_registry
    from wfverify.engine import Selection
    from wfverify.load import LoadOptions
    from wfverify.report import get_reporter

    if args.config:
        config = load_config(Path(args.config))
    else:
        first = next((p for p in args.paths if p != "-"), ".")
        found = find_config(Path(first) if Path(first).exists() else Path("."))
        config = load_config(found) if found else Config()
    registry = load_registry()
    select = _tokens(args.select) or config.select
    ignore = _tokens(args.ignore) + config.ignore
    for token in (*select, *ignore):
        if not registry.matching(token):
            raise api.UsageError(
                f"--select/--ignore: no rule, group or code prefix matches {token!r} (see 'wfverify rules')"
            )
    selection = Selection(
        select=select,
        ignore=ignore,
        severity=config.severity,
        per_file_ignores=config.per_file_ignores,
        proofs=config.proofs and not args.no_proofs,
        debug=args.debug,
    )
    load = LoadOptions(
        dialect=args.dialect or config.dialect,
        aws_checks=config.aws_checks and not args.no_aws_checks,
        max_bytes=config.max_file_size or LoadOptions().max_bytes,
    )
    jobs = args.jobs if args.jobs is not None else config.jobs
    if jobs < 0:
        raise api.UsageError("--jobs takes 0 (one per CPU) or a positive number")
    options = api.Options(selection=selection, load=load, rule_options=config.rules, jobs=jobs or (os.cpu_count() or 1))
    report = api.check_paths(args.paths, options, registry)
    fmt = args.format or ("rich" if sys.stdout.isatty() else "text")
    get_reporter(fmt).render(report, registry, sys.stdout, {"quiet": args.quiet})
    return 1 if report.failed(args.fail_on or config.fail_on) else 0


def _rules(args: argparse.Namespace) -> int:
    from wfverify.core.registry import load_registry

    registry = load_registry()
    fmt = args.format or ("rich" if sys.stdout.isatty() else "text")
    if fmt == "json":
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "groups": list(r.groups),
                "summary": r.summary,
            }
            for r in registry.rules
        ]
        print(json.dumps(rows, indent=2))
    elif fmt == "rich":
        from wfverify.report.rich_report import render_rules

        render_rules(registry)
    else:
        for r in registry.rules:
            print(f"{r.code:7} {r.name:28} {r.severity.value:8} {r.summary}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from wfverify import api
    from wfverify.core.registry import load_registry

    registry = load_registry()
    rule = registry.get(args.rule)
    if rule is None:
        raise api.UsageError(f"no rule named {args.rule!r} (see 'wfverify rules')")
    if sys.stdout.isatty():
        from wfverify.report.rich_report import render_page

        render_page(rule)
    else:
        from wfverify.report.pages import page_text

        print(page_text(rule))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from wfverify.cli.simulate import simulate_command

    return simulate_command(args)


def _fuzz(args: argparse.Namespace) -> int:
    from wfverify.cli.simulate import fuzz_command

    return fuzz_command(args)


def _explore(args: argparse.Namespace) -> int:
    from wfverify.cli.explore import explore_command

    return explore_command(args)


COMMANDS = {
    "check": _check,
    "rules": _rules,
    "explain": _explain,
    "simulate": _simulate,
    "fuzz": _fuzz,
    "explore": _explore,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("wfverify: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (head, less) went away: nothing left to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # the contract: one line on stderr, exit 2
        return _fail(exc, getattr(args, "debug", False))


def _fail(exc: Exception, debug: bool) -> int:
    from wfverify.api import UsageError
    from wfverify.core.config import ConfigError
    from wfverify.core.registry import RegistryError

    if debug:
        import traceback

        traceback.print_exc()
    if isinstance(exc, (UsageError, ConfigError, RegistryError)):
        print(f"wfverify: error: {exc}", file=sys.stderr)
    else:
        print(
            f"wfverify: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback and "
            "please report it)",
            file=sys.stderr,
        )
    return 2


def entry(argv: Any = None) -> None:
    sys.exit(main(argv))
