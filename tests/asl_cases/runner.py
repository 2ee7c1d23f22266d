"""Run ASL executions in moto: ``python runner.py CASES.json`` prints one result per case (JSON list).

Every machine is created and started first, then each execution is awaited, so one moto start-up
(about a second) serves the whole batch. Run in a subprocess: moto patches botocore process-wide.
"""

import json
import sys
import time

import boto3
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/r"


def _start(sfn, i, case):
    try:
        arn = sfn.create_state_machine(
            name=f"m{i}", definition=json.dumps(case["definition"], ensure_ascii=False), roleArn=ROLE
        )
        return sfn.start_execution(stateMachineArn=arn["stateMachineArn"], input=json.dumps(case["input"]))[
            "executionArn"
        ]
    except Exception as exc:  # moto rejects the definition: a result, not a crash
        return {"status": "rejected", "cause": str(exc)[:500]}


def _json(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text  # moto returns a string output unquoted (the service returns JSON)


def _await(sfn, run):
    if isinstance(run, dict):
        return run
    for _ in range(3000):
        described = sfn.describe_execution(executionArn=run)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.01)
    events = sfn.get_execution_history(executionArn=run)["events"]
    output = described.get("output")
    return {
        "status": described["status"].lower(),
        "output": _json(output),
        "error": described.get("error"),
        "cause": described.get("cause"),
        "entered": [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e],
    }


def main() -> None:
    with open(sys.argv[1]) as handle:
        cases = json.load(handle)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        runs = [_start(sfn, i, case) for i, case in enumerate(cases)]
        print(json.dumps([_await(sfn, run) for run in runs]))


if __name__ == "__main__":
    main()
