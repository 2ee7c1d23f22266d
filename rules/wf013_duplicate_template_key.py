"""A key is written twice in the same mapping of a template.

YAML forbids it, cfn-lint refuses the template, and PyYAML-based deploy tools
(SAM CLI among them) silently keep the last value. wfverify reads the template
as those tools do, checks its state machines, and reports the earlier key.

## Why is this bad?
One of the two values is thrown away without a word: a property someone set
(a handler, a timeout, a role) is not the one deployed.

## Example
```yaml
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/old
      RoleArn: arn:aws:iam::123456789012:role/new
      Definition:
        StartAt: Done
        States:
          Done: {Type: Succeed}
```

## Use instead
```yaml
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/new
      Definition:
        StartAt: Done
        States:
          Done: {Type: Succeed}
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF013", name="duplicate-template-key", severity="warning", doc=__doc__, groups=("templates",))
