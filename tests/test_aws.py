"""wfverify.analysis.aws: Task resources -> botocore shapes, enum status values, request problems, lazy import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wfverify.analysis import aws
from wfverify.analysis.aws import Presence, lookup, request_problems, response_of, status_values
from wfverify.analysis.dataflow import facts_at, status_values_at
from wfverify.core.findings import Finding
from wfverify.core.rule import Rule
from wfverify.testing import workflow_from_text

POLLY = "arn:aws:states:::aws-sdk:polly:getSpeechSynthesisTask"
TASK_STATUSES = frozenset({"scheduled", "inProgress", "completed", "failed"})


def test_resources_are_parsed_without_botocore() -> None:
    assert aws.parse("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken") == aws.Integration(
        "sfn", "startExecution", "waitForTaskToken", True
    )
    assert aws.parse("arn:aws:states:::states:startExecution.sync:2") == aws.Integration(
        "states", "startExecution", "sync:2", False
    )
    assert aws.parse("arn:aws:lambda:us-east-1:1:function:f") is None
    assert aws.parse("${Fn}") is None


def test_response_fields_always_maybe_never_and_unmodelled() -> None:
    polly = response_of(POLLY)
    assert lookup(polly, ("TaskStatus",)).presence is Presence.ABSENT
    assert lookup(polly, ("SynthesisTask", "TaskStatus")).presence is Presence.OPTIONAL
    start = response_of("arn:aws:states:::states:startExecution")
    assert lookup(start, ("ExecutionArn",)).presence is Presence.PRESENT  # required, PascalCase in Step Functions
    invoke = response_of("arn:aws:states:::lambda:invoke")
    assert lookup(invoke, ("StatusCode",)).presence is Presence.PRESENT
    assert lookup(invoke, ("Payload", "anything")).presence is Presence.UNKNOWN
    assert lookup(invoke, ("SdkHttpMetadata", "HttpStatusCode")).presence is Presence.UNKNOWN
    rds = response_of("arn:aws:states:::aws-sdk:rds:describeDBInstances")
    assert lookup(rds, ("DbInstances", "0", "DbInstanceStatus")).presence is Presence.OPTIONAL  # Java SDK casing
    assert response_of(POLLY + ".waitForTaskToken") is None  # the callback decides
    assert response_of("arn:aws:states:::bedrock:invokeModel") is None  # a document of its own


def test_status_values_of_polling_apis() -> None:
    assert status_values(POLLY, "$.SynthesisTask.TaskStatus") == TASK_STATUSES
    assert status_values("arn:aws:states:::aws-sdk:glue:getCrawler", "$.Crawler.State") == frozenset(
        {"READY", "RUNNING", "STOPPING"}
    )
    assert status_values(POLLY, "$.SynthesisTask.TaskId") is None  # not an enum
    assert status_values("${Fn}", "$.Status") is None


def test_status_values_where_a_choice_reads_them() -> None:
    text = json.dumps(
        {
            "StartAt": "Get",
            "States": {
                "Get": {"Type": "Task", "Resource": POLLY, "ResultPath": "$.task", "Next": "Keep"},
                "Keep": {"Type": "Pass", "OutputPath": "$.task", "Next": "Is"},
                "Is": {"Type": "Choice", "Choices": [], "Default": "Get"},
            },
        }
    )
    w = workflow_from_text(text, "x.asl.json")
    assert status_values_at(w, "Is", ("SynthesisTask", "TaskStatus")) == TASK_STATUSES
    assert status_values_at(w, "Get", ("SynthesisTask", "TaskStatus")) is None
    assert [p for p, _ in facts_at(w)["Is"].typed] == [()]


def test_request_problems_only_when_certain() -> None:
    (missing,) = request_problems("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "b"})
    assert missing.about == "parameters" and "'Key'" in missing.message and missing.certain
    assert request_problems("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "b", "Key.$": "$.k"}) == []
    assert request_problems("arn:aws:states:::aws-sdk:s3:getObject", "$.request") == []
    assert request_problems("arn:aws:states:::aws-sdk:sfn:startExecution", {"StateMachineArn": "a"}) == []
    assert request_problems("arn:aws:states:::aws-sdk:eventbridge:putEvents", {"Entries": []}) == []
    (typo,) = request_problems("arn:aws:states:::aws-sdk:sfn:startExecutoin", {})
    assert typo.certain and "did you mean startExecution" in typo.message
    assert request_problems("arn:aws:states:::lambda:invoke", {}) == []  # optimized: not judged
    (service,) = request_problems("arn:aws:states:::aws-sdk:dynamodbb:getItem", {})
    assert not service.certain and "did you mean dynamodb" in service.message


def test_without_botocore_everything_falls_back_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    from wfverify.analysis.aws import models

    cached_functions = (
        models._loader,
        models.available,
        models._listing,
        models._services,
        models.service_model,
        models.resolve_service,
    )
    for cached in cached_functions:
        cached.cache_clear()
    monkeypatch.setitem(sys.modules, "botocore", None)
    try:
        assert not models.available()
        assert response_of(POLLY) is None
        assert status_values(POLLY, "$.SynthesisTask.TaskStatus") is None
        assert request_problems("arn:aws:states:::aws-sdk:s3:getObject", {}) == []
    finally:
        for cached in cached_functions:
            cached.cache_clear()


def test_botocore_is_imported_only_for_files_with_aws_integrations(tmp_path: Path) -> None:
    """The first run on a machine builds the compact index from botocore; later runs never import it."""
    code = (
        "import sys, json\n"
        "from wfverify.testing import check_text\n"
        "plain = json.dumps({'StartAt': 'A', 'States': {'A': {'Type': 'Task', "
        "'Resource': 'arn:aws:lambda:us-east-1:1:function:f', 'End': True}}})\n"
        "check_text(plain, 'a.asl.json')\n"
        "print('botocore' in sys.modules)\n"
        f"check_text(plain.replace('arn:aws:lambda:us-east-1:1:function:f', '{POLLY}'), 'b.asl.json')\n"
        "print('botocore' in sys.modules)\n"
    )
    env = {**os.environ, "WFVERIFY_CACHE_DIR": str(tmp_path / "index")}
    for expected in (["False", "True"], ["False", "False"]):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        assert run.stdout.split() == expected
    stored = sorted(p.name for p in (tmp_path / "index" / "aws").glob("*/*"))
    assert stored == ["polly.operations", "polly.shapes", "polly~GetSpeechSynthesisTask", "services"]


def test_the_index_agrees_with_botocore_and_survives_a_corrupt_entry(tmp_path: Path) -> None:
    from botocore.loaders import Loader

    from wfverify.analysis.aws import index

    raw = Loader().load_service_model("polly", "service-2")
    built = index.load_service(tmp_path, "polly", lambda: raw)
    built.operation_model("GetSpeechSynthesisTask")
    for name in ("polly.operations", "polly.shapes", "polly~GetSpeechSynthesisTask"):
        (tmp_path / name).write_text("{not marshal", encoding="utf-8")
    rebuilt = index.load_service(tmp_path, "polly", lambda: raw)
    reread = index.load_service(tmp_path, "polly", lambda: pytest.fail("the stored index was not used"))
    assert rebuilt.operation_names == reread.operation_names == list(index.compact(raw)["operations"])
    for service in (built, rebuilt, reread):
        op = service.operation_model("GetSpeechSynthesisTask")
        assert op is not None and op.output_shape is not None and op.input_shape is not None
        assert op.input_shape.required_members == list(raw["shapes"][op.input_shape.name]["required"])
        task = op.output_shape.members["SynthesisTask"]
        assert task is not None and task.type_name == "structure"
        status = task.members["TaskStatus"]
        assert status is not None and status.enum == raw["shapes"][status.name]["enum"]
    assert service.operation_model("NoSuchOperation") is None


def test_the_index_is_off_when_asked_or_when_models_are_extended(monkeypatch: pytest.MonkeyPatch) -> None:
    from wfverify.analysis.aws import index

    monkeypatch.setenv("WFVERIFY_CACHE_DIR", "off")
    assert index.index_folder() is None
    monkeypatch.delenv("WFVERIFY_CACHE_DIR")
    monkeypatch.setenv("AWS_DATA_PATH", "/somewhere")
    assert index.index_folder() is None


def test_payload_reads_of_unknown_data_are_reported_only_when_asked() -> None:
    from wfverify.testing import registry

    text = json.dumps(
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": "arn", "Message.$": "$.message"},
                    "End": True,
                }
            },
        }
    )
    w = workflow_from_text(text, "x.asl.json")
    rule = registry().get("absent-field")
    assert isinstance(rule, Rule)
    assert list(rule.check(w, rule.options())) == []
    (finding,) = rule.check(w, rule.options(report_unknown_payload_reads=True))
    assert isinstance(finding, Finding)
    assert finding.pointer == "/States/Call/Parameters/Message.$" and "may be absent" in finding.message
