"""The library entry point: paths in, results out. No printing here.

>>> from wfverify.api import check_paths, Options   # doctest: +SKIP
>>> report = check_paths(["corpus/"], Options())    # doctest: +SKIP
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.registry import Registry, load_registry
from wfverify.core.results import FileResult, Report
from wfverify.core.rule import Rule
from wfverify.discovery import WORKFLOW_SUFFIXES, FileFilter, UsageError, discover
from wfverify.engine import Selection, run_rules
from wfverify.load import SIDECAR_SUFFIX, LoadOptions, load_bytes
from wfverify.load.source import DEFAULT_MAX_BYTES

__all__ = ["Options", "Report", "UsageError", "check_paths", "discover", "WORKFLOW_SUFFIXES"]


@dataclass(frozen=True)
class Options:
    selection: Selection = Selection()
    load: LoadOptions = LoadOptions()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: int = 1
    files: FileFilter = FileFilter()
    #: The name standard input stands for (``--stdin-filename``): shown, matched by per-file-ignores,
    #: and where its sidecar is looked for.
    stdin_filename: str | None = None


def _read(display: str, path: Path | None, max_bytes: int) -> tuple[bytes | None, str | None]:
    """Bytes of a file, or an error message. Never raises."""
    try:
        if path is None:
            return sys.stdin.buffer.read(max_bytes + 1), None
        if path.is_dir():
            return None, "is a directory named like a workflow file; rename it or name the files inside"
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1), None
    except PermissionError:
        return None, "cannot read the file: permission denied"
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror or exc}"


def _sidecar(path: Path | None) -> bytes | None:
    """The annotation file beside ``path`` (``<name>.wfverify.yaml``), if there is one."""
    if path is None:
        return None
    try:
        return path.with_name(path.name + SIDECAR_SUFFIX).read_bytes()
    except OSError:
        return None


def check_one(display: str, path: Path | None, registry: Registry, options: Options) -> FileResult:
    from wfverify.load import LoadResult

    max_bytes = options.load.max_bytes or DEFAULT_MAX_BYTES
    raw, error = _read(display, path, max_bytes)
    if path is None and options.stdin_filename:
        display = options.stdin_filename
        side = _sidecar(Path(display))
    else:
        side = _sidecar(path)
    if raw is None:
        loaded = LoadResult(
            None, None, None, [Finding(error or "unreadable", "", rule="syntax-error", line=1, column=1)]
        )
    else:
        loaded = load_bytes(raw, display, options.load, (side, display + SIDECAR_SUFFIX) if side is not None else None)
    return run_rules(display, loaded, registry, options.selection, _typed_options(registry, options))


def _typed_options(registry: Registry, options: Options) -> dict[str, Any]:
    out = {}
    for name, values in options.rule_options.items():
        rule = registry.get(name)
        if rule is None:
            raise UsageError(f"config: options for unknown rule {name!r}")
        if not isinstance(rule, Rule):
            raise UsageError(f"config: rule {name!r} takes no options")
        try:
            out[rule.name] = rule.make_options(values)
        except ValueError as exc:
            raise UsageError(f"config: {exc}") from None
    return out


def _worker(args: tuple[str, str | None, Options]) -> FileResult:
    """One file in a worker process (the registry is loaded once per process)."""
    global _WORKER_REGISTRY
    if _WORKER_REGISTRY is None:
        _WORKER_REGISTRY = load_registry()
    display, path, options = args
    return check_one(display, Path(path) if path is not None else None, _WORKER_REGISTRY, options)


_WORKER_REGISTRY: Registry | None = None


def check_paths(
    paths: Iterable[str],
    options: Options = Options(),
    registry: Registry | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check every workflow under ``paths``. Raises :class:`UsageError` for a missing path.

    With ``options.jobs`` > 1 files are checked in that many processes; results keep the
    order of the files, so output is the same as with one process.
    """
    registry = registry or load_registry()
    given = list(paths)
    targets = list(discover(given, options.files))
    embedded, referenced = _check_templates(targets, given, registry, options, progress)
    order = [display for display, _ in targets]
    targets = [t for t in targets if t[0] not in embedded and (t[1] is None or t[1].resolve() not in referenced)]
    jobs = min(options.jobs, len(targets))
    if jobs > 1 and all(path is not None for _, path in targets):
        from concurrent.futures import ProcessPoolExecutor

        work = [(display, str(path), options) for display, path in targets]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = []
            for result in pool.map(_worker, work, chunksize=max(1, len(work) // (jobs * 4))):
                if progress:
                    progress(result.path)
                results.append(result)
        return Report(_merge(order, results, embedded))
    results = []
    for display, path in targets:
        if progress:
            progress(display)
        results.append(check_one(display, path, registry, options))
    return Report(_merge(order, results, embedded))


def _check_templates(
    targets: list[tuple[str, Path | None]],
    given: list[str],
    registry: Registry,
    options: Options,
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, list[FileResult]], set[Path]]:
    """Templates among the targets (SAM, CloudFormation, CDK, Terraform, Serverless): results per state machine."""
    from wfverify.embedded import check_template, root_for, template_kind

    out: dict[str, list[FileResult]] = {}
    referenced: set[Path] = set()
    for display, path in targets:
        kind = template_kind(display, path) if path is not None else None
        if kind is None or path is None:
            continue
        if progress:
            progress(display)
        typed = _typed_options(registry, options)
        out[display], files = check_template(
            display, path, kind, root_for(path, given), registry, options.selection, options.load, typed
        )
        referenced |= files
    return out, referenced


def _merge(order: list[str], results: list[FileResult], embedded: dict[str, list[FileResult]]) -> list[FileResult]:
    """Standalone files and templates' state machines in the order the targets were found."""
    if not embedded:
        return results
    by_target = dict(embedded)
    for result in results:
        by_target.setdefault(result.path, []).append(result)
    return [r for display in dict.fromkeys(order) for r in by_target.get(display, [])]
