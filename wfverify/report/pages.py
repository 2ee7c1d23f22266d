"""A rule's page as plain text (``wfverify explain`` off a terminal, and generated docs)."""

from __future__ import annotations

from typing import Any


def page_text(rule: Any) -> str:
    """The page: header line, the docstring sections, and how to silence it."""
    head = f"{rule.name} ({rule.code}) - default severity: {rule.severity.value}"
    groups = f"groups: {', '.join(rule.groups)}" if rule.groups else ""
    silence = (
        "## How to silence it\n"
        f"YAML: a comment '# wfverify: ignore[{rule.name}]' on the state's line.\n"
        f'JSON: a "Comment" (ASL) or "comment" (native) field of the state containing \'wfverify: ignore[{rule.name}]\'.\n'
        f'Everywhere: --ignore {rule.name}, or ignore = ["{rule.name}"] in [tool.wfverify].'
    )
    return (
        "\n".join(x for x in (head, "=" * len(head), groups, "", rule.doc.strip(), "", silence) if x is not None) + "\n"
    )
