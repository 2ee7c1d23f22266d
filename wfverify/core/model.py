"""The one workflow model every dialect is normalized into.

Loaders (I/O) build it; rules, proofs and the simulator (pure) read it. It is
immutable once built: frozen dataclasses and tuples throughout, so analyses can
share and cache results per workflow without defensive copies.

A workflow is a tree of *scopes*. The root scope is the state machine itself;
every ``parallel`` branch and every ``map`` iterator is a nested scope with its
own ``start`` and states. Transitions (``next``, choice rules, catchers, ...)
stay inside their scope; entering a branch or iterator and joining it again is
expressed by the owning state's ``branches``.

State names are unique in the whole file (both dialects require it); a loader
that meets a duplicate keeps the first state and reports ``duplicate-state``.

Every state and every fact a finding may point at carries its RFC 6901 JSON
Pointer into the original document; positions (line, column) are resolved from
the loader's source map only for what gets reported.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, cast

from wfverify.core.records import dataclass, field

__all__ = [
    "Acquire",
    "Assignment",
    "Catcher",
    "ChoiceRule",
    "Dialect",
    "EventBranch",
    "PathExpr",
    "Retrier",
    "Scope",
    "State",
    "StateKind",
    "Transition",
    "TransitionKind",
    "Workflow",
    "ALL_ERRORS",
]

T = TypeVar("T")

#: The wildcard error name after normalization (``States.ALL`` in ASL, ``*`` natively).
ALL_ERRORS = "*"


class Dialect(str, enum.Enum):
    NATIVE = "native"
    ASL = "asl"
    SERVERLESS_WORKFLOW = "serverless-workflow"


class StateKind(str, enum.Enum):
    TASK = "task"
    PASS = "pass"
    CHOICE = "choice"
    PARALLEL = "parallel"
    MAP = "map"
    WAIT = "wait"
    EVENT = "event"
    SUCCEED = "succeed"
    FAIL = "fail"

    @property
    def terminal(self) -> bool:
        """Succeed and fail states end their scope by themselves."""
        return self in (StateKind.SUCCEED, StateKind.FAIL)


class TransitionKind(str, enum.Enum):
    NEXT = "next"
    CHOICE = "choice"  # index = rule number (0-based)
    DEFAULT = "default"
    CATCH = "catch"  # index = catcher number, errors = caught names
    EVENT = "event"  # label = event name
    TIMEOUT = "timeout"  # event state's on_timeout


@dataclass(frozen=True, slots=True)
class Transition:
    """One edge of a scope's state graph.

    ``pointer`` is the field that names the target (``/States/A/Next``), so an
    ``unknown-target`` finding points exactly at the misspelt name.
    """

    source: str
    target: str
    kind: TransitionKind
    pointer: str
    index: int | None = None
    errors: tuple[str, ...] = ()
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Retrier:
    """A retry policy. Durations in seconds; ``None`` means the dialect default applies."""

    errors: tuple[str, ...]
    max_attempts: int
    interval: float
    backoff_rate: float
    max_delay: float | None
    jitter: bool
    pointer: str


@dataclass(frozen=True, slots=True)
class Catcher:
    """``keeps_input``/``writes``: what the data looks like at ``next`` (see :attr:`State.writes`)."""

    errors: tuple[str, ...]
    next: str
    pointer: str
    keeps_input: bool = True
    writes: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    """A choice rule: the first whose ``condition`` holds routes to ``next``.

    ``condition`` is an :mod:`wfverify.core.expr` node (dialect-neutral), ``None``
    when the loader could not express it (then analyses treat it as an unknown
    boolean and say so).
    """

    condition: Any
    next: str
    pointer: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class EventBranch:
    event: str
    next: str
    pointer: str


@dataclass(frozen=True, slots=True)
class Acquire:
    """One lock taken at a state's entry; ``name`` may hold ``{EXPR}`` placeholders."""

    lock: str
    timeout: float | None
    pointer: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """``set: {VAR: EXPR}`` natively, ``Assign`` / ``States.MathAdd`` counters in ASL.

    ``via`` is empty when the assignment happens on the state's normal completion
    (every transition but a catcher's); otherwise it is the pointer of the one
    choice rule or catcher whose transition carries it (ASL ``Assign`` inside a
    Choice rule or a Catch), so analyses count it only on that edge.
    """

    variable: str
    expr: Any  # wfverify.core.expr node, or None when not expressible
    pointer: str
    text: str = ""
    via: str = ""


@dataclass(frozen=True, slots=True)
class PathExpr:
    """A path or expression string whose syntax the engine would check.

    ``language``: ``jsonpath``, ``reference-path``, ``intrinsic``, ``jsonata``,
    ``native-expr``.
    """

    text: str
    language: str
    pointer: str


@dataclass(frozen=True, slots=True)
class Scope:
    """A state machine body: the root, a parallel branch or a map iterator."""

    id: str  # JSON Pointer of the body ("" for the root)
    start: str
    states: tuple[str, ...]  # state names in document order
    owner: str | None = None  # the parallel/map state that runs it
    kind: str = "root"  # "root", "branch", "iterator"
    start_pointer: str = ""
    #: a Distributed Map's iterations run as child executions, apart from the enclosing machine's variables
    distributed: bool = False


@dataclass(frozen=True, slots=True)
class State:
    """A normalized state. Fields a dialect cannot express keep their defaults."""

    name: str
    kind: StateKind
    pointer: str
    scope: str
    next: str | None = None
    end: bool = False
    transitions: tuple[Transition, ...] = ()
    # choice
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None
    # error handling and time
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()
    timeout: float | None = None
    heartbeat: float | None = None
    timeout_is_dynamic: bool = False  # TimeoutSecondsPath and friends
    waits_on_outside: bool = False  # callback task, activity, event gateway, human approval
    # nested bodies
    branches: tuple[str, ...] = ()  # scope ids of parallel branches or the map iterator
    items: Any = None  # map items expression (expr node or text)
    max_concurrency: int | None = None
    # event gateway
    events: tuple[EventBranch, ...] = ()
    on_timeout: str | None = None
    # work
    action: str | None = None  # native action / ASL Resource
    # sagas
    compensate: str | None = None
    compensation: bool = False
    idempotent: bool = False
    side_effects: bool = True
    # locks
    acquire: tuple[Acquire, ...] = ()
    release: tuple[str, ...] = ()
    # data
    #: Data paths certainly present in the state's output when it completes normally
    #: (ASL ResultPath/ResultSelector/Parameters, Assign variables as ("$name",), native ``set``).
    writes: tuple[tuple[str, ...], ...] = ()
    #: Whether the input's data survives into the output (false when ResultPath "$" or an
    #: OutputPath replaces it). Variables (paths starting with "$") always survive.
    keeps_input: bool = True
    #: ASL OutputPath "$.a.b": the output is the subtree at this path (applied after ``writes``).
    output_root: tuple[str, ...] | None = None
    #: ASL Task: where its raw result lands in the output before OutputPath (``()`` for ResultPath "$");
    #: ``None`` when the result is discarded, reshaped by ResultSelector, or the state is no Task.
    result_at: tuple[str, ...] | None = None
    #: ASL: the literal request template (``Parameters``, or ``Arguments`` in JSONata), for integration checks.
    parameters: Any = None
    #: What a nested body's input certainly holds: ``None`` when it is this state's own input (a Parallel
    #: without Parameters), else the keys of the object built for it (Parameters, ItemSelector; ``()``: a Map item).
    body_input: tuple[str, ...] | None = None
    assignments: tuple[Assignment, ...] = ()
    paths: tuple[PathExpr, ...] = ()
    # fail
    error: str | None = None
    cause: str | None = None
    # wait
    duration: float | None = None
    comment: str | None = None
    #: Pointers of fields worth pointing at, by name ("compensate" -> "/states/x/compensate").
    fields: Mapping[str, str] = field(default_factory=dict)

    def field_pointer(self, name: str) -> str:
        """Pointer of one of this state's fields, or of the state when absent."""
        return self.fields.get(name, self.pointer)

    @property
    def terminal(self) -> bool:
        return self.kind.terminal

    def assigned_on(self, transition: Transition) -> tuple[Assignment, ...]:
        """The assignments that take effect when the state leaves through ``transition``."""
        carried = transition.pointer.removesuffix("/Next") if transition.pointer.endswith("/Next") else None
        normal = transition.kind is not TransitionKind.CATCH
        return tuple(a for a in self.assignments if (not a.via and normal) or (a.via and a.via == carried))


@dataclass(frozen=True)
class Workflow:
    """A whole definition: scopes, states, and the facts loaders found.

    ``annotated`` is true when the file states verification facts itself
    (native dialect) or through a sidecar; saga and lock rules stay silent on
    a workflow that is not annotated rather than guess.
    """

    name: str
    dialect: Dialect
    states: Mapping[str, State]
    scopes: Mapping[str, Scope]
    timeout: float | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)  # variable -> int|number|string|bool
    concurrent: bool = False
    annotated: bool = False
    query_language: str = "JSONPath"
    source: Any = None  # the loaded document (dialect-specific raw data), for reporters only
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- navigation -------------------------------------------------------
    @property
    def root(self) -> Scope:
        return self.scopes[""]

    @property
    def start(self) -> str:
        return self.root.start

    def scope_of(self, state: str) -> Scope:
        return self.scopes[self.states[state].scope]

    def children(self, state: str) -> tuple[Scope, ...]:
        """The nested bodies (branches, iterator) a state runs."""
        return tuple(self.scopes[s] for s in self.states[state].branches)

    def iter_states(self) -> Iterator[State]:
        return iter(self.states.values())

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Cache an analysis result on this workflow, shared by the rules that need it."""
        try:
            return cast(T, self._memo[key])
        except KeyError:
            value = self._memo[key] = compute()
            return value
