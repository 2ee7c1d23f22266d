"""One checked ASL state -> a model :class:`~wfverify.core.model.State` (transitions, retries, choices...)."""

from __future__ import annotations

from typing import Any

from wfverify.core.model import (
    ALL_ERRORS,
    Catcher,
    ChoiceRule,
    Retrier,
    State,
    StateKind,
    Transition,
    TransitionKind,
)
from wfverify.load.asl_choice import convert_rule, path_keys
from wfverify.load.asl_counters import counter_assignments
from wfverify.load.asl_schema import FIELDS
from wfverify.load.framework import Body
from wfverify.load.jsonpos import escape

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


#: Field names of the schema, none of which a JSON Pointer needs to escape.
_PLAIN_FIELDS = frozenset(name for by_language in FIELDS.values() for names in by_language.values() for name in names)
assert not any("/" in name or "~" in name for name in _PLAIN_FIELDS)


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


def _timeout(raw: dict[str, Any], key: str, path_key: str) -> tuple[float | None, bool]:
    """(seconds, whether they are only known at run time: a non-number or ``path_key`` given)."""
    value = raw.get(key)
    if value is None:
        return None, path_key in raw
    seconds = _number(value)
    if seconds is not None:
        return seconds, False
    return None, value is not None or path_key in raw


def _keys(obj: Any) -> list[str] | None:
    if not isinstance(obj, dict):
        return None
    return [k[:-2] if k.endswith(".$") else k for k in obj]


def _target(path: Any) -> tuple[str, ...] | None:
    return path_keys(path) if isinstance(path, str) else None


def _variables_assigned(assign: Any) -> list[tuple[str, ...]]:
    return [(f"${k[:-2] if k.endswith('.$') else k}",) for k in (assign if isinstance(assign, dict) else {})]


def data_effect(b: Any) -> tuple[bool, tuple[tuple[str, ...], ...], tuple[str, ...] | None]:
    """(keeps_input, writes, output_root) of a completed state; see :mod:`wfverify.analysis.dataflow`."""
    raw = b.raw
    variables = _variables_assigned(raw["Assign"]) if "Assign" in raw else []
    for rule in _list(raw.get("Choices")) if b.type == "Choice" else []:
        if isinstance(rule, dict) and "Assign" in rule:  # it applies when the rule routes (counted on every route)
            variables += _variables_assigned(rule["Assign"])
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
    key, dynamic = ("Arguments", "Arguments.$") if b.language == "JSONata" else ("Parameters", "Parameters.$")
    return b.raw[key] if key in b.raw else b.raw.get(dynamic)


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


def body_language(body: dict[str, Any], inherited: str) -> str:
    """A body's query language; one written inside ``States`` by mistake counts, since it was meant.

    The misplaced entry is reported once (``asl._not_a_state``); reading the
    body in the language its author chose keeps that one mistake from
    reappearing as an error on every ``Arguments`` and ``Output`` field.
    """
    states = body.get("States")
    for value in (body.get("QueryLanguage"), states.get("QueryLanguage") if isinstance(states, dict) else None):
        if value in ("JSONPath", "JSONata"):
            return str(value)
    return inherited


def _choice_rules(b: Any, transitions: list[Transition]) -> tuple[ChoiceRule, ...]:
    """A Choice state's rules (their edges go to ``transitions``), then its ``Default`` edge."""
    raw, p, name = b.raw, b.p, b.name
    jsonata = b.language == "JSONata"
    choices = []
    rules = raw.get("Choices")
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        where = f"{p}/Choices/{i}"
        cond = convert_rule(rule, where, True, jsonata, b.report)
        target = rule.get("Next") if isinstance(rule, dict) else None
        choices.append(ChoiceRule(cond, target if isinstance(target, str) else "", where))
        if isinstance(target, str) and target:
            transitions.append(Transition(name, target, TransitionKind.CHOICE, f"{where}/Next", i))
    default = raw.get("Default")
    if isinstance(default, str) and default:
        transitions.append(Transition(name, default, TransitionKind.DEFAULT, f"{p}/Default"))
    return tuple(choices)


def _catchers(b: Any, catch: list[Any], transitions: list[Transition]) -> tuple[Catcher, ...]:
    """The ``Catch`` entries (their edges go to ``transitions``)."""
    p, jsonata = b.p, b.language == "JSONata"
    catchers = []
    for i, c in enumerate(catch):
        if isinstance(c, dict):
            errors = _errors(c.get("ErrorEquals"))
            c_keeps, c_writes = _catch_effect(c, jsonata)
            target = c.get("Next")
            catchers.append(Catcher(errors, str(c.get("Next", "")), f"{p}/Catch/{i}", c_keeps, c_writes))
            if isinstance(target, str) and target:
                transitions.append(Transition(b.name, target, TransitionKind.CATCH, f"{p}/Catch/{i}/Next", i, errors))
    return tuple(catchers)


def _bodies(b: Any, kind: StateKind) -> list[Body]:
    """The branches of a Parallel, the iterator of a Map, each in its own query language."""
    raw, p, name = b.raw, b.p, b.name
    bodies = []
    if kind is StateKind.PARALLEL:
        branches = raw.get("Branches")
        for i, br in enumerate(branches if isinstance(branches, list) else ()):
            if isinstance(br, dict):
                bodies.append(Body(f"{p}/Branches/{i}", br, name, "branch", body_language(br, b.language)))
    elif kind is StateKind.MAP:
        key = "ItemProcessor" if isinstance(raw.get("ItemProcessor"), dict) else "Iterator"
        body = raw.get(key)
        if isinstance(body, dict):
            config = body.get("ProcessorConfig")
            distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
            language = body_language(body, b.language)
            bodies.append(Body(f"{p}/{key}", body, name, "iterator", language, distributed))
    return bodies


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def state_from_asl(b: Any) -> tuple[State, list[Any]]:
    raw, p, name = b.raw, b.p, b.name
    get = raw.get
    kind = _KINDS.get(b.type or "", StateKind.PASS)
    transitions: list[Transition] = []
    nxt = _text(get("Next"))
    if nxt:
        transitions.append(Transition(name, nxt, TransitionKind.NEXT, f"{p}/Next"))
    choices = _choice_rules(b, transitions) if kind is StateKind.CHOICE else ()
    catch = get("Catch")
    catchers = _catchers(b, catch, transitions) if isinstance(catch, list) else ()
    bodies = _bodies(b, kind) if kind is StateKind.PARALLEL or kind is StateKind.MAP else []
    resource = _text(get("Resource"))
    timeout, t_dyn = _timeout(raw, "TimeoutSeconds", "TimeoutSecondsPath")
    heartbeat, h_dyn = _timeout(raw, "HeartbeatSeconds", "HeartbeatSecondsPath")
    waits = bool(resource and (resource.endswith(".waitForTaskToken") or ":activity:" in resource))
    max_conc = get("MaxConcurrency")
    keeps, writes, root = data_effect(b)
    state = State(
        name=name,
        kind=kind,
        pointer=p,
        scope=b.scope,
        next=nxt,
        end=get("End") is True,
        transitions=tuple(transitions),
        choices=choices,
        default=_text(get("Default")),
        retry=_retriers(raw["Retry"], p) if "Retry" in raw else (),
        catch=catchers,
        timeout=timeout,
        heartbeat=heartbeat,
        timeout_is_dynamic=t_dyn or h_dyn,
        waits_on_outside=waits,
        branches=tuple([x.pointer for x in bodies]),
        items=get("ItemsPath") or get("Items"),
        max_concurrency=max_conc if isinstance(max_conc, int) and not isinstance(max_conc, bool) else None,
        action=resource,
        assignments=counter_assignments(b),
        paths=tuple(b.paths),
        keeps_input=keeps,
        writes=writes,
        output_root=root,
        result_at=_result_at(b),
        parameters=_request(b),
        body_input=_body_input(b),
        error=_text(get("Error")),
        cause=_text(get("Cause")),
        duration=_number(get("Seconds")),
        comment=_text(get("Comment")),
        fields={k: f"{p}/{k}" if k in _PLAIN_FIELDS else f"{p}/{escape(k)}" for k in raw},
    )
    return state, bodies
