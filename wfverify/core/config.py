"""Configuration: ``[tool.wfverify]`` in the nearest ``pyproject.toml``, or ``.wfverify.toml``.

Recognized keys (kebab-case or snake_case; docs/configuration.md is the reference)::

    [tool.wfverify]
    select = ["WF2", "bad-retry"]        # codes, names, groups or code prefixes
    ignore = ["missing-timeout"]
    fail-on = "warning"                  # error (default) | warning
    aws-checks = true                    # ASL: Resource must be an ARN or ${Placeholder}
    max-file-size = 10485760             # bytes; larger files are refused with a finding
    jobs = 0                             # processes; 0 = more than one only where it pays
    cache-dir = ".wfverify_cache"        # result cache, relative to this file; "" = no cache
    include = ["*.asl.json"]             # names checked whatever their content (gitignore syntax)
    extend-include = ["flows/*.json"]
    exclude = ["build/"]                 # replaces the default exclusions; extend-exclude adds to them
    force-exclude = false                # apply exclusions to files named on the command line too
    show-source = true                   # source lines under each finding (text and rich)
    [tool.wfverify.severity]
    unbounded-loop = "error"
    [tool.wfverify.per-file-ignores]
    "legacy/*.asl.json" = ["unreachable-state"]   # relative to this file's folder
    [tool.wfverify.rules.bad-retry]       # typed options of one rule
    ...

Path patterns follow gitignore: relative to the folder of the configuration
file, ``*`` stays within one folder, ``**`` crosses folders, a pattern without
a slash matches a file name at any depth. A mistake is a :class:`ConfigError`
that says which key and file (with a did-you-mean); the CLI turns it into exit
code 2.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from wfverify.core.records import dataclass, field, fields, is_dataclass

TYPE_CHECKING = False  # typing's import is a start-up cost the checks of a replayed run avoid
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Config", "ConfigError", "find_config", "load_config", "path_ignores", "validate_names"]

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
    "include",
    "extend-include",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "show-source",
}
SEVERITIES = ("error", "warning", "info")
DIALECTS = ("native", "asl")


class ConfigError(Exception):
    pass


#: The result cache's folder, beside the configuration file (or in the working folder) unless ``cache-dir`` says.
DEFAULT_CACHE_DIR = ".wfverify_cache"


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
    include: tuple[str, ...] | None = None
    extend_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    show_source: bool = True

    @property
    def root(self) -> str | None:
        """The folder that path patterns are relative to (the config file's), or None for the current one."""
        return str(Path(self.path).resolve().parent) if self.path else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


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
        if project.is_file() and _declares_wfverify(project):
            return project
    return None


def _declares_wfverify(project: Path) -> bool:
    """True when ``pyproject.toml`` has a ``[tool.wfverify]`` table.

    A file that is not valid TOML but mentions the table is loaded anyway, so
    that the user sees the parse error instead of a run with the defaults.
    """
    try:
        text = project.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "wfverify" not in text:  # most projects' pyproject.toml: no need to parse it
        return False
    import tomllib

    try:
        return "wfverify" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return "tool.wfverify" in text


def load_config(path: Path) -> Config:
    import tomllib

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


def _strings(value: Any, key: str, where: str, what: str = "rule codes or names") -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: {key!r} must be a list of {what}")


def _check_keys(norm: dict[str, Any], where: str) -> None:
    for key in norm:
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, _KEYS)}")


def _check_types(norm: dict[str, Any], where: str) -> None:
    for key, kind in (
        ("aws-checks", bool),
        ("proofs", bool),
        ("force-exclude", bool),
        ("show-source", bool),
        ("max-file-size", int),
        ("jobs", int),
        ("cache-dir", str),
    ):
        if key in norm and not isinstance(norm[key], kind):
            raise ConfigError(f"{where}: {key!r} must be {kind.__name__}")
    fail_on = norm.get("fail-on", "error")
    if fail_on not in ("error", "warning"):
        raise ConfigError(
            f'{where}: \'fail-on\' must be "error" or "warning", not {fail_on!r}'
            + did_you_mean(str(fail_on), ("error", "warning"))
        )
    dialect = norm.get("dialect")
    if dialect is not None and dialect not in DIALECTS:
        raise ConfigError(f"{where}: 'dialect' must be one of {', '.join(DIALECTS)}, not {dialect!r}")


def _severity(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: [severity] maps rule names to "error", "warning" or "info"')
    for name, level in value.items():
        if level not in SEVERITIES:
            raise ConfigError(
                f'{where}: [severity] {name} = {level!r}: use "error", "warning" or "info"'
                + did_you_mean(str(level), SEVERITIES)
            )
    return dict(value)


def _patterns(norm: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    return _strings(norm[key], key, where, "path patterns") if key in norm else None


def parse_table(table: dict[str, Any], where: str) -> Config:
    norm = {k.replace("_", "-"): v for k, v in table.items()}
    _check_keys(norm, where)
    _check_types(norm, where)
    pfi = norm.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: [per-file-ignores] maps file globs to rule lists")
    rules = norm.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise ConfigError(f"{where}: [rules.NAME] tables hold rule options")
    return Config(
        path=where,
        select=_strings(norm.get("select", []), "select", where),
        ignore=_strings(norm.get("ignore", []), "ignore", where),
        fail_on=norm.get("fail-on", "error"),
        aws_checks=norm.get("aws-checks", True),
        max_file_size=norm.get("max-file-size"),
        jobs=norm.get("jobs", 0),
        cache_dir=norm.get("cache-dir"),
        dialect=norm.get("dialect"),
        proofs=norm.get("proofs", True),
        severity=_severity(norm.get("severity", {}), where),
        per_file_ignores={k: _strings(v, f"per-file-ignores.{k}", where) for k, v in pfi.items()},
        rules={k: dict(v) for k, v in rules.items()},
        include=_patterns(norm, "include", where),
        extend_include=_patterns(norm, "extend-include", where) or (),
        exclude=_patterns(norm, "exclude", where),
        extend_exclude=_patterns(norm, "extend-exclude", where) or (),
        force_exclude=norm.get("force-exclude", False),
        show_source=norm.get("show-source", True),
    )


def validate_names(config: Config, registry: Any) -> None:
    """Every rule a setting names exists: a typo must not silently turn a setting off."""
    where = config.path or "configuration"
    known = sorted({k for r in registry.rules for k in (r.code, r.name, *r.aliases)} | registry.groups())

    def check(token: str, setting: str, exact: bool = False) -> None:
        found = registry.get(token) if exact else (registry.get(token) or registry.matching(token))
        if not found:
            kind = "rule" if exact else "rule, group or code prefix"
            raise ConfigError(f"{where}: {setting}: no {kind} {token!r}{did_you_mean(token, known)}")

    for token in config.select:
        check(token, "select")
    for token in config.ignore:
        check(token, "ignore")
    for name in config.severity:
        check(name, "[severity]", exact=True)
    for pattern, tokens in config.per_file_ignores.items():
        for token in tokens:
            check(token, f"[per-file-ignores] {pattern!r}")
    for name, values in config.rules.items():
        check(name, "[rules]", exact=True)
        _check_rule_options(registry.get(name), values, where)


def _check_rule_options(rule: Any, values: dict[str, Any], where: str) -> None:
    """``[rules.NAME]`` holds options the rule has, of the right types."""
    options = getattr(rule, "options", None)
    if not isinstance(options, type) or not is_dataclass(options) or not hasattr(rule, "make_options"):
        raise ConfigError(f"{where}: [rules.{rule.name}]: this rule takes no options")
    known = [f.name.replace("_", "-") for f in fields(options)]
    for key in values:
        if key.replace("_", "-") not in known:
            choices = f" (it has {', '.join(known)})" if known else " (it has none)"
            hint = did_you_mean(key, known) or choices
            raise ConfigError(f"{where}: [rules.{rule.name}]: unknown option {key!r}{hint}")
    try:
        rule.make_options(values)
    except ValueError as exc:
        raise ConfigError(f"{where}: [rules.{rule.name}]: {exc}") from None


def path_ignores(
    per_file_ignores: dict[str, tuple[str, ...]], root: str | None, path: str, definition: str | None = None
) -> list[str]:
    """Rule keys that ``[per-file-ignores]`` turns off for ``path`` (patterns relative to ``root``).

    ``PATTERN#NAME`` reaches only the state machine ``NAME`` (a glob) of a template."""
    if not per_file_ignores or path == "-":
        return []
    base = Path(root or ".").resolve()
    try:
        rel = Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return []  # outside the configuration's folder: its patterns do not reach it
    from fnmatch import fnmatchcase

    out: list[str] = []
    for pattern, keys in per_file_ignores.items():
        files, hashed, machine = pattern.partition("#")
        if hashed and (definition is None or not fnmatchcase(definition, machine)):
            continue
        if _spec(files).match_file(rel):
            out.extend(keys)
    return out


@functools.lru_cache(maxsize=256)
def _spec(pattern: str) -> Any:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines([pattern])


def as_toml(config: Config) -> str:
    """The settings in effect, as a ``.wfverify.toml`` would write them (``check --show-config``)."""
    lines = [f"# configuration file: {config.path or '(none: defaults)'}"]
    tables: list[str] = []
    for f in fields(config):
        if f.name == "path":
            continue
        value = getattr(config, f.name)
        key = f.name.replace("_", "-")
        if key == "rules":
            for name, options in value.items():
                tables.append(f"\n[rules.{name}]")
                tables.extend(f"{k} = {_toml(v)}" for k, v in options.items())
        elif isinstance(value, dict) and value:
            tables.append(f"\n[{key}]")
            tables.extend(f"{_key(k)} = {_toml(v)}" for k, v in value.items())
        elif value is not None and not isinstance(value, dict):
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines + tables) + "\n"


def _key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "-_" for c in key) else _toml(key)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
