"""Reading a JSON path inside an AWS API response shape: always there, maybe there, never there, or not modelled.

A structure's ``required`` members are always in the response; other members
may be missing. A key a structure does not have can never be read (the
``$.TaskStatus`` after ``polly:getSpeechSynthesisTask``, which returns it under
``SynthesisTask``). A list element or map entry may be missing (an empty
list). Blobs and documents (``lambda:invoke``'s ``Payload``, a JSON string
the service parsed) are not modelled: anything below them is unknown.
"""

from __future__ import annotations

import enum
from typing import Any

from wfverify.analysis.aws.models import ShapeRef, field_name, member, shape
from wfverify.core.records import dataclass

__all__ = ["Presence", "Lookup", "lookup", "ref_at"]


class Presence(str, enum.Enum):
    PRESENT = "present"  # every step is a required member
    OPTIONAL = "optional"  # some step may be missing
    ABSENT = "absent"  # the shape can never have it
    UNKNOWN = "unknown"  # the path leaves the modelled part (blob, document, filter)


@dataclass(frozen=True, slots=True)
class Lookup:
    """The answer for one path, with the step that decided it (a field name) and the API's name for the shape."""

    presence: Presence
    step: str = ""
    shape_name: str = ""
    leaf: Any = None  # the botocore shape reached (PRESENT/OPTIONAL), for enums


def _top(ref: ShapeRef, key: str) -> tuple[Any, bool] | None:
    """(shape or None, required) of a top-level key, counting the fields Step Functions adds."""
    root = shape(ref)
    found = member(root, key) if root is not None and root.type_name == "structure" else None
    if found is not None:
        return found.shape, found.required or key in ref.always
    if key in ref.extra:
        return None, key in ref.always
    return None


def lookup(ref: ShapeRef, path: tuple[str, ...]) -> Lookup:
    """How certainly ``path`` (JSON keys, list indexes as digits) exists in a response of shape ``ref``."""
    root = shape(ref)
    if root is None or _opaque(root):
        return Lookup(Presence.UNKNOWN)
    if not path:
        return Lookup(Presence.PRESENT, shape_name=ref.name, leaf=root)
    first = _top(ref, path[0])
    if first is None:
        return Lookup(Presence.ABSENT, path[0], ref.name)
    current, required = first
    optional = ("", "") if required else (path[0], ref.name)
    for key in path[1:]:
        if current is None or _opaque(current):
            return Lookup(Presence.UNKNOWN, *optional)
        step = _step(current, key)
        if step == "unknown":
            return Lookup(Presence.UNKNOWN, *optional)
        if step == "absent" or isinstance(step, str):
            return Lookup(Presence.ABSENT, key, current.name)
        owner = current.name
        current, req = step
        if not req and not optional[0]:
            optional = (key, owner)
    if optional[0]:
        return Lookup(Presence.OPTIONAL, *optional, leaf=current)
    return Lookup(Presence.PRESENT, shape_name=ref.name, leaf=current)


def _opaque(current: Any) -> bool:
    """Blobs and documents hold JSON the model does not describe (a Lambda's ``Payload``)."""
    return bool(current.type_name in ("blob", "document") or current.metadata.get("document"))


def _step(current: Any, key: str) -> tuple[Any, bool] | str:
    """One step: (shape, required), ``"absent"`` when the shape cannot have it, ``"unknown"`` when not modelled."""
    kind = current.type_name
    if kind == "structure":
        found = member(current, key)
        return (found.shape, found.required) if found is not None else "absent"
    if kind == "list":
        return (current.member, False) if key.isdigit() else "unknown"
    if kind == "map":
        return current.value, False
    return "absent"  # a scalar has no fields


def ref_at(ref: ShapeRef, path: tuple[str, ...]) -> ShapeRef | None:
    """The shape found at ``path`` as a reference of its own (for data moved by OutputPath), or ``None``."""
    if not path:
        return ref
    found = lookup(ref, path)
    if found.presence not in (Presence.PRESENT, Presence.OPTIONAL) or found.leaf is None or _opaque(found.leaf):
        return None
    return ShapeRef(ref.service, found.leaf.name)


def members_named(ref: ShapeRef) -> list[str]:
    """Top-level field names of a response, as Step Functions writes them (for messages)."""
    root = shape(ref)
    names = [field_name(n) for n in root.member_names] if root is not None and root.type_name == "structure" else []
    return names + sorted(ref.extra)
