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


def _demote_headings(doc: str) -> str:
    """A rule page's ``## `` headings become ``### `` (outside code fences) so they nest under the rule."""
    out, fenced = [], False
    for line in doc.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("#" + line if line.startswith("#") and not fenced else line)
    return "\n".join(out)


def rules_index(registry: Any) -> str:
    """docs/rules.md: a table of every rule, then every rule's page (``wfverify rules --format markdown``)."""
    lines = [
        "# Rules",
        "",
        "Generated from the rule registry by `wfverify rules --format markdown > docs/rules.md`;",
        "a test fails when it is out of date. `wfverify explain NAME` prints one page.",
        "",
        "| code | name | severity | groups | summary |",
        "|---|---|---|---|---|",
    ]
    for r in registry.rules:
        link = f"[{r.name}](#{r.code.lower()}-{r.name})"
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| {r.code} | {link} | {r.severity.value} | {', '.join(r.groups)} | {summary} |")
    for r in registry.rules:
        groups = f" Groups: {', '.join(r.groups)}." if r.groups else ""
        lines += ["", f"## {r.code} {r.name}", "", f"Default severity: {r.severity.value}.{groups}", ""]
        lines.append(_demote_headings(r.doc.strip()))
        lines += [
            "",
            "### How to silence it",
            "",
            f"In YAML, a comment `# wfverify: ignore[{r.name}]` on the state's line; in JSON, the state's "
            f"`Comment` (ASL) or `comment` (native) containing `wfverify: ignore[{r.name}]`; everywhere, "
            f'`--ignore {r.name}` or `ignore = ["{r.name}"]` in `[tool.wfverify]`.',
        ]
    return "\n".join(lines) + "\n"
