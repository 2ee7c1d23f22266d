"""A rule or proof failed on this file because of a fault in wfverify.

The engine runs every rule in isolation: when one raises, the failure becomes
this finding (naming the rule) and the other rules and files still run. Run
again with `--debug` to see the traceback.

## Why is this bad?
The failed rule said nothing about this file, so a problem it would have
found may be hidden. It is wfverify's bug, not yours: please report it with
the file (or a reduced copy).

## Example
```text
(no input triggers it on purpose: every occurrence is a bug to report)
```

## Use instead
```text
(upgrade wfverify, or --ignore the failing rule until it is fixed)
```
"""

from wfverify.core.registry import loader_rule

RULE = loader_rule(code="WF901", name="internal-error", severity="error", doc=__doc__, groups=("meta",))
