"""Agreement with asl-validator's own verdicts on its 112 test definitions.

The definitions live in ``../shared/peer/asl-validator`` (read-only peer data,
never copied here); the test skips cleanly when that folder is absent. A
definition counts as valid for us when wfverify reports no error-severity
finding, with the AWS checks on (Resource must be an ARN or a placeholder).
Option-dependent verdicts map to ours: asl-validator's ``checkArn: false`` is
our ``--no-aws-checks``; its ``checkPaths: false`` is ignoring ``invalid-path``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wfverify.api import Options, check_paths
from wfverify.engine import Selection
from wfverify.load import LoadOptions
from wfverify.testing import registry

PEER = Path(__file__).resolve().parents[1].parent / "shared" / "peer" / "asl-validator"
pytestmark = pytest.mark.skipif(not (PEER / "expected.json").exists(), reason="../shared/peer is not present")


#: Where the service, as the AWS documentation describes it, disagrees with asl-validator.
#: The documentation's only rule for JSONata is that the string starts with "{%" and ends
#: with "%}"; blanks (or line breaks) inside the delimiters are optional, and three published
#: AWS samples (app-meeting-summarization, bedrock-evaluations-sam,
#: distributed-data-stream-aggregator) deploy with none. asl-validator demands them.
SERVICE_ACCEPTS = {
    "invalid-jsonata-surround-syntax-no-spaces.json": '"{%10%}": no blank inside the delimiters',
    "invalid-json-surround-syntax-extra-spaces.json": '"{% \\n10   %}": a line break and extra blanks inside',
}


#: Definitions asl-validator accepts (it checks syntax only) whose executions fail: the rule
#: named here reports that as an error, and it must be the only error on the file.
#: valid-fail-paths.json reads the workflow variable $field2, which no Assign sets.
RUN_FAILS = {"valid-fail-paths.json": "undefined-variable"}


def _fixtures() -> dict[str, dict]:
    if not (PEER / "expected.json").exists():
        return {}
    fixtures: dict[str, dict] = json.loads((PEER / "expected.json").read_text())["fixtures"]
    for name in SERVICE_ACCEPTS:
        fixtures[name] = {**fixtures[name], "expect_valid": True}
    return fixtures


def _errors(name: str, check_arn: bool = True, check_paths_: bool = True) -> list[str]:
    options = Options(
        selection=Selection(ignore=() if check_paths_ else ("invalid-path",)), load=LoadOptions(aws_checks=check_arn)
    )
    report = check_paths([str(PEER / name)], options, registry())
    return [f"{f.line}:{f.column} {f.rule}: {f.message}" for f in report.findings if f.severity.value == "error"]


@pytest.mark.parametrize("name", sorted(_fixtures()))
def test_verdict_agrees(name: str) -> None:
    expected = _fixtures()[name]
    errors = _errors(name)
    if name in RUN_FAILS:
        assert errors and all(f" {RUN_FAILS[name]}: " in e for e in errors), errors
    elif expected["expect_valid"]:
        assert errors == [], f"asl-validator accepts {name}"
    else:
        assert errors, f"asl-validator rejects {name}, wfverify found no error"


def _option_cases() -> list[tuple[str, dict, bool]]:
    cases = []
    for name, fx in sorted(_fixtures().items()):
        cases += [(name, opts, True) for opts in fx.get("valid_with_options", [])]
        cases += [(name, opts, False) for opts in fx.get("invalid_with_options", [])]
    return cases


@pytest.mark.parametrize("name, opts, valid", _option_cases())
def test_option_dependent_verdicts(name: str, opts: dict, valid: bool) -> None:
    errors = _errors(name, check_arn=opts.get("checkArn", True), check_paths_=opts.get("checkPaths", True))
    assert (errors == []) == valid, errors


def test_the_first_errors_the_peer_names_are_ours_too() -> None:
    """Where the peer's tests pin the first error's place, we report at that pointer as well."""
    for name, fx in sorted(_fixtures().items()):
        first = fx.get("first_error")
        if not first:
            continue
        pointer = first["schemaError"]["instancePath"]
        report = check_paths([str(PEER / name)], Options(), registry())
        assert any(f.pointer == pointer or f.pointer.startswith(pointer + "/") for f in report.findings), (
            name,
            pointer,
        )
