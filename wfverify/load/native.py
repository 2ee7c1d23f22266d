"""The native dialect (``*.wf.yaml``/``*.wf.json``) -> the workflow model.

Validation and building walk the document with an explicit stack of bodies
(the root, then each parallel branch and map iterator), validating each state
on its own against :data:`~wfverify.load.native_schema.STATE`; deep nesting
therefore never recurses. The builder is tolerant: a state that breaks the
schema is still modelled from what can be read, so one typo does not hide
every other finding in the file.
"""

from __future__ import annotations

from typing import Any

from wfverify.core.durations import parse_duration
from wfverify.core.expr import Lit
from wfverify.core.exprparse import ExprError, parse, placeholders
from wfverify.core.findings import Finding
from wfverify.core.model import (
    ALL_ERRORS,
    Acquire,
    Assignment,
    Catcher,
    ChoiceRule,
    Dialect,
    EventBranch,
    PathExpr,
    Retrier,
    State,
    StateKind,
    Transition,
    TransitionKind,
    Workflow,
)
from wfverify.load.framework import Body, Spelling, StateFactory, assemble, duplicate_key_finding
from wfverify.load.jsonpos import escape
from wfverify.load.native_schema import FIELDS, validators

__all__ = ["build"]


def build(doc: Any, options: Any, duplicates: list[Any], sidecar: Any) -> tuple[Workflow | None, list[Finding]]:
    data = doc.data
    top, state_validator = validators()
    findings = [_with_rule(f) for f in top.findings(data, "", "the workflow")]
    findings += [duplicate_key_finding(d, ("states",)) for d in duplicates]
    if not isinstance(data.get("states"), dict) or not data["states"]:
        return None, findings
    out = assemble(Body("", data, None, "root"), _SPELLING, _state_factory(state_validator))
    out.findings[:0] = findings
    workflow = Workflow(
        name=str(data.get("workflow", "")),
        dialect=Dialect.NATIVE,
        states=out.states,
        scopes=out.scopes,
        timeout=parse_duration(data.get("timeout")),
        inputs={k: v for k, v in (data.get("input") or {}).items() if isinstance(v, str)}
        if isinstance(data.get("input"), dict)
        else {},
        concurrent=data.get("concurrent") is True,
        annotated=True,
        query_language="native",
        source=doc,
    )
    return workflow, out.findings


def _with_rule(f: Finding, rule: str = "schema-violation") -> Finding:
    from wfverify.core.records import replace

    return replace(f, rule=rule)


_SPELLING = Spelling(start="start", states="states", state_shape="a mapping with a 'type'")


def _state_factory(validator: Any) -> StateFactory:
    def make_state(
        name: str, raw: dict[str, Any], pointer: str, body: Body, findings: list[Finding]
    ) -> tuple[State, list[Body]]:
        findings += [_with_rule(f) for f in validator.findings(raw, pointer, f"state '{name}'", FIELDS)]
        findings += _flow_findings(name, raw, pointer)
        return _state(name, raw, pointer, body.pointer, findings)

    return make_state


_FLOWING = {"task", "pass", "parallel", "map", "wait"}


def _flow_findings(name: str, raw: dict[str, Any], p: str) -> list[Finding]:
    """Exactly one of ``next`` / ``end: true`` on flowing states; ``duration`` or ``until`` on waits."""
    out = []
    if raw.get("type") in _FLOWING:
        if "next" in raw and "end" in raw:
            out.append(
                Finding(
                    f"state '{name}' has both 'next' and 'end': keep one",
                    f"{p}/end",
                    state=name,
                    rule="schema-violation",
                )
            )
        elif "next" not in raw and "end" not in raw:
            out.append(
                Finding(f"state '{name}' needs 'next: STATE' or 'end: true'", p, state=name, rule="schema-violation")
            )
    if raw.get("type") == "wait" and ("duration" in raw) == ("until" in raw):
        out.append(
            Finding(
                f"wait state '{name}' needs exactly one of 'duration' or 'until'",
                p,
                state=name,
                rule="schema-violation",
            )
        )
    return out


def _kind(raw: dict[str, Any]) -> StateKind:
    try:
        return StateKind(raw.get("type"))
    except ValueError:
        return StateKind.PASS  # unknown type: reported by the schema; modelled as a plain step


def _state(name: str, raw: dict[str, Any], p: str, scope: str, findings: list[Finding]) -> tuple[State, list[Body]]:
    kind = _kind(raw)
    fields = {k: f"{p}/{escape(k)}" for k in raw}
    transitions: list[Transition] = []
    paths: list[PathExpr] = []

    def edge(target: Any, kind_: TransitionKind, pointer: str, **extra: Any) -> None:
        if isinstance(target, str) and target:
            transitions.append(Transition(name, target, kind_, pointer, **extra))

    edge(raw.get("next"), TransitionKind.NEXT, f"{p}/next")
    choices = []
    for i, rule in enumerate(_list(raw.get("choices"))):
        if isinstance(rule, dict):
            text = rule.get("when")
            cond = _expr(text, f"{p}/choices/{i}/when", paths)
            choices.append(
                ChoiceRule(cond, str(rule.get("next", "")), f"{p}/choices/{i}", text if isinstance(text, str) else "")
            )
            edge(rule.get("next"), TransitionKind.CHOICE, f"{p}/choices/{i}/next", index=i)
    edge(raw.get("default"), TransitionKind.DEFAULT, f"{p}/default")
    catchers = []
    for i, c in enumerate(_list(raw.get("catch"))):
        if isinstance(c, dict):
            errors = _errors(c.get("errors"))
            catchers.append(Catcher(errors, str(c.get("next", "")), f"{p}/catch/{i}"))
            edge(c.get("next"), TransitionKind.CATCH, f"{p}/catch/{i}/next", index=i, errors=errors)
    events = []
    for i, e in enumerate(_list(raw.get("on"))):
        if isinstance(e, dict):
            events.append(EventBranch(str(e.get("event", "")), str(e.get("next", "")), f"{p}/on/{i}"))
            edge(e.get("next"), TransitionKind.EVENT, f"{p}/on/{i}/next", index=i, label=str(e.get("event", "")))
    edge(raw.get("on_timeout"), TransitionKind.TIMEOUT, f"{p}/on_timeout")
    bodies = _bodies(name, raw, p, kind)
    assignments = _assignments(raw.get("set"), f"{p}/set", paths)
    acquire = _acquire(raw.get("acquire"), f"{p}/acquire", paths)
    items = _expr(raw.get("items"), f"{p}/items", paths) if isinstance(raw.get("items"), str) else None
    state = State(
        name=name,
        kind=kind,
        pointer=p,
        scope=scope,
        next=raw.get("next") if isinstance(raw.get("next"), str) else None,
        end=raw.get("end") is True,
        transitions=tuple(transitions),
        choices=tuple(choices),
        default=raw.get("default") if isinstance(raw.get("default"), str) else None,
        retry=tuple(_retriers(raw.get("retry"), f"{p}/retry")),
        catch=tuple(catchers),
        timeout=parse_duration(raw.get("timeout")),
        heartbeat=parse_duration(raw.get("heartbeat")),
        waits_on_outside=kind == StateKind.EVENT,
        branches=tuple(b.pointer for b in bodies),
        items=items,
        max_concurrency=raw.get("max_concurrency") if isinstance(raw.get("max_concurrency"), int) else None,
        events=tuple(events),
        on_timeout=raw.get("on_timeout") if isinstance(raw.get("on_timeout"), str) else None,
        action=raw.get("action") if isinstance(raw.get("action"), str) else None,
        compensate=raw.get("compensate") if isinstance(raw.get("compensate"), str) else None,
        compensation=raw.get("compensation") is True,
        idempotent=raw.get("idempotent") is True,
        side_effects=raw.get("side_effects") is not False,
        acquire=acquire,
        release=tuple(r for r in _list(raw.get("release")) if isinstance(r, str)),
        assignments=assignments,
        writes=tuple(tuple(a.variable.split(".")) for a in assignments),
        paths=tuple(paths),
        error=raw.get("error") if isinstance(raw.get("error"), str) else None,
        cause=raw.get("cause") if isinstance(raw.get("cause"), str) else None,
        duration=parse_duration(raw.get("duration")),
        comment=raw.get("comment") if isinstance(raw.get("comment"), str) else None,
        fields=fields,
    )
    return state, bodies


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _errors(value: Any) -> tuple[str, ...]:
    names = tuple(e for e in _list(value) if isinstance(e, str))
    return names or (ALL_ERRORS,)


def _bodies(name: str, raw: dict[str, Any], p: str, kind: StateKind) -> list[Body]:
    bodies = []
    if kind == StateKind.PARALLEL:
        for i, b in enumerate(_list(raw.get("branches"))):
            if isinstance(b, dict):
                bodies.append(Body(f"{p}/branches/{i}", b, name, "branch"))
    elif kind == StateKind.MAP and isinstance(raw.get("iterator"), dict):
        bodies.append(Body(f"{p}/iterator", raw["iterator"], name, "iterator"))
    return bodies


def _expr(text: Any, pointer: str, paths: list[PathExpr]) -> Any:
    """Parse an expression; syntax errors are reported by the invalid-path rule from ``paths``."""
    if not isinstance(text, str):
        return None
    paths.append(PathExpr(text, "native-expr", pointer))
    try:
        return parse(text)
    except ExprError:
        return None


def _retriers(value: Any, p: str) -> list[Retrier]:
    out = []
    for i, r in enumerate(_list(value)):
        if not isinstance(r, dict):
            continue
        attempts = r.get("max_attempts", 3)
        rate = r.get("backoff_rate", 2.0)
        out.append(
            Retrier(
                errors=_errors(r.get("errors")) if "errors" in r else (ALL_ERRORS,),
                max_attempts=attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 3,
                interval=parse_duration(r.get("interval", 1)) or 0.0 if "interval" in r else 1.0,
                backoff_rate=float(rate) if isinstance(rate, (int, float)) and not isinstance(rate, bool) else 2.0,
                max_delay=parse_duration(r.get("max_delay")),
                jitter=r.get("jitter") is True,
                pointer=f"{p}/{i}",
            )
        )
    return out


def _assignments(value: Any, p: str, paths: list[PathExpr]) -> tuple[Assignment, ...]:
    if not isinstance(value, dict):
        return ()
    out = []
    for var, text in value.items():
        where = f"{p}/{escape(var)}"
        if isinstance(text, str):
            out.append(Assignment(var, _expr(text, where, paths), where, text))
        else:
            out.append(Assignment(var, Lit(text), where, repr(text)))
    return tuple(out)


def _acquire(value: Any, p: str, paths: list[PathExpr]) -> tuple[Acquire, ...]:
    out = []
    for i, entry in enumerate(_list(value)):
        where = f"{p}/{i}"
        if isinstance(entry, str):
            lock, timeout = entry, None
        elif isinstance(entry, dict) and isinstance(entry.get("lock"), str):
            lock, timeout = entry["lock"], parse_duration(entry.get("timeout"))
            where = f"{where}/lock"
        else:
            continue
        for text, _ in placeholders(lock):
            _expr(text, where, paths)
        out.append(Acquire(lock, timeout, f"{p}/{i}"))
    return tuple(out)
