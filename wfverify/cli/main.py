"""Command line: parse arguments, call the library, print, exit by the contract.

Exit codes (``check`` and ``fuzz``): 0 clean at the ``--fail-on`` level, 1
findings at or above it, 2 the tool could not do its job (one line on
stderr; the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence

from wfverify.cli import collector

TYPE_CHECKING = False  # typing's import is a start-up cost the checks of a replayed run avoid
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as the contract says
        self.exit(2, f"wfverify: error: {message} (see '{self.prog} --help')\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        """A formatter of the terminal's width, asked once: argparse makes one per option it adds (to check
        the option's metavar), and each asked the terminal its size, a fifth of a hook run's set-up."""
        make: Any = self.formatter_class  # every formatter class of argparse takes a width
        made: argparse.HelpFormatter = make(prog=self.prog, width=_help_width())
        return made


@functools.cache
def _help_width() -> int:
    import shutil

    return shutil.get_terminal_size().columns - 2  # as argparse.HelpFormatter computes it


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, just that command's options (sparing a hook run the others' set-up)."""
    parser = _Parser(
        prog="wfverify",
        description="Static analysis and proofs for workflow definitions "
        "(Amazon States Language and the native wfverify format).",
    )
    parser.add_argument("-V", "--version", action="version", version=f"wfverify {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parser.set_defaults(commands=sub.choices)  # so that a stray argument is blamed on its command
    for name, add in _ADDERS.items():
        if only is None or name == only:
            add(sub)
    return parser


def _add_check(sub: Any) -> None:
    from wfverify.cli.check import add_check_command

    add_check_command(sub)


def _add_rules(sub: Any) -> None:
    rules = sub.add_parser("rules", help="list every rule: code, name, default severity, summary")
    rules.add_argument(
        "--format", choices=["rich", "text", "json", "markdown"], help="output format (markdown: docs/rules.md)"
    )


def _add_explain(sub: Any) -> None:
    explain = sub.add_parser("explain", help="show a rule's page: what, why, examples, how to silence")
    explain.add_argument("rule", metavar="NAME-OR-CODE")


def _add_simulate(sub: Any) -> None:
    from wfverify.cli.simulate import add_sim_commands

    add_sim_commands(sub)


def _add_graph(sub: Any) -> None:
    from wfverify.cli.graph import add_graph_command

    add_graph_command(sub)


def _add_explore(sub: Any) -> None:
    from wfverify.cli.explore import add_explore_command

    add_explore_command(sub)


#: Each command's set-up, in the order ``--help`` lists them (``simulate`` adds ``fuzz`` too).
_ADDERS: dict[str, Any] = {
    "check": _add_check,
    "rules": _add_rules,
    "explain": _add_explain,
    "simulate": _add_simulate,
    "graph": _add_graph,
    "explore": _add_explore,
}


def _version() -> str:
    """The package's own version (importlib.metadata would cost a start-up of its own: ~20 ms)."""
    from wfverify import __version__

    return __version__


def _check(args: argparse.Namespace) -> int:
    from wfverify.cli.check import check_command

    return check_command(args)


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
    elif fmt == "markdown":
        from wfverify.report.pages import rules_index

        sys.stdout.write(rules_index(registry))
    elif fmt == "rich":
        from wfverify.report.rich_report import render_rules

        render_rules(registry)
    else:
        width = max(len(r.name) for r in registry.rules) + 1
        gwidth = max(len(",".join(r.groups)) for r in registry.rules) + 1
        for r in registry.rules:
            print(f"{r.code:7} {r.name:{width}} {r.severity.value:8} {','.join(r.groups):{gwidth}} {r.summary}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from wfverify import api
    from wfverify.core.registry import load_registry

    registry = load_registry()
    rule = registry.get(args.rule)
    if rule is None:
        from wfverify.core.config import did_you_mean

        names = [r.name for r in registry.rules] + [r.code for r in registry.rules]
        hint = did_you_mean(args.rule, names)
        raise api.UsageError(f"no rule named {args.rule!r}{hint} (see 'wfverify rules')")
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


def _graph(args: argparse.Namespace) -> int:
    from wfverify.cli.graph import graph_command

    return graph_command(args)


def _explore(args: argparse.Namespace) -> int:
    from wfverify.cli.explore import explore_command

    return explore_command(args)


COMMANDS = {
    "check": _check,
    "rules": _rules,
    "explain": _explain,
    "simulate": _simulate,
    "fuzz": _fuzz,
    "graph": _graph,
    "explore": _explore,
}


def main(argv: Sequence[str] | None = None) -> int:
    collector.pause()  # see wfverify.cli.collector: on again once the rules are loaded
    try:
        return _main(argv)
    finally:
        collector.started_up()


def _main(argv: Sequence[str] | None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(given[0] if given and given[0] in _ADDERS and given[0] != "simulate" else None)
    args, extra = parser.parse_known_args(given)
    if extra:
        parser_of_command = args.commands.get(args.command, parser) if args.command else parser
        parser_of_command.error(f"unrecognized arguments: {' '.join(extra)}")
    if not args.command:
        parser.print_help()
        return 2
    if args.command != "check":
        collector.started_up()
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
    from wfverify.core.baseline import BaselineError
    from wfverify.core.config import ConfigError
    from wfverify.core.registry import RegistryError

    if debug:
        import traceback

        traceback.print_exc()
    if isinstance(exc, (UsageError, ConfigError, RegistryError, BaselineError)):
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
