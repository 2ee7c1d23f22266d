"""The reference simulator: state kinds, retries and catchers, events, parallel and map, locks, ASL data flow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from wfverify.simulate import Environment, Outcome, Run, simulate
from wfverify.testing import workflow_from_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def load(rel: str):  # noqa: ANN201
    return workflow_from_text((CORPUS / rel).read_text(), Path(rel).name)


def test_happy_path_and_trail_shape() -> None:
    trace = simulate(load("native/order-fulfillment.wf.yaml"), Environment(input={"order": {"total": 50}}))
    assert trace.status == "succeeded"
    assert trace.entered == ["validate", "route", "charge", "fulfil", "pick", "notify", "pack", "shipped"]
    first = trace.trail[0]
    assert first == {"step": 1, "time": 0.0, "holder": "main", "from": None, "to": "validate", "why": "start"}
    whys = [t["why"] for t in trace.trail]
    assert "choice rule 2" in whys and whys.count("branch") == 2 and "join" in whys


def test_failure_runs_the_compensations() -> None:
    env = Environment(input={"order": {"total": 50}}, outcomes={"pick": [Outcome(error="OutOfStock")]})
    trace = simulate(load("native/order-fulfillment.wf.yaml"), env)
    assert (trace.status, trace.error) == ("failed", "OrderRejected")
    assert trace.entered[-3:] == ["restock", "refund", "rejected"]
    assert any(t["why"] == "catch OutOfStock" for t in trace.trail)


def test_retries_with_backoff_in_virtual_time() -> None:
    env = Environment(input={"order": {"total": 50}}, outcomes={"charge": [Outcome(error="Timeout")] * 2})
    trace = simulate(load("native/order-fulfillment.wf.yaml"), env)
    assert trace.status == "succeeded"
    assert [t["why"] for t in trace.trail if t["why"].startswith("retry")] == ["retry 1", "retry 2"]
    assert trace.time == 3.0  # 1 s, then 2 s: interval 1s, backoff rate 2


def test_events_and_timeouts() -> None:
    flow = load("native/order-fulfillment.wf.yaml")
    declined = simulate(flow, Environment(input={"order": {"total": 5000}}, events={"manual_review": ["Declined"]}))
    assert declined.entered[-1] == "rejected" and any(t["why"] == "event Declined" for t in declined.trail)
    silent = simulate(flow, Environment(input={"order": {"total": 5000}}))
    assert any(t["why"] == "timeout" for t in silent.trail) and silent.time == 172800.0


def test_counters_end_the_polling_loop() -> None:
    env = Environment(input={"polls": 0}, outcomes={"check_status": [Outcome(result={"status": "RUNNING"})] * 50})
    trace = simulate(load("native/report-polling.wf.yaml"), env)
    assert (trace.status, trace.error) == ("failed", "ExportTimedOut")
    assert trace.entered.count("check_status") == 20


def test_deadlock_and_map_transfers() -> None:
    trace = simulate(load("locks/transfer-opposite-order.wf.yaml"), Environment(schedule=[0, 1, 0, 1]))
    assert trace.status == "deadlocked"
    items = [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]
    trace = simulate(load("locks/transfers-map.wf.yaml"), Environment(input={"transfers": items}, schedule=[0, 1]))
    assert trace.status == "deadlocked"
    fine = simulate(load("locks/transfers-map.wf.yaml"), Environment(input={"transfers": items[:1]}))
    assert fine.status == "succeeded"


def test_asl_data_flow_through_the_poller() -> None:
    env = Environment(
        outcomes={
            "SubmitJob": [Outcome(result={"JobId": "j1"})],
            "GetStatus": [
                Outcome(result={"Jobs": [{"Status": "RUNNING"}]}),
                Outcome(result={"Jobs": [{"Status": "SUCCEEDED"}]}),
            ],
        }
    )
    trace = simulate(load("asl/job-status-poller.asl.yaml"), env)
    assert trace.status == "succeeded"
    assert trace.output == {"job": {"JobId": "j1"}, "poll": {"checks": 2}, "status": {"status": "SUCCEEDED"}}


def test_asl_absent_choice_variable_fails_the_execution() -> None:
    text = json.dumps(
        {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "D"}],
                    "Default": "D",
                },
                "D": {"Type": "Succeed"},
            },
        }
    )
    trace = simulate(workflow_from_text(text, "c.asl.json"), Environment(input={}))
    assert (trace.status, trace.error) == ("failed", "States.Runtime")


def test_step_bound() -> None:
    trace = simulate(load("rules/stuck-poller.wf.yaml"), Environment(max_steps=50))
    assert trace.status == "out-of-steps"


def test_simulate_command_json_shape(tmp_path: Path) -> None:
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"outcomes": {"pick": [{"error": "OutOfStock"}]}}))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "wfverify",
            "simulate",
            str(CORPUS / "native/order-fulfillment.wf.yaml"),
            "--input",
            '{"order": {"total": 50}}',
            "--outcomes",
            str(env),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(out.stdout)
    assert set(data) >= {"version", "path", "status", "error", "cause", "output", "entered", "trail"}
    assert data["status"] == "failed" and data["error"] == "OrderRejected"
    assert set(data["trail"][0]) == {"step", "time", "holder", "from", "to", "why"}


def test_fuzz_command_finds_the_planted_saga_bug_and_covers_a_correct_saga() -> None:
    def fuzz(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "wfverify", "fuzz", str(CORPUS / "sagas" / name), "--examples", "60"],
            capture_output=True,
            text=True,
            timeout=300,
        )

    broken = fuzz("travel-booking-forgot-hotel.wf.yaml")
    assert broken.returncode == 1 and "without compensating book_hotel" in broken.stdout
    good = fuzz("travel-booking.wf.yaml")
    assert good.returncode == 0 and "coverage: states" in good.stdout
    # runs never reach the dead-letter step (a compensation would have to fail): the summary says so
    assert "no property broke in the 11 of 12 states" in good.stdout
    assert "never entered, so not checked: dead_letter" in good.stdout


def test_jsonata_states_variables_and_conditions() -> None:
    flow = load("asl/customer-greeting.asl.yaml")
    item = {"Item": {"name": {"S": "Ada"}, "tier": {"S": "gold"}}}
    gold = simulate(flow, Environment(input={"customerId": "c1"}, outcomes={"LookUpCustomer": [Outcome(result=item)]}))
    assert gold.entered == ["LookUpCustomer", "PickGreeting", "GoldGreeting", "Send"]
    assert gold.output["Message"] == "Welcome back, Ada! Your lounge pass is ready."
    item["Item"]["tier"]["S"] = "silver"
    plain = simulate(flow, Environment(input={"customerId": "c1"}, outcomes={"LookUpCustomer": [Outcome(result=item)]}))
    assert plain.entered[2] == "StandardGreeting" and plain.output["Message"] == "Hello Ada"


def test_the_environment_fuzz_prints_replays_the_failure_exactly(tmp_path: Path) -> None:
    """What ``fuzz`` prints, saved as a file, gives ``simulate --outcomes`` the very same run."""
    flow = CORPUS / "sagas" / "travel-booking-forgot-hotel.wf.yaml"
    cli = [sys.executable, "-m", "wfverify"]
    found = subprocess.run([*cli, "fuzz", str(flow), "--format", "json"], capture_output=True, text=True, timeout=300)
    assert found.returncode == 1, found.stdout + found.stderr
    report = json.loads(found.stdout)
    (tmp_path / "env.json").write_text(json.dumps(report["environment"]))
    replay = subprocess.run(
        [*cli, "simulate", str(flow), "--outcomes", str(tmp_path / "env.json"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    again = json.loads(replay.stdout)
    for key in ("status", "error", "cause", "entered", "trail"):
        assert again[key] == report["trace"][key], key


def test_simulate_outcomes_uses_the_files_input(tmp_path: Path) -> None:
    flow = CORPUS / "choices" / "shipping-route.wf.yaml"
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"input": {"parcel": {"domestic": True, "weight": 5}}, "max_steps": 50}))
    cli = [sys.executable, "-m", "wfverify", "simulate", str(flow), "--outcomes", str(env), "--format", "json"]
    from_file = json.loads(subprocess.run(cli, capture_output=True, text=True, timeout=300).stdout)
    replaced = json.loads(subprocess.run([*cli, "--input", "{}"], capture_output=True, text=True, timeout=300).stdout)
    assert (from_file["status"], from_file["entered"]) == ("succeeded", ["route", "courier", "shipped"])
    assert (replaced["status"], replaced["error"]) == ("failed", "NoChoiceMatched")


def _catcher_assign_flow(jsonata: bool) -> str:
    """Call fails twice, then succeeds; each catcher adds 1 to $n and keeps the error name from the error output."""
    if jsonata:
        catcher = {"n": "{% $n + 1 %}", "last": "{% $states.errorOutput.Error %}", "seen": "{% $states.input.k %}"}
        check = {"Condition": "{% $n >= 2 %}", "Next": "Done"}
        keep = {"Output": "{% $states.input %}"}  # the catcher's output: the state's input, not the error
    else:
        catcher = {"n.$": "States.MathAdd($n, 1)", "last.$": "$.Error"}
        check = {"Variable": "$n", "NumericGreaterThanEquals": 2, "Next": "Done"}
        keep = {"ResultPath": "$.error"}
    flow = {
        "QueryLanguage": "JSONata" if jsonata else "JSONPath",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "Call"},
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["Boom"], "Assign": catcher, "Next": "Check", **keep}],
                "Next": "Done",
            },
            "Check": {"Type": "Choice", "Choices": [check], "Default": "Call"},
            "Done": {"Type": "Succeed"},
        },
    }
    return json.dumps(flow)


def test_a_catchers_assign_runs_with_the_error_output() -> None:
    """A Catcher's ``Assign`` is applied when it catches (the States Language's variables page): JSONPath
    ``.$`` paths read the error output, JSONata reads ``$states.errorOutput`` and ``$states.input``."""
    boom = [Outcome(error="Boom"), Outcome(error="Boom"), Outcome(error="Boom")]
    for jsonata in (False, True):
        flow = workflow_from_text(_catcher_assign_flow(jsonata), "c.asl.json")
        run = Run(flow, Environment(input={"k": "v"}, outcomes={"Call": boom}))
        trace = run.run()
        assert trace.status == "succeeded"
        assert trace.entered == ["Init", "Call", "Check", "Call", "Check", "Done"]
        variables = run.sem.data.variables  # type: ignore[attr-defined]
        expected = {"n": 2, "last": "Boom"} | ({"seen": "v"} if jsonata else {})
        assert variables == expected
        assert trace.output == {"k": "v"} | ({} if jsonata else {"error": {"Error": "Boom", "Cause": "Call failed"}})
