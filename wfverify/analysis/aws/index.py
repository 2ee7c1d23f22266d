"""A compact index of botocore's service models: what wfverify reads of them, kept on disk once per botocore.

botocore's models are the source of truth, but loading one costs milliseconds
to tens of milliseconds (``ec2`` is 3.6 MB of JSON with its documentation), and
importing botocore costs ~60 ms. wfverify reads very little of a model: the
operation names, each operation's input and output shape, and per shape its
type, members, required members, list member, map value, enum values and
whether it is a document. :func:`compact` keeps exactly that (a tenth of the
size), and the index of each service is written to a per-user cache folder the
first time it is needed, keyed by the installed botocore (the path, size and
modification time of its package) and the Python version (the files are
:mod:`marshal` data). Later runs read the small files and never import
botocore; an operation's shapes are a file of their own, so a run reads only
what the operations it meets reach.

The folder is ``aws/`` in the per-user cache
(:func:`wfverify.core.stamps.user_cache_dir`: ``$WFVERIFY_CACHE_DIR``, ``off``
turns it off), as for compiled schemas. The index is skipped (botocore is read every time) when botocore's own extra model
folders are in use (``AWS_DATA_PATH``, ``~/.aws/models``), since they can change
a model without changing botocore. Writes are atomic (a temporary file moved
into place); an entry that does not parse is ignored and rewritten; a folder
that cannot be written only costs the speed.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

from wfverify.core.stamps import botocore_module, stamp, user_cache_dir
from wfverify.core.store import write_atomically

__all__ = ["Operation", "ServiceIndex", "Shape", "compact", "index_folder", "load_listing", "load_service"]

_FORMAT = "2"
# One shape: [type, {member: shape}, [required members], list member, map value, [enum values], document]
_TYPE, _MEMBERS, _REQUIRED, _MEMBER, _VALUE, _ENUM, _DOCUMENT = range(7)


def compact(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a botocore ``service-2`` model that wfverify reads, for the shapes operations reach."""
    operations = {
        name: [op.get("input", {}).get("shape"), op.get("output", {}).get("shape")]
        for name, op in raw.get("operations", {}).items()
    }
    shapes = {name: _compact_shape(shape) for name, shape in raw.get("shapes", {}).items()}
    return {
        "operations": operations,
        "shapes": _reached(shapes, [s for pair in operations.values() for s in pair if s]),
    }


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
    """One service's operations and shapes, answering as botocore's model objects do for what wfverify asks.

    Read lazily, per operation: ``files.operation(name)`` gives an operation's input and output shape
    names with the shapes it reaches (or ``None``), so a run that calls two EC2 operations reads two
    small files instead of EC2's 800 kB; ``files.operations()`` (every name, for suggestions) and
    ``files.all_shapes()`` (a shape asked for by name before any operation reaching it) are the
    fallbacks.
    """

    def __init__(self, service_name: str, files: _ServiceFiles) -> None:
        self.service_name = service_name
        self._files = files
        self._shapes: dict[str, list[Any]] = {}
        self._pairs: dict[str, list[str | None] | None] = {}
        self._made: dict[str, Shape] = {}

    @property
    def operation_names(self) -> list[str]:
        return list(self._files.operations())

    def shape_for(self, name: str) -> Shape | None:
        made = self._made.get(name)
        if made is None:
            entry = self._shapes.get(name)
            if entry is None:  # asked by name before an operation reaching it was read
                entry = self._files.all_shapes().get(name)
            if entry is not None:
                made = self._made[name] = Shape(self, name, entry)
        return made

    def operation_model(self, name: str) -> Operation | None:
        if name not in self._pairs:
            entry = self._files.operation(name)
            self._pairs[name] = entry["pair"] if entry is not None else None
            if entry is not None:
                self._shapes.update(entry["shapes"])
        pair = self._pairs[name]
        if pair is None:
            return None
        return Operation(name, self, *(self.shape_for(s) if s else None for s in pair))


class Shape:
    """A shape by name: ``type_name``, ``members``, ``required_members``, ``member``, ``value``, ``enum``."""

    __slots__ = ("name", "type_name", "_owner", "_entry", "_by_lower")

    def __init__(self, owner: ServiceIndex, name: str, entry: list[Any]) -> None:
        self.name = name
        self.type_name: str = entry[_TYPE]
        self._owner = owner
        self._entry = entry
        self._by_lower: dict[str, str] | None = None

    @property
    def members(self) -> dict[str, Shape | None]:
        return {m: self._owner.shape_for(s) for m, s in self._entry[_MEMBERS].items()}

    @property
    def member_names(self) -> list[str]:
        return list(self._entry[_MEMBERS])

    def member_named(self, lowered: str) -> tuple[str, Shape | None] | None:
        """(name, shape) of the member whose name is ``lowered`` ignoring case, or ``None``: one look-up,
        where reading ``members`` makes every member's shape (a request is checked key by key)."""
        if self._by_lower is None:
            self._by_lower = {m.lower(): m for m in reversed(list(self._entry[_MEMBERS]))}  # the first wins
        name = self._by_lower.get(lowered)
        if name is None:
            return None
        return name, self._owner.shape_for(self._entry[_MEMBERS][name])

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
    key = f"{_FORMAT}:{marshal.version}:{sys.version_info[:2]}:{module}:{stamp(module)}"
    import zlib  # a folder name, not a defence: the folder is the user's own

    return Path(base) / "aws" / f"{zlib.crc32(key.encode()):08x}"


def _read(path: Path) -> Any:
    """A stored value, or ``None`` when it is missing or does not read back (a corrupt entry is rewritten)."""
    try:
        with open(path, "rb") as stream:
            return marshal.loads(stream.read())
    except Exception:  # noqa: BLE001 - marshal raises ValueError, EOFError or TypeError on a damaged file
        return None


def _write(path: Path, value: Any) -> None:
    try:
        write_atomically(path, marshal.dumps(value))
    except (OSError, ValueError):
        return


def load_listing(folder: Path | None, build: Any) -> dict[str, Any]:
    """``{"version": botocore version, "services": [folder names]}``, from the index or ``build()``."""
    stored = _read(folder / "services") if folder is not None else None
    if isinstance(stored, dict) and isinstance(stored.get("services"), list) and isinstance(stored.get("version"), str):
        return stored
    listing = build()
    if folder is not None:
        _write(folder / "services", listing)
    return dict(listing)


def load_service(folder: Path | None, name: str, build: Any) -> ServiceIndex:
    """A service's index, read from the index folder as asked, or built from ``build()`` (botocore's raw
    model) compacted and stored.

    Stored as ``<service>~<Operation>`` (its input and output shape names and the shapes it reaches:
    all a check of one task reads), ``<service>.operations`` (every operation's pair) and
    ``<service>.shapes`` (every shape, the source of the rest), each written the first time it is
    needed; :mod:`marshal` data, which reads several times faster than JSON, with the Python
    version in the folder's key.
    """
    return ServiceIndex(name, _ServiceFiles(folder, name, build))


class _ServiceFiles:
    """The stored files of one service, read (or built and written) on first use."""

    def __init__(self, folder: Path | None, name: str, build: Any) -> None:
        self.folder, self.name, self.build = folder, name, build
        self._operations: dict[str, list[str | None]] | None = None
        self._shapes: dict[str, list[Any]] | None = None
        self._compacted: dict[str, Any] | None = None

    def operation(self, operation: str) -> dict[str, Any] | None:
        """``{"pair": [input, output], "shapes": {...}}`` of an operation, or ``None`` (no such operation)."""
        stored = self._read(f"~{operation}") if operation.isalnum() else None  # a name from a file: no paths
        if isinstance(stored, dict) and isinstance(stored.get("pair"), list) and isinstance(stored.get("shapes"), dict):
            return stored
        pair = self.operations().get(operation)
        if pair is None:
            return None
        entry = {"pair": pair, "shapes": _reached(self.all_shapes(), [s for s in pair if s])}
        self._write(f"~{operation}", entry)
        return entry

    def operations(self) -> dict[str, list[str | None]]:
        """Every operation's input and output shape names."""
        if self._operations is None:
            self._operations = self._stored(".operations", "operations")
        return self._operations

    def all_shapes(self) -> dict[str, list[Any]]:
        if self._shapes is None:
            self._shapes = self._stored(".shapes", "shapes")
        return self._shapes

    def _stored(self, suffix: str, part: str) -> Any:
        """One stored part, or (missing or unreadable) that part of botocore's model compacted, then stored."""
        stored = self._read(suffix)
        if isinstance(stored, dict):
            return stored
        if self._compacted is None:
            self._compacted = compact(self.build())
        self._write(suffix, self._compacted[part])
        return self._compacted[part]

    def _read(self, suffix: str) -> Any:
        return _read(self.folder / f"{self.name}{suffix}") if self.folder is not None else None

    def _write(self, suffix: str, value: Any) -> None:
        if self.folder is not None:
            _write(self.folder / f"{self.name}{suffix}", value)


def _reached(shapes: dict[str, list[Any]], roots: list[str]) -> dict[str, list[Any]]:
    """The compact shapes reachable from ``roots``."""
    out: dict[str, list[Any]] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in out or name not in shapes:
            continue
        out[name] = entry = shapes[name]
        pending += [*entry[_MEMBERS].values(), *(s for s in (entry[_MEMBER], entry[_VALUE]) if s)]
    return out
