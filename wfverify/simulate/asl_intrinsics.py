"""The 18 intrinsic functions of Amazon States Language (JSONPath states), as the AWS guide documents them.

``States.Format``, ``StringToJson``, ``JsonToString``, ``Array``,
``ArrayPartition``, ``ArrayContains``, ``ArrayRange``, ``ArrayGetItem``,
``ArrayLength``, ``ArrayUnique``, ``Base64Encode``, ``Base64Decode``,
``Hash``, ``JsonMerge``, ``MathRandom``, ``MathAdd``, ``StringSplit``,
``UUID``. An argument is a string literal in single quotes (``\\'``, ``\\\\``,
``\\{``, ``\\}`` escape), a number, ``true``/``false``/``null``, a path
(``$.x``, ``$$.Execution.Input``, a ``$variable``), or another intrinsic.
A call that breaks a documented rule (a wrong argument type, a chunk size
below 1, a step of 0, more than 1000 values from ``ArrayRange``, more than
10,000 characters to encode or hash, an unknown hash algorithm, a deep
``JsonMerge``, a ``Format`` whose placeholders and arguments do not pair)
raises :class:`IntrinsicError`, which the engine reports as
``States.Runtime``, the service's error for a failed data operation.
``MathRandom`` and ``UUID`` are deterministic: the seed when given, else the
run's count of calls, so a run replays exactly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["IntrinsicError", "Random", "evaluate_intrinsic"]

_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
_MAX_TEXT = 10_000
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


class IntrinsicError(ValueError):
    """A call the service rejects at run time (States.Runtime)."""


class Random:
    """The run's source of MathRandom and UUID values: a counter, so copies of a run stay independent."""

    def __init__(self) -> None:
        self.calls = 0

    def next(self, seed: int | None) -> random.Random:
        self.calls += 1
        return random.Random(seed if seed is not None else self.calls)


class _Literal(str):
    """A string literal as written between the quotes (escapes still in), for Format's template."""


def _parse(text: str, pos: int) -> tuple[Any, int]:
    """One argument starting at ``pos``: ('call', name, args) | ('path', text) | ('value', v)."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if text.startswith("States.", pos):
        m = re.compile(r"States\.([A-Za-z0-9]+)\(").match(text, pos)
        if not m:
            raise IntrinsicError(f"not an intrinsic function: {text[pos:]}")
        args: list[Any] = []
        pos = m.end()
        while True:
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if pos < len(text) and text[pos] == ")":
                return ("call", m.group(1), args), pos + 1
            arg, pos = _parse(text, pos)
            args.append(arg)
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos >= len(text) or text[pos] != ")":
                raise IntrinsicError(f"unterminated call in {text}")
    if text.startswith("'", pos):
        end = pos + 1
        while end < len(text) and text[end] != "'":
            end += 2 if text[end] == "\\" else 1
        if end >= len(text):
            raise IntrinsicError(f"unterminated string literal in {text}")
        return ("value", _Literal(text[pos + 1 : end])), end + 1
    m = re.compile(r"[^,)]+").match(text, pos)
    token = m.group().strip() if m else ""
    end = m.end() if m else pos
    if token.startswith("$"):
        return ("path", token), end
    if token in ("true", "false", "null") or _NUMBER.fullmatch(token):
        return ("value", json.loads(token)), end
    raise IntrinsicError(f"cannot read argument {token!r}")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: m.group(1), text)


def evaluate_intrinsic(text: str, lookup: Callable[[str], Any], rng: Random) -> Any:
    """The value of ``States.Name(args)``; ``lookup`` resolves a path argument."""
    node, end = _parse(text, 0)
    if node[0] != "call" or text[end:].strip():
        raise IntrinsicError(f"not one intrinsic function: {text}")
    return _call(node, lookup, rng)


def _value(node: Any, lookup: Callable[[str], Any], rng: Random) -> Any:
    if node[0] == "call":
        return _call(node, lookup, rng)
    if node[0] == "path":
        return lookup(node[1])
    return node[1]


def _call(node: Any, lookup: Callable[[str], Any], rng: Random) -> Any:
    name, raw = node[1], node[2]
    args = [_value(a, lookup, rng) for a in raw]
    function = _FUNCTIONS.get(name)
    if function is None:
        raise IntrinsicError(f"States.{name} is no intrinsic function")
    if name == "Format":
        return _format(args)
    plain = [_unescape(a) if isinstance(a, _Literal) else a for a in args]
    return function(plain, rng)


def _arity(args: list[Any], low: int, high: int | None = None) -> None:
    if not low <= len(args) <= (low if high is None else high):
        raise IntrinsicError(f"expected {low}{'' if high is None else f' to {high}'} argument(s), got {len(args)}")


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise IntrinsicError(f"{what} must be an integer, not {json.dumps(value)}")
    return int(value)


def _kind(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise IntrinsicError(f"{what} has the wrong type: {json.dumps(value)}")
    return value


def _format(args: list[Any]) -> str:
    _arity(args, 1, 1 + 10**6)
    template = args[0]
    if not isinstance(template, str):
        raise IntrinsicError("the template of States.Format must be a string")
    values = iter(args[1:])
    out, i, used = [], 0, 0
    while i < len(template):
        if template[i] == "\\" and i + 1 < len(template):
            out.append(template[i + 1])  # \{ \} \' \\ stand for the character itself
            i += 2
        elif template.startswith("{}", i):
            value = next(values, _MISSING)
            if value is _MISSING:
                raise IntrinsicError("States.Format has more {} than arguments")
            out.append(_text(value))
            used += 1
            i += 2
        else:
            out.append(template[i])
            i += 1
    if used != len(args) - 1:
        raise IntrinsicError("States.Format has more arguments than {}")
    return "".join(out)


_MISSING = object()


def _text(value: Any) -> str:
    """A Format argument as the service's Java engine prints it: arrays ``[1, 2]``, objects ``{a=1}``
    (moto's interpreter reproduces this; strings inside are not quoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_text, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_text(v)}" for k, v in value.items()) + "}"
    return value if isinstance(value, str) else json.dumps(value)


def _array_range(args: list[Any], rng: Random) -> list[int]:
    _arity(args, 3)
    start, end, step = (_int(a, "an ArrayRange argument") for a in args)
    if step == 0:
        raise IntrinsicError("the step of States.ArrayRange cannot be 0")
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > 1000:
        raise IntrinsicError("States.ArrayRange returns at most 1000 values")
    return values


def _partition(args: list[Any], rng: Random) -> list[Any]:
    _arity(args, 2)
    array, size = _kind(args[0], list, "the array"), _int(args[1], "the chunk size")
    if size < 1:
        raise IntrinsicError("the chunk size of States.ArrayPartition must be a positive integer")
    return [array[i : i + size] for i in range(0, len(array), size)]


def _get_item(args: list[Any], rng: Random) -> Any:
    _arity(args, 2)
    array, index = _kind(args[0], list, "the array"), _int(args[1], "the index")
    if not 0 <= index < len(array):
        raise IntrinsicError(f"index {index} is outside the array")
    return array[index]


def _unique(args: list[Any], rng: Random) -> list[Any]:
    _arity(args, 1)
    seen: list[str] = []
    out = []
    for item in _kind(args[0], list, "the array"):
        key = _key(item)
        if key not in seen:
            seen.append(key)
            out.append(item)
    return out


def _key(value: Any) -> str:
    """JSON equality (``1`` and ``true`` differ, key order does not matter)."""
    return json.dumps(value, sort_keys=True)


def _limited(value: Any, what: str) -> str:
    text = _kind(value, str, what)
    if len(text) > _MAX_TEXT:
        raise IntrinsicError(f"{what} is longer than {_MAX_TEXT} characters")
    return str(text)


def _b64decode(args: list[Any], rng: Random) -> str:
    _arity(args, 1)
    try:
        return base64.b64decode(_limited(args[0], "the data"), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise IntrinsicError(f"not base64: {exc}") from None


def _hash(args: list[Any], rng: Random) -> str:
    _arity(args, 2)
    data = _limited(args[0], "the data")
    algorithm = _HASHES.get(args[1]) if isinstance(args[1], str) else None
    if algorithm is None:
        raise IntrinsicError(f"unknown hash algorithm {json.dumps(args[1])}; use one of {', '.join(_HASHES)}")
    return hashlib.new(algorithm, data.encode("utf-8")).hexdigest()


def _merge(args: list[Any], rng: Random) -> dict[str, Any]:
    _arity(args, 3)
    first, second = _kind(args[0], dict, "the first object"), _kind(args[1], dict, "the second object")
    if args[2] is not False:
        raise IntrinsicError("States.JsonMerge merges shallowly only: its third argument must be false")
    return {**first, **second}


def _math_random(args: list[Any], rng: Random) -> int:
    _arity(args, 2, 3)
    start, end = _int(args[0], "the start"), _int(args[1], "the end")
    if end < start:
        raise IntrinsicError("the end of States.MathRandom must not be below its start")
    seed = _int(args[2], "the seed") if len(args) == 3 else None
    # Both ends included, as moto's interpreter does (the guide does not say): see tests/asl_cases/intrinsics.py
    return rng.next(seed).randint(start, end)


def _math_add(args: list[Any], rng: Random) -> int:
    """The AWS guide: a value that is no integer is rounded to the nearest one (halves up, as Java)."""
    _arity(args, 2)
    return sum(_rounded(a) for a in args)


def _rounded(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IntrinsicError(f"a MathAdd value must be a number, not {json.dumps(value)}")
    return value if isinstance(value, int) else math.floor(value + 0.5)


def _split(args: list[Any], rng: Random) -> list[str]:
    _arity(args, 2)
    text, delimiters = _kind(args[0], str, "the string"), _kind(args[1], str, "the delimiter")
    if not delimiters:
        return [text]
    parts = re.split("[" + re.escape(delimiters) + "]", text)
    return [p for p in parts if p]


def _uuid(args: list[Any], rng: Random) -> str:
    _arity(args, 0)
    return str(uuid.UUID(int=rng.next(None).getrandbits(128), version=4))


def _string_to_json(args: list[Any], rng: Random) -> Any:
    _arity(args, 1)
    try:
        return json.loads(_kind(args[0], str, "the string"))
    except ValueError as exc:
        raise IntrinsicError(f"not JSON: {exc}") from None


def _json_to_string(args: list[Any], rng: Random) -> str:
    _arity(args, 1)
    return json.dumps(args[0], separators=(",", ":"))


def _contains(args: list[Any], rng: Random) -> bool:
    _arity(args, 2)
    return _key(args[1]) in map(_key, _kind(args[0], list, "the array"))


def _length(args: list[Any], rng: Random) -> int:
    _arity(args, 1)
    return len(_kind(args[0], list, "the array"))


def _b64encode(args: list[Any], rng: Random) -> str:
    _arity(args, 1)
    return base64.b64encode(_limited(args[0], "the data").encode("utf-8")).decode("ascii")


_FUNCTIONS: dict[str, Callable[[list[Any], Random], Any]] = {
    "Format": lambda a, r: _format(a),
    "StringToJson": _string_to_json,
    "JsonToString": _json_to_string,
    "Array": lambda a, r: list(a),
    "ArrayPartition": _partition,
    "ArrayContains": _contains,
    "ArrayRange": _array_range,
    "ArrayGetItem": _get_item,
    "ArrayLength": _length,
    "ArrayUnique": _unique,
    "Base64Encode": _b64encode,
    "Base64Decode": _b64decode,
    "Hash": _hash,
    "JsonMerge": _merge,
    "MathRandom": _math_random,
    "MathAdd": _math_add,
    "StringSplit": _split,
    "UUID": _uuid,
}
