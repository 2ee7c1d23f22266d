"""A state machine in a template whose definition wfverify cannot read, so it was not checked.

Reported (as information, at the place in the template) for a definition kept
in S3 (`DefinitionS3Location`, a `DefinitionUri` with `Bucket` and `Key`), built
by an intrinsic function wfverify does not evaluate (`!If` around the whole
definition, `!FindInMap`...), set from a Terraform expression it cannot resolve
(`var.definition`, `local.machine`), or missing altogether. Placeholders inside
a definition (`${Var}`, `!GetAtt`, `!Ref`, `templatefile` variables) do not cause
this: they are kept opaque and the rest is checked.

## Why is this bad?
Nothing is known about a state machine that was not read: a clean report would
be a false assurance. The note says which state machine was skipped and why.

## Example
```yaml
Resources:
  OrderMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      DefinitionS3Location:
        Bucket: my-bucket
        Key: order.asl.json
```

## Use instead
```yaml
Resources:
  OrderMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      Definition:
        StartAt: Done
        States:
          Done: {Type: Succeed}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF010", name="unchecked-definition", severity="info", doc=__doc__, groups=("templates",))
