"""Finding rules: every module registered in the ``wfverify.rules`` entry point group.

The first-party pack (``wfverify_rules``, the top-level ``rules/`` folder)
registers exactly like a third-party pack. An entry point names a module or a
package; every :class:`~wfverify.core.rule.Rule` and :class:`LoaderRule` defined at
module level (in the package's submodules too) is collected. Finding the entry
points is separate from importing them; a pack that fails to import is a
:class:`RegistryError` naming its distribution, never a silently missing rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from types import ModuleType

from wfverify.core.findings import Severity
from wfverify.core.records import dataclass
from wfverify.core.rule import Rule, page_sections

__all__ = ["LoaderRule", "Registry", "RegistryError", "loader_rule", "load_registry", "rule_module_files"]

GROUP = "wfverify.rules"


class RegistryError(Exception):
    """A rule pack could not be loaded, or two rules claim one code or name."""


@dataclass(frozen=True)
class LoaderRule:
    """A rule whose findings the loader reports (the file cannot be parsed, breaks its schema...)."""

    code: str
    name: str
    severity: Severity
    groups: tuple[str, ...]
    doc: str
    aliases: tuple[str, ...] = ()
    proof: bool = False
    options: type | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0]

    def section(self, title: str) -> str:
        return page_sections(self.doc).get(title, "")


def loader_rule(*, code: str, name: str, severity: str, doc: str, groups: tuple[str, ...] = ("loader",)) -> LoaderRule:
    return LoaderRule(code, name, Severity(severity), groups, doc.strip())


AnyRule = Rule | LoaderRule


class Registry:
    """Rules by code and by name (aliases included), sorted by code."""

    def __init__(self, rules: Iterable[AnyRule]) -> None:
        self.rules: list[AnyRule] = sorted(rules, key=lambda r: r.code)
        self.by_key: dict[str, AnyRule] = {}
        for r in self.rules:
            for key in (r.code, r.name, *r.aliases):
                other = self.by_key.get(key)
                if other is not None and other is not r:
                    raise RegistryError(f"rules {other.name!r} and {r.name!r} both claim {key!r}")
                self.by_key[key] = r

    def get(self, key: str) -> AnyRule | None:
        return self.by_key.get(key) or self.by_key.get(key.upper())

    def groups(self) -> set[str]:
        return {g for r in self.rules for g in r.groups}

    def matching(self, token: str) -> list[AnyRule]:
        """Rules a ``--select``/``--ignore`` token names: code, name, alias, group, or code prefix."""
        exact = self.get(token)
        if exact is not None:
            return [exact]
        if token in self.groups() or token == "ALL":
            return [r for r in self.rules if token == "ALL" or token in r.groups]
        return [r for r in self.rules if r.code.startswith(token.upper())]


def _collect(module: ModuleType) -> Iterator[AnyRule]:
    for value in vars(module).values():
        if isinstance(value, (Rule, LoaderRule)):
            yield value


def _walk(module: ModuleType) -> Iterator[ModuleType]:
    yield module
    if hasattr(module, "__path__"):
        for name in _submodules(module.__path__):
            if not name.startswith("_"):
                yield importlib.import_module(f"{module.__name__}.{name}")


def _submodules(folders: Iterable[str]) -> list[str]:
    """The modules and packages in a package's folders, by name, as ``pkgutil.iter_modules`` lists
    them (source, bytecode or extension files, and folders with an ``__init__``), without its import."""
    import os
    from importlib.machinery import all_suffixes

    suffixes = sorted(all_suffixes(), key=len, reverse=True)
    names: set[str] = set()
    for folder in folders:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            full = os.path.join(folder, entry)
            if os.path.isdir(full):
                if "." not in entry and any(os.path.isfile(os.path.join(full, "__init__" + s)) for s in suffixes):
                    names.add(entry)
                continue
            suffix = next((s for s in suffixes if entry.endswith(s)), None)
            stem = entry[: -len(suffix)] if suffix else ""
            if stem and "." not in stem and stem != "__init__":
                names.add(stem)
    return sorted(names)


def rule_module_files(registry: Registry) -> list[str]:
    """The source files the registered rules are defined in (a rule pack edited in place changes results)."""
    import sys

    names = {getattr(getattr(r, "check", None), "__module__", None) for r in registry.rules}
    files = {getattr(sys.modules.get(n or ""), "__file__", None) for n in names}
    return sorted(f for f in files if f)


def rule_packs() -> list[tuple[str, str]]:
    """(module, distribution) of every ``wfverify.rules`` entry point, sorted.

    Read straight from the ``entry_points.txt`` of each installed distribution
    in the folders on ``sys.path``, the first of a name winning as in
    :mod:`importlib.metadata`, which a start-up cannot afford (importing it and
    reading every distribution's metadata costs ~20 ms); it is still asked
    when a path entry is not a folder (a zip file, say).
    """
    import os
    import sys

    if not all(os.path.isdir(entry or ".") for entry in sys.path if os.path.exists(entry or ".")):
        from importlib.metadata import entry_points

        points = entry_points(group=GROUP)
        return sorted((ep.value, ep.dist.name if ep.dist else ep.name) for ep in points)
    found: dict[str, list[tuple[str, str]]] = {}
    for folder in sys.path:
        for dist, text in _entry_point_files(folder or "."):
            found.setdefault(dist, [(value, dist) for value in _group_values(text)])
    return sorted(pair for pairs in found.values() for pair in pairs)


def _entry_point_files(folder: str) -> Iterator[tuple[str, str]]:
    """(normalised distribution name, entry_points.txt text) for each distribution installed in ``folder``."""
    import os

    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    except OSError:
        return
    for name in names:
        try:
            with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            continue
        if f"[{GROUP}]" in text:
            yield name.rsplit(".", 1)[0].split("-")[0].lower().replace("_", "-"), text


def _group_values(text: str) -> list[str]:
    """The values (``module`` or ``module:attr``) of the ``wfverify.rules`` section of an entry_points.txt."""
    values, inside = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line and not line.startswith(("#", ";")):
            values.append(line.split("=", 1)[1].strip())
    return values


def load_registry(extra_modules: Iterable[str] = ()) -> Registry:
    """Import every registered pack (plus ``extra_modules``) and collect its rules."""
    found: dict[int, AnyRule] = {}
    targets = rule_packs() + [(m, m) for m in extra_modules]
    for value, dist in targets:
        try:
            module = importlib.import_module(value.split(":")[0])
            for mod in _walk(module):
                for r in _collect(mod):
                    found[id(r)] = r
        except Exception as exc:  # a broken pack must be loud, naming where it came from
            raise RegistryError(
                f"rule pack {value!r} from distribution {dist!r} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
    return Registry(found.values())
