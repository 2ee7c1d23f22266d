"""A template names a definition file that does not exist.

`DefinitionUri` (SAM), `templatefile(...)` or `file(...)` (Terraform) and
`${file(...)}` (Serverless Framework) name a file relative to the template's
folder. When it is not there, the finding is at the name in the template; a
file that exists under another case (`StateMachine.asl.json` for
`statemachine.asl.json`) is named in the message, since deployments on Linux
see case.

## Why is this bad?
`sam build`, `terraform plan` and `serverless deploy` fail on it, or worse, a
case mismatch works on a laptop and fails in CI.

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/no-such-file.asl.json
```

## Use instead
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Done
        States:
          Done: {Type: Succeed}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF011", name="missing-definition-file", severity="error", doc=__doc__, groups=("templates",))
