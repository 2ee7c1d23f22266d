"""The document breaks its dialect's schema.

The loader validates every file against wfverify's JSON Schema for its dialect
(written from the Amazon States Language specification and from the native
format page) and reports one finding per violation, at the violating field:
an unknown field, a wrong type, a missing required field, two mutually
exclusive fields, or a key that appears twice in one object. An entry of
`States` that is not an object is reported once and not treated as a state:
a machine-level field written there by mistake (`"QueryLanguage": "JSONata"`
inside `States`) is named as such, and its language is applied, so the
`Arguments` and `Output` fields it was meant for are not reported again.

## Why is this bad?
Step Functions rejects such a definition when it is created or updated, and a
duplicated key is silently resolved by most JSON readers (the later value
wins), so the file does not mean what it says.

## Example
```json
{"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B", "End": true}}}
```

## Use instead
```json
{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
```

## References
- Amazon States Language specification, "States" and "Common State Fields".
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF003", name="schema-violation", severity="error", doc=__doc__)
