"""Where the blocks a state machine needs start and end in a Terraform file, without parsing it.

python-hcl2's Lark parser reads about 2,000 lines a second. A module's files are
mostly other resources, so only the ``resource "aws_sfn_state_machine"`` and
``data "template_file"`` and ``locals`` blocks are handed to it, every other character blanked
to a space (newlines kept): the parser sees the same lines and columns, and
does a fraction of the work. The scanner knows strings (with ``${...}``
interpolations), heredocs and comments; when anything is unclear it gives up and
the whole file is parsed.
"""

from __future__ import annotations

import re

__all__ = ["relevant_text"]

_HEADER = re.compile(
    r'(?m)^[ \t]*(?:(?:resource|data)[ \t]+"(?:aws_sfn_state_machine|template_file)"[ \t]+"[^"\n]*"|locals|module[ \t]+"[^"\n]*")[ \t]*\{'
)
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")
_OPEN = {"{": "}", "(": ")", "[": "]", "${": "}", "%{": "}"}


def relevant_text(text: str) -> str | None:
    """``text`` with everything outside the wanted blocks blanked, or None to parse it all."""
    spans = []
    for m in _HEADER.finditer(text):
        end = _block_end(text, m.end() - 1)
        if end is None:
            return None
        spans.append((m.start(), end))
    if not spans:
        return None
    out = []
    last = 0
    for start, end in spans:
        if start < last:
            return None
        out.append(_blank(text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(_blank(text[last:]))
    return "".join(out)


def _blank(chunk: str) -> str:
    return re.sub(r"[^\n]", " ", chunk)


def _block_end(text: str, i: int) -> int | None:  # noqa: C901 - one scanner loop
    """Offset just past the brace that closes the one at ``i``; None when unsure."""
    stack = ["{"]
    i += 1
    n = len(text)
    while i < n and stack:
        c = text[i]
        if stack[-1] == '"':
            if c == "\\":
                i += 2
            elif c == '"':
                stack.pop()
                i += 1
            elif text.startswith(("${", "%{"), i):
                stack.append("${")
                i += 2
            elif c == "\n":
                return None
            else:
                i += 1
            continue
        if c == '"':
            stack.append('"')
        elif c == "#" or text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return None
            i = close + 2
            continue
        elif text.startswith("<<", i):
            heredoc = _HEREDOC.match(text, i)
            if heredoc is None:
                return None
            marker = re.compile(rf"(?m)^[ \t]*{re.escape(heredoc.group(1))}[ \t]*\r?$")
            close_m = marker.search(text, heredoc.end())
            if close_m is None:
                return None
            i = close_m.end()
            continue
        elif c in "{([":
            stack.append(c)
        elif c in "})]":
            if _OPEN.get(stack[-1]) != c:
                return None
            stack.pop()
        i += 1
    return i if not stack else None
