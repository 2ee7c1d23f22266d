"""JSONPath the way Step Functions reads it: an ASL root, then Jayway JsonPath's grammar.

Step Functions evaluates paths with Jayway JsonPath (Java). The ASL root comes
first: ``$`` (the input), ``$$`` (the context object) or ``$name`` (a workflow
variable). What follows is read as Jayway's ``PathCompiler`` reads it:

* after the root comes ``.`` or ``[``; a path never ends with ``.``;
* ``.`` then any token, so ``$.[0]``, ``$.a.[0].b`` and ``$.['a']`` are fine;
  ``..`` is a deep scan and may not be followed by another ``.``;
* a property runs until ``.``, ``[`` or ``(``; a blank inside it is an error
  (``['my prop']`` is the way to name it); ``name(...)`` is a function call
  (``length()``, ``sum()``...);
* a bracket holds quoted names (``['a']``, ``['a', 'b']``), indexes
  (``[0]``, ``[-1]``, ``[0, 2]``), a slice (``[1:3]``, ``[:2]``, ``[-2:]``),
  a wildcard ``[*]``, or a filter ``[?(...)]``;
* a script step ``[(...)]`` (Goessner's ``[(@.length-1)]``) is not in Jayway's
  compiler, but whether the service refuses it is not known, so it is accepted
  when it balances;
* blanks around the whole path are trimmed (a style note, never an error).

A **reference path** (``ResultPath``, ``ItemsPath``, a Choice ``Variable``...)
must name one node: the ASL specification rules out ``@ , : ?``, so only
names and single indexes, with no wildcard, deep scan, filter or function.
"""

from __future__ import annotations

import re

from wfverify.core.records import dataclass

__all__ = ["JAYWAY_FUNCTIONS", "Root", "check", "root_of"]

#: Functions Jayway JsonPath evaluates at the end of a path (others fail at run time).
JAYWAY_FUNCTIONS = frozenset(
    {"min", "max", "avg", "stddev", "length", "size", "sum", "keys", "concat", "append", "first", "last", "index"}
)
_VARIABLE = re.compile(r"\$([^\W\d]\w*)")
_INTEGER = re.compile(r"[-+]?\d+")
_BLANKS = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Root:
    """Where a path starts: ``input`` (``$``), ``context`` (``$$``) or ``variable`` (``$name``)."""

    kind: str
    end: int
    variable: str | None = None


def root_of(text: str) -> Root | None:
    """The root of ``text`` (already trimmed), or ``None`` when it does not start with ``$``."""
    if text.startswith("$$"):
        return Root("context", 2)
    m = _VARIABLE.match(text)
    if m:
        return Root("variable", m.end(), m.group(1))
    if text.startswith("$"):
        return Root("input", 1)
    return None


def check(text: str, reference: bool) -> str | None:
    """``None`` when the (trimmed) path compiles, else what is wrong, in a sentence."""
    root = root_of(text)
    if root is None:
        return "a path starts with $ (the state input), $$ (the context object) or $name (a variable)"
    if text.endswith("."):
        return "a path cannot end with '.'"
    if root.end < len(text) and text[root.end] not in ".[":
        return f"after {text[: root.end]!r} comes '.' or '[' (character {root.end + 1})"
    return _Reader(text, reference).steps(root.end)


class _Reader:
    """One pass over the tokens after the root, in the order Jayway tries them."""

    def __init__(self, text: str, reference: bool) -> None:
        self.text = text
        self.reference = reference

    def significant(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in _BLANKS:
            i += 1
        return i

    def char(self, i: int) -> str:
        return self.text[i] if i < len(self.text) else ""

    def one_node(self, what: str) -> str:
        return f"{what} can select several nodes, and a reference path names exactly one"

    def steps(self, i: int) -> str | None:
        while i < len(self.text):
            c = self.text[i]
            if c == "[":
                i, problem = self.bracket(i)
            elif c == ".":
                i, problem = self.dot(i)
            elif c == "*":
                i, problem = i + 1, self.one_node("a wildcard '*'") if self.reference else None
            else:
                i, problem = self.property(i)
            if problem:
                return problem
        return None

    def dot(self, i: int) -> tuple[int, str | None]:
        if self.text.startswith("..", i):
            if self.reference:
                return i, self.one_node("a deep scan '..'")
            i += 2
        else:
            i += 1
        if self.char(i) == ".":
            return i, f"character {i + 1}: '.' cannot follow '{self.text[i - 1]}' here"
        return i, None

    def property(self, i: int) -> tuple[int, str | None]:
        if self.text[i] == " ":
            return i, f"unexpected blank at character {i + 1}"
        start = i
        while i < len(self.text) and self.text[i] not in ".[(":
            if self.text[i] == " ":
                return i, f"a name with blanks is written ['my name'] (blank at character {i + 1})"
            i += 1
        if self.char(i) != "(":
            return i, None
        name = self.text[start:i]
        end = _closing(self.text, i, "(", ")")
        if end < 0:
            return i, f"the arguments of {name}() are not closed"
        if self.reference:
            return i, f"a reference path names a node; the function {name}() computes a value"
        if name not in JAYWAY_FUNCTIONS:
            known = ", ".join(sorted(JAYWAY_FUNCTIONS))
            return i, f"{name}() is not a JSONPath function (the engine knows {known})"
        return end + 1, None

    def bracket(self, i: int) -> tuple[int, str | None]:
        at = self.significant(i + 1)
        c = self.char(at)
        if c in ("'", '"'):
            return self.names(at, c)
        if c.isdigit() or c in "-:":
            return self.array(i)
        if c == "*":
            close = self.significant(at + 1)
            if self.char(close) != "]":
                return i, f"a wildcard is written [*] (character {close + 1})"
            return close + 1, self.one_node("a wildcard '[*]'") if self.reference else None
        if c == "?":
            return self.filter(i, at)
        if c == "(" and not self.reference:
            return self.script(i, at)
        return i, f"'[' at character {i + 1} must hold a quoted name, an index, a slice, * or a filter ?(...)"

    def names(self, at: int, quote: str) -> tuple[int, str | None]:
        count, i = 0, at
        while True:
            end = _quoted_end(self.text, i, quote)
            if end < 0:
                return i, f"a quoted name is not closed (missing {quote})"
            count += 1
            nxt = self.significant(end)
            if self.char(nxt) == "]":
                break
            if self.char(nxt) != ",":
                return nxt, f"names in brackets are separated by ',' and closed by ']' (character {nxt + 1})"
            i = self.significant(nxt + 1)
            if self.char(i) != quote:
                return i, f"an empty or unquoted name in brackets at character {i + 1}"
        if self.reference and count > 1:
            return nxt, self.one_node("a list of names")
        return nxt + 1, None

    def array(self, i: int) -> tuple[int, str | None]:
        close = self.text.find("]", i)
        if close < 0:
            return i, f"the '[' at character {i + 1} is never closed"
        inner = self.text[i + 1 : close].strip()
        if any(not (ch.isdigit() or ch in ",-: ") for ch in inner):
            return i, f"[{inner}] is neither indexes nor a slice"
        if ":" in inner:
            if self.reference:
                return i, self.one_node(f"a slice [{inner}]")
            parts = [p.strip() for p in inner.split(":")]
            bounds = parts[:2] + [""] * (2 - len(parts[:2]))
            if not any(bounds) or any(b and not _INTEGER.fullmatch(b) for b in bounds):
                return i, f"[{inner}] is not a slice such as [1:3], [:2] or [-2:]"
            return close + 1, None
        items = [p.strip() for p in inner.rstrip(", ").split(",")]
        if any(not _INTEGER.fullmatch(p) for p in items):
            return i, f"[{inner}] is not a list of whole-number indexes"
        if self.reference and len(items) > 1:
            return i, self.one_node(f"a list of indexes [{inner}]")
        return close + 1, None

    def script(self, i: int, paren: int) -> tuple[int, str | None]:
        """``[(@.length-1)]``: Goessner's script step, accepted by other engines; kept when it balances."""
        end = _closing(self.text, paren, "(", ")")
        close = self.significant(end + 1) if end >= 0 else -1
        if end < 0 or self.char(close) != "]":
            return i, "the script [(...)] is not closed: its parentheses or brackets do not balance"
        return close + 1, None

    def filter(self, i: int, question: int) -> tuple[int, str | None]:
        nxt = self.significant(question + 1)
        if self.char(nxt) in ("]", ","):
            return i, "[?] needs a filter predicate Step Functions does not supply: write [?(@.field > 0)]"
        if self.char(nxt) != "(":
            return i, f"a filter is written [?(...)] (character {nxt + 1})"
        end = _closing(self.text, nxt, "(", ")")
        close = self.significant(end + 1) if end >= 0 else -1
        if end < 0 or self.char(close) != "]":
            return i, "the filter [?(...)] is not closed: its parentheses or brackets do not balance"
        return close + 1, self.one_node("a filter [?(...)]") if self.reference else None


def _quoted_end(text: str, start: int, quote: str) -> int:
    """Index after the closing ``quote`` of the literal opened at ``start``, or -1."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return -1


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the ``closing`` matching ``text[start]``; quotes and ``=~ /regex/`` are skipped."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in ("'", '"'):
            i = _quoted_end(text, i, c)
            if i < 0:
                return -1
            continue
        if c == "/" and text[:i].rstrip().endswith("=~"):
            i = _quoted_end(text, i, "/")
            if i < 0:
                return -1
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
