"""jsonschema errors -> ``schema-violation`` findings at the exact field, in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfverify.core.findings import Finding
from wfverify.load.jsonpos import escape

__all__ = ["schema_findings"]

_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _pointer(prefix: str, path: Any) -> str:
    return prefix + "".join(f"/{escape(str(p))}" for p in path)


def _leaves(error: Any) -> Iterator[Any]:
    """The most specific errors: descend into anyOf/oneOf contexts only when they explain more."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        candidates = [e for e in error.context if len(e.absolute_path) == deepest]
        specific = [e for e in candidates if e.validator != "type"]
        if deepest > 0 or specific:
            # a branch whose type matched explains more than "must be a string"
            for sub in specific or candidates:
                yield from _leaves(sub)
            return
    yield error


def _words(error: Any, field: str) -> str:
    v, value = error.validator, error.validator_value
    if v == "type":
        kinds = value if isinstance(value, list) else [value]
        return f"{field} must be {' or '.join(str(_TYPE_WORDS.get(k, k)) for k in kinds)}, not {_show(error.instance)}"
    if v == "enum":
        return f"{field} must be one of {', '.join(map(str, value))}; found {_show(error.instance)}"
    if v == "const":
        return f"{field} must be {value!r}; found {_show(error.instance)}"
    if v == "minProperties":
        return f"{field} must not be empty"
    if v == "minItems":
        return f"{field} needs at least {value} item(s)"
    if v == "minLength":
        return f"{field} must not be an empty string"
    if v == "minimum":
        return f"{field} must be at least {value}; found {_show(error.instance)}"
    if v == "maximum":
        return f"{field} must be at most {value}; found {_show(error.instance)}"
    if v == "pattern":
        return f"{field} does not have the expected form ({value}); found {_show(error.instance)}"
    if v in ("anyOf", "oneOf"):
        return f"{field} has neither of the accepted forms; found {_show(error.instance)}"
    return f"{field}: {error.message}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def schema_findings(
    validator: Any, instance: Any, prefix: str, what: str, known: dict[str, tuple[str, ...]] | None = None
) -> list[Finding]:
    """Findings for every violation of ``instance`` (found at pointer ``prefix``).

    ``what`` names the object for messages ("state 'charge'"); ``known`` maps a
    state type to its accepted fields, so an unknown field's message lists them.
    """
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaves(error):
            for finding in _one(leaf, prefix, what, known):
                # one violation can reach us through several schema branches: say it once
                if (finding.message, finding.pointer) not in seen:
                    seen.add((finding.message, finding.pointer))
                    out.append(finding)
    return out


def _one(error: Any, prefix: str, what: str, known: dict[str, tuple[str, ...]] | None) -> Iterator[Finding]:
    path = list(error.absolute_path)
    pointer = _pointer(prefix, path)
    field = f"'{path[-1]}'" if path and isinstance(path[-1], str) else (f"item {path[-1]}" if path else what)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        kind = error.instance.get("type") if isinstance(error.instance, dict) else None
        for key in error.instance:
            if key not in allowed:
                hint = ""
                if known and kind in known:
                    hint = f"; a {kind} state takes {', '.join(known[kind])}"
                elif allowed:
                    hint = f"; expected one of {', '.join(sorted(allowed))}"
                yield Finding(
                    f"unknown field '{key}' in {what if not path else field}{hint}", f"{pointer}/{escape(key)}"
                )
        return
    if error.validator == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        for key in missing:
            yield Finding(f"{what if not path else field} lacks the required field '{key}'", pointer)
        return
    yield Finding(_words(error, field if path else what), pointer)
