"""botocore's service models, loaded lazily: services, operations and shapes by the names Step Functions uses.

botocore is imported on the first call only (it costs ~70 ms and a file
without AWS integrations never pays it); without botocore installed every
function answers ``None`` and the rules fall back to what they know without it.

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

import difflib
import functools
from dataclasses import dataclass
from typing import Any

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


def botocore_version() -> str:
    """The installed botocore's version ("" without botocore)."""
    if not available():
        return ""
    import botocore

    return str(botocore.__version__)


def available() -> bool:
    """True when botocore can be imported."""
    return _loader() is not None


@functools.cache
def _services() -> tuple[str, ...]:
    loader = _loader()
    return tuple(loader.list_available_services("service-2")) if loader is not None else ()


@functools.cache
def service_model(name: str) -> Any:
    """botocore ``ServiceModel`` of a botocore service folder name, or ``None``."""
    loader = _loader()
    if loader is None or name not in _services():
        return None
    from botocore.model import ServiceModel

    return ServiceModel(loader.load_service_model(name, "service-2"), name)


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


def resolve_service(name: str) -> tuple[str | None, list[str]]:
    """(botocore folder, suggestions): the folder of an SDK integration's service name, or close names."""
    if not available():
        return None, []
    folders = {f.replace("-", ""): f for f in _services()}
    folder = _CLIENT_FOLDERS.get(name) or folders.get(name)
    if folder in _services():
        return folder, []
    return None, difflib.get_close_matches(name, sorted(set(folders) | set(_CLIENT_FOLDERS)), n=3, cutoff=0.75)


def operation(service: str, action: str) -> tuple[Any, list[str]]:
    """(botocore OperationModel, suggestions) of a camelCase action of a botocore service."""
    model = service_model(service)
    if model is None:
        return None, []
    wanted = action[:1].upper() + action[1:]
    if wanted in model.operation_names:
        return model.operation_model(wanted), []
    camel = sorted(n[:1].lower() + n[1:] for n in model.operation_names)
    return None, difflib.get_close_matches(action, camel, n=3)


def shape(ref: ShapeRef) -> Any:
    """The botocore shape a reference names, or ``None``."""
    model = service_model(ref.service)
    if model is None:
        return None
    try:
        return model.shape_for(ref.name)
    except Exception:  # botocore raises its own NoShapeFoundError
        return None


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
    for name, sub in struct.members.items():
        if name.lower() == wanted:
            return Member(sub, name in struct.required_members)
    return None
