"""One checked ASL state -> a model :class:`~wfverify.core.model.State` (transitions, retries, choices...)."""

from __future__ import annotations

import re
from typing import Any

from wfverify.core.expr import Arith, Lit, Var
from wfverify.core.model import (
    ALL_ERRORS,
    Assignment,
    Catcher,
    ChoiceRule,
    Retrier,
    State,
    StateKind,
    Transition,
    TransitionKind,
)
from wfverify.load.asl_choice import convert_rule, path_to_var
from wfverify.load.framework import Body

__all__ = ["state_from_asl"]

_KINDS = {
    "Pass": StateKind.PASS,
    "Task": StateKind.TASK,
    "Choice": StateKind.CHOICE,
    "Wait": StateKind.WAIT,
    "Succeed": StateKind.SUCCEED,
    "Fail": StateKind.FAIL,
    "Parallel": StateKind.PARALLEL,
    "Map": StateKind.MAP,
}


def _errors(value: Any) -> tuple[str, ...]:
    names = tuple(
        ALL_ERRORS if e == "States.ALL" else e for e in (value if isinstance(value, list) else []) if isinstance(e, str)
    )
    return names or (ALL_ERRORS,)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _retriers(raw: Any, p: str) -> tuple[Retrier, ...]:
    out = []
    for i, r in enumerate(_list(raw)):
        if not isinstance(r, dict):
            continue
        attempts = r.get("MaxAttempts", 3)
        interval = _number(r.get("IntervalSeconds", 1))
        rate = _number(r.get("BackoffRate", 2.0))
        out.append(
            Retrier(
                errors=_errors(r.get("ErrorEquals")),
                max_attempts=attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 3,
                interval=interval if interval is not None else 1.0,  # ${Placeholder}: the spec's default
                backoff_rate=rate if rate is not None else 2.0,
                max_delay=_number(r.get("MaxDelaySeconds")),
                jitter=r.get("JitterStrategy") == "FULL",
                pointer=f"{p}/Retry/{i}",
            )
        )
    return tuple(out)


def _timeout(raw: dict[str, Any], key: str) -> tuple[float | None, bool]:
    value = raw.get(key)
    if _number(value) is not None:
        return _number(value), False
    return None, value is not None or f"{key}Path" in raw


def _counter_assignments(b: Any) -> list[Assignment]:
    """Counters the proofs can follow: ``Assign`` entries and Pass data written back by ResultPath.

    ``{"count.$": "States.MathAdd($count, 1)"}`` (JSONPath) or ``{"count": "{% $count + 1 %}"}``
    (JSONata) in Assign sets the variable ``$count``; a Pass with
    ``Parameters: {"n.$": "States.MathAdd($.it.n, 1)"}`` or ``Result: {"n": 0}`` and
    ``ResultPath: "$.it"`` sets ``it.n``. ``Assign`` in a Choice rule or a Catch is
    recorded with ``via``: it happens only on that rule's or catcher's transition.
    Literal scalars set constants. Anything else is recorded as not expressible.
    """
    raw, p = b.raw, b.p
    jsonata = b.language == "JSONata"
    out = _assign_block(raw.get("Assign"), f"{p}/Assign", jsonata, "")
    for key in ("Choices", "Catch"):
        for i, entry in enumerate(_list(raw.get(key)) if key == "Catch" or b.type == "Choice" else []):
            if isinstance(entry, dict):
                where = f"{p}/{key}/{i}"
                out += _assign_block(entry.get("Assign"), f"{where}/Assign", jsonata, where)
    if b.type == "Pass" and not jsonata:
        out += _pass_result(raw, p)
    return out


def _reads_data(expr: Any) -> bool:
    from wfverify.core.expr import variables

    return expr is not None and any(not path or not path[0].startswith("$") for path in variables(expr))


def _assign_block(assign: Any, p: str, jsonata: bool, via: str) -> list[Assignment]:
    """Assign entries. A JSONPath ``$.x`` inside Assign reads the state's result, not the data the
    Choice rules read, so only workflow variables (``$name``) and literals are followed."""
    out = []
    for key, value in assign.items() if isinstance(assign, dict) else []:
        name = key[:-2] if key.endswith(".$") else key
        expr = _jsonata_value(value) if jsonata else _value_expr(value, key.endswith(".$"))
        if _reads_data(expr):
            expr = None
        out.append(Assignment(f"${name}", expr, f"{p}/{key}", str(value), via))
    return out


def _pass_result(raw: dict[str, Any], p: str) -> list[Assignment]:
    base = raw.get("ResultPath", "$")
    target = path_to_var(base) if isinstance(base, str) else None
    if target is None:
        return []
    field = "Parameters" if "Parameters" in raw else "Result"
    value = raw.get(field)
    shifted = field == "Parameters" and raw.get("InputPath", "$") != "$"  # $.x then reads below InputPath
    if not isinstance(value, dict):
        expr = _value_expr(value, False)
        return [Assignment(".".join(target.path), expr, f"{p}/{field}", str(value))] if target.path else []
    out = []
    for key, item in value.items():
        name = key[:-2] if key.endswith(".$") and field == "Parameters" else key
        expr = _value_expr(item, field == "Parameters" and key.endswith(".$"))
        if shifted and _reads_data(expr):
            expr = None
        if expr is not None:
            out.append(Assignment(".".join((*target.path, name)), expr, f"{p}/{field}/{key}", str(item)))
    return out


_NUMBER = r"(-?\d+(?:\.\d+)?)"


def _number_lit(text: str) -> Lit:
    return Lit(float(text) if "." in text else int(text))


def _value_expr(value: Any, dynamic: bool) -> Any:
    if not dynamic:  # a literal scalar (a string too: "$.x" outside a ".$" key is only text)
        return Lit(value) if isinstance(value, (int, float, bool, str)) or value is None else None
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"States\.MathAdd\(\s*(\$[^,\s]*)\s*,\s*" + _NUMBER + r"\s*\)", value)
    if m:
        var = _var_of(m.group(1))
        return Arith("+", var, _number_lit(m.group(2))) if var is not None else None
    return _var_of(value)


def _jsonata_value(value: Any) -> Any:
    """A JSONata ``Assign`` value: a literal, ``{% $x %}``, ``{% $x + c %}`` / ``{% $x - c %}``; else None."""
    if not isinstance(value, str):
        return _value_expr(value, False)
    text = value.strip()
    if not (text.startswith("{%") and text.endswith("%}")):
        return None  # a plain string: not a number, so never a counter
    inner = text[2:-2].strip()
    m = re.fullmatch(r"(\$[A-Za-z_][A-Za-z0-9_]*)\s*([+-])\s*" + _NUMBER, inner)
    if m:
        var = _var_of(m.group(1))
        return Arith(m.group(2), var, _number_lit(m.group(3))) if var is not None else None
    if re.fullmatch(_NUMBER, inner):
        return _number_lit(inner)
    return _var_of(inner) if re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", inner) else None


def _var_of(path: str) -> Var | None:
    if path.startswith("$.") or path == "$":
        return path_to_var(path)
    m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)", path)
    if m:
        rest = tuple(x for x in m.group(2).split(".") if x)
        return Var((f"${m.group(1)}", *rest))
    return None


def _keys(obj: Any) -> list[str] | None:
    if not isinstance(obj, dict):
        return None
    return [k[:-2] if k.endswith(".$") else k for k in obj]


def _target(path: Any) -> tuple[str, ...] | None:
    var = path_to_var(path) if isinstance(path, str) else None
    return var.path if var is not None else None


def _variables_assigned(assign: Any) -> list[tuple[str, ...]]:
    return [(f"${k[:-2] if k.endswith('.$') else k}",) for k in (assign if isinstance(assign, dict) else {})]


def data_effect(b: Any) -> tuple[bool, tuple[tuple[str, ...], ...], tuple[str, ...] | None]:
    """(keeps_input, writes, output_root) of a completed state; see :mod:`wfverify.analysis.dataflow`."""
    raw = b.raw
    variables = _variables_assigned(raw.get("Assign"))
    for rule in _list(raw.get("Choices")) if b.type == "Choice" else []:
        if isinstance(rule, dict):  # a choice rule's Assign applies when the rule routes (counted on every route)
            variables += _variables_assigned(rule.get("Assign"))
    if b.language == "JSONata":
        replaces = "Output" in raw or b.type in ("Task", "Parallel", "Map")
        return not replaces, tuple(variables), None
    writes: list[tuple[str, ...]]
    if b.type in ("Choice", "Wait", "Succeed", "Fail"):
        keeps, writes = True, []
    else:
        if b.type == "Pass":
            keys = _keys(raw.get("Parameters")) if "Parameters" in raw else _keys(raw.get("Result"))
            opaque_result = "Parameters" not in raw and "Result" not in raw  # the result is the input itself
        else:
            keys = _keys(raw.get("ResultSelector"))
            opaque_result = False
        keeps, writes = _result_path(raw.get("ResultPath", "$"), "ResultPath" in raw, keys, opaque_result)
    op = raw.get("OutputPath", "$")
    if op == "$":
        return keeps, tuple(writes + variables), None
    root = _target(op) if isinstance(op, str) else None
    if root is None:  # OutputPath null or not a simple path: nothing of the data is known
        return False, tuple(variables), None
    return keeps, tuple(writes + variables), root


def _result_path(
    rp: Any, given: bool, keys: list[str] | None, result_is_input: bool
) -> tuple[bool, list[tuple[str, ...]]]:
    if given and rp is None:
        return True, []  # ResultPath null: the result is discarded
    if rp == "$":
        if result_is_input:
            return True, []
        return False, [(k,) for k in keys or []]
    target = _target(rp)
    if target is None:
        return True, []
    return True, [target] + [(*target, k) for k in keys or []]


def _catch_effect(c: dict[str, Any], jsonata: bool) -> tuple[bool, tuple[tuple[str, ...], ...]]:
    variables = _variables_assigned(c.get("Assign"))
    if jsonata:
        return "Output" not in c, tuple(variables)
    rp = c.get("ResultPath", "$")
    if "ResultPath" in c and rp is None:
        return True, tuple(variables)
    if rp == "$":
        return False, (("Error",), ("Cause",), *variables)
    target = _target(rp)
    if target is None:
        return True, tuple(variables)
    return True, (target, (*target, "Error"), (*target, "Cause"), *variables)


def _result_at(b: Any) -> tuple[str, ...] | None:
    """Where a Task's raw result lands before OutputPath (see :attr:`State.result_at`)."""
    raw = b.raw
    if b.type != "Task":
        return None
    if b.language == "JSONata":
        return () if "Output" not in raw else None
    if "ResultSelector" in raw:
        return None
    rp = raw.get("ResultPath", "$")
    return None if rp is None else _target(rp)


def _request(b: Any) -> Any:
    """The literal request template; a ``Parameters.$``/``Arguments.$`` path stays its (string) path."""
    key = "Arguments" if b.language == "JSONata" else "Parameters"
    return b.raw.get(key, b.raw.get(f"{key}.$"))


def _body_input(b: Any) -> tuple[str, ...] | None:
    """What a Parallel branch or Map iteration certainly gets (see :attr:`State.body_input`)."""
    raw = b.raw
    if b.type == "Parallel":
        built = raw.get("Arguments") if b.language == "JSONata" else raw.get("Parameters")
        return None if built is None else tuple(_keys(built) or ())
    if b.type == "Map":
        built = raw.get("ItemSelector", raw.get("Parameters"))
        return tuple(_keys(built) or ())
    return None


def state_from_asl(b: Any) -> tuple[State, list[Any]]:

    raw, p, name = b.raw, b.p, b.name
    kind = _KINDS.get(b.type or "", StateKind.PASS)
    transitions: list[Transition] = []

    def edge(target: Any, k: TransitionKind, pointer: str, **extra: Any) -> None:
        if isinstance(target, str) and target:
            transitions.append(Transition(name, target, k, pointer, **extra))

    edge(raw.get("Next"), TransitionKind.NEXT, f"{p}/Next")
    choices = []
    if kind == StateKind.CHOICE:
        for i, rule in enumerate(_list(raw.get("Choices"))):
            where = f"{p}/Choices/{i}"
            cond = convert_rule(rule, where, True, b.language == "JSONata", b.report)
            target = rule.get("Next") if isinstance(rule, dict) else None
            choices.append(ChoiceRule(cond, target if isinstance(target, str) else "", where))
            edge(target, TransitionKind.CHOICE, f"{where}/Next", index=i)
        edge(raw.get("Default"), TransitionKind.DEFAULT, f"{p}/Default")
    catchers = []
    for i, c in enumerate(_list(raw.get("Catch"))):
        if isinstance(c, dict):
            errors = _errors(c.get("ErrorEquals"))
            c_keeps, c_writes = _catch_effect(c, b.language == "JSONata")
            catchers.append(Catcher(errors, str(c.get("Next", "")), f"{p}/Catch/{i}", c_keeps, c_writes))
            edge(c.get("Next"), TransitionKind.CATCH, f"{p}/Catch/{i}/Next", index=i, errors=errors)
    bodies = []
    if kind == StateKind.PARALLEL:
        for i, br in enumerate(_list(raw.get("Branches"))):
            if isinstance(br, dict):
                bodies.append(Body(f"{p}/Branches/{i}", br, name, "branch", b.language))
    elif kind == StateKind.MAP:
        key = "ItemProcessor" if isinstance(raw.get("ItemProcessor"), dict) else "Iterator"
        if isinstance(raw.get(key), dict):
            config = raw[key].get("ProcessorConfig")
            distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
            bodies.append(Body(f"{p}/{key}", raw[key], name, "iterator", b.language, distributed))
    resource = raw.get("Resource") if isinstance(raw.get("Resource"), str) else None
    timeout, t_dyn = _timeout(raw, "TimeoutSeconds")
    heartbeat, h_dyn = _timeout(raw, "HeartbeatSeconds")
    waits = bool(resource and (resource.endswith(".waitForTaskToken") or ":activity:" in resource))
    max_conc = raw.get("MaxConcurrency")
    seconds = _number(raw.get("Seconds"))
    keeps, writes, root = data_effect(b)
    result_at, body_input = _result_at(b), _body_input(b)
    state = State(
        name=name,
        kind=kind,
        pointer=p,
        scope=b.scope,
        next=raw.get("Next") if isinstance(raw.get("Next"), str) else None,
        end=raw.get("End") is True,
        transitions=tuple(transitions),
        choices=tuple(choices),
        default=raw.get("Default") if isinstance(raw.get("Default"), str) else None,
        retry=_retriers(raw.get("Retry"), p),
        catch=tuple(catchers),
        timeout=timeout,
        heartbeat=heartbeat,
        timeout_is_dynamic=t_dyn or h_dyn,
        waits_on_outside=waits,
        branches=tuple(x.pointer for x in bodies),
        items=raw.get("ItemsPath") or raw.get("Items"),
        max_concurrency=max_conc if isinstance(max_conc, int) and not isinstance(max_conc, bool) else None,
        action=resource,
        assignments=tuple(_counter_assignments(b)),
        paths=tuple(b.paths),
        keeps_input=keeps,
        writes=writes,
        output_root=root,
        result_at=result_at,
        parameters=_request(b),
        body_input=body_input,
        error=raw.get("Error") if isinstance(raw.get("Error"), str) else None,
        cause=raw.get("Cause") if isinstance(raw.get("Cause"), str) else None,
        duration=seconds,
        comment=raw.get("Comment") if isinstance(raw.get("Comment"), str) else None,
        fields={k: f"{p}/{k.replace('~', '~0').replace('/', '~1')}" for k in raw},
    )
    return state, bodies
