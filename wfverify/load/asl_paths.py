"""Syntax of the strings Amazon States Language evaluates: paths, intrinsics, JSONata.

Each ``check_*`` returns ``None`` for good text or a message saying what is
wrong. Nothing is evaluated. The grammars follow the ASL specification:

* a **JSONPath** starts at ``$`` (the input), ``$$`` (the context object) or
  ``$name`` (a workflow variable) and continues with ``.name``, ``..name``,
  ``.*``, or a bracket: ``[0]``, ``[-2]``, ``[1:3]``, ``[*]``, ``['a b']``,
  ``[0,2]``, a filter ``[?(...)]`` or a script ``[(...)]``, whose insides the
  service hands to its JSONPath engine and we only check for balance;
* a **reference path** (``ResultPath``, a Choice ``Variable``) names a single
  node: only ``.name``, ``['name']`` and ``[index]`` steps;
* an **intrinsic function** is ``States.Name(arg, ...)`` with arguments that
  are string literals in single quotes, numbers, ``true``/``false``/``null``,
  paths or nested intrinsics, checked by name and arity (and, where the service
  demands it, by argument kind);
* a **JSONata** field is ``{% expression %}`` with white space inside both
  delimiters, and the expression must parse (``jsonata-python``, loaded lazily).
"""

from __future__ import annotations

import re

__all__ = [
    "check_jsonpath",
    "check_reference_path",
    "check_intrinsic",
    "check_jsonata",
    "check_payload_value",
    "INTRINSICS",
    "is_jsonata_like",
]

_NAME = re.compile(r"[^.\[\]\s()'\"]+")
_INDEX = re.compile(r"-?\d+")
_SLICE = re.compile(r"-?\d*:-?\d*(:-?\d+)?")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")

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
#: functions whose arguments must be numbers or paths (the service rejects other literals)
_NUMERIC_ARGS = {"MathAdd", "MathRandom", "ArrayRange"}


def _root(text: str) -> tuple[int, str | None]:
    if text.startswith("$$"):
        return 2, None
    m = _VARIABLE.match(text)
    if m:
        return m.end(), None
    if text.startswith("$"):
        return 1, None
    return 0, "a path starts with $ (input), $$ (context object) or $name (a variable)"


def _balanced(text: str, start: int) -> int:
    """Index after the ')' closing the '(' at ``start``, or -1."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            m = _QUOTED.match(text, i)
            if not m:
                return -1
            i = m.end()
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _bracket(text: str, i: int, reference: bool) -> tuple[int, str | None]:
    """Parse a ``[...]`` step starting at ``i``; return the index after it."""
    inner_start = i + 1
    if text.startswith("[?(", i) or text.startswith("[(", i):
        if reference:
            return i, "a reference path names one node: no filters or scripts"
        end = _balanced(text, text.index("(", i))
        if end < 0 or not text.startswith("]", end):
            return i, "unbalanced parentheses in a filter or script expression"
        return end + 1, None
    parts_end = text.find("]", inner_start)
    if parts_end < 0:
        return i, "a '[' is never closed"
    inner = text[inner_start:parts_end]
    close = parts_end + 1
    if _QUOTED.fullmatch(inner) or _INDEX.fullmatch(inner):
        return close, None
    if reference:
        return i, f"a reference path names one node: '[{inner}]' is not a name or index"
    items = [p.strip() for p in inner.split(",")]
    if inner.strip() == "*" or all(_INDEX.fullmatch(p) or _QUOTED.fullmatch(p) or _SLICE.fullmatch(p) for p in items):
        return close, None
    return i, f"'[{inner}]' is not an index, slice, name, wildcard, filter or script"


def _steps(text: str, start: int, reference: bool) -> str | None:
    i = start
    while i < len(text):
        if text.startswith("..", i):
            if reference:
                return "a reference path names one node: no '..'"
            i += 2
            if text.startswith("*", i):
                i += 1
                continue
            m = _NAME.match(text, i)
            if not m:
                return f"'..' must be followed by a name at character {i + 1}"
            i = m.end()
        elif text[i] == ".":
            i += 1
            if text.startswith("*", i):
                if reference:
                    return "a reference path names one node: no '*'"
                i += 1
                continue
            m = _NAME.match(text, i)
            if not m:
                return f"'.' must be followed by a name at character {i + 1}"
            i = m.end()
        elif text[i] == "[":
            i, problem = _bracket(text, i, reference)
            if problem:
                return problem
        else:
            return f"unexpected {text[i]!r} at character {i + 1}"
    return None


def check_jsonpath(text: str) -> str | None:
    """A JSONPath as InputPath, OutputPath and ``.$`` values accept it."""
    start, problem = _root(text)
    return problem or _steps(text, start, reference=False)


def check_reference_path(text: str, variables: bool = True) -> str | None:
    """A reference path (one node). ``ResultPath`` cannot name a variable (``variables=False``)."""
    if not variables and _VARIABLE.match(text) and not text.startswith("$$"):
        return "ResultPath cannot write to a variable: use Assign to set variables"
    start, problem = _root(text)
    return problem or _steps(text, start, reference=True)


def _split_args(text: str) -> list[str] | None:
    args, depth, current, i = [], 0, "", 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            m = _QUOTED.match(text, i)
            if not m:
                return None
            current += m.group()
            i = m.end()
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(current.strip())
            current = ""
        else:
            current += ch
        i += 1
    if current.strip() or args:
        args.append(current.strip())
    return args


def check_intrinsic(text: str) -> str | None:
    """``States.Name(args)``: known name, arity, and arguments of accepted kinds."""
    m = re.match(r"States\.([A-Za-z0-9]+)\(", text)
    if not m:
        return "an intrinsic function looks like States.Name(arguments)"
    name = m.group(1)
    if name not in INTRINSICS:
        return f"unknown intrinsic function States.{name} (known: {', '.join(sorted(INTRINSICS))})"
    end = _balanced(text, m.end() - 1)
    if end != len(text):
        return f"States.{name}(...) has unbalanced parentheses or text after the call"
    args = _split_args(text[m.end() : -1])
    if args is None:
        return f"States.{name}(...) has an unterminated string literal"
    low, high = INTRINSICS[name]
    if not low <= len(args) <= (high if high is not None else len(args)):
        want = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
        return f"States.{name} takes {want} argument(s), not {len(args)}"
    for arg in args:
        problem = _argument(arg, name)
        if problem:
            return problem
    return None


def _argument(arg: str, function: str) -> str | None:
    if not arg:
        return f"States.{function} has an empty argument"
    if arg.startswith("$"):
        return check_jsonpath(arg)
    if arg.startswith("States."):
        return check_intrinsic(arg)
    is_number = re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", arg) is not None
    if function in _NUMERIC_ARGS and not is_number:
        return f"States.{function} takes numbers or paths, not {arg}"
    if _QUOTED.fullmatch(arg) and arg.startswith("'") or is_number or arg in ("true", "false", "null"):
        return None
    return f"argument {arg!r} of States.{function} is not a 'string', number, true/false/null, path or intrinsic"


def check_payload_value(text: str) -> str | None:
    """The value of a ``key.$`` field: a path (``$``, ``$$``, ``$var``) or an intrinsic function."""
    if text.startswith("States."):
        return check_intrinsic(text)
    if text.startswith("$"):
        return check_jsonpath(text)
    return f"a field ending in '.$' takes a path or an intrinsic function, not {text!r}"


def is_jsonata_like(text: str) -> bool:
    """Strings that start with ``{%`` or end with ``%}`` are meant as JSONata."""
    return text.startswith("{%") or text.rstrip().endswith("%}")


_PARSED: dict[str, str | None] = {}


def check_jsonata(text: str) -> str | None:
    """``{% expression %}``: delimiters with white space inside, and an expression that parses."""
    if not (text.startswith("{%") and text.endswith("%}")):
        return "a JSONata expression is written {% expression %}, with both delimiters"
    body = text[2:-2]
    if not body[:1].isspace() or not body[-1:].isspace():
        return "put a space after '{%' and before '%}'"
    if "\n" in body.strip(" ") and body.strip(" ").startswith("\n"):
        return "start the JSONata expression on the line of '{% ' (Step Functions does not accept a line break there)"
    expression = body.strip()
    if not expression:
        return "the JSONata expression is empty"
    if expression not in _PARSED:
        _PARSED[expression] = _jsonata_problem(expression)
    return _PARSED[expression]


def _jsonata_problem(expression: str) -> str | None:
    import jsonata  # jsonata-python, a dependency: a missing one must be loud, not a silent "valid"

    try:
        jsonata.Jsonata(expression)
    except Exception as exc:  # jsonata raises its JException for syntax errors
        return f"JSONata syntax error: {str(exc).strip() or type(exc).__name__}"
    return None
