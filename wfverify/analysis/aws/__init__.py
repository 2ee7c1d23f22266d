"""What wfverify knows about AWS APIs called from Task states (botocore service models, loaded lazily).

The public questions, each answered ``None`` when it cannot be known (no
botocore, a ``${Placeholder}`` resource, an integration whose result is not an
API response):

* :func:`response_of`: the shape of a Task's raw result;
* :func:`status_values`: the values an enum status field of that result can
  take (for polling loops: which statuses a Choice must handle);
* :func:`request_problems`: an SDK integration that names no known service or
  action, or a request that misses a parameter the API requires.

Parsing the ``Resource`` needs no botocore (:mod:`.resources`); only a file with
such a task imports it.
"""

from __future__ import annotations

from typing import Any

from wfverify.analysis.aws.resources import Integration, operation_of, parse
from wfverify.analysis.aws.shapes import Lookup, Presence, lookup
from wfverify.core.records import dataclass

__all__ = [
    "Integration",
    "Lookup",
    "Presence",
    "Problem",
    "lookup",
    "parse",
    "request_problems",
    "response_of",
    "status_values",
]


_HTTP_METADATA = frozenset({"SdkHttpMetadata", "SdkResponseMetadata"})


def _operation(integration: Integration) -> Any:
    from wfverify.analysis.aws import models

    if integration.sdk:
        folder, _ = models.resolve_service(integration.service)
        return models.operation(folder, integration.action)[0] if folder else None
    op = operation_of(integration)
    return models.operation(op.service, op.name[:1].lower() + op.name[1:])[0] if op else None


def response_of(resource: str | None) -> Any:
    """The :class:`~wfverify.analysis.aws.models.ShapeRef` of a Task's raw result, or ``None`` when unknown.

    Only the request-response pattern returns the API's response; an SDK
    integration returns exactly it, an optimized one adds Step Functions' fields.
    """
    integration = parse(resource)
    if integration is None or integration.pattern:
        return None
    from wfverify.analysis.aws.models import ShapeRef

    op = _operation(integration)
    if op is None or op.output_shape is None:
        return None
    optimized = operation_of(integration)
    if optimized is None:  # HTTP metadata is not modelled: reading it is never called impossible
        return ShapeRef(op.service_model.service_name, op.output_shape.name, extra=_HTTP_METADATA)
    return ShapeRef(op.service_model.service_name, op.output_shape.name, always=optimized.always, extra=optimized.extra)


def status_values(resource: str | None, path: str | tuple[str, ...]) -> frozenset[str] | None:
    """The values an enum field of a Task's result can take, or ``None`` when not an enum or not known.

    ``path`` is a JSONPath into the task's raw result (``$.SynthesisTask.TaskStatus``)
    or its keys. For the result as a Choice sees it (after ResultSelector,
    ResultPath, OutputPath), see :func:`wfverify.analysis.dataflow.status_values_at`.
    """
    ref = response_of(resource)
    if ref is None:
        return None
    return enum_at(ref, _keys(path))


def enum_at(ref: Any, keys: tuple[str, ...]) -> frozenset[str] | None:
    """The enum values of the field at ``keys`` in a response shape, or ``None``."""
    found = lookup(ref, keys)
    if found.presence not in (Presence.PRESENT, Presence.OPTIONAL) or found.leaf is None:
        return None
    values = getattr(found.leaf, "enum", None)
    return frozenset(values) if values else None


def _keys(path: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(path, tuple):
        return path
    text = path[1:] if path.startswith("$") else path
    return tuple(k for k in text.replace("[", ".").replace("]", "").split(".") if k)


@dataclass(frozen=True, slots=True)
class Problem:
    """A task the service would reject; ``about`` is ``resource`` or ``parameters`` (where to point)."""

    message: str
    about: str = "resource"
    certain: bool = True  # False: botocore may be older or newer than the service (a retired or new API)


def request_problems(resource: str | None, parameters: Any) -> list[Problem]:
    """Certain problems of an SDK integration: unknown service or action, missing required parameters.

    Silent when unsure: no botocore, a resource that is not an SDK integration,
    or parameters that are not a literal object (``"Parameters.$"``, a JSONata
    string, a ``${Placeholder}``).
    """
    from wfverify.analysis.aws import models

    integration = parse(resource)
    if integration is None or not integration.sdk or not models.available():
        return []
    folder, near = models.resolve_service(integration.service)
    if folder is None:  # the SDK client names are not all known here: never certain
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        message = f"botocore {models.botocore_version()} knows no AWS SDK service '{integration.service}'{hint}"
        return [Problem(message + "; retired, newer, or misspelt?", certain=False)]
    op, near = models.operation(folder, integration.action)
    if op is None:
        return [_unknown(f"AWS SDK service '{integration.service}' has no action '{integration.action}'", near)]
    return _missing(op, parameters)


def _unknown(message: str, near: list[str]) -> Problem:
    """A name botocore does not know: certain when it is a near miss of a known one (a typo)."""
    from wfverify.analysis.aws.models import botocore_version

    if near:
        return Problem(f"{message} (did you mean {', '.join(near)}?)")
    return Problem(f"{message} in botocore {botocore_version()} (retired, newer, or misspelt?)", certain=False)


def _missing(op: Any, parameters: Any) -> list[Problem]:
    from wfverify.analysis.aws.models import field_name

    given = _given_keys(parameters)
    if given is None or op.input_shape is None:
        return []
    lowered = {k.lower() for k in given}
    missing = [field_name(m) for m in op.input_shape.required_members if field_name(m).lower() not in lowered]
    if not missing:
        return []
    names = ", ".join(repr(m) for m in missing)
    return [
        Problem(
            f"the {op.name} request requires {names}; add {'them' if len(missing) > 1 else 'it'} to the parameters",
            "parameters",
        )
    ]


def _given_keys(parameters: Any) -> set[str] | None:
    """Keys of a literal request object (``key.$`` counts as ``key``), ``None`` when it is not literal."""
    if parameters is None:
        return set()
    if not isinstance(parameters, dict):
        return None
    keys = {k[:-2] if k.endswith(".$") else k for k in parameters}
    if any("${" in k for k in keys):
        return None
    return keys
