"""Sidecar annotation files: the facts Amazon States Language cannot state.

``order.asl.json.wfverify.yaml`` beside ``order.asl.json``::

    input: {amount: number}
    concurrent: false
    states:
      ChargeCard: {compensate: RefundCard, idempotent: true, acquire: [payments]}
      RefundCard: {compensation: true, idempotent: true}

Problems (bad YAML, unknown fields, wrong types) are findings located in the
sidecar itself (their ``path`` is the sidecar's); state names that the main
file lacks are reported by the dialect builder, which knows the states.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.model import Acquire
from wfverify.core.records import dataclass, field
from wfverify.load.source import Document, read_document

__all__ = ["Sidecar", "StateAnnotations", "parse_sidecar", "sidecar_from_document"]

_TYPES = {"int", "number", "string", "bool"}
_STATE_FIELDS = {
    "compensate": str,
    "compensation": bool,
    "idempotent": bool,
    "side_effects": bool,
    "acquire": list,
    "release": list,
    "comment": str,
}


@dataclass(frozen=True)
class StateAnnotations:
    pointer: str
    compensate: str | None = None
    compensation: bool | None = None
    idempotent: bool | None = None
    side_effects: bool | None = None
    acquire: tuple[Acquire, ...] = ()
    release: tuple[str, ...] = ()
    #: which fields the sidecar set, with their pointers in the sidecar
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sidecar:
    path: str
    document: Document
    inputs: dict[str, str] = field(default_factory=dict)
    concurrent: bool = False
    states: dict[str, StateAnnotations] = field(default_factory=dict)

    def finding(self, message: str, pointer: str, rule: str = "schema-violation", state: str | None = None) -> Finding:
        """A finding located in the sidecar file."""
        line, column = self.document.locate(pointer)
        return Finding(message, pointer, state=state, rule=rule, path=self.path, line=line, column=column)


def parse_sidecar(raw: bytes, path: str, findings: list[Finding]) -> Sidecar | None:
    doc, problems = read_document(raw, path)
    for p in problems:
        findings.append(
            Finding(
                p.message,
                p.pointer,
                rule="syntax-error" if p.rule != "duplicate-key" else "schema-violation",
                path=path,
                line=p.line,
                column=p.column,
            )
        )
    if doc is None:
        return None
    return sidecar_from_document(doc, path, findings)


def sidecar_from_document(doc: Document, path: str, findings: list[Finding]) -> Sidecar | None:
    """The annotations in a document already read (a whole sidecar, or one entry of a template's)."""
    data = doc.data

    def bad(message: str, pointer: str) -> None:
        line, column = doc.locate(pointer)
        findings.append(Finding(message, pointer, rule="schema-violation", path=path, line=line, column=column))

    if not isinstance(data, dict):
        bad("a sidecar is a mapping with 'input', 'concurrent' and 'states'", "")
        return None
    for key in data:
        if key not in ("input", "concurrent", "states"):
            bad(f"unknown sidecar field {key!r}: expected input, concurrent or states", f"/{key}")
    inputs = {}
    for name, kind in (data.get("input") or {}).items() if isinstance(data.get("input"), dict) else []:
        if kind not in _TYPES:
            bad(f"input {name!r} has type {kind!r}; use int, number, string or bool", f"/input/{name}")
        else:
            inputs[name] = kind
    concurrent = data.get("concurrent", False)
    if not isinstance(concurrent, bool):
        bad("'concurrent' must be true or false", "/concurrent")
        concurrent = False
    states: dict[str, StateAnnotations] = {}
    raw_states = data.get("states") or {}
    if not isinstance(raw_states, dict):
        bad("'states' must map state names to annotations", "/states")
        raw_states = {}
    for name, ann in raw_states.items():
        pointer = f"/states/{name.replace('~', '~0').replace('/', '~1')}"
        if not isinstance(ann, dict):
            bad(f"annotations of {name!r} must be a mapping", pointer)
            continue
        states[name] = _state(name, ann, pointer, bad)
    return Sidecar(path, doc, inputs, concurrent, states)


def _state(name: str, ann: dict[str, Any], pointer: str, bad: Any) -> StateAnnotations:
    values: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for key, value in ann.items():
        expected = _STATE_FIELDS.get(key)
        if expected is None:
            bad(
                f"unknown annotation {key!r} on {name!r}; known: {', '.join(sorted(_STATE_FIELDS))}", f"{pointer}/{key}"
            )
            continue
        if not isinstance(value, expected):
            bad(f"annotation {key!r} on {name!r} must be {expected.__name__}", f"{pointer}/{key}")
            continue
        values[key] = value
        fields[key] = f"{pointer}/{key}"
    acquire = []
    for i, entry in enumerate(values.pop("acquire", [])):
        where = f"{pointer}/acquire/{i}"
        if isinstance(entry, str):
            acquire.append(Acquire(entry, None, where))
        elif isinstance(entry, dict) and isinstance(entry.get("lock"), str):
            timeout = entry.get("timeout")
            from wfverify.core.durations import parse_duration

            acquire.append(Acquire(entry["lock"], parse_duration(timeout) if timeout is not None else None, where))
        else:
            bad("an acquire entry is a lock name or {lock: NAME, timeout: DURATION}", where)
    release = tuple(r for r in values.pop("release", []) if isinstance(r, str))
    values.pop("comment", None)
    return StateAnnotations(pointer=pointer, acquire=tuple(acquire), release=release, fields=fields, **values)
