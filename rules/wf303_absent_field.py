"""A path reads a field that may be absent, or that is never there.

In a JSONPath state, reading a field that is not in the data fails the
execution with `States.Runtime`: a Choice rule's `Variable`, a `key.$` of
`Parameters`, `ItemSelector` or `ResultSelector`, an `ItemsPath`. A
`States.ALL` catcher does not catch it, and a Choice's `Default` is never
reached. A read counts as safe when, on every way to it, the field is
written (`ResultPath`, `ResultSelector`, `Parameters`, Pass `Result`,
`Assign`), checked (`IsPresent` in an earlier Choice, on the branch taken
when it is true; `IsPresent` on a parent object; an earlier rule of the same
Choice that already read it), or always returned by the AWS API whose
response the data is (botocore's service models, when botocore is installed).

`info` when the field may be absent: execution input, a Lambda's payload, a
callback, or an optional field of an API response; only whoever produces the
data knows. `warning` when wfverify knows the field is never there: the data
is the response of an AWS API whose response has no such field (for example
`$.TaskStatus` after `polly:getSpeechSynthesisTask`, which returns it under
`SynthesisTask`). The witness of a Choice finding is an input that fails.

## Why is this bad?
The execution fails on the first input that lacks the field, usually far
from where the data was produced, and no catcher of the state can route the
failure. A field an API never returns fails every execution.

## Example
```json
{
  "StartAt": "GetTask",
  "States": {
    "GetTask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:polly:getSpeechSynthesisTask",
      "Parameters": {"TaskId.$": "$.TaskId"},
      "Next": "IsDone"
    },
    "IsDone": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.TaskStatus", "StringEquals": "completed", "Next": "Done"}],
      "Default": "GetTask"
    },
    "Done": {"Type": "Succeed"}
  }
}
```

## Use instead
```json
{
  "StartAt": "GetTask",
  "States": {
    "GetTask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:polly:getSpeechSynthesisTask",
      "Parameters": {"TaskId.$": "$.TaskId"},
      "Next": "IsDone"
    },
    "IsDone": {
      "Type": "Choice",
      "Choices": [
        {
          "And": [
            {"Variable": "$.SynthesisTask.TaskStatus", "IsPresent": true},
            {"Variable": "$.SynthesisTask.TaskStatus", "StringEquals": "completed"}
          ],
          "Next": "Done"
        }
      ],
      "Default": "GetTask"
    },
    "Done": {"Type": "Succeed"}
  }
}
```
(Here `TaskId.$` reads the execution input, and `SynthesisTask` is optional in
the API's response model: guard such reads with `IsPresent` when the producer
may omit them, or silence the info where its contract guarantees them.)

## Options
- `report_unknown_payload_reads` (bool, default false): also report `Parameters`, `ItemSelector`,
  `ResultSelector` and `ItemsPath` reads of data whose producer wfverify does not know (execution input,
  a Lambda's payload). Choice rules are always judged this way; payload reads by default only when the
  data is an AWS response (a field it never has, or an optional one), since a machine's own input
  contract is what most of them read.

## References
- AWS Step Functions, "Choice workflow state" (`IsPresent`; a missing `Variable` fails with `States.Runtime`).
- AWS Step Functions, "Processing input and output" (`InputPath`, `Parameters`, `ResultSelector`, `ResultPath`).
- botocore service models (response shapes and their required members).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from wfverify.core.findings import Finding, Related, Severity
from wfverify.core.model import State, StateKind, Workflow
from wfverify.core.records import dataclass
from wfverify.core.rule import rule

if TYPE_CHECKING:
    from wfverify.analysis.dataflow import Facts

_STATE_RUNTIME = "the execution fails with States.Runtime there"


@dataclass(frozen=True)
class Options:
    report_unknown_payload_reads: bool = False


@rule(code="WF303", name="absent-field", severity="info", groups=("choices", "data"), options=Options, proof=True)
def check(workflow: Workflow, options: Options) -> Iterator[Finding]:
    yield from _choice_reads(workflow)
    yield from _payload_reads(workflow, options.report_unknown_payload_reads)


def _choice_reads(workflow: Workflow) -> Iterator[Finding]:
    choices = [s for s in workflow.iter_states() if s.kind is StateKind.CHOICE and s.choices]
    if not choices:
        return
    from wfverify.analysis.dataflow import input_facts
    from wfverify.analysis.smt.choices import analyze_workflow

    reports = analyze_workflow(workflow)
    for state in choices:
        here = input_facts(workflow, state)
        for read in reports[state.name].absent_reads:
            condition = state.choices[read.index].condition
            verdict = _judge_fields(here, condition, read.fields)
            if verdict is None:
                continue
            field, reason, known = verdict
            yield Finding(
                _choice_message(state, read.index, field, reason, known, read.witness),
                pointer=state.choices[read.index].pointer,
                state=state.name,
                witness=read.witness,
                args=(("absent", read.fields), ("rule", read.index)),
                related=(Related(state.pointer, f"Choice state '{state.name}'"),),
                severity_override=Severity.WARNING if known else None,
            )


def _judge_fields(here: Facts | None, condition: object, fields: tuple[str, ...]) -> tuple[str, str, bool] | None:
    """(field, reason, known absent) of the field worth naming; ``None`` when every field is guarded."""
    from wfverify.analysis.absent import classify, rule_guards

    if here is None or not fields:
        return (fields[0] if fields else "a field"), "nothing on every way here writes or checks it", False
    guarded = here.add(guarded=rule_guards(condition))
    judged = [(f, classify(guarded, tuple(f.split(".")))) for f in fields]
    open_ = [(f, j) for f, j in judged if j.presence != "present"]
    if not open_:
        return None
    field, why = next(((f, j) for f, j in open_ if j.presence == "absent"), open_[0])
    return field, why.reason, why.presence == "absent"


def _choice_message(state: State, index: int, field: str, reason: str, known: bool, witness: object) -> str:
    where = f"Choice '{state.name}' rule {index + 1} reads $.{field}"
    if known:
        return f"{where}, which is never there ({reason}): {_STATE_RUNTIME}; read the field where the response has it"
    return (
        f"{where}, which may be absent ({reason}): {_STATE_RUNTIME} before any Default, "
        f"e.g. on input {json.dumps(witness, sort_keys=True)}; test it with IsPresent first if it can be missing"
    )


def _payload_reads(workflow: Workflow, unknown_too: bool) -> Iterator[Finding]:
    from wfverify.analysis.absent import judge, payload_reads

    for state in workflow.iter_states():
        reads = payload_reads(state)
        for read in reads:
            judged = judge(workflow, state, read)
            if judged.presence == "present" or (judged.origin_unknown and not unknown_too):
                continue
            known = judged.presence == "absent"
            what = "is never there" if known else "may be absent"
            yield Finding(
                f"{read.field} of '{state.name}' reads {read.text}, which {what} ({judged.reason}): "
                f"{_STATE_RUNTIME}" + ("" if known else "; make sure every producer sets it, or guard it"),
                pointer=read.pointer,
                state=state.name,
                args=(("absent", (".".join(read.keys),)), ("field", read.field)),
                severity_override=Severity.WARNING if known else None,
            )
