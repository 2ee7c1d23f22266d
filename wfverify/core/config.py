"""Configuration: ``[tool.wfverify]`` in the nearest ``pyproject.toml``, or ``.wfverify.toml``.

Recognized keys (kebab-case or snake_case)::

    [tool.wfverify]
    select = ["WF2", "bad-retry"]        # codes, names, groups or code prefixes
    ignore = ["missing-timeout"]
    fail-on = "warning"                  # error (default) | warning
    aws-checks = true                    # ASL: Resource must be an ARN or ${Placeholder}
    max-file-size = 10485760             # bytes; larger files are refused with a finding
    jobs = 0                             # processes; 0 = as many as pay off for the run
    cache-dir = ".wfverify_cache"        # result cache, relative to this file; "" = no cache
    [tool.wfverify.severity]
    unbounded-loop = "error"
    [tool.wfverify.per-file-ignores]
    "legacy/*.asl.json" = ["unreachable-state"]
    [tool.wfverify.rules.bad-retry]       # typed options of one rule
    ...

A mistake is a :class:`ConfigError` that says which key and file; the CLI
turns it into exit code 2.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Config", "ConfigError", "find_config", "load_config"]

_KEYS = {
    "select",
    "ignore",
    "fail-on",
    "aws-checks",
    "max-file-size",
    "jobs",
    "cache-dir",
    "severity",
    "per-file-ignores",
    "rules",
    "dialect",
    "proofs",
}


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    aws_checks: bool = True
    max_file_size: int | None = None
    jobs: int = 0
    cache_dir: str | None = None
    dialect: str | None = None
    proofs: bool = True
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest ``.wfverify.toml``, or ``pyproject.toml`` with a ``[tool.wfverify]`` table."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        own = folder / ".wfverify.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                if "wfverify" in tomllib.loads(project.read_text(encoding="utf-8")).get("tool", {}):
                    return project
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
    return None


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("wfverify", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.wfverify] must be a table")
    return parse_table(table, str(path))


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: {key!r} must be a list of rule codes or names")


def parse_table(table: dict[str, Any], where: str) -> Config:
    norm = {k.replace("_", "-"): v for k, v in table.items()}
    for key in norm:
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_KEYS))})")
    fail_on = norm.get("fail-on", "error")
    if fail_on not in ("error", "warning"):
        raise ConfigError(f'{where}: \'fail-on\' must be "error" or "warning", not {fail_on!r}')
    severity = norm.get("severity", {})
    if not isinstance(severity, dict) or any(v not in ("error", "warning", "info") for v in severity.values()):
        raise ConfigError(f'{where}: [severity] maps rule names to "error", "warning" or "info"')
    pfi = norm.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: [per-file-ignores] maps file globs to rule lists")
    rules = norm.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise ConfigError(f"{where}: [rules.NAME] tables hold rule options")
    for key, kind in (
        ("aws-checks", bool),
        ("proofs", bool),
        ("max-file-size", int),
        ("jobs", int),
        ("cache-dir", str),
    ):
        if key in norm and not isinstance(norm[key], kind):
            raise ConfigError(f"{where}: {key!r} must be {kind.__name__}")
    return Config(
        path=where,
        select=_strings(norm.get("select", []), "select", where),
        ignore=_strings(norm.get("ignore", []), "ignore", where),
        fail_on=fail_on,
        aws_checks=norm.get("aws-checks", True),
        max_file_size=norm.get("max-file-size"),
        jobs=norm.get("jobs", 0),
        cache_dir=norm.get("cache-dir"),
        dialect=norm.get("dialect"),
        proofs=norm.get("proofs", True),
        severity=dict(severity),
        per_file_ignores={k: _strings(v, f"per-file-ignores.{k}", where) for k, v in pfi.items()},
        rules={k: dict(v) for k, v in rules.items()},
    )
