"""A choice has no default and some input matches none of its rules.

The rules of every choice state are encoded for Z3 (see `wfverify.analysis.smt`) and
the solver looks for an input that falls through all of them; fields that
earlier states write, that an earlier Choice checked on the way, or that an AWS
API response always has count as present. A value that every way into the
choice sets (a native `set`, an ASL `Assign` or Pass `Result`: a constant, or
an expression over such values, computed in IEEE doubles) is taken as it is,
and a counter that only grows by a constant stays a number; a value set on
only some ways in, or changed in a loop, a catcher, a Parallel branch or a Map
iteration, stays free. The witness is a concrete input
(JSON) that a program can replay. A rule that reads a field which may be
absent (Amazon States Language fails such a read with `States.Runtime`) is the
rule `absent-field`. This rule also gives the `choice-exhaustiveness` proof of
the file (violated when some input is not routed: it falls through, or an
unguarded rule fails on an absent field).

## Why is this bad?
When no rule matches and there is no default, the execution fails with a
"no choice matched" error (`States.NoChoiceMatched`), usually on an input
nobody thought about: a boundary value, a missing field, a value of another
type. Comparisons on an absent or mistyped value are false, so they never
match.

## Example
```yaml
workflow: pricing
start: tier
input: {order.total: number}
states:
  tier:
    type: choice
    choices:
      - {when: "order.total < 100", next: small}
      - {when: "order.total > 100", next: large}
  small: {type: succeed}
  large: {type: succeed}
```

In Amazon States Language:
```json
{
  "StartAt": "BuyOrSell",
  "States": {
    "BuyOrSell": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.recommendation", "StringEquals": "buy", "Next": "Buy"},
        {"Variable": "$.recommendation", "StringEquals": "sell", "Next": "Sell"}
      ]
    },
    "Buy": {"Type": "Succeed"},
    "Sell": {"Type": "Succeed"}
  }
}
```

## Use instead
```yaml
workflow: pricing
start: tier
input: {order.total: number}
states:
  tier:
    type: choice
    choices:
      - {when: "order.total < 100", next: small}
      - {when: "order.total >= 100", next: large}
  small: {type: succeed}
  large: {type: succeed}
```

In Amazon States Language, a `Default` routes every other value:
```json
{
  "StartAt": "BuyOrSell",
  "States": {
    "BuyOrSell": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.recommendation", "StringEquals": "buy", "Next": "Buy"},
        {"Variable": "$.recommendation", "StringEquals": "sell", "Next": "Sell"}
      ],
      "Default": "Hold"
    },
    "Buy": {"Type": "Succeed"},
    "Sell": {"Type": "Succeed"},
    "Hold": {"Type": "Succeed"}
  }
}
```

## References
- AWS Step Functions, "Choice workflow state" (rules, `Default`, `IsPresent` guards).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from wfverify.core.findings import Finding, Proof, Verdict
from wfverify.core.model import Dialect, State, StateKind, Workflow
from wfverify.core.rule import NoOptions, rule


def _json(data: object) -> str:
    import json

    return json.dumps(data, sort_keys=True)


@rule(code="WF301", name="missing-default", severity="warning", groups=("choices", "proofs"), proof=True)
def check(workflow: Workflow, options: NoOptions) -> Iterator[Finding | Proof]:
    choices = [s for s in workflow.iter_states() if s.kind is StateKind.CHOICE and s.choices]
    # A choice with no rules and no default routes no input at all (dead-end reports the finding).
    empty = sorted(s.name for s in workflow.iter_states() if s.kind is StateKind.CHOICE and not s.choices)
    empty = [name for name in empty if workflow.states[name].default is None]
    if not choices:
        if empty:
            detail = f"{', '.join(empty)}: no rules and no default, so every input falls through"
            yield Proof("choice-exhaustiveness", Verdict.VIOLATED, detail, 0.0, {"state": empty[0], "input": {}})
        else:
            yield Proof("choice-exhaustiveness", Verdict.NOT_APPLICABLE, "no choice states")
        return
    from wfverify.analysis.smt.choices import analyze_workflow

    began = time.perf_counter()
    reports = analyze_workflow(workflow)
    seconds = time.perf_counter() - began
    violated, unknown, first_witness = [], [], None
    for state in choices:
        report = reports[state.name]
        unknown += report.unknown
        witness = _reachable_witness(workflow, state, report.witness) if report.exhaustive == "violated" else None
        if report.exhaustive == "violated" and witness is None:
            unknown.append(f"{state.name}: the inputs found contradict what earlier Choice rules established")
        elif witness is not None:
            violated.append(state.name)
            first_witness = first_witness or {"state": state.name, "input": witness}
            yield Finding(
                _message(workflow, state, witness),
                pointer=state.field_pointer("choices"),
                state=state.name,
                witness=witness,
            )
        for read in report.absent_reads:
            violated.append(state.name)
            first_witness = first_witness or {"state": state.name, "input": read.witness}
    violated += empty
    first_witness = first_witness or ({"state": empty[0], "input": {}} if empty else None)
    yield _proof(len(choices), violated, unknown, first_witness, seconds)


def _reachable_witness(workflow: Workflow, state: State, witness: dict[str, Any] | None) -> dict[str, Any] | None:
    """The solver's input, if it can reach the Choice given earlier Choices' conditions (repaired if need be)."""
    if witness is None:
        return None
    from wfverify.analysis.dataflow import facts_at
    from wfverify.analysis.pathcond import consistent_witness

    facts = facts_at(workflow).get(state.name)
    if facts is None or not facts.assumed:
        return witness
    return consistent_witness(facts.assumed, [r.condition for r in state.choices], witness)


def _message(workflow: Workflow, state: State, witness: dict[str, Any]) -> str:
    if workflow.dialect is Dialect.ASL:
        return (
            f"Choice '{state.name}' has no Default and input {_json(witness)} matches none of its rules: "
            "the execution fails with States.NoChoiceMatched; add a Default or a rule for it"
        )
    return f"choice '{state.name}' has no default and input {_json(witness)} matches none of its rules"


def _proof(count: int, violated: list[str], unknown: list[str], witness: object, seconds: float) -> Proof:
    if violated:
        names = ", ".join(sorted(set(violated)))
        return Proof(
            "choice-exhaustiveness", Verdict.VIOLATED, f"{names}: an input matches no rule or fails", seconds, witness
        )
    if unknown:
        return Proof("choice-exhaustiveness", Verdict.UNKNOWN, "; ".join(unknown[:3]), seconds)
    return Proof("choice-exhaustiveness", Verdict.PROVEN, f"{count} choice state(s): every input is routed", seconds)
