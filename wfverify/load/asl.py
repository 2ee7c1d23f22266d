"""Amazon States Language -> the workflow model.

Walks the root and every Parallel branch and Map ItemProcessor/Iterator with
an explicit stack, validating each state on its own against its type's schema
(``asl_schema``) in its effective query language, then checks what a schema
states poorly (mutually exclusive fields, Next/End, choice rules, the
JSONPath/JSONata split) and collects every path and expression string, with
its pointer, for the ``invalid-path`` rule.

A sidecar (``<file>.wfverify.yaml``) adds the facts ASL cannot state:
compensations, idempotency, side effects, locks, input types. Without one the
workflow is not ``annotated`` and saga and lock rules stay silent.
"""

from __future__ import annotations

import re
from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.model import Dialect, PathExpr, State, StateKind, Transition, Workflow
from wfverify.core.records import replace
from wfverify.load.asl_choice import rule_paths
from wfverify.load.asl_model import state_from_asl
from wfverify.load.asl_paths import is_jsonata_like
from wfverify.load.asl_schema import FIELDS, state_checker, top_checker
from wfverify.load.framework import Body, Spelling, StateFactory, assemble, duplicate_key_finding
from wfverify.load.jsonpos import escape

__all__ = ["build"]

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
_EXCLUSIVE = [
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("Items", "ItemsPath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("Parameters", "ItemSelector"),
]
_NESTED_EXCLUSIVE = {
    "ItemReader/ReaderConfig": [("MaxItems", "MaxItemsPath")],
    "ItemBatcher": [
        ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
        ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
    ],
}
_FLOWING = {"Pass", "Task", "Wait", "Parallel", "Map"}
#: JSONPath-state fields holding a JSONPath (InputPath...) or a reference path (ResultPath...)
_JSONPATH_FIELDS = ("InputPath", "OutputPath")
_REFERENCE_FIELDS = (
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Credentials", "Assign")
_ACTIVITY = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:activity:")
_LAMBDA = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(:(.*))?$")
_ARN = re.compile(r"^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$")
_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")


def build(doc: Any, options: Any, duplicates: list[Any], sidecar: Any) -> tuple[Workflow | None, list[Finding]]:
    data = doc.data
    findings = [replace(f, rule="schema-violation") for f in top_checker().findings(data, "", "the state machine")]
    findings += [_duplicate(d) for d in duplicates]
    if not isinstance(data.get("States"), dict) or not data["States"]:
        return None, findings
    top_language = _language(data, "JSONPath")
    aws = getattr(options, "aws_checks", True)
    assembly = assemble(Body("", data, None, "root", top_language), _SPELLING, _state_factory(aws))
    findings += assembly.findings
    states, scopes = assembly.states, assembly.scopes
    timeout = data.get("TimeoutSeconds") if isinstance(data.get("TimeoutSeconds"), int) else None
    workflow = Workflow(
        name=str(data.get("Comment", ""))[:80],
        dialect=Dialect.ASL,
        states=states,
        scopes=scopes,
        timeout=float(timeout) if timeout is not None else None,
        annotated=sidecar is not None,
        query_language=top_language,
        source=doc,
    )
    if sidecar is not None:
        from wfverify.load.annotate import apply_sidecar

        workflow, more = apply_sidecar(workflow, sidecar)
        findings += more
    return workflow, findings


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _language(body: dict[str, Any], inherited: str) -> str:
    """A body's query language; one written inside ``States`` by mistake counts, since it was meant.

    The misplaced entry is reported once (:func:`_not_a_state`); reading the
    body in the language its author chose keeps that one mistake from
    reappearing as an error on every ``Arguments`` and ``Output`` field.
    """
    states = body.get("States")
    for value in (body.get("QueryLanguage"), states.get("QueryLanguage") if isinstance(states, dict) else None):
        if value in ("JSONPath", "JSONata"):
            return str(value)
    return inherited


#: Fields of a state machine (or of a branch) that authors sometimes write inside ``States``.
_BODY_FIELDS = ("QueryLanguage", "Comment", "TimeoutSeconds", "Version", "StartAt", "States")


def _not_a_state(name: str, body: Body) -> str:
    """What to say about an entry of ``States`` that is not an object (it is not a state)."""
    top = body.kind == "root"
    if name not in _BODY_FIELDS:
        return f"the entry {name!r} of 'States' is not a state: a state is an object with a 'Type'"
    where = "to the top level of the state machine, beside 'StartAt'" if top else "beside this 'States'"
    if name == "QueryLanguage" and not top:
        where = "onto the Parallel or Map state, or to the top level of the state machine"
    return f"'{name}' is written inside 'States', where every entry is a state: move it {where}"


_SPELLING = Spelling(start="StartAt", states="States", state_shape="an object with a 'Type'", not_a_state=_not_a_state)


def _duplicate(problem: Any) -> Finding:
    return duplicate_key_finding(problem, ("States",))


def _state_factory(aws: bool) -> StateFactory:
    def make_state(
        name: str, raw: dict[str, Any], pointer: str, body: Body, findings: list[Finding]
    ) -> tuple[State, list[Body]]:
        if len(name) > 80:
            message = f"state name is {len(name)} characters; Step Functions allows at most 80"
            findings.append(Finding(message, pointer, state=name, rule="schema-violation"))
        inherited = _language(body.data, body.language)
        language = str(raw["QueryLanguage"]) if raw.get("QueryLanguage") in ("JSONPath", "JSONata") else inherited
        builder = _StateBuilder(name, raw, pointer, body.pointer, language, aws)
        builder.check(findings)
        state, bodies = builder.build()
        findings += builder.findings
        return state, bodies

    return make_state


class _StateBuilder:
    """One state: its checks beyond the schema, its paths, and its model."""

    def __init__(self, name: str, raw: dict[str, Any], pointer: str, scope: str, language: str, aws: bool) -> None:
        self.name, self.raw, self.p, self.scope, self.language, self.aws = name, raw, pointer, scope, language, aws
        self.type = raw.get("Type") if isinstance(raw.get("Type"), str) else None
        self.findings: list[Finding] = []
        self.paths: list[PathExpr] = []
        self.transitions: list[Transition] = []

    def report(self, message: str, pointer: str, rule: str = "schema-violation") -> None:
        self.findings.append(Finding(message, pointer, state=self.name, rule=rule))

    # -- checks ---------------------------------------------------------------
    def check(self, findings: list[Finding]) -> None:
        raw, p = self.raw, self.p
        if self.type not in _KINDS:
            shown = "no Type" if self.type is None else f"Type {self.type!r}"
            self.report(
                f"state {self.name!r} has {shown}; use one of {', '.join(_KINDS)}", f"{p}/Type" if "Type" in raw else p
            )
            return
        what = f"{self.type} state '{self.name}'"
        known = {self.type: FIELDS[self.type][self.language]}
        for f in state_checker(self.type, self.language).findings(raw, p, what, known):
            extra = ""
            if f.message.startswith("unknown field") and self.language == "JSONata":
                extra = " (JSONPath fields are not allowed in a JSONata state: use Arguments, Output and {% %})"
            elif f.message.startswith("unknown field") and any(k in f.pointer for k in ("/Arguments", "/Output")):
                extra = " (Arguments and Output need QueryLanguage JSONata)"
            self.findings.append(replace(f, message=f.message + extra, state=self.name, rule="schema-violation"))
        for a, b in _EXCLUSIVE:
            if a in raw and b in raw and a in known[self.type] and b in known[self.type]:
                self.report(f"'{a}' and '{b}' exclude each other: keep one", f"{p}/{b}")
        for where, pairs in _NESTED_EXCLUSIVE.items():
            obj = self._at(where)
            for a, b in pairs if isinstance(obj, dict) else []:
                if a in obj and b in obj:
                    self.report(f"'{a}' and '{b}' exclude each other: keep one", f"{p}/{where}/{b}")
        if self.type in _FLOWING:
            if "Next" in raw and "End" in raw:
                self.report(f"state '{self.name}' has both 'Next' and 'End': keep one", f"{p}/End")
            elif "Next" not in raw and "End" not in raw:
                self.report(f"state '{self.name}' needs 'Next' or 'End': true", p)
        if self.type == "Wait":
            found = [k for k in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if k in raw]
            if len(found) != 1:
                self.report(
                    f"a Wait state takes exactly one of Seconds, SecondsPath, Timestamp, TimestampPath; "
                    f"found {', '.join(found) or 'none'}",
                    f"{p}/{found[1]}" if len(found) > 1 else p,
                )
        if self.type == "Map" and ("ItemProcessor" in raw) == ("Iterator" in raw):
            self.report(
                "a Map state needs exactly one of ItemProcessor or Iterator",
                f"{p}/Iterator" if "Iterator" in raw else p,
            )
        if self.type == "Task" and isinstance(raw.get("Resource"), str):
            self._check_resource(raw["Resource"])

    def _at(self, where: str) -> Any:
        obj: Any = self.raw
        for key in where.split("/"):
            obj = obj.get(key) if isinstance(obj, dict) else None
        return obj

    def _check_resource(self, resource: str) -> None:
        if not self.aws:
            return
        neutral = _PLACEHOLDER.sub("x", resource)
        if _PLACEHOLDER.fullmatch(resource):
            return
        where = f"{self.p}/Resource"
        if "${" in neutral:
            self.report(f"Resource {resource!r} has an unclosed ${{placeholder}}", where)
        elif not _ARN.match(neutral):
            self.report(
                f"Resource {resource!r} is not an ARN; Step Functions needs an ARN or a ${{Placeholder}} "
                "(use --no-aws-checks for other engines)",
                where,
            )
        else:
            m = _LAMBDA.match(neutral)
            if m and m.group(2) is not None and not re.fullmatch(r"\$LATEST|[A-Za-z0-9_-]+", m.group(3) or ""):
                self.report(
                    f"Lambda alias or version {m.group(3)!r} in Resource is not valid "
                    "(letters, digits, - and _, or $LATEST)",
                    where,
                )

    # -- paths ----------------------------------------------------------------
    def collect_paths(self) -> None:
        raw, p = self.raw, self.p
        if self.language == "JSONata":
            self._jsonata_strings(raw, p, top=True)
            return
        for key in _JSONPATH_FIELDS:
            if isinstance(raw.get(key), str):
                self.paths.append(PathExpr(raw[key], "jsonpath", f"{p}/{key}"))
        if isinstance(raw.get("ResultPath"), str):
            self.paths.append(PathExpr(raw["ResultPath"], "result-path", f"{p}/ResultPath"))
        for key in _REFERENCE_FIELDS:
            if isinstance(raw.get(key), str):
                self.paths.append(PathExpr(raw[key], "reference-path", f"{p}/{key}"))
        for key in ("ErrorPath", "CausePath"):
            if isinstance(raw.get(key), str):
                self.paths.append(PathExpr(raw[key], "payload", f"{p}/{key}"))
        for key in _TEMPLATE_FIELDS:
            self._template(raw.get(key), f"{p}/{key}")
        for key in ("ItemReader", "ResultWriter"):
            if isinstance(raw.get(key), dict):
                self._template(raw[key].get("Parameters"), f"{p}/{key}/Parameters")
        for where in (
            "ItemReader/ReaderConfig/MaxItemsPath",
            "ItemBatcher/MaxItemsPerBatchPath",
            "ItemBatcher/MaxInputBytesPerBatchPath",
        ):
            value = self._at(where)
            if isinstance(value, str):
                self.paths.append(PathExpr(value, "reference-path", f"{p}/{where}"))
        for i, c in enumerate(_list(raw.get("Catch"))):
            if isinstance(c, dict):
                if isinstance(c.get("ResultPath"), str):
                    self.paths.append(PathExpr(c["ResultPath"], "result-path", f"{p}/Catch/{i}/ResultPath"))
                self._template(c.get("Assign"), f"{p}/Catch/{i}/Assign")
        for i, rule in enumerate(_list(raw.get("Choices"))):
            where = f"{p}/Choices/{i}"
            self.paths += [PathExpr(text, "reference-path", at) for text, at in rule_paths(rule, where)]
            if isinstance(rule, dict):
                self._template(rule.get("Assign"), f"{where}/Assign")

    def _template(self, value: Any, pointer: str) -> None:
        """Walk a payload template: values of ``key.$`` fields are paths or intrinsics."""
        stack = [(value, pointer)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, dict):
                for key, item in node.items():
                    child = f"{where}/{escape(key)}"
                    if key.endswith(".$") and key[:-2] in node:
                        self.report(
                            f"'{key}' and '{key[:-2]}' both produce the field '{key[:-2]}' once '.$' is "
                            "removed: keep one",
                            child,
                        )
                    if key.endswith(".$"):
                        if isinstance(item, str):
                            self.paths.append(PathExpr(item, "payload", child))
                        else:
                            self.report(
                                f"'{key}' ends in '.$', so its value must be a path or intrinsic string",
                                child,
                                "invalid-path",
                            )
                    else:
                        stack.append((item, child))
            elif isinstance(node, list):
                stack.extend((item, f"{where}/{i}") for i, item in enumerate(node))

    def _jsonata_strings(self, node: Any, pointer: str, top: bool = False) -> None:
        stack = [(node, pointer)]
        while stack:
            value, where = stack.pop()
            if isinstance(value, str) and is_jsonata_like(value):
                self.paths.append(PathExpr(value, "jsonata", where))
            elif isinstance(value, dict):
                for key, item in value.items():
                    if key == "Comment" or (key in ("Branches", "ItemProcessor", "Iterator") and where == self.p):
                        continue  # comments are prose; nested states are checked as states of their own
                    stack.append((item, f"{where}/{escape(key)}"))
            elif isinstance(value, list):
                stack.extend((item, f"{where}/{i}") for i, item in enumerate(value))

    # -- model ----------------------------------------------------------------
    def build(self) -> tuple[State, list[Body]]:
        self.collect_paths()
        return state_from_asl(self)
