"""The data semantics of each dialect, as one strategy object per dialect.

The engine (control flow, scheduling, locks, retries, catchers) is the same
for every dialect; what a state does to the data and what its errors are
called differs. :class:`NativeSemantics` follows the native format page (the
data is a mapping, ``set`` assigns variables after a state's action, a task's
result merges into the data); :class:`AslSemantics` follows Amazon States
Language's data flow through :class:`wfverify.simulate.asl_data.AslData`.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from wfverify.core.evaluate import UNDEFINED, evaluate, value_of
from wfverify.core.expr import Opaque
from wfverify.core.model import Catcher, ChoiceRule, Dialect, State, Workflow

__all__ = ["AslSemantics", "NativeSemantics", "Semantics", "semantics_for"]


class Semantics(Protocol):
    """What the engine asks a dialect."""

    timeout_error: str
    no_choice_error: str
    items_error: str
    catch_all_takes_runtime: bool

    def pass_output(self, state: State, data: Any) -> Any: ...
    def task_output(self, state: State, data: Any, result: Any) -> Any: ...
    def join_output(self, state: State, data: Any, results: list[Any]) -> Any: ...
    def assign(self, state: State, data: Any) -> Any: ...
    def choice_input(self, state: State, data: Any) -> Any: ...
    def condition(self, rule: ChoiceRule, state: State, data: Any) -> bool: ...
    def branch_input(self, state: State, data: Any) -> Any: ...
    def items(self, state: State, data: Any) -> Any: ...
    def iteration_input(self, state: State, data: Any, item: Any, index: int) -> Any: ...
    def catch_output(self, state: State, catcher: Catcher, data: Any, error: str, cause: str | None) -> Any: ...
    def fail_output(self, state: State, data: Any) -> tuple[str, str | None]: ...
    def passthrough(self, state: State, data: Any, rule: int | None = None) -> Any: ...
    def clone(self) -> Semantics: ...
    def begin(self, execution_input: Any) -> None: ...


class NativeSemantics:
    """The native format: variables in one mapping, ``set`` after the action, results merged."""

    timeout_error = "Timeout"
    no_choice_error = "NoChoiceMatched"
    items_error = "ItemsNotAList"
    catch_all_takes_runtime = True

    def pass_output(self, state: State, data: Any) -> Any:
        return data

    def task_output(self, state: State, data: Any, result: Any) -> Any:
        if isinstance(result, dict) and isinstance(data, dict):
            return {**data, **result}
        return data

    def join_output(self, state: State, data: Any, results: list[Any]) -> Any:
        return data

    def assign(self, state: State, data: Any) -> Any:
        if not state.assignments:
            return data
        out = dict(data) if isinstance(data, dict) else {}
        for a in state.assignments:  # every right-hand side reads the data as it was before the state
            value = value_of(a.expr, data) if a.expr is not None else UNDEFINED
            _set_path(out, a.variable.split("."), None if value is UNDEFINED else value)
        return out

    def choice_input(self, state: State, data: Any) -> Any:
        return data

    def condition(self, rule: ChoiceRule, state: State, data: Any) -> bool:
        return rule.condition is not None and bool(evaluate(rule.condition, data))

    def branch_input(self, state: State, data: Any) -> Any:
        return data

    def items(self, state: State, data: Any) -> Any:
        return UNDEFINED if state.items is None else value_of(state.items, data)

    def iteration_input(self, state: State, data: Any, item: Any, index: int) -> Any:
        return {**(data if isinstance(data, dict) else {}), "item": item}

    def catch_output(self, state: State, catcher: Catcher, data: Any, error: str, cause: str | None) -> Any:
        return data

    def fail_output(self, state: State, data: Any) -> tuple[str, str | None]:
        return state.error or "States.Fail", state.cause

    def passthrough(self, state: State, data: Any, rule: int | None = None) -> Any:
        return data

    def clone(self) -> NativeSemantics:
        return self  # no state of its own

    def begin(self, execution_input: Any) -> None:
        return None


class AslSemantics:
    """Amazon States Language: InputPath/Parameters/ResultSelector/ResultPath/OutputPath, Assign, JSONata."""

    timeout_error = "States.Timeout"
    no_choice_error = "States.NoChoiceMatched"
    items_error = "States.Runtime"
    catch_all_takes_runtime = False  # States.ALL never catches or retries States.Runtime

    def __init__(self, workflow: Workflow) -> None:
        from wfverify.simulate.asl_data import AslData

        self.data = AslData(workflow)

    def pass_output(self, state: State, data: Any) -> Any:
        return self.data.pass_output(state, data)

    def task_output(self, state: State, data: Any, result: Any) -> Any:
        return self.data.task_output(state, data, result)

    def join_output(self, state: State, data: Any, results: list[Any]) -> Any:
        return self.data.task_output(state, data, results)

    def assign(self, state: State, data: Any) -> Any:
        return data  # Assign is applied with the state's result, inside pass_output/task_output

    def choice_input(self, state: State, data: Any) -> Any:
        return self.data.choice_input(state, data)

    def condition(self, rule: ChoiceRule, state: State, data: Any) -> bool:
        if isinstance(rule.condition, Opaque):
            return self.data.condition(rule.condition.text, state, data)  # JSONata
        if rule.condition is None:
            return False
        from wfverify.simulate.asl_conditions import rule_holds

        raw = self.data.raw(state)["Choices"][int(rule.pointer.rsplit("/", 1)[-1])]
        context = self.data.context(state)
        return rule_holds(raw, lambda path: self.data.lookup(path, data, context))

    def branch_input(self, state: State, data: Any) -> Any:
        return self.data.branch_input(state, data)

    def items(self, state: State, data: Any) -> Any:
        return self.data.items(state, data)

    def iteration_input(self, state: State, data: Any, item: Any, index: int) -> Any:
        return self.data.iteration_input(state, data, item, index)

    def catch_output(self, state: State, catcher: Catcher, data: Any, error: str, cause: str | None) -> Any:
        return self.data.catch_output(state, catcher, data, error, cause)

    def fail_output(self, state: State, data: Any) -> tuple[str, str | None]:
        return self.data.fail_output(state, data)

    def passthrough(self, state: State, data: Any, rule: int | None = None) -> Any:
        return self.data.passthrough(state, data, rule)

    def begin(self, execution_input: Any) -> None:
        """The execution starts: ``$$.Execution.Input`` is its input."""
        self.data.execution_input = copy.deepcopy(execution_input)

    def clone(self) -> AslSemantics:
        """A copy with its own workflow variables (``Assign``), sharing the document."""
        copied = copy.copy(self)
        copied.data = copy.copy(self.data)
        copied.data.variables = dict(self.data.variables)
        copied.data.random = copy.copy(self.data.random)
        return copied


def semantics_for(workflow: Workflow) -> Semantics:
    return AslSemantics(workflow) if workflow.dialect is Dialect.ASL else NativeSemantics()


def _set_path(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        nxt = data.get(key)
        data[key] = dict(nxt) if isinstance(nxt, dict) else {}
        data = data[key]
    data[path[-1]] = value
