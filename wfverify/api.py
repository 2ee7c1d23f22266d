"""The library entry point: paths in, results out. No printing here.

>>> from wfverify.api import check_paths, Options   # doctest: +SKIP
>>> report = check_paths(["corpus/"], Options())    # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.records import dataclass, field
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
    jobs: int = 1  # 0: decided from the number of files to check (see auto_jobs)
    #: folder of the result cache (wfverify.cache); None: no cache
    cache_dir: Path | None = None
    files: FileFilter = FileFilter()
    #: The name standard input stands for (``--stdin-filename``): shown, matched by per-file-ignores,
    #: and where its sidecar is looked for.
    stdin_filename: str | None = None


_A_FOLDER = "is a directory named like a workflow file; rename it or name the files inside"


def _read(path: Path | None, max_bytes: int) -> tuple[bytes | None, str | None]:
    """Bytes of a file, or an error message. Never raises."""
    try:
        if path is None:
            return sys.stdin.buffer.read(max_bytes + 1), None
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1), None
    except IsADirectoryError:
        return None, _A_FOLDER
    except PermissionError:
        if path is not None and path.is_dir():  # Windows: opening a folder is refused, not a folder error
            return None, _A_FOLDER
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


def _inputs(display: str, path: Path | None, options: Options) -> tuple[str, bytes | None, str | None, bytes | None]:
    """The name to show, the file's bytes (or why they cannot be read) and its sidecar's bytes."""
    raw, error = _read(path, options.load.max_bytes or DEFAULT_MAX_BYTES)
    if path is None and options.stdin_filename:
        display, path = options.stdin_filename, Path(options.stdin_filename)
    return display, raw, error, (_sidecar(path) if raw is not None else None)


def _check_bytes(
    display: str, raw: bytes | None, error: str | None, side: bytes | None, registry: Registry, options: Options
) -> FileResult:
    from wfverify.load import LoadResult

    if raw is None:
        loaded = LoadResult(
            None, None, None, [Finding(error or "unreadable", "", rule="syntax-error", line=1, column=1)]
        )
    else:
        loaded = load_bytes(raw, display, options.load, (side, display + SIDECAR_SUFFIX) if side is not None else None)
    result = run_rules(display, loaded, registry, options.selection, _typed_options(registry, options))
    if raw is not None and loaded.document is None and not result.lines:
        result.lines = _unparsed_lines(raw, result.findings)
    return result


def _unparsed_lines(raw: bytes, findings: list[Finding]) -> dict[int, str]:
    """The lines a syntax error points at, from text that did not parse: where a snippet helps most."""
    from wfverify.load.source import decode

    text, _ = decode(raw) if b"\x00" not in raw[:8192] or raw[:2] in (b"\xff\xfe", b"\xfe\xff") else (None, None)
    if text is None:
        return {}
    lines = text.splitlines()
    return {f.line: lines[f.line - 1] for f in findings if f.line and 0 < f.line <= len(lines)}


def check_one(display: str, path: Path | None, registry: Registry, options: Options) -> FileResult:
    display, raw, error, side = _inputs(display, path, options)
    return _check_bytes(display, raw, error, side, registry, options)


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


def _check_work(
    args: tuple[str, bytes | None, str | None, bytes | None, Options], registry: Registry, encode: bool
) -> tuple[FileResult, str | None]:
    """One file's result and, for the cache, its entry's text (encoded where it was checked, in parallel)."""
    display, raw, error, side, options = args
    result = _check_bytes(display, raw, error, side, registry, options)
    if not encode:
        return result, None
    from wfverify.cache import encode as encoded

    return result, encoded(result)


def _worker(job: tuple[tuple[str, bytes | None, str | None, bytes | None, Options], bool]) -> Any:
    """One file in a pool's worker process (the registry is loaded once per process)."""
    global _WORKER_REGISTRY
    if _WORKER_REGISTRY is None:
        _WORKER_REGISTRY = load_registry()
    return _check_work(job[0], _WORKER_REGISTRY, job[1])


_WORKER_REGISTRY: Registry | None = None

#: Files per process below which another process costs more than it saves (measured on real
#: definitions, 2 cores, helpers forked after the imports: 16 files break even, 24-32 gain 5-15%,
#: 48 gain 17%, 193 gain about 35%).
FILES_PER_PROCESS = 16


def auto_jobs(files: int, cpus: int | None = None) -> int:
    """Processes worth starting for ``files`` files to check (``--jobs 0``)."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, min(cpus, files // FILES_PER_PROCESS))


def _open_cache(options: Options, registry: Registry) -> Any:
    if options.cache_dir is None:
        return None
    from wfverify import __version__
    from wfverify.cache import ResultCache, salt

    config = repr((options.selection, options.load, sorted(options.rule_options.items())))
    return ResultCache(options.cache_dir, salt(__version__, config, list(registry.rules)))


def check_paths(
    paths: Iterable[str],
    options: Options = Options(),
    registry: Registry | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    found: list[tuple[str, Path | None]] | None = None,
    fingerprint: bool = False,
) -> Report:
    """Check every workflow under ``paths``. Raises :class:`UsageError` for a missing path.

    Results come from the cache when the file, its sidecar and the configuration are
    unchanged. With ``options.jobs`` > 1 (or 0 and enough files) the rest are checked
    in several processes; results keep the order of the files, so output is the same
    as with one process. ``found``: the files :func:`discover` gives for ``paths``, when
    the caller has them already. ``fingerprint``: the report's ``digests`` hold the
    SHA-256 of the bytes read of each file and sidecar (a record of the run keeps them).
    """
    registry = registry or load_registry()
    cache = _open_cache(options, registry)
    given = list(paths)
    found = list(discover(given, options.files)) if found is None else found
    embedded, referenced = _check_templates(found, given, registry, options, progress)
    # a file that a template references is checked as part of that template's state machine
    standalone = [
        t[0] not in embedded and (t[1] is None or not referenced or t[1].resolve() not in referenced) for t in found
    ]
    targets = [t for t, alone in zip(found, standalone) if alone]
    inputs = [_inputs(display, path, options) for display, path in targets]
    keys = [
        cache.key(display, raw, side) if cache is not None and raw is not None and path is not None else None
        for (display, raw, _, side), (_, path) in zip(inputs, targets)
    ]
    stored = cache.get_many([k for k in keys if k is not None]) if cache is not None else {}
    results: list[FileResult | None] = [stored.get(k) if k is not None else None for k in keys]
    todo = [(index, keys[index], (*inputs[index], options)) for index, r in enumerate(results) if r is None]
    if progress:
        for (display, *_), result in zip(inputs, results):
            if result is not None:
                progress(display)
    entries = []
    for (index, key, _), (result, text) in zip(todo, _run(todo, registry, options, progress, cache is not None)):
        results[index] = result
        if key is not None:
            entries.append((key, text))
    if cache is not None:
        cache.put_many(entries)
    merged = _merge(found, standalone, [r for r in results if r is not None], embedded)
    digests = _digests(inputs, targets) if fingerprint else {}
    return Report(merged, sorted(str(p) for p in referenced), digests)


def _digests(inputs: list[tuple[str, bytes | None, str | None, bytes | None]], targets: list[Any]) -> dict[str, Any]:
    """SHA-256 of the bytes each file and its sidecar had when read (``None``: absent or unreadable)."""
    from wfverify.core.stamps import sha256

    out: dict[str, str | None] = {}
    for (_, raw, _, side), (_, path) in zip(inputs, targets):
        if path is not None:
            out[str(path)] = sha256(raw).hexdigest() if raw is not None else None
            out[str(path) + SIDECAR_SUFFIX] = sha256(side).hexdigest() if side is not None else None
    return out


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


def _merge(
    found: list[tuple[str, Path | None]],
    standalone: list[bool],
    results: list[FileResult],
    embedded: dict[str, list[FileResult]],
) -> list[FileResult]:
    """Standalone files and templates' state machines in the order the targets were found."""
    if not embedded:
        return results
    alone = iter(results)
    out: list[FileResult] = []
    for (display, _), is_alone in zip(found, standalone):
        if is_alone:
            result = next(alone, None)
            if result is not None:
                out.append(result)
        else:
            out.extend(embedded.get(display, []))
    return out


#: Definitions whose expressions only the JSONata library parses: importing it costs ~12 ms, so a
#: parallel run checks them all in one process (a heuristic: a file naming it elsewhere only costs that).
_NEEDS_JSONATA = b"JSONata"  # QueryLanguage in JSON or YAML


def _run(
    todo: list[Any], registry: Registry, options: Options, progress: Callable[[str], None] | None, encode: bool
) -> list[tuple[FileResult, str | None]]:
    """The results of ``todo``'s files (with their cache entries' text when ``encode``), in its order,
    in ``options.jobs`` processes."""
    jobs = auto_jobs(len(todo)) if options.jobs == 0 else min(options.jobs, len(todo))
    work = [args for _, _, args in todo]
    if jobs > 1:
        from wfverify import forked

        if not forked.can_fork():
            return list(forked.pool_map(_worker, [(args, encode) for args in work], jobs))
        done = (lambda index: progress(work[index][0])) if progress else None
        largest = sorted(range(len(work)), key=lambda index: -len(work[index][1] or b""))
        jsonata = [i for i in largest if _NEEDS_JSONATA in (work[i][1] or b"")]  # its library: one import
        return forked.forked_map(
            lambda index: _check_work(work[index], registry, encode), len(work), jobs, done, largest, jsonata
        )
    results = []
    for args in work:
        if progress:
            progress(args[0])
        results.append(_check_work(args, registry, encode))
    return results
