"""State machines in templates: discovery, exact positions, identity, silencing, bad and hostile input.

The real templates (SAM, CloudFormation, Terraform of the public AWS sample
collections) are read from the shared folder when present; defects planted into
a copy of one template per form must be reported at the planted line.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from wfverify.api import Options, check_paths
from wfverify.discovery import discover
from wfverify.load.templates import looks_like_template
from wfverify.testing import check_template_text, registry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "templates"
IAC = ROOT.parent / "shared" / "real" / "iac"


def _check(*paths: Path) -> list[tuple[str, int, int, str, str | None]]:
    report = check_paths([str(p) for p in paths], Options(), registry())
    return sorted((os.path.basename(f.path), f.line or 0, f.column or 0, f.rule, f.definition) for f in report.findings)


@pytest.mark.parametrize("expected", sorted(CORPUS.rglob("*.expected.json")), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_templates_name_path_and_definition(expected: Path) -> None:
    template = expected.with_name(expected.name[: -len(".expected.json")])
    report = check_paths([str(template)], Options(), registry())
    got = sorted(
        (str(Path(f.path).resolve().relative_to(CORPUS)), f.line, f.column, f.rule, f.definition)
        for f in report.findings
    )
    want = sorted(
        (f["path"], f["line"], f["column"], f["rule"], f["definition"])
        for f in json.loads(expected.read_text())["findings"]
    )
    assert got == want


def test_folder_walk_finds_templates_by_content_and_skips_the_rest(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text((CORPUS / "sam-inline" / "template.yaml").read_text())
    (tmp_path / "infra.yml").write_text("Resources:\n  B: {Type: AWS::S3::Bucket}\n")
    (tmp_path / "ci.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (tmp_path / "sfn.tf").write_text('resource "aws_sfn_state_machine" "m" {\n  definition = var.d\n}\n')
    found = sorted(os.path.basename(p) for p, _ in discover([str(tmp_path)]))
    assert found == ["sfn.tf", "template.yaml"]
    assert looks_like_template("serverless.yml", b"service: x\nstepFunctions:\n") == "serverless"
    assert looks_like_template("cdk.out/S.template.json", b'{"Type": "AWS::StepFunctions::StateMachine"}')
    assert looks_like_template("notes.yaml", b"AWS::Serverless::Function") is None


def test_json_output_has_one_entry_per_state_machine_with_its_definition() -> None:
    from wfverify.report.json_report import as_dict

    report = check_paths([str(CORPUS / "terraform" / "main.tf")], Options(), registry())
    data = as_dict(report)
    assert [(Path(f["path"]).name, f.get("definition")) for f in data["files"]] == [
        ("main.tf", "aws_sfn_state_machine.heredoc"),
        ("main.tf", "aws_sfn_state_machine.encoded"),
        ("flow.json", "aws_sfn_state_machine.templated"),
        ("flow.json", "aws_sfn_state_machine.legacy"),
        ("main.tf", "aws_sfn_state_machine.from_variable"),
    ]
    assert all(f["definition"] for f in data["findings"])
    assert {p["definition"] for p in data["proofs"]} >= {"aws_sfn_state_machine.heredoc"}


def test_text_sarif_and_github_show_the_definition() -> None:
    import io

    from wfverify.report import get_reporter

    report = check_paths([str(CORPUS / "sam-inline" / "template.yaml")], Options(), registry())
    out = {}
    for name in ("text", "github", "sarif"):
        stream = io.StringIO()
        get_reporter(name).render(report, registry(), stream, {"quiet": True})
        out[name] = stream.getvalue()
    assert "template.yaml:33:13: error unknown-target [WF101] OrderStateMachine: state 'Record'" in out["text"]
    assert "::OrderStateMachine: state 'Record'" in out["github"]
    result = json.loads(out["sarif"])["runs"][0]["results"][0]
    assert result["locations"][0]["logicalLocations"] == [{"name": "OrderStateMachine", "kind": "module"}]


def test_sidecar_facts_keyed_by_definition(tmp_path: Path) -> None:
    template = (
        "Resources:\n  Pay:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n"
        "        StartAt: Charge\n        States:\n"
        "          Charge: {Type: Task, Resource: arn:aws:states:::lambda:invoke, TimeoutSeconds: 5,"
        " Retry: [{ErrorEquals: [States.ALL]}], End: true}\n"
    )
    (tmp_path / ".git").mkdir()
    (tmp_path / "template.yaml").write_text(template)
    (tmp_path / "template.yaml.wfverify.yaml").write_text("Pay:\n  states:\n    Charge: {idempotent: false}\n")
    found = _check(tmp_path / "template.yaml")
    assert ("template.yaml", 8, 11, "non-idempotent-retry", "Pay") in found
    (tmp_path / "template.yaml.wfverify.yaml").write_text("Pay:\n  states:\n    Charge: {idempotnt: false}\n")
    found = _check(tmp_path / "template.yaml")
    assert ("template.yaml.wfverify.yaml", 3, 14, "schema-violation", "Pay") in found
    (tmp_path / "template.yaml.wfverify.yaml").write_text("Pya:\n  states:\n    Charge: {idempotent: false}\n")
    found = _check(tmp_path / "template.yaml")
    assert found == [("template.yaml.wfverify.yaml", 1, 1, "schema-violation", None)]


def test_inline_suppressions_and_per_file_ignores_by_definition(tmp_path: Path) -> None:
    from wfverify.engine import Selection

    text = (CORPUS / "sam-inline" / "template.yaml").read_text()
    (tmp_path / ".git").mkdir()
    (tmp_path / "template.yaml").write_text(text.replace("Notify:  # wfverify: ignore[unreachable-state]", "Notify:"))
    assert ("template.yaml", 34, 11, "unreachable-state", "OrderStateMachine") in _check(tmp_path / "template.yaml")
    selection = Selection(
        per_file_ignores={"template.yaml#OrderStateMachine": ("unreachable-state",)}, root=str(tmp_path)
    )
    report = check_paths([str(tmp_path / "template.yaml")], Options(selection=selection), registry())
    assert "unreachable-state" not in {f.rule for f in report.findings}
    assert "unknown-target" in {f.rule for f in report.findings}
    other = Selection(per_file_ignores={"template.yaml#Other*": ("unreachable-state",)}, root=str(tmp_path))
    report = check_paths([str(tmp_path / "template.yaml")], Options(selection=other), registry())
    assert "unreachable-state" in {f.rule for f in report.findings}


def test_symlink_leading_outside_is_never_read(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "secret"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    (outside / "m.asl.json").write_text('{"StartAt": "TOPSECRET", "States": {}}')
    (repo / "link").symlink_to(outside)
    (repo / "template.yaml").write_text(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: link/m.asl.json\n"
    )
    report = check_paths([str(repo / "template.yaml")], Options(), registry())
    assert [(f.rule, f.line, f.column) for f in report.findings] == [("definition-outside-repository", 5, 22)]
    assert "through a symlink" in report.findings[0].message
    assert "TOPSECRET" not in json.dumps([f.to_json() for f in report.findings])


def _timed(text: str, name: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    result = check_template_text(text, name, proofs=False)
    return time.perf_counter() - started, sorted({f.rule for f in result.findings})


def test_hostile_templates_are_bounded() -> None:
    many = "Resources:\n" + "".join(f"  B{i}:\n    Type: AWS::S3::Bucket\n" for i in range(10_000))
    many += "  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub '{}'\n"
    seconds, rules = _timed(many, "template.yaml")
    assert seconds < 20 and rules == ["unknown-dialect"]  # '{}' is no state machine: the JSON is read, then refused
    nested = "{Ref: X}"
    for _ in range(2_000):
        nested = "{'Fn::Join': ['', [" + nested + "]]}"
    deep = f"Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: {nested}\n"
    seconds, rules = _timed(deep, "template.yaml")
    assert seconds < 20 and rules in (["syntax-error"], ["unknown-dialect"])
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    bomb += "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {StartAt: A, States: *i}\n"
    seconds, rules = _timed(bomb, "template.yaml")
    assert seconds < 20 and rules == ["syntax-error"]
    braces = 'resource "aws_sfn_state_machine" "m" {\n  definition = ' + "{" * 100_000 + "}" * 100_000 + "\n}\n"
    seconds, rules = _timed(braces, "main.tf")
    assert seconds < 5 and rules == ["syntax-error"]


def test_unparsable_templates_are_one_finding_each() -> None:
    result = check_template_text("Resources:\n  M: [\n", "template.yaml")
    assert [(f.rule, f.line) for f in result.findings] == [("syntax-error", 3)]
    result = check_template_text('resource "aws_sfn_state_machine" "m" {\n  definition = \n', "main.tf")
    assert [f.rule for f in result.findings] == ["syntax-error"]
    result = check_template_text("stepFunctions:\n  stateMachines:\n    m:\n      definition: 42\n", "serverless.yml")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("unchecked-definition", 3, 5)]


# Real templates: one per form, a defect planted by changing a state's "Next" / adding one.
_PLANTS = [
    (
        "sam",
        "aws-stepfunctions-examples/sam/app-kyc-with-eventbridge/statemachine/kyc.asl.yaml",
        "Next: ",
        "Next: NoSuchState",
    ),
    (
        "sam-uri-json",
        "step-functions-workflows-collection/lambda-orchestration-sam/statemachine/statemachine.asl.json",
        '"Next": "',
        '"Next": "NoSuchState", "x": "',
    ),
    (
        "cfn-inline",
        "aws-stepfunctions-examples/usecases/distributedmap/monte-carlo-simulation/cloudformation/lambda/main.yml",
        "Next: ",
        "Next: NoSuchState",
    ),
    (
        "cfn-sub",
        "aws-stepfunctions-examples/usecases/dataquality-pipeline/cloudformation/cfn-deequ-pipeline.yaml",
        '"Next": "',
        '"Next": "NoSuchState", "x": "',
    ),
    (
        "tf-heredoc",
        "aws-stepfunctions-examples/usecases/distributedmap/monte-carlo-simulation/terraform/shared/modules/stepfunctions/sfn.tf",
        '"Next": "',
        '"Next": "NoSuchState", "x": "',
    ),
    (
        "tf-templatefile",
        "step-functions-workflows-collection/batch-lambda-tf/statemachine/statemachine.asl.json",
        '"Next": "',
        '"Next": "NoSuchState", "x": "',
    ),
    (
        "tf-template-file",
        "step-functions-workflows-collection/activity-state-machine-tf/statemachines/statemachine.asl.json",
        '"Next": "',
        '"Next": "NoSuchState", "x": "',
    ),
]


@pytest.mark.skipif(not IAC.is_dir(), reason="shared real templates are not present")
@pytest.mark.parametrize("form,relative,old,new", _PLANTS, ids=[p[0] for p in _PLANTS])
def test_planted_defect_in_a_real_template_is_reported_at_its_line(
    tmp_path: Path, form: str, relative: str, old: str, new: str
) -> None:
    source = IAC / relative
    project = source.parent.parent if source.parent.name in ("statemachine", "statemachines") else source.parent
    copy = tmp_path / "repo"
    shutil.copytree(project, copy)
    (copy / ".git").mkdir()
    target = copy / source.relative_to(project)
    text = target.read_text()
    offset = text.index(old)
    target.write_text(text[:offset] + new + text[offset + len(old) :])
    line = text.count("\n", 0, offset) + 1
    report = check_paths([str(copy)], Options(), registry())
    hits = [
        (Path(f.path).name, f.line)
        for f in report.findings
        if f.rule == "unknown-target" and "NoSuchState" in f.message
    ]
    assert hits == [(target.name, line)], [
        (f.path, f.line, f.rule, f.message) for f in report.findings if f.rule != "missing-timeout"
    ]


def test_silencing_by_comment_inside_a_string_and_by_hcl_comment() -> None:
    cfn = (
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: |\n"
        '        {"StartAt": "A", "States": {\n'
        '          "A": {"Type": "Pass", "End": true},\n'
        '          "B": {"Type": "Pass", "Comment": "wfverify: ignore[unreachable-state]", "End": true},\n'
        '          "C": {"Type": "Pass", "End": true}\n'
        "        }}\n"
    )
    result = check_template_text(cfn, "template.yaml")
    assert [(f.rule, f.line, f.column, f.state) for f in result.findings] == [("unreachable-state", 9, 11, "C")]
    tf = (
        'resource "aws_sfn_state_machine" "m" {\n  definition = jsonencode({\n    StartAt = "A"\n    States = {\n'
        '      A = { Type = "Pass", End = true }\n'
        '      B = { Type = "Pass", End = true } # wfverify: ignore[unreachable-state]\n'
        '      C = { Type = "Pass", End = true }\n    }\n  })\n}\n'
    )
    result = check_template_text(tf, "main.tf")
    assert [(f.rule, f.line, f.column, f.state) for f in result.findings] == [("unreachable-state", 7, 7, "C")]


def test_deep_yaml_nesting_in_a_template_is_one_finding() -> None:
    deep = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: "
    result = check_template_text(deep + "[" * 5000 + "]" * 5000 + "\n", "template.yaml")
    assert [(f.rule, f.line) for f in result.findings] == [("syntax-error", 5)]


def test_terraform_template_directives_are_noted_not_misread() -> None:
    tf = 'resource "aws_sfn_state_machine" "m" {\n  definition = templatefile("flow.json", { n = 2 })\n}\n'
    flow = (
        '{"StartAt": "A", "States": {%{ for i in range(n) }"S${i}": {"Type": "Pass", "End": true},%{ endfor }'
        '"A": {"Type": "Pass", "End": true}}}\n'
    )
    result = check_template_text(tf, "main.tf", {"flow.json": flow})
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("unchecked-definition", 2, 29)]
    plain = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${next}"}}}\n'
    result = check_template_text(tf.replace("{ n = 2 }", '{ next = "Gone" }'), "main.tf", {"flow.json": plain})
    assert [(f.rule, f.path, f.line, f.column) for f in result.findings] == [("unknown-target", "flow.json", 1, 51)]


def test_terraform_locals_are_followed_and_loops_end() -> None:
    tf = (
        'locals {\n  machine = jsonencode({\n    StartAt = "A"\n    States = { A = { Type = "Pass", Next = "Gone" } }\n'
        "  })\n  alias = local.machine\n}\n"
        'resource "aws_sfn_state_machine" "m" {\n  definition = local.alias\n}\n'
        'resource "aws_sfn_state_machine" "loop" {\n  definition = local.loop\n}\n'
        "locals {\n  loop = local.loop\n}\n"
    )
    result = check_template_text(tf, "main.tf")
    assert [(f.rule, f.line, f.column, f.definition) for f in result.findings] == [
        ("unknown-target", 4, 37, "aws_sfn_state_machine.m"),
        ("unchecked-definition", 15, 10, "aws_sfn_state_machine.loop"),
    ]


def test_terraform_registry_module_is_a_state_machine() -> None:
    tf = (
        'module "orders" {\n  source  = "terraform-aws-modules/step-functions/aws"\n  name    = "orders"\n'
        '  definition = jsonencode({\n    StartAt = "A"\n    States = { A = { Type = "Pass", Next = "Gone" } }\n  })\n}\n'
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
    )
    result = check_template_text(tf, "main.tf")
    assert [(f.rule, f.line, f.column, f.definition) for f in result.findings] == [
        ("unknown-target", 6, 37, "module.orders")
    ]
    assert looks_like_template("main.tf", tf.encode()) == "terraform"


def test_definition_uri_to_a_folder_or_in_another_case() -> None:
    head = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: "
    result = check_template_text(head + "sm\n", "template.yaml", {"sm/x.json": "{}"})
    assert [(f.rule, f.line, f.column, f.message) for f in result.findings] == [
        ("missing-definition-file", 5, 22, "'sm' is a folder, not a definition file")
    ]
    result = check_template_text(head + "SM.asl.json\n", "template.yaml", {"sm.asl.json": "{}"})
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("missing-definition-file", 5, 22)]
    assert "there is 'sm.asl.json'" in result.findings[0].message
