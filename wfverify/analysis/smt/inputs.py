"""A Z3 model read back as the JSON input it stands for (the witness of a choice or a loop).

Each variable path of the encoder (:mod:`wfverify.analysis.smt.encode`) is a
tagged value; the model's tag says which of its constants to read. Nested
objects are made from dotted paths, absent paths are left out, and a string
that is a timestamp is rendered from its instant when its text does not
parse to it, so that the witness replays (:mod:`wfverify.core.evaluate`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from wfverify.analysis.smt.encode import TAGS, Encoder, Val
from wfverify.analysis.smt.strings import decode
from wfverify.core.evaluate import parse_timestamp

__all__ = ["input_from_model"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def input_from_model(encoder: Encoder, model: Any, paths: set[tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The input of ``model`` over ``encoder``'s variables (only those leading to ``paths``, when given)."""
    out: dict[str, Any] = {}
    for path in sorted(encoder.vars, key=lambda p: (len(p), p)):
        if paths is not None and not any(q[: len(path)] == path for q in paths):
            continue
        v = encoder.vars[path]
        tag = model.eval(v.tag, model_completion=True).as_long()
        if tag == TAGS["absent"]:
            continue
        if not path:  # the rules compare the whole input ("Variable": "$")
            whole = _rendered(encoder, model, v, tag)
            if not isinstance(whole, dict):
                return {"$": whole}  # a non-object input, named the way the rules spell it
            out.update(whole)
            continue
        parent = out
        for key in path[:-1]:
            nxt = parent.get(key)
            if not isinstance(nxt, dict):
                break
            parent = nxt
        else:
            parent[path[-1]] = _rendered(encoder, model, v, tag)
    return out


def _rendered(encoder: Encoder, model: Any, v: Val, tag: int) -> Any:
    z3 = encoder.z3
    if tag == TAGS["null"]:
        return None
    if tag == TAGS["boolean"]:
        return z3.is_true(model.eval(v.b, model_completion=True))
    if tag == TAGS["number"]:
        return encoder.numbers.render(model, v.num)
    if tag == TAGS["string"]:
        text = decode(model.eval(v.s, model_completion=True).as_string())
        if z3.is_true(model.eval(v.is_ts, model_completion=True)):
            micros = model.eval(v.ts, model_completion=True).as_long()
            if parse_timestamp(text) == micros:
                return text
            moment = _EPOCH + timedelta(microseconds=micros)
            text = moment.strftime("%Y-%m-%dT%H:%M:%S")
            return text + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"
        return text
    return {}
