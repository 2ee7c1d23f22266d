"""Amazon States Language data flow for the simulator (JSONPath and JSONata query languages).

InputPath, Parameters (``key.$`` fields: paths, ``$$`` context paths, ``$name``
variables and the intrinsic functions of :mod:`asl_intrinsics`), ResultSelector,
Assign (its ``$`` is the selected result; a Choice takes the matched rule's,
else the state's), ResultPath (missing objects are created; writing below a
value that is no object fails), OutputPath, Pass ``Result``, Map
``ItemsPath``/``ItemSelector`` (legacy ``Parameters`` per item), catcher
``ResultPath``; Choice, Wait and Succeed apply InputPath then OutputPath.
JSONata states: ``Arguments``, ``Output``, ``Assign``, ``Items``,
``ItemSelector``, Fail's ``Error``/``Cause``, evaluated with jsonata-python.
JSONPath is evaluated for the single-node forms (``$``, ``.name``,
``['name']``, ``[index]``); a filter, slice or wildcard is not evaluated: the
step fails with ``States.Runtime`` and the trail says why, so a simulation
never pretends to know a value it does not. tests/asl_cases compares all of
this with moto's interpreter and the AWS guide.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from wfverify.core.model import Catcher, State, StateKind, Workflow
from wfverify.simulate.asl_intrinsics import Random

__all__ = ["AslData", "resolve"]

_STEP = re.compile(r"\.([^.\[\]*]+)|\[(-?\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


class Unsupported(Exception):
    pass


def resolve(path: str, data: Any, context: dict[str, Any] | None = None) -> Any:
    """Evaluate a JSONPath: a single-node path gives its value (KeyError when absent); a path with a
    wildcard, slice, filter or ``..`` gives the list of every match, as the service's Jayway engine
    does (moto agrees); Unsupported when the path cannot be read."""
    if path.startswith("$$"):
        data, rest = context or {}, path[2:]
    elif path.startswith("$"):
        rest = path[1:]
    else:
        raise Unsupported(path)
    pos = 0
    while pos < len(rest):
        m = _STEP.match(rest, pos)
        if not m:
            return _every_match("$" + rest[pos:], data, path)
        key = m.group(1) or m.group(3) or m.group(4)
        if m.group(2) is not None:
            if not isinstance(data, list):
                raise KeyError(path)
            data = data[int(m.group(2))]
        else:
            if not isinstance(data, dict) or key not in data:
                raise KeyError(path)
            data = data[key]
        pos = m.end()
    return data


def _every_match(query: str, data: Any, path: str) -> list[Any]:
    """The values an indefinite JSONPath selects (jsonpath-ng's extended grammar: filters, slices)."""
    from jsonpath_ng.exceptions import JsonPathParserError
    from jsonpath_ng.ext.parser import parse

    try:
        expression = parse(query)
    except (JsonPathParserError, ValueError, TypeError, AttributeError) as exc:
        raise Unsupported(f"{path}: {exc}") from None
    return [match.value for match in expression.find(data)]


def _string(value: Any, field: str) -> str:
    """The AWS guide: a Fail state's ErrorPath and CausePath must select a string."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must select a string, not {type(value).__name__}")
    return value


def _write(data: Any, path: str, value: Any) -> Any:
    """``data`` with ``value`` at ``path`` (ResultPath): missing objects on the way are created; a step
    into a value that is no object (or an index outside an array) fails, as the service fails it."""
    if path == "$":
        return value
    steps = [(m.group(2), m.group(1) or m.group(3) or m.group(4)) for m in _STEP.finditer(path[1:])]
    out = copy.deepcopy(data)
    if not isinstance(out, (dict, list)):
        raise TypeError(f"ResultPath {path} cannot be applied to {type(data).__name__} input")
    node: Any = out
    for i, (index, key) in enumerate(steps):
        last = i == len(steps) - 1
        if index is not None:
            if not isinstance(node, list) or not -len(node) <= int(index) < len(node):
                raise TypeError(f"ResultPath {path}: no element [{index}] to write")
            if last:
                node[int(index)] = value
            node = node[int(index)]
            continue
        if not isinstance(node, dict):
            raise TypeError(f"ResultPath {path}: {key!r} is below a value that is no object")
        if last:
            node[key] = value
        elif key not in node:
            node[key] = {}
        node = node[key]
    return out


class AslData:
    def __init__(self, workflow: Workflow) -> None:
        self.w = workflow
        self.doc = workflow.source.data if workflow.source is not None else {}
        self.variables: dict[str, Any] = {}  # Assign: workflow variables, run-wide
        self.execution_input: Any = {}  # $$.Execution.Input
        self.random = Random()  # MathRandom and UUID, deterministic per run

    # -- JSONata (QueryLanguage: JSONata), evaluated with jsonata-python --------------
    def jsonata_mode(self, state: State) -> bool:
        return bool(self.raw(state).get("QueryLanguage", self.w.query_language) == "JSONata")

    def jsonata(
        self, value: Any, state: State, data: Any, result: Any = None, item: Any = None, error_output: Any = None
    ) -> Any:
        """Evaluate every ``{% expr %}`` string in a template; other values stay as written.
        ``item``: a Map iteration's ``{"Value": ..., "Index": ...}`` for ``$states.context.Map.Item``;
        ``error_output`` (in a Catcher): the ``{"Error", "Cause"}`` object, ``$states.errorOutput``."""
        if isinstance(value, dict):
            return {k: self.jsonata(v, state, data, result, item, error_output) for k, v in value.items()}
        if isinstance(value, list):
            return [self.jsonata(v, state, data, result, item, error_output) for v in value]
        if isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
            import jsonata

            expression = jsonata.Jsonata(value[2:-2].strip())
            reserved = {"input": data, "result": result, "context": self.context(state, item)}
            if error_output is not None:
                reserved["errorOutput"] = error_output
            expression.assign("states", reserved)
            for name, bound in self.variables.items():
                expression.assign(name, bound)
            return expression.evaluate(None)
        return value

    def condition(self, text: str, state: State, data: Any) -> bool:
        return bool(self.jsonata("{% " + text + " %}", state, data))

    def assign(self, state: State, data: Any, result: Any = None, spec: Any = None) -> None:
        self.variables.update(self.assigned(state, data, result, spec))

    def assigned(
        self, state: State, data: Any, result: Any = None, spec: Any = None, error_output: Any = None
    ) -> dict[str, Any]:
        """The variables an ``Assign`` sets (the state's own, or ``spec``: a Catcher's), not yet stored.

        JSONPath ``.$`` paths read the result (a Catcher's: the error output), else the state's input."""
        spec = self.raw(state).get("Assign") if spec is None else spec
        if not isinstance(spec, dict):
            return {}
        if self.jsonata_mode(state):
            return {k: self.jsonata(v, state, data, result, error_output=error_output) for k, v in spec.items()}
        source = error_output if error_output is not None else result if result is not None else data
        return {
            k[:-2] if k.endswith(".$") else k: (self.dynamic(v, source, state) if k.endswith(".$") else v)
            for k, v in spec.items()
        }

    def raw(self, state: State) -> dict[str, Any]:
        node: Any = self.doc
        for part in state.pointer.split("/")[1:]:
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node if isinstance(node, dict) else {}

    def context(self, state: State, item: dict[str, Any] | None = None) -> dict[str, Any]:
        """The context object (``$$``) with the fields the AWS guide documents; times are the simulator's."""
        machine = "arn:aws:states:us-east-1:123456789012:stateMachine:simulated"
        out: dict[str, Any] = {
            "Execution": {
                "Id": "arn:aws:states:us-east-1:123456789012:execution:simulated:run-1",
                "Input": self.execution_input,
                "Name": "run-1",
                "RoleArn": "arn:aws:iam::123456789012:role/simulated",
                "StartTime": "1970-01-01T00:00:00.000Z",
                "RedriveCount": 0,
            },
            "State": {"EnteredTime": "1970-01-01T00:00:00.000Z", "Name": state.name, "RetryCount": 0},
            "StateMachine": {"Id": machine, "Name": "simulated"},
            "Task": {"Token": "token-1"},
        }
        if item is not None:
            out["Map"] = {"Item": item}
        return out

    def lookup(self, path: str, data: Any, context: dict[str, Any]) -> Any:
        """A path argument: ``$$...`` the context object, ``$name...`` a variable set by Assign, ``$...`` data."""
        m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", path)
        if m:
            if m.group(1) not in self.variables:
                raise KeyError(f"variable ${m.group(1)} is not set")
            return resolve("$" + path[m.end() :], self.variables[m.group(1)])
        return resolve(path, data, context)

    def evaluate(self, text: str, data: Any, context: dict[str, Any]) -> Any:
        """A ``.$`` field's value: an intrinsic function or a path."""
        if text.startswith("States."):
            from wfverify.simulate.asl_intrinsics import evaluate_intrinsic

            return evaluate_intrinsic(text, lambda p: self.lookup(p, data, context), self.random)
        return self.lookup(text, data, context)

    def _path(self, state: State, key: str, data: Any, default: str = "$") -> Any:
        """InputPath, OutputPath or ItemsPath: ``null`` is ``{}``; ``$$...`` and ``$name`` read too."""
        path = self.raw(state).get(key, default)
        if path is None:
            return {}
        return (
            self.lookup(path, data, self.context(state))
            if path.startswith("$$") or path[1:2].isalpha()
            else resolve(path, data)
        )

    def template(self, value: Any, data: Any, state: State) -> Any:
        return self.template_in(value, data, self.context(state))

    def template_in(self, value: Any, data: Any, context: dict[str, Any]) -> Any:
        """A payload template: every ``key.$`` field evaluated (a path or an intrinsic), the rest as written."""
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key.endswith(".$") and isinstance(item, str):
                    out[key[:-2]] = self.evaluate(item, data, context)
                else:
                    out[key] = self.template_in(item, data, context)
            return out
        if isinstance(value, list):
            return [self.template_in(v, data, context) for v in value]
        return value

    def dynamic(self, text: str, data: Any, state: State) -> Any:
        return self.evaluate(text, data, self.context(state))

    def effective_input(self, state: State, data: Any) -> Any:
        raw = self.raw(state)
        value = self._path(state, "InputPath", data)
        if "Parameters" in raw:
            value = self.template(raw["Parameters"], value, state)
        return value

    def apply_result(self, state: State, data: Any, result: Any) -> Any:
        """ResultSelector, then Assign (its ``$`` is the selected result), ResultPath and OutputPath."""
        raw = self.raw(state)
        if "ResultSelector" in raw and state.kind is not StateKind.PASS:  # a Pass state has none
            result = self.template(raw["ResultSelector"], result, state)
        self.assign(state, data, result)
        result_path = raw.get("ResultPath", "$")
        out = data if result_path is None else _write(data, result_path, result)
        return self._path(state, "OutputPath", out)

    def task_output(self, state: State, data: Any, result: Any) -> Any:
        raw = self.raw(state)
        if self.jsonata_mode(state):
            if result is None:  # an echoing task returns its Arguments
                result = self.jsonata(raw["Arguments"], state, data) if "Arguments" in raw else data
            self.assign(state, data, result)
            return self.jsonata(raw["Output"], state, data, result) if "Output" in raw else result
        if result is None:
            result = self.effective_input(state, data)  # an echoing task
        return self.apply_result(state, data, result)

    def pass_output(self, state: State, data: Any) -> Any:
        raw = self.raw(state)
        if self.jsonata_mode(state):
            self.assign(state, data)
            return self.jsonata(raw["Output"], state, data) if "Output" in raw else data
        result = raw["Result"] if "Result" in raw else self.effective_input(state, data)
        return self.apply_result(state, data, result)

    def passthrough(self, state: State, data: Any, rule: int | None = None) -> Any:
        """The output of a state that does no work (Choice, Wait, Succeed): InputPath, then the Assign
        (of the Choice rule taken, else the state's), then OutputPath; JSONata: ``Output``."""
        raw = self.raw(state)
        spec = raw.get("Assign")
        if rule is not None:
            choices = raw.get("Choices")
            spec = choices[rule].get("Assign") if isinstance(choices, list) else None
        if self.jsonata_mode(state):
            self.assign(state, data, spec=spec or {})
            return self.jsonata(raw["Output"], state, data) if "Output" in raw else data
        effective = self._path(state, "InputPath", data)
        self.assign(state, effective, spec=spec or {})
        return self._path(state, "OutputPath", effective)

    def choice_input(self, state: State, data: Any) -> Any:
        if self.jsonata_mode(state):
            return data
        return self._path(state, "InputPath", data)

    def branch_input(self, state: State, data: Any) -> Any:
        return self.effective_input(state, data)

    def items(self, state: State, data: Any) -> Any:
        raw = self.raw(state)
        if self.jsonata_mode(state):
            return self.jsonata(raw["Items"], state, data) if "Items" in raw else data
        source = self._path(state, "InputPath", data)
        return self._path(state, "ItemsPath", source) if isinstance(raw.get("ItemsPath", "$"), str) else source

    def iteration_input(self, state: State, data: Any, item: Any, index: int) -> Any:
        raw = self.raw(state)
        selector = raw.get("ItemSelector", raw.get("Parameters"))  # legacy Parameters apply per item too
        if selector is None:
            return item
        if self.jsonata_mode(state):
            return self.jsonata(selector, state, data, item={"Value": item, "Index": index})
        context = self.context(state, {"Value": item, "Index": index})
        return self.template_in(selector, self._path(state, "InputPath", data), context)

    def fail_output(self, state: State, data: Any) -> tuple[str, str | None]:
        """A Fail state's error and cause: ``Error``/``Cause``, or read by ``ErrorPath``/``CausePath``."""
        raw = self.raw(state)
        error, cause = state.error or "States.Fail", state.cause
        if self.jsonata_mode(state):
            error = str(self.jsonata(raw["Error"], state, data)) if "Error" in raw else error
            cause = str(self.jsonata(raw["Cause"], state, data)) if "Cause" in raw else cause
            return error, cause
        if isinstance(raw.get("ErrorPath"), str):
            error = _string(self.dynamic(raw["ErrorPath"], data, state), "ErrorPath")
        if isinstance(raw.get("CausePath"), str):
            cause = _string(self.dynamic(raw["CausePath"], data, state), "CausePath")
        return error, cause

    def catch_output(self, state: State, catcher: Catcher, data: Any, error: str, cause: str | None) -> Any:
        raw = self.raw(state)
        index = int(catcher.pointer.rsplit("/", 1)[-1])
        spec = raw.get("Catch", [])[index]
        result = {"Error": error, "Cause": cause or ""}
        # A Catcher's Assign and (JSONata) Output both see the variables as they were before it.
        variables = self.assigned(state, data, spec=spec.get("Assign", {}), error_output=result)
        if self.jsonata_mode(state):
            out = self.jsonata(spec["Output"], state, data, error_output=result) if "Output" in spec else result
        else:
            path = spec.get("ResultPath", "$")
            out = data if path is None else _write(data, path, result)
        self.variables.update(variables)
        return out
