"""botocore's service models, loaded lazily: services, operations and shapes by the names Step Functions uses.

Models are read through a compact on-disk index (:mod:`.index`): botocore is
imported only the first time a service is needed on this machine (it costs
~60 ms, and a file without AWS integrations never pays it); without botocore
installed every function answers ``None`` and the rules fall back to what they
know without it.

Names. An AWS SDK integration names its service by the SDK client name: the
botocore ``serviceId`` lowercased without blanks (``sfn`` for "SFN",
``eventbridge`` for "EventBridge", ``cloudwatchlogs`` for "CloudWatch Logs"),
with a trailing "service" dropped (``databasemigration``, ``lexruntime``,
``elasticsearch``); the botocore data folder name without dashes
(``redshiftdata``) is tried first because it is the cheap match. Operations are
camelCase (``getObject`` for ``GetObject``). Field names in requests and
responses are PascalCase, even where the API's own members are camelCase
(``ExecutionArn`` for Step Functions' ``executionArn``), and a member named
``Equals`` is written ``EqualsValue``.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from wfverify.analysis.aws import index
from wfverify.core.records import dataclass

__all__ = [
    "ShapeRef",
    "available",
    "botocore_version",
    "service_model",
    "resolve_service",
    "operation",
    "shape",
    "field_name",
    "member",
]


@dataclass(frozen=True, slots=True, order=True)
class ShapeRef:
    """A botocore shape by name; ``always``/``extra`` are top-level response fields Step Functions adds."""

    service: str
    name: str
    always: frozenset[str] = frozenset()
    extra: frozenset[str] = frozenset()


@functools.cache
def _loader() -> Any:
    try:
        from botocore.loaders import Loader
    except ImportError:  # botocore is optional: callers fall back quietly
        return None
    return Loader()


@functools.cache
def _index_folder() -> Path | None:
    return index.index_folder()


@functools.cache
def available() -> bool:
    """True when botocore is installed (found without importing it: the index spares the import)."""
    try:
        return find_spec("botocore") is not None
    except (ImportError, ValueError):  # a broken install
        return False


def _build_listing() -> dict[str, Any]:
    import botocore

    return {"version": botocore.__version__, "services": list(_loader().list_available_services("service-2"))}


@functools.cache
def _listing() -> dict[str, Any]:
    if not available():
        return {"version": "", "services": []}
    return index.load_listing(_index_folder(), _build_listing)


def botocore_version() -> str:
    """The installed botocore's version ("" without botocore)."""
    return str(_listing()["version"])


@functools.cache
def _services() -> frozenset[str]:
    return frozenset(_listing()["services"]) if available() else frozenset()


@functools.cache
def service_model(name: str) -> index.ServiceIndex | None:
    """The index of a botocore service folder name (operations and shapes), or ``None``."""
    if name not in _services():
        return None
    return index.load_service(_index_folder(), name, lambda: _loader().load_service_model(name, "service-2"))


#: SDK client names whose botocore folder differs beyond dashes. A name found neither here nor as a folder
#: is "not known" rather than "wrong": reading every model's ``serviceId`` to be sure would cost seconds
#: and hundreds of megabytes per process.
_CLIENT_FOLDERS = {
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "cognitoidentityprovider": "cognito-idp",
    "databasemigration": "dms",
    "configservice": "config",
    "costexplorer": "ce",
    "iotdataplane": "iot-data",
    "elasticsearch": "es",
    "lexruntime": "lex-runtime",
    "lexmodelsv2": "lexv2-models",
    "lexruntimev2": "lexv2-runtime",
}


@functools.cache
def _folders_without_dashes() -> dict[str, str]:
    return {f.replace("-", ""): f for f in _services()}


@functools.lru_cache(maxsize=256)
def resolve_service(name: str) -> tuple[str | None, list[str]]:
    """(botocore folder, suggestions): the folder of an SDK integration's service name, or close names."""
    if not available():
        return None, []
    folders = _folders_without_dashes()
    folder = _CLIENT_FOLDERS.get(name) or folders.get(name)
    if folder in _services():
        return folder, []
    import difflib  # only for a name that is not known

    return None, difflib.get_close_matches(name, sorted(set(folders) | set(_CLIENT_FOLDERS)), n=3, cutoff=0.75)


def operation(service: str, action: str) -> tuple[Any, list[str]]:
    """(botocore OperationModel, suggestions) of a camelCase action of a botocore service."""
    model = service_model(service)
    if model is None:
        return None, []
    wanted = action[:1].upper() + action[1:]
    found = model.operation_model(wanted)
    if found is not None:
        return found, []
    import difflib  # only for an action that is not known

    camel = sorted(n[:1].lower() + n[1:] for n in model.operation_names)
    return None, difflib.get_close_matches(action, camel, n=3)


def shape(ref: ShapeRef) -> Any:
    """The botocore shape a reference names, or ``None``."""
    model = service_model(ref.service)
    if model is None:
        return None
    return model.shape_for(ref.name)


def field_name(member_name: str) -> str:
    """The name Step Functions gives an API member in JSON (PascalCase; ``Equals`` -> ``EqualsValue``)."""
    if member_name == "Equals":
        return "EqualsValue"
    return member_name[:1].upper() + member_name[1:]


@dataclass(frozen=True, slots=True)
class Member:
    """One step into a structure: its shape (``None`` when not modelled) and whether it is always there."""

    shape: Any
    required: bool


def member(struct: Any, key: str) -> Member | None:
    """The member of a botocore structure a JSON key reads.

    Matched without regard to case: Step Functions names fields after the AWS SDK for Java 2.x,
    which rewrites acronyms (``DBInstances`` is read as ``DbInstances``), so a spelling that differs
    from botocore's only in case is taken as the same field rather than reported.
    """
    wanted = key.lower()
    if wanted == "equalsvalue":
        wanted = "equals"
    found = struct.member_named(wanted)
    if found is None:
        return None
    name, sub = found
    return Member(sub, name in struct.required_members)
