"""Which AWS API a Task ``Resource`` calls, read from the ARN alone (no botocore needed).

Two families of Step Functions integrations name an AWS API:

* AWS SDK integrations, ``arn:aws:states:::aws-sdk:SERVICE:ACTION[.PATTERN]``:
  ``SERVICE`` is the lowercase SDK client name (``sfn``, ``eventbridge``,
  ``redshiftdata``...), ``ACTION`` the API operation in camelCase
  (``getSpeechSynthesisTask``). The response is the API's response, fields
  named as in the API.
* Optimized integrations, ``arn:aws:states:::SERVICE:ACTION[.PATTERN]``
  (``lambda:invoke``, ``dynamodb:getItem``...): Step Functions calls the named
  API and returns its response, plus the HTTP metadata fields
  ``SdkHttpMetadata`` and ``SdkResponseMetadata``. Only the request-response
  pattern is typed here: ``.sync`` returns a status document of its own and
  ``.waitForTaskToken`` returns whatever the callback sends.

>>> parse("arn:aws:states:::aws-sdk:polly:getSpeechSynthesisTask")
Integration(service='polly', action='getSpeechSynthesisTask', pattern='', sdk=True)
>>> parse("arn:aws:states:::lambda:invoke.waitForTaskToken").pattern
'waitForTaskToken'
>>> parse("${MyFunctionArn}") is None
True
"""

from __future__ import annotations

import re

from wfverify.core.records import dataclass

__all__ = ["Integration", "Operation", "parse", "operation_of", "OPTIMIZED"]

_ARN = re.compile(
    r"^arn:aws[a-z-]*:states:[^:]*:[^:]*:(?P<sdk>aws-sdk:)?(?P<service>[a-z0-9-]+):(?P<action>[A-Za-z0-9]+)"
    r"(?:\.(?P<pattern>sync(?::2)?|waitForTaskToken))?$"
)


@dataclass(frozen=True, slots=True)
class Integration:
    """A Task resource that names an AWS API; ``pattern`` is ``""``, ``sync``, ``sync:2`` or ``waitForTaskToken``."""

    service: str
    action: str
    pattern: str
    sdk: bool


@dataclass(frozen=True, slots=True)
class Operation:
    """The botocore service and operation behind an optimized integration, and what Step Functions adds.

    ``always``: response fields Step Functions always returns for this integration;
    ``extra``: fields Step Functions adds to the API's response (their content is not modelled).
    """

    service: str
    name: str
    always: frozenset[str] = frozenset()
    extra: frozenset[str] = frozenset({"SdkHttpMetadata", "SdkResponseMetadata"})


#: Optimized integrations whose request-response result is the named API's response (Step Functions
#: developer guide, one page per integration). Others (``bedrock:invokeModel``, ``apigateway:invoke``,
#: ``http:invoke``, ``s3:getObject`` for ItemReader...) return a document of their own: not typed.
OPTIMIZED: dict[str, Operation] = {
    "lambda:invoke": Operation(
        "lambda",
        "Invoke",
        always=frozenset({"StatusCode", "Payload", "SdkHttpMetadata", "SdkResponseMetadata"}),
    ),
    "dynamodb:getItem": Operation("dynamodb", "GetItem"),
    "dynamodb:putItem": Operation("dynamodb", "PutItem"),
    "dynamodb:updateItem": Operation("dynamodb", "UpdateItem"),
    "dynamodb:deleteItem": Operation("dynamodb", "DeleteItem"),
    "sns:publish": Operation("sns", "Publish"),
    "sqs:sendMessage": Operation("sqs", "SendMessage"),
    "events:putEvents": Operation("events", "PutEvents"),
    "glue:startJobRun": Operation("glue", "StartJobRun"),
    "batch:submitJob": Operation("batch", "SubmitJob"),
    "ecs:runTask": Operation("ecs", "RunTask"),
    "athena:startQueryExecution": Operation("athena", "StartQueryExecution"),
    "athena:getQueryExecution": Operation("athena", "GetQueryExecution"),
    "athena:stopQueryExecution": Operation("athena", "StopQueryExecution"),
    "states:startExecution": Operation("stepfunctions", "StartExecution"),
    "codebuild:startBuild": Operation("codebuild", "StartBuild"),
}


def parse(resource: str | None) -> Integration | None:
    """The integration a ``Resource`` names, or ``None`` (Lambda ARN, activity, ``${Placeholder}``...)."""
    if not resource:
        return None
    m = _ARN.match(resource)
    if m is None:
        return None
    return Integration(m.group("service"), m.group("action"), m.group("pattern") or "", bool(m.group("sdk")))


def operation_of(integration: Integration) -> Operation | None:
    """The API behind an optimized integration (any pattern), ``None`` for SDK or unknown ones."""
    if integration.sdk:
        return None
    return OPTIMIZED.get(f"{integration.service}:{integration.action}")
