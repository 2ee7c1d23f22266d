"""Intrinsic functions of JSONPath states: ``States.Name(arg, ...)``, parsed and checked.

An argument is a string literal in single quotes (``\\'``, ``\\{``, ``\\}`` and
``\\\\`` are its escapes), a number, ``true``/``false``/``null``, a path
(``$.x``, ``$$.x``, ``$name``) or another intrinsic; the service nests at most
ten calls in one field. Each function's argument count and the literal values
the AWS documentation constrains are checked:

* ``States.MathAdd``, ``States.MathRandom``, ``States.ArrayRange``: numbers;
  ``ArrayRange`` steps must not be 0 and produce at most 1,000 items;
* ``States.Hash``: the algorithm is MD5, SHA-1, SHA-256, SHA-384 or SHA-512;
* ``States.JsonMerge``: the third argument is ``false`` (only shallow merges).

``States.Format`` placeholders are not counted against its arguments: the AWS
documentation's own nine-call example passes two values to a three-``{}``
template, so a mismatch is not known to be rejected.
"""

from __future__ import annotations

import re

from wfverify.core.records import dataclass, field

__all__ = ["INTRINSICS", "Argument", "Call", "IntrinsicError", "parse"]

#: name -> (fewest, most) arguments (``None``: no upper bound)
INTRINSICS: dict[str, tuple[int, int | None]] = {
    "Format": (1, None),
    "StringToJson": (1, 1),
    "JsonToString": (1, 1),
    "Array": (0, None),
    "ArrayPartition": (2, 2),
    "ArrayContains": (2, 2),
    "ArrayRange": (3, 3),
    "ArrayGetItem": (2, 2),
    "ArrayLength": (1, 1),
    "ArrayUnique": (1, 1),
    "Base64Encode": (1, 1),
    "Base64Decode": (1, 1),
    "Hash": (2, 2),
    "JsonMerge": (3, 3),
    "MathRandom": (2, 3),
    "MathAdd": (2, 2),
    "StringSplit": (2, 2),
    "UUID": (0, 0),
}
MAX_NESTING = 10
_NUMERIC = {"MathAdd", "MathRandom", "ArrayRange"}
_HASHES = ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512")
_NAME = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_WORD = re.compile(r"true|false|null")


class IntrinsicError(ValueError):
    """The text is not a well-formed intrinsic call; the message says why."""


@dataclass(frozen=True, slots=True)
class Argument:
    """``kind``: ``string`` (``value`` unescaped), ``number``, ``literal``, ``path`` or ``call``."""

    kind: str
    text: str
    value: str = ""
    call: Call | None = None


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Argument, ...] = field(default=())

    def paths(self) -> list[str]:
        """Every path argument, nested calls included."""
        out: list[str] = []
        for a in self.args:
            if a.kind == "path":
                out.append(a.text)
            elif a.call is not None:
                out += a.call.paths()
        return out


def parse(text: str) -> Call:
    """The call ``text`` spells, checked; raises :class:`IntrinsicError`."""
    parser = _Parser(text)
    call, end = parser.call(0, 1)
    if text[end:].strip():
        raise IntrinsicError(f"unexpected text {text[end:].strip()!r} after States.{call.name}(...)")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text

    def skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i].isspace():
            i += 1
        return i

    def call(self, i: int, depth: int) -> tuple[Call, int]:
        m = _NAME.match(self.text, i)
        if not m:
            raise IntrinsicError("an intrinsic function is written States.Name(arguments)")
        name = m.group(1)
        if name not in INTRINSICS:
            raise IntrinsicError(f"unknown intrinsic function States.{name} (known: {', '.join(sorted(INTRINSICS))})")
        if depth > MAX_NESTING:
            raise IntrinsicError(f"more than {MAX_NESTING} intrinsic functions nested in one field")
        args: list[Argument] = []
        i = self.skip(m.end())
        if self.text.startswith(")", i):
            return _checked(Call(name)), i + 1
        while True:
            arg, i = self.argument(i, name, depth)
            args.append(arg)
            i = self.skip(i)
            if self.text.startswith(")", i):
                return _checked(Call(name, tuple(args))), i + 1
            if not self.text.startswith(",", i):
                raise IntrinsicError(f"States.{name}(...): expected ',' or ')' at character {i + 1}")
            i += 1

    def argument(self, i: int, function: str, depth: int) -> tuple[Argument, int]:
        i = self.skip(i)
        rest = self.text[i:]
        if rest.startswith("'"):
            return self.string(i, function)
        if rest.startswith("States."):
            call, end = self.call(i, depth + 1)
            return Argument("call", self.text[i:end], call=call), end
        if rest.startswith("$"):
            end = self.path_end(i)
            return Argument("path", self.text[i:end].strip()), end
        for kind, pattern in (("number", _NUMBER), ("literal", _WORD)):
            m = pattern.match(self.text, i)
            if m and not re.match(r"[\w.]", self.text[m.end() : m.end() + 1]):
                return Argument(kind, m.group()), m.end()
        shown = re.split(r"[,)]", rest, maxsplit=1)[0].strip() or rest[:1]
        raise IntrinsicError(
            f"argument {shown!r} of States.{function} is not a 'string', number, true/false/null, path or intrinsic"
        )

    def string(self, i: int, function: str) -> tuple[Argument, int]:
        chars: list[str] = []
        j = i + 1
        while j < len(self.text):
            c = self.text[j]
            if c == "\\" and j + 1 < len(self.text):
                chars.append(self.text[j : j + 2])
                j += 2
                continue
            if c == "'":
                return Argument("string", self.text[i : j + 1], "".join(chars)), j + 1
            chars.append(c)
            j += 1
        raise IntrinsicError(f"States.{function}(...) has a string literal that is never closed (missing ')")

    def path_end(self, i: int) -> int:
        """The end of a path argument: the first ',' or ')' outside brackets, parentheses and quotes."""
        depth = 0
        while i < len(self.text):
            c = self.text[i]
            if c in "'\"":
                close = self.text.find(c, i + 1)
                i = close + 1 if close >= 0 else len(self.text)
                continue
            if c in "([":
                depth += 1
            elif c in ")]":
                if depth == 0:
                    return i
                depth -= 1
            elif c == "," and depth == 0:
                return i
            i += 1
        return i


def _checked(call: Call) -> Call:
    low, high = INTRINSICS[call.name]
    count = len(call.args)
    if count < low or (high is not None and count > high):
        want = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
        raise IntrinsicError(f"States.{call.name} takes {want} argument(s), not {count}")
    problem = _literal_problem(call)
    if problem:
        raise IntrinsicError(problem)
    return call


def _literal_problem(call: Call) -> str | None:
    name, args = call.name, call.args
    if name in _NUMERIC:
        for a in args:
            if a.kind in ("string", "literal"):
                return f"States.{name} takes numbers or paths, not {a.text}"
    if name == "Hash" and args[1].kind == "string" and args[1].value not in _HASHES:
        return f"States.Hash algorithm {args[1].text} is not one of {', '.join(_HASHES)}"
    if name == "JsonMerge" and args[2].kind != "path" and args[2].text != "false":
        return "the third argument of States.JsonMerge must be false (Step Functions merges shallowly only)"
    if name == "ArrayRange" and all(a.kind == "number" for a in args):
        start, end, step = (float(a.text) for a in args)
        if step == 0:
            return "States.ArrayRange needs a step other than 0"
        if (end - start) / step >= 1000:
            return "States.ArrayRange would produce more than 1,000 items (the service's limit)"
    return None
