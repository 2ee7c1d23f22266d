"""The file is not well-formed JSON or YAML, or cannot be read as text.

Reported by the loader, with the position of the first problem: malformed
JSON or YAML, an empty or binary file, bytes that are not UTF-8 (or UTF-16
with a byte-order mark), a YAML tag that would construct objects, aliases that
expand without bound, nesting too deep to read, a file over the size limit, or
a file that cannot be opened.

## Why is this bad?
The workflow engine rejects the file at deploy time, or worse, a YAML tag such
as `!!python/object` asks the reader to run code. wfverify never constructs
such objects: it reports them.

## Example
```json
{"StartAt": "A", "States": {"A": {"Type": "Succeed"},}}
```

## Use instead
```json
{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
```

## References
- RFC 8259 (JSON), YAML 1.2 core schema.
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF001", name="syntax-error", severity="error", doc=__doc__)
