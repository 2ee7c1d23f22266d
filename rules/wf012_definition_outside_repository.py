"""A template names a definition file outside the repository; it is not read.

A `DefinitionUri`, `templatefile`, `file` or `${file(...)}` path is resolved
against the template's folder and must stay under the repository root (the
nearest folder holding `.git`, or the path given on the command line). An
absolute path, a `../` that climbs out, or a symlink that leads outside is
reported at the name in the template, and the file is never opened.

## Why is this bad?
A definition outside the repository is not versioned with the template, and
the build depends on the machine it runs on. Reading it would also let a pull
request make a CI log print any file of the runner.

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: ../../../etc/order.asl.json
```

## Use instead
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/order.asl.json
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(
    code="WF012", name="definition-outside-repository", severity="error", doc=__doc__, groups=("templates",)
)
