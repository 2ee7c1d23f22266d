"""`simulate` and `fuzz` as people read them: why a run failed, coverage that adds up, honest summaries."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from tests.test_cli import CORPUS, run
from wfverify.cli.simulate import explain_failure, status_line


def test_runtime_error_says_where_and_why(tmp_path: Path) -> None:
    flow = tmp_path / "rt.asl.json"
    flow.write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.missing", "End": true}}}')
    out = run("simulate", str(flow), "--format", "text").stdout.splitlines()
    assert out[-1] == (
        "status: failed (States.Runtime: in state 'A': the path '$.missing' selects nothing: "
        "the field is absent from the state's data)"
    )


def test_no_none_when_a_failure_has_no_cause(tmp_path: Path) -> None:
    flow = tmp_path / "f.asl.json"
    flow.write_text('{"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "Boom"}}}')
    out = run("simulate", str(flow), "--format", "text").stdout
    assert out.splitlines()[-1] == "status: failed (Boom)" and "None" not in out
    trace = SimpleNamespace(status="failed", error="States.Runtime", cause="not simulated: $.a[?(@.b)]", entered=[])
    assert explain_failure(trace) == (
        "States.Runtime: wfverify's simulator does not evaluate $.a[?(@.b)] "
        "(filters, slices, wildcards and JSONata are not run)"
    )
    assert (
        status_line(SimpleNamespace(status="succeeded", error=None, cause=None, entered=["A"])) == "status: succeeded"
    )


def test_fuzz_coverage_never_exceeds_its_total_and_partial_runs_say_so() -> None:
    out = run("fuzz", str(CORPUS / "native" / "customer-onboarding.wf.yaml"), "--examples", "20").stdout
    for done, total in re.findall(r"(\d+)/(\d+)", out):
        assert int(done) <= int(total), out
    assert "every property held" not in out
    assert "no property broke in the 2 of 6 states the runs entered; never entered, so not checked: " in out


def test_catchers_fired_counts_catchers_not_error_names() -> None:
    from wfverify.simulate.fuzz import Coverage
    from wfverify.testing import load_text

    text = (
        "workflow: c\nstart: a\nstates:\n"
        "  a: {type: task, action: x, catch: [{errors: [E1], next: b}, {errors: ['*'], next: b}], next: b}\n"
        "  b: {type: succeed}\n"
    )
    workflow = load_text(text, "c.wf.yaml").workflow
    assert workflow is not None
    coverage = Coverage()
    coverage.catchers |= {("a", "catch E1"), ("a", "catch E2"), ("a", "catch E3"), ("a", "catch Timeout")}
    assert coverage.summary(workflow)["catchers fired"] == "2/2"
    coverage.catchers = {("a", "catch E2"), ("a", "catch E3")}
    assert coverage.summary(workflow)["catchers fired"] == "1/2"


def test_rules_listing_shows_groups() -> None:
    lines = run("rules", "--format", "text").stdout.splitlines()
    row = next(line for line in lines if " unbounded-loop " in line).split()
    assert row[:4] == ["WF203", "unbounded-loop", "warning", "graph,termination,proofs"]


def test_bad_outcomes_input_and_bounds_are_usage_errors_naming_the_option(tmp_path: Path) -> None:
    flow = str(CORPUS / "sagas" / "travel-booking-forgot-hotel.wf.yaml")
    env = tmp_path / "env.json"
    for text, why in (
        ("[]", "not an environment (the top level is list); expected {"),
        ('{"outcomes": {"confirm": 5}}', "not an environment ("),
        ("{bad", "not valid JSON: Expecting property name"),
    ):
        env.write_text(text)
        result = run("simulate", flow, "--outcomes", str(env))
        assert result.returncode == 2 and result.stdout == "", text
        assert result.stderr.startswith(f"wfverify: error: --outcomes {env}: {why}"), result.stderr
        assert "internal error" not in result.stderr
    missing = run("simulate", flow, "--outcomes", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and missing.stderr.startswith(
        f"wfverify: error: --outcomes {tmp_path / 'none.json'}: "
    )
    bad_input = run("simulate", flow, "--input", "{x")
    assert bad_input.returncode == 2 and bad_input.stderr.startswith("wfverify: error: --input: not valid JSON: ")
    for command, option in (("fuzz", "--examples"), ("fuzz", "--max-steps"), ("simulate", "--max-steps")):
        zero = run(command, flow, option, "0")
        assert zero.returncode == 2 and zero.stderr == (
            f"wfverify: error: argument {option}: must be at least 1, not 0 (see 'wfverify {command} --help')\n"
        )
