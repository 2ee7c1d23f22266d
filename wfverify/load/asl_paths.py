"""Syntax of the strings Amazon States Language evaluates: paths, intrinsics, JSONata.

Each ``check_*`` returns ``None`` for good text or a message saying what is
wrong; nothing is evaluated. The grammars are the service's:

* a **path** (``InputPath``, ``OutputPath``, values of ``key.$`` fields) is
  read by Jayway JsonPath after the ASL root (:mod:`wfverify.load.asl_jsonpath`);
* a **reference path** (``ResultPath``, ``ItemsPath``, ``*Path`` fields, a
  Choice ``Variable``) names one node: names and single indexes only;
* an **intrinsic function** is ``States.Name(arg, ...)``, parsed with nested
  calls and checked by arity and literal values (:mod:`wfverify.load.asl_intrinsics`);
* a **JSONata** value is a string that starts with ``{%`` and ends with ``%}``
  (no blank is needed inside), whose expression parses with jsonata-python,
  the same grammar (JSONata 2.0) Step Functions implements.

:func:`variable_reads` names the workflow variables a string reads, for the
``undefined-variable`` rule: the ``$name`` root of a path, the paths inside an
intrinsic, and the free ``$name`` references of a JSONata expression (built-in
functions, lambda parameters and ``:=`` bindings are not variables, and a
variable the expression tests with ``$exists($x)`` or ``$x ? ... : ...`` is
read knowingly: JSONata makes an unassigned variable *undefined*).

Every answer depends on the text alone, and the same strings come back (the
loader checks a Choice ``Variable``, then ``invalid-path`` and
``undefined-variable`` read every path again; ``$``, ``$.Payload``... recur in
file after file), so each is worked out once per process (bounded caches).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from wfverify.load import asl_jsonpath

__all__ = [
    "check_intrinsic",
    "check_jsonata",
    "check_jsonpath",
    "check_payload_value",
    "check_reference_path",
    "is_jsonata_like",
    "jsonata_note",
    "style_note",
    "variable_reads",
]

#: Functions Step Functions adds to JSONata's own library.
_SFN_JSONATA_FUNCTIONS = frozenset({"partition", "range", "hash", "random", "uuid", "parse"})
#: Names that are never workflow variables: ``$states`` is reserved, ``$`` and ``$$`` are the context.
_RESERVED = frozenset({"states", "", "$"})
_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
#: How many distinct strings each cache keeps (a long-lived process may check many files).
_CACHED = 4096


@lru_cache(maxsize=_CACHED)
def check_jsonpath(text: str) -> str | None:
    """A path as ``InputPath``, ``OutputPath`` and ``key.$`` values accept it."""
    return asl_jsonpath.check(text.strip(), reference=False)


@lru_cache(maxsize=_CACHED)
def check_reference_path(text: str, variables: bool = True) -> str | None:
    """A reference path (one node). ``ResultPath`` cannot name a variable (``variables=False``)."""
    trimmed = text.strip()
    root = asl_jsonpath.root_of(trimmed)
    if not variables and root is not None and root.kind == "variable":
        return "ResultPath cannot write to a variable: use Assign to set variables"
    return asl_jsonpath.check(trimmed, reference=True)


def style_note(text: str) -> str | None:
    """Blanks around a path: the engine trims them, so they are only noise."""
    if text != text.strip() and text.strip():
        what = "path" if text.strip().startswith("$") else "intrinsic function"
        return f"blank before or after the {what}; Step Functions ignores it, so remove it"
    return None


def jsonata_note(text: str) -> str | None:
    """Blanks after the closing ``%}`` (a YAML ``|`` block keeps a line break there).

    The service wants the string to end with ``%}``; whether it then rejects the
    definition or reads the string as plain text is not documented, so this is
    a warning rather than an error.
    """
    if text.startswith("{%") and not text.endswith("%}") and text.rstrip().endswith("%}"):
        return (
            "blank or line break after '%}': Step Functions expects the string to end with %} "
            "(in YAML, write the block as |- or >- to drop the final line break)"
        )
    return None


def check_intrinsic(text: str) -> str | None:
    """``States.Name(args)``: known name, arity, nesting, and the literal values the service constrains."""
    paths, problem = _intrinsic(text.strip())
    if problem is not None:
        return problem
    for path in paths:
        problem = check_jsonpath(path)
        if problem:
            return f"{path!r}: {problem}"
    return None


@lru_cache(maxsize=_CACHED)
def _intrinsic(text: str) -> tuple[tuple[str, ...], str | None]:
    """The paths an intrinsic call reads, and what is wrong with the call (``None`` when it parses)."""
    from wfverify.load.asl_intrinsics import IntrinsicError
    from wfverify.load.asl_intrinsics import parse as parse_intrinsic

    try:
        return tuple(parse_intrinsic(text).paths()), None
    except IntrinsicError as exc:
        return (), str(exc)


@lru_cache(maxsize=_CACHED)
def check_payload_value(text: str) -> str | None:
    """The value of a ``key.$`` field: a path (``$``, ``$$``, ``$var``) or an intrinsic function."""
    trimmed = text.strip()
    if trimmed.startswith("States."):
        return check_intrinsic(trimmed)
    if trimmed.startswith("$"):
        return check_jsonpath(trimmed)
    return f"a field ending in '.$' takes a path or an intrinsic function, not {text!r}"


def is_jsonata_like(text: str) -> bool:
    """Strings that start with ``{%`` or end with ``%}`` are meant as JSONata."""
    return text.startswith("{%") or text.rstrip().endswith("%}")


_PARSED: dict[str, tuple[Any, str | None]] = {}


def check_jsonata(text: str) -> str | None:
    """``{%expression%}``: the string starts with ``{%``, ends with ``%}``, and the expression parses."""
    body = text.rstrip() if jsonata_note(text) else text
    if not (body.startswith("{%") and body.endswith("%}")):
        return "a JSONata expression is a string that starts with {% and ends with %}"
    expression = _neutral(body[2:-2]).strip()
    if not expression:
        return "the JSONata expression between {% and %} is empty"
    return _parsed(expression)[1]


def _neutral(expression: str) -> str:
    """``${Placeholder}`` substitutions (SAM, CloudFormation, Terraform) read as a plain name."""
    return _PLACEHOLDER.sub("placeholder", expression) if "${" in expression else expression


def _parsed(expression: str) -> tuple[Any, str | None]:
    if expression not in _PARSED:
        import jsonata  # jsonata-python, a dependency: a missing one must be loud, not a silent "valid"

        try:
            _PARSED[expression] = (jsonata.Jsonata(expression).ast, None)
        except Exception as exc:  # jsonata raises its JException for syntax errors
            _PARSED[expression] = (None, f"JSONata syntax error: {str(exc).strip() or type(exc).__name__}")
    return _PARSED[expression]


def variable_reads(text: str, language: str) -> list[str]:
    """Names of the workflow variables ``text`` reads (without ``$``), in order of appearance."""
    return list(_variable_reads(text, language))


@lru_cache(maxsize=_CACHED)
def _variable_reads(text: str, language: str) -> tuple[str, ...]:
    if language == "jsonata":
        if check_jsonata(text) is not None:
            return ()
        return tuple(_jsonata_reads(_parsed(_neutral(text.rstrip()[2:-2]).strip())[0]))
    if language not in ("jsonpath", "reference-path", "payload"):
        return ()
    trimmed = text.strip()
    paths: tuple[str, ...] = (trimmed,)
    if trimmed.startswith("States."):
        paths, problem = _intrinsic(trimmed)
        if problem is not None:
            return ()
    roots = [asl_jsonpath.root_of(p) for p in paths]
    return tuple(r.variable for r in roots if r is not None and r.variable is not None and r.variable not in _RESERVED)


def _jsonata_reads(ast: Any) -> list[str]:
    import jsonata

    builtins = set(jsonata.Jsonata.static_frame.bindings) | _SFN_JSONATA_FUNCTIONS
    bound: set[str] = set()
    reads: list[str] = []
    stack: list[tuple[Any, bool]] = [(ast, False)]
    seen: set[int] = set()
    while stack:
        node, is_procedure = stack.pop()
        if isinstance(node, list):
            stack.extend((item, False) for item in reversed(node))
            continue
        if not hasattr(node, "type") or id(node) in seen:
            continue  # a node met twice (the parser shares some) is walked once
        seen.add(id(node))
        attrs = vars(node)
        if node.type == "variable" and not is_procedure:
            reads.append(str(node.value))
        if node.type == "bind" and getattr(node.lhs, "type", None) == "variable":
            bound.add(str(node.lhs.value))
        if node.type == "lambda":
            bound.update(str(a.value) for a in attrs.get("arguments") or [] if getattr(a, "type", "") == "variable")
        bound.update(_presence_tests(node, attrs))
        bound.update(str(attrs[k]) for k in ("focus", "index") if isinstance(attrs.get(k), str))
        for key, value in reversed(list(attrs.items())):
            if key != "_outer_instance" and (isinstance(value, list) or hasattr(value, "type")):
                stack.append((value, key == "procedure"))
    free: list[str] = []
    for name in reads:
        if name not in bound and name not in builtins and name not in _RESERVED and name not in free:
            free.append(name)
    return free


def _presence_tests(node: Any, attrs: dict[str, Any]) -> list[str]:
    """Variables the expression tests before use (``$exists($x)``, ``$x ? ... : ...``).

    In JSONata an unassigned variable is *undefined*, not an error, so an
    expression that asks whether it is there is written for its absence.
    """
    if node.type == "function" and getattr(attrs.get("procedure"), "value", None) == "exists":
        return [str(a.value) for a in attrs.get("arguments") or [] if getattr(a, "type", "") == "variable"]
    if node.type == "condition" and getattr(attrs.get("condition"), "type", "") == "variable":
        return [str(attrs["condition"].value)]
    return []


def _split_args(text: str) -> list[str] | None:
    """Top-level comma-separated arguments of an intrinsic call's inside (used by the simulator)."""
    args, depth, current, i = [], 0, "", 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            end = text.find("'", i + 1)
            while end > 0 and text[end - 1] == "\\":
                end = text.find("'", end + 1)
            if end < 0:
                return None
            current += text[i : end + 1]
            i = end + 1
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
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
