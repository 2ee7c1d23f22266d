"""A compact index of botocore's service models: what wfverify reads of them, kept on disk once per botocore.

botocore's models are the source of truth, but loading one costs milliseconds
to tens of milliseconds (``ec2`` is 3.6 MB of JSON with its documentation), and
importing botocore costs ~60 ms. wfverify reads very little of a model: the
operation names, each operation's input and output shape, and per shape its
type, members, required members, list member, map value, enum values and
whether it is a document. :func:`compact` keeps exactly that (a tenth of the
size), and the index of each service is written to a per-user cache folder the
first time it is needed, keyed by the installed botocore (the path, size and
modification time of its package). Later runs read the small file and never
import botocore.

The folder is ``aws/`` in the per-user cache
(:func:`wfverify.core.stamps.user_cache_dir`: ``$WFVERIFY_CACHE_DIR``, ``off``
turns it off), as for compiled schemas. The index is skipped (botocore is read every time) when botocore's own extra model
folders are in use (``AWS_DATA_PATH``, ``~/.aws/models``), since they can change
a model without changing botocore. Writes are atomic (a temporary file moved
into place); an entry that does not parse is ignored and rewritten; a folder
that cannot be written only costs the speed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from wfverify.core.stamps import botocore_module, stamp, user_cache_dir
from wfverify.core.store import write_atomically

__all__ = ["Operation", "ServiceIndex", "Shape", "compact", "index_folder", "load_listing", "load_service"]

_FORMAT = "1"
# One shape: [type, {member: shape}, [required members], list member, map value, [enum values], document]
_TYPE, _MEMBERS, _REQUIRED, _MEMBER, _VALUE, _ENUM, _DOCUMENT = range(7)


def compact(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a botocore ``service-2`` model that wfverify reads, for the shapes operations reach."""
    operations = {
        name: [op.get("input", {}).get("shape"), op.get("output", {}).get("shape")]
        for name, op in raw.get("operations", {}).items()
    }
    shapes: dict[str, Any] = {}
    pending = [s for pair in operations.values() for s in pair if s]
    while pending:
        name = pending.pop()
        if name in shapes or name not in raw.get("shapes", {}):
            continue
        shapes[name] = entry = _compact_shape(raw["shapes"][name])
        pending += [*entry[_MEMBERS].values(), *(s for s in (entry[_MEMBER], entry[_VALUE]) if s)]
    return {"operations": operations, "shapes": shapes}


def _compact_shape(shape: dict[str, Any]) -> list[Any]:
    members = {m: ref["shape"] for m, ref in shape.get("members", {}).items()}
    return [
        shape.get("type", ""),
        members,
        list(shape.get("required", [])),
        shape.get("member", {}).get("shape"),
        shape.get("value", {}).get("shape"),
        list(shape.get("enum", [])),
        bool(shape.get("document")),
    ]


class ServiceIndex:
    """One service's operations and shapes, answering as botocore's model objects do for what wfverify asks."""

    def __init__(self, service_name: str, data: dict[str, Any]) -> None:
        self.service_name = service_name
        self._operations: dict[str, list[str | None]] = data["operations"]
        self._shapes: dict[str, list[Any]] = data["shapes"]
        self._made: dict[str, Shape] = {}
        self.operation_names: list[str] = list(self._operations)

    def shape_for(self, name: str) -> Shape | None:
        made = self._made.get(name)
        if made is None and name in self._shapes:
            made = self._made[name] = Shape(self, name, self._shapes[name])
        return made

    def operation_model(self, name: str) -> Operation | None:
        pair = self._operations.get(name)
        if pair is None:
            return None
        return Operation(name, self, *(self.shape_for(s) if s else None for s in pair))


class Shape:
    """A shape by name: ``type_name``, ``members``, ``required_members``, ``member``, ``value``, ``enum``."""

    __slots__ = ("name", "type_name", "_owner", "_entry")

    def __init__(self, owner: ServiceIndex, name: str, entry: list[Any]) -> None:
        self.name = name
        self.type_name: str = entry[_TYPE]
        self._owner = owner
        self._entry = entry

    @property
    def members(self) -> dict[str, Shape | None]:
        return {m: self._owner.shape_for(s) for m, s in self._entry[_MEMBERS].items()}

    @property
    def required_members(self) -> list[str]:
        return list(self._entry[_REQUIRED])

    @property
    def member(self) -> Shape | None:
        return self._owner.shape_for(self._entry[_MEMBER]) if self._entry[_MEMBER] else None

    @property
    def value(self) -> Shape | None:
        return self._owner.shape_for(self._entry[_VALUE]) if self._entry[_VALUE] else None

    @property
    def enum(self) -> list[str]:
        return list(self._entry[_ENUM])

    @property
    def metadata(self) -> dict[str, Any]:
        return {"document": True} if self._entry[_DOCUMENT] else {}


class Operation:
    """An operation: its name, service and input/output shapes (``None`` when the API declares none)."""

    __slots__ = ("name", "service_model", "input_shape", "output_shape")

    def __init__(self, name: str, service: ServiceIndex, input_shape: Shape | None, output_shape: Shape | None) -> None:
        self.name = name
        self.service_model = service
        self.input_shape = input_shape
        self.output_shape = output_shape


def index_folder() -> Path | None:
    """Where this botocore's index lives, or ``None`` (turned off, botocore missing or extended by the user)."""
    base = user_cache_dir()
    if base is None or os.environ.get("AWS_DATA_PATH") or (Path.home() / ".aws" / "models").exists():
        return None
    module = botocore_module()
    if module is None:
        return None
    key = f"{_FORMAT}:{module}:{stamp(module)}"
    import zlib  # a folder name, not a defence: the folder is the user's own

    return Path(base) / "aws" / f"{zlib.crc32(key.encode()):08x}"


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, value: Any) -> None:
    try:
        write_atomically(path, json.dumps(value, separators=(",", ":")).encode("utf-8"))
    except OSError:
        return


def load_listing(folder: Path | None, build: Any) -> dict[str, Any]:
    """``{"version": botocore version, "services": [folder names]}``, from the index or ``build()``."""
    stored = _read(folder / "services.json") if folder is not None else None
    if isinstance(stored, dict) and isinstance(stored.get("services"), list) and isinstance(stored.get("version"), str):
        return stored
    listing = build()
    if folder is not None:
        _write(folder / "services.json", listing)
    return dict(listing)


def load_service(folder: Path | None, name: str, build: Any) -> ServiceIndex:
    """A service's index, from the index folder or ``build()`` (botocore's raw model) compacted and stored."""
    stored = _read(folder / f"{name}.json") if folder is not None else None
    if not (isinstance(stored, dict) and isinstance(stored.get("operations"), dict) and "shapes" in stored):
        stored = compact(build())
        if folder is not None:
            _write(folder / f"{name}.json", stored)
    return ServiceIndex(name, stored)
