"""``wfverify check``: options, configuration in effect, baseline, output, exit code.

Exit codes: 0 nothing at or above ``--fail-on`` (or ``--exit-zero``), 1
findings at or above it, 2 the tool could not do its job, including paths that
hold no workflow file (checking nothing must not look like passing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wfverify.core.records import replace

TYPE_CHECKING = False  # typing's import is a start-up cost the checks of a replayed run avoid
if TYPE_CHECKING:
    from typing import IO, Any

__all__ = ["add_check_command", "check_command"]


def _formats() -> list[str]:
    from wfverify.report import FORMATS

    return list(FORMATS)


EPILOG_CHECK = """\
examples:
  wfverify check corpus/                       every workflow file under corpus/
  wfverify check flows/order.asl.json --format json
  wfverify check - < order.asl.json            read standard input
  wfverify check . --select WF2 --ignore missing-timeout --fail-on warning
  wfverify check . --write-baseline .wfverify-baseline.json   then: --baseline .wfverify-baseline.json

files searched in directories: *.asl.json|yaml|yml, *.wf.json|yaml|yml, and any
  JSON/YAML file whose top level is a state machine (StartAt and States, or workflow)
config: [tool.wfverify] in the nearest pyproject.toml, or .wfverify.toml (see --show-config)
silence one finding: '# wfverify: ignore[RULE]' on the state's line (YAML),
  or "Comment" (ASL) / "comment" (native): "wfverify: ignore[RULE]" in the state (JSON)
exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or internal error,
  or no workflow file found in the paths given
"""


def add_check_command(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="load workflow files, run rules and proofs, report",
        epilog=EPILOG_CHECK,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (default: ., or - with --stdin-filename); '-' reads stdin",
    )
    check.add_argument(
        "--format", choices=_formats(), help="output format (default: rich on a terminal, text otherwise)"
    )
    _selection_arguments(check)
    _output_arguments(check)
    _file_arguments(check)
    check.add_argument("--no-proofs", action="store_true", help="skip the solver-backed proofs (faster)")
    check.add_argument(
        "--no-aws-checks",
        action="store_true",
        help="ASL for engines other than AWS Step Functions: Resource need not be an ARN",
    )
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _selection_arguments(check: Any) -> None:
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
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings are reported")
    check.add_argument(
        "--config", metavar="FILE", help="a .wfverify.toml or pyproject.toml to use instead of the nearest one"
    )
    check.add_argument("--show-config", action="store_true", help="print the configuration in effect and exit")
    check.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="check files in N processes (default 0: several only for runs large enough to pay off); "
        "output is unchanged",
    )
    check.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the result cache (.wfverify_cache)"
    )
    check.add_argument("--dialect", choices=["native", "asl"], help="force the dialect instead of detecting it")
    check.add_argument("--baseline", metavar="FILE", help="report only findings that FILE does not record")
    check.add_argument(
        "--write-baseline", metavar="FILE", help="record every current finding in FILE (then report none of them)"
    )


def _output_arguments(check: Any) -> None:
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--statistics", action="store_true", help="count findings per rule instead of listing them")
    check.add_argument("--show-proofs", action="store_true", help="list every proof verdict, not just a tally")
    check.add_argument(
        "--show-source",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="source line under each finding in text and rich (default on)",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="findings and the summary line only")


def _file_arguments(check: Any) -> None:
    check.add_argument(
        "--stdin-filename", metavar="NAME", help="the name standard input stands for (shown, matched by config)"
    )
    check.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="filter files named on the command line like found ones (exclude, names, content); for hooks",
    )


def _tokens(values: list[str]) -> tuple[str, ...]:
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def _config(args: argparse.Namespace, paths: list[str]) -> Any:
    from wfverify.core.config import Config, find_config, load_config

    if args.config:
        return load_config(Path(args.config))
    first = args.stdin_filename if paths == ["-"] and args.stdin_filename else next((p for p in paths if p != "-"), ".")
    start = Path(first)
    while not start.exists() and start != start.parent:
        start = start.parent
    found = find_config(start if start.exists() else Path("."))
    return load_config(found) if found else Config()


def effective_config(args: argparse.Namespace, config: Any) -> Any:
    """The file's settings with the command line's on top, file patterns expanded to their defaults."""
    from wfverify.discovery import DEFAULT_EXCLUDE, DEFAULT_INCLUDE

    return replace(
        config,
        select=_tokens(args.select) or config.select,
        ignore=_tokens(args.ignore) + config.ignore,
        fail_on=args.fail_on or config.fail_on,
        aws_checks=config.aws_checks and not args.no_aws_checks,
        jobs=args.jobs if args.jobs is not None else config.jobs,
        dialect=args.dialect or config.dialect,
        proofs=config.proofs and not args.no_proofs,
        include=(config.include if config.include is not None else DEFAULT_INCLUDE) + config.extend_include,
        extend_include=(),
        exclude=(config.exclude if config.exclude is not None else DEFAULT_EXCLUDE) + config.extend_exclude,
        extend_exclude=(),
        force_exclude=args.force_exclude if args.force_exclude is not None else config.force_exclude,
        show_source=args.show_source if args.show_source is not None else config.show_source,
    )


def _options(args: argparse.Namespace, config: Any) -> Any:
    from wfverify import api
    from wfverify.engine import Selection
    from wfverify.load import LoadOptions

    if config.jobs < 0:
        raise api.UsageError("--jobs takes 0 (automatic) or a positive number")
    selection = Selection(
        select=config.select,
        ignore=config.ignore,
        severity=config.severity,
        per_file_ignores=config.per_file_ignores,
        root=config.root,
        proofs=config.proofs,
        debug=args.debug,
    )
    load = LoadOptions(
        dialect=config.dialect,
        aws_checks=config.aws_checks,
        max_bytes=config.max_file_size or LoadOptions().max_bytes,
    )
    files = _file_filter(config)
    return api.Options(
        selection=selection,
        load=load,
        rule_options=config.rules,
        jobs=config.jobs,
        cache_dir=_cache_dir(args, config),
        files=files,
        stdin_filename=args.stdin_filename,
    )


def _file_filter(config: Any) -> Any:
    from wfverify.discovery import FileFilter

    return FileFilter(config.include, config.exclude, config.root, config.force_exclude)


def _cache_dir(args: argparse.Namespace, config: Any) -> Path | None:
    """``cache-dir`` relative to the configuration file, else ``.wfverify_cache`` beside it or here."""
    from wfverify.core.config import DEFAULT_CACHE_DIR

    if args.no_cache or config.cache_dir == "":
        return None
    return Path(config.root or ".") / (config.cache_dir or DEFAULT_CACHE_DIR)


@contextmanager
def _output(target: str | None) -> Iterator[IO[str]]:
    if target is None:
        yield sys.stdout
        return
    from wfverify.api import UsageError

    try:
        stream = open(target, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"--output-file {target}: {exc.strerror}") from None
    with stream:
        yield stream


def check_command(args: argparse.Namespace) -> int:
    paths = args.paths or (["-"] if args.stdin_filename else ["."])  # as ruff: a stdin name alone reads stdin
    from_file = _config(args, paths)
    config = effective_config(args, from_file)
    fmt = args.format or ("rich" if sys.stdout.isatty() and not args.output_file else "text")
    cache_dir = _cache_dir(args, config)
    if cache_dir is None:
        return _check(args, paths, from_file, config, fmt, None)
    from wfverify.cli import rerun

    if not rerun.eligible(args, paths, fmt):
        return _check(args, paths, from_file, config, fmt, None)
    from wfverify.discovery import find_files

    key = rerun.run_key(args, config)
    targets = find_files(paths, _file_filter(config)).targets
    record = rerun.lookup(cache_dir, key, targets)
    if record is None:
        record = rerun.RunRecord([[d, str(p)] for d, p in targets], {}, {})
        code = _check(args, paths, from_file, config, fmt, record, targets)
        rerun.store(cache_dir, key, record)
        return code
    with _output(args.output_file) as stream:
        stream.write(record.output_file if record.output_file is not None else record.stdout)
    return record.exit_code


def _check(
    args: argparse.Namespace,
    paths: list[str],
    from_file: Any,
    config: Any,
    fmt: str,
    record: Any,
    found: list[tuple[str, Path | None]] | None = None,
) -> int:
    """The run itself; with a ``record`` (:mod:`wfverify.cli.rerun`), what it printed and read is kept.

    ``found``: the files discovery gave for ``paths`` already (the record was looked up with them)."""
    import io

    from wfverify import api
    from wfverify.core.config import as_toml, validate_names
    from wfverify.core.registry import load_registry

    registry = load_registry()
    from wfverify.cli.collector import started_up

    started_up()
    validate_names(from_file, registry)
    _check_tokens(registry, _tokens(args.select) + _tokens(args.ignore))
    if args.show_config:
        sys.stdout.write(as_toml(config))
        return 0
    report = api.check_paths(paths, _options(args, config), registry, found=found, fingerprint=record is not None)
    report, hidden = _baseline(args, report)
    shown = {"quiet": args.quiet, "show_source": config.show_source, "show_proofs": args.show_proofs}
    code = 0 if args.exit_zero or not report.failed(config.fail_on) else 1
    with _output(args.output_file) as target:
        stream: IO[str] = io.StringIO() if record is not None else target
        _render(args, report, registry, stream, {**shown, "baseline_hidden": hidden}, fmt)
        if isinstance(stream, io.StringIO):
            target.write(stream.getvalue())
            _remember(record, report, registry, stream.getvalue(), args.output_file is not None, code)
    return code


def _render(args: argparse.Namespace, report: Any, registry: Any, stream: IO[str], shown: Any, fmt: str) -> None:
    if args.statistics:
        from wfverify.report.statistics import render

        render(report, registry, stream, {**shown, "format": fmt})
    else:
        from wfverify.report import get_reporter

        get_reporter(fmt).render(report, registry, stream, shown)


def _remember(record: Any, report: Any, registry: Any, text: str, to_file: bool, code: int) -> None:
    """What a replay needs: the output, the exit code, the code and data the run depended on."""
    from wfverify.cli import rerun
    from wfverify.core.registry import rule_module_files

    record.data = rerun.data_hashes(record.targets, report.inputs, report.digests)
    record.stats = rerun.file_stamps(
        [path for path, digest in record.data.items() if digest is not None], record.started_ns
    )
    record.code = rerun.code_stamps(rule_module_files(registry))
    record.stdout, record.output_file = ("", text) if to_file else (text, None)
    record.exit_code = code


def _check_tokens(registry: Any, tokens: tuple[str, ...]) -> None:
    from wfverify import api
    from wfverify.core.config import did_you_mean

    known = sorted({k for r in registry.rules for k in (r.code, r.name)} | registry.groups())
    for token in tokens:
        if not registry.matching(token):
            raise api.UsageError(
                f"--select/--ignore: no rule, group or code prefix matches {token!r}{did_you_mean(token, known)} "
                "(see 'wfverify rules')"
            )


def _baseline(args: argparse.Namespace, report: Any) -> tuple[Any, int]:
    """Write and/or apply a baseline file; returns the report without known findings and how many were hidden."""
    target = args.write_baseline or args.baseline
    if not target:
        return report, 0
    from wfverify.core.baseline import BaselineError, apply_baseline, baseline_text, parse_baseline

    path = Path(target)
    try:
        if args.write_baseline:
            text, count = baseline_text(report, path.resolve().parent)
            path.write_text(text, encoding="utf-8")
            print(f"wfverify: recorded {count} finding(s) in {path}", file=sys.stderr)
        known = parse_baseline(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise BaselineError(
            f"{path}: cannot {'write' if args.write_baseline else 'read'} the baseline: {exc.strerror}"
        ) from None
    return apply_baseline(report, known, path)
