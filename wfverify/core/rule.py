"""The rule contract: one module, one ``@rule``-decorated ``check`` generator.

A rule module looks like this (the module docstring is the rule's page)::

    '''Summary line.

    ## Why is this bad?
    ...
    ## Example
    ```yaml
    ...            # must fire the rule (a test runs it)
    ```
    ## Use instead
    ```yaml
    ...            # must be clean
    ```
    '''
    from wfverify.core.rule import rule

    @rule(code="WF201", name="unreachable-state", severity="error", groups=("graph",))
    def check(workflow, options):
        yield Finding("...", pointer=state.pointer, state=state.name)

Metadata is validated when the module is imported; a mistake raises
:class:`RuleDefinitionError` naming the rule.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from wfverify.core import records
from wfverify.core.findings import Finding, Proof, Severity
from wfverify.core.model import Workflow
from wfverify.core.records import dataclass

__all__ = ["NoOptions", "Rule", "RuleDefinitionError", "rule", "PAGE_SECTIONS"]

_CODE = re.compile(r"^[A-Z]{2,4}\d{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

#: Sections every rule page has, in this order ("Options" and "References" optional).
PAGE_SECTIONS = ("Why is this bad?", "Example", "Use instead", "Options", "References")
_REQUIRED_SECTIONS = ("Why is this bad?", "Example", "Use instead")


class RuleDefinitionError(Exception):
    """A rule's metadata is wrong; raised at import time, naming the rule."""


@dataclass(frozen=True)
class NoOptions:
    """Options of a rule that takes none."""


CheckFn = Callable[[Workflow, Any], Iterator["Finding | Proof"]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    groups: tuple[str, ...]
    check: CheckFn
    options: type = NoOptions
    doc: str = ""
    #: Aliases (old names) that still select this rule.
    aliases: tuple[str, ...] = ()
    #: Rules that need a solver: skipped by ``--no-proofs``.
    proof: bool = False
    #: Dialects the rule reads facts from; empty means all.
    dialects: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def section(self, title: str) -> str:
        """The text of one ``## title`` section of the page."""
        return page_sections(self.doc).get(title, "")

    def make_options(self, values: dict[str, Any] | None) -> Any:
        """Typed options from config values; unknown names or wrong types raise ValueError."""
        values = dict(values or {})
        known = {f.name: f for f in records.fields(self.options)}
        for key in values:
            if key.replace("-", "_") not in known:
                raise ValueError(f'unknown option "{key}" for rule "{self.name}"')
        kwargs = {}
        for key, value in values.items():
            fld = known[key.replace("-", "_")]
            expected = fld.type if isinstance(fld.type, type) else _resolve_type(fld.type)
            if expected is not None and not _type_ok(value, expected):
                raise ValueError(
                    f'option "{key}" of rule "{self.name}" must be {getattr(expected, "__name__", expected)},'
                    f" not {type(value).__name__}"
                )
            kwargs[fld.name] = value
        return self.options(**kwargs)


def _resolve_type(name: Any) -> type | None:
    return {"int": int, "float": float, "str": str, "bool": bool}.get(str(name))


def _type_ok(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def page_sections(doc: str) -> dict[str, str]:
    """Split a rule page into ``{"summary": ..., "Why is this bad?": ..., ...}``."""
    sections: dict[str, list[str]] = {"summary": []}
    current = "summary"
    for line in doc.strip().splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        else:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def rule(
    *,
    code: str,
    name: str,
    severity: str,
    groups: tuple[str, ...] = (),
    options: type = NoOptions,
    aliases: tuple[str, ...] = (),
    proof: bool = False,
    dialects: tuple[str, ...] = (),
    doc: str | None = None,
) -> Callable[[CheckFn], Rule]:
    """Declare a rule; its page is ``doc``, or else the defining module's docstring."""

    def decorate(fn: CheckFn) -> Rule:
        label = f"rule {name!r} ({code}) in {fn.__module__}"
        if not _CODE.match(code):
            raise RuleDefinitionError(f"{label}: code must look like WF201")
        if not _NAME.match(name):
            raise RuleDefinitionError(f"{label}: name must be kebab-case")
        try:
            sev = Severity(severity)
        except ValueError:
            raise RuleDefinitionError(f"{label}: severity must be error, warning or info") from None
        if not records.is_dataclass(options):
            raise RuleDefinitionError(f"{label}: options must be a dataclass type")
        page = (doc if doc is not None else sys.modules[fn.__module__].__doc__ or "").strip()
        sections = page_sections(page)
        missing = [s for s in _REQUIRED_SECTIONS if s not in sections]
        if not page or missing:
            raise RuleDefinitionError(f"{label}: its page (module docstring) lacks sections {missing or ['summary']}")
        return Rule(code, name, sev, tuple(groups), fn, options, page, tuple(aliases), proof, tuple(dialects))

    return decorate
