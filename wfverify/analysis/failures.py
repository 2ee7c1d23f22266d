"""Which states can fail, and with which error: shared by the lock and saga analyses.

Failures are not only a task's error. Per the native format page (and ASL):
a task, Parallel or Map can fail with any error; an ``event`` whose
``timeout`` runs out with no ``on_timeout`` fails with ``Timeout``; a
``choice`` without a default fails with ``NoChoiceMatched`` unless its rules
are proven exhaustive; an ``acquire`` with a timeout fails with
``LockTimeout``; a ``fail`` state always fails. Data is opaque to these
analyses, so every failure a state *can* have is a path.
"""

from __future__ import annotations

from wfverify.analysis.saga_facts import PathFacts, after_choice, caught, completed, outcomes
from wfverify.core.findings import Verdict
from wfverify.core.model import ALL_ERRORS, Catcher, Dialect, State, StateKind, Transition, TransitionKind, Workflow
from wfverify.core.records import dataclass, replace

__all__ = [
    "BodyEnds",
    "after_completion",
    "body_ends",
    "leaked_locks",
    "can_fail",
    "can_succeed",
    "catches_all",
    "done_when_failing",
    "first_catcher",
    "lock_timeout_possible",
    "parallel_completes",
    "runtime_possible",
]


def can_fail(workflow: Workflow, state: State) -> bool:
    """The state can end in an error (caught or not), the ``fail`` state included."""
    if state.kind in (StateKind.TASK, StateKind.MAP, StateKind.FAIL):
        return True
    if state.kind is StateKind.PARALLEL:
        return (
            lock_timeout_possible(state)
            or _io_may_fail(workflow, state)
            or any(body_may_fail(workflow, b) for b in state.branches)
        )
    if state.kind is StateKind.EVENT:
        return state.timeout is not None and state.on_timeout is None
    if state.kind is StateKind.CHOICE:
        return state.default is None and not _exhaustive(workflow, state)
    return lock_timeout_possible(state)


def runtime_possible(workflow: Workflow, state: State) -> bool:
    """An Amazon States Language state that may fail with ``States.Runtime`` because data it reads may be
    absent: no catcher or retrier takes that error (``States.ALL`` excludes it). A Choice rule that may read
    an absent variable, a payload read (``Parameters``, ``ItemSelector``, ``ItemsPath``...) that
    :mod:`wfverify.analysis.absent` cannot show present, or a Parallel or Map with such a state inside.
    Whether the data is there only its producer knows: analyses say ``unknown`` for these paths."""
    if workflow.dialect is not Dialect.ASL:
        return False
    return workflow.memo(f"failures.runtime.{state.name}", lambda: _runtime(workflow, state))


def _runtime(workflow: Workflow, state: State) -> bool:
    if _reads_maybe_absent(workflow, state):
        return True
    pending = list(state.branches)
    while pending:
        for name in workflow.scopes[pending.pop()].states:
            inner = workflow.states.get(name)
            if inner is None:
                continue
            if _reads_maybe_absent(workflow, inner):
                return True
            pending += list(inner.branches)
    return False


def _reads_maybe_absent(workflow: Workflow, state: State) -> bool:
    from wfverify.analysis.absent import judge, payload_reads

    if state.kind is StateKind.CHOICE:
        from wfverify.analysis.smt.choices import analyze_workflow

        try:
            report = analyze_workflow(workflow).get(state.name)
        except Exception:  # an encoding the solver cannot take: any rule may read an absent variable
            return True
        return report is not None and bool(report.absent_reads)
    return any(judge(workflow, state, read).presence != "present" for read in payload_reads(state))


#: ASL fields whose processing may fail (a path that matches nothing, an expression on absent data).
_IO_FIELDS = ("InputPath", "Parameters", "ResultSelector", "OutputPath", "Arguments", "Output", "Assign")


def _io_may_fail(workflow: Workflow, state: State) -> bool:
    """An Amazon States Language Parallel's input/output processing may fail; only ``ResultPath`` ``$``
    (the default) or ``null`` and no other processing field is certainly safe."""
    if workflow.dialect is not Dialect.ASL:
        return False
    if any(name in state.fields for name in _IO_FIELDS):
        return True
    result_path = [p.text for p in state.paths if p.pointer == f"{state.pointer}/ResultPath"]
    return "ResultPath" in state.fields and result_path not in ([], ["$"])


def body_may_fail(workflow: Workflow, scope_id: str) -> bool:
    """Some run of a Parallel branch may end in an error: a state reachable in it fails with nothing to
    catch the error (a ``fail`` state, an uncaught error, ``States.Runtime``). A branch of passes never does."""
    return workflow.memo(f"failures.body_fails.{scope_id}", lambda: _body_may_fail(workflow, scope_id))


def _body_may_fail(workflow: Workflow, scope_id: str) -> bool:
    """Locks followed (:func:`body_ends`): a state that can only wait forever for a lock
    its own branch holds does not fail."""
    return body_ends(workflow, scope_id).may_fail


def _may_fail_from(workflow: Workflow, scope_id: str, starts: list[str]) -> bool:
    """Some state reachable from ``starts`` in the body may end the body with an error."""
    seen: set[str] = set()
    pending = list(starts)
    while pending:
        name = pending.pop()
        state = workflow.states.get(name)
        if name in seen:
            continue
        if state is None or state.scope != scope_id:
            return True  # a transition out of the body or to no state: the engine fails there
        seen.add(name)
        if state.kind is StateKind.FAIL or runtime_possible(workflow, state):
            return True
        if can_fail(workflow, state) and not catches_all(state):
            return True
        pending += [t.target for t in state.transitions]
    return False


def done_when_failing(workflow: Workflow, owner: State, tasks: frozenset[str]) -> frozenset[str]:
    """Which of ``tasks`` (in the bodies of a Parallel/Map ``owner``) may have completed when ``owner`` fails.

    A task may, unless every way the owner can fail comes before the task completes: no sibling
    branch can fail, nothing after the task (or after the Parallel around it) in its body can fail,
    and no Map runs it (another iteration may fail after this one completed)."""
    return frozenset(t for t in tasks if _done_when_failing(workflow, owner, workflow.states[t]))


def _done_when_failing(workflow: Workflow, owner: State, task: State) -> bool:
    if _io_may_fail(workflow, owner) or (workflow.dialect is Dialect.ASL and _reads_maybe_absent(workflow, owner)):
        return True  # the owner's own output processing fails after every branch completed
    node = task
    while True:
        after = [t.target for t in node.transitions if t.kind is not TransitionKind.CATCH]
        if _may_fail_from(workflow, node.scope, after):
            return True
        around = workflow.states.get(workflow.scopes[node.scope].owner or "")
        if around is None or around.kind is not StateKind.PARALLEL:
            return True  # a Map (or a body this walk does not know)
        if any(b != node.scope and body_may_fail(workflow, b) for b in around.branches):
            return True
        if around.name == owner.name:
            return False
        if _io_may_fail(workflow, around) or (
            workflow.dialect is Dialect.ASL and _reads_maybe_absent(workflow, around)
        ):
            return True
        node = around


def lock_timeout_possible(state: State) -> bool:
    return any(a.timeout is not None for a in state.acquire)


def catches_all(state: State) -> bool:
    return any(ALL_ERRORS in c.errors for c in state.catch)


def first_catcher(state: State, error: str) -> Catcher | None:
    """The catcher that handles ``error`` (``States.X`` and ``X`` name the same predefined error)."""
    short = error.removeprefix("States.")
    for c in state.catch:
        if ALL_ERRORS in c.errors or error in c.errors or short in c.errors or f"States.{short}" in c.errors:
            return c
    return None


def _exhaustive(workflow: Workflow, state: State) -> bool:
    """The choice's rules are proven to cover every input (so it never fails with NoChoiceMatched).

    Uses the choice reports that ``missing-default`` computes, once per workflow."""
    from wfverify.analysis.smt.choices import analyze_workflow

    try:
        report = analyze_workflow(workflow).get(state.name)
    except Exception:  # an encoding the solver cannot take: the choice may fall through
        return False
    return report is not None and report.exhaustive is Verdict.PROVEN


def can_succeed(workflow: Workflow, scope_id: str) -> bool:
    """Some run of the body ends normally (``end`` or ``succeed``), catchers included, ignoring locks.

    A Parallel completes only when every branch can; a Map may have no items, so it always can. A body
    that cannot succeed fails every time: it cancels its sibling branches, and its owner never goes on.
    """
    return workflow.memo(f"failures.succeeds.{scope_id}", lambda: _can_succeed(workflow, scope_id, frozenset()))


def _can_succeed(workflow: Workflow, scope_id: str, outer: frozenset[str]) -> bool:
    scope = workflow.scopes[scope_id]
    if scope_id in outer or scope.start not in workflow.states:
        return False
    seen: set[str] = set()
    pending = [scope.start]
    while pending:
        name = pending.pop()
        state = workflow.states.get(name)
        if name in seen or state is None or state.scope != scope_id:
            continue
        seen.add(name)
        completes = state.kind is not StateKind.PARALLEL or all(
            _can_succeed(workflow, b, outer | {scope_id}) for b in state.branches
        )
        if completes and (state.kind is StateKind.SUCCEED or (state.end and state.kind is not StateKind.FAIL)):
            return True
        for t in state.transitions:
            if completes or t.kind is TransitionKind.CATCH:
                pending.append(t.target)
    return False


def parallel_completes(workflow: Workflow, state: State) -> bool:
    """A Parallel state can complete (every branch can succeed); other states are not concerned."""
    return state.kind is not StateKind.PARALLEL or all(can_succeed(workflow, b) for b in state.branches)


# -- bodies, their own locks followed ---------------------------------------------
# Whether a Parallel branch can fail, and which locks it leaves held, following the locks its holder takes.
#
# Each Parallel branch and Map iteration is its own *holder* (native format page,
# "Locks"): a lock it took and did not release stays held by it, and only it can
# release it; when it finishes, what it still holds stays held for good. So, along
# one path of a body, the locks that body took itself (constant names, or templates
# on data unchanged since) are certainly held, and a later acquire of one of them
# waits forever or fails with ``LockTimeout`` (:func:`saga_facts.outcomes`). A body
# whose only failing states can only wait forever does not fail.
#
# The walk explores ``(state, facts)`` of the body, starting from no facts (a
# subset of what is held: facts only remove outcomes no run has). A nested
# Parallel that completed leaves behind, for good, the constant lock names each of
# its branches holds on every way it ends normally (:func:`leaked_locks`).


MAX_BODY_CONFIGURATIONS = 5_000


@dataclass(frozen=True, slots=True)
class BodyEnds:
    may_fail: bool  # some run of the body ends in an error
    #: constant lock names held on every normal end of the body (empty when it has none, or unknown)
    held_at_end: frozenset[str]


def body_ends(workflow: Workflow, scope_id: str) -> BodyEnds:
    """How a body can end, its own locks followed (memoized per body)."""
    return workflow.memo(f"failures.body_ends.{scope_id}", lambda: _walk(workflow, scope_id))


def leaked_locks(workflow: Workflow, state: State) -> frozenset[str]:
    """Constant lock names a completed Parallel's branches certainly left held (none for a Map: it may have
    no items; templates read the branch's data, not the data after the Parallel)."""
    if state.kind is not StateKind.PARALLEL:
        return frozenset()
    found: set[str] = set()
    for branch in state.branches:
        found |= body_ends(workflow, branch).held_at_end
    return frozenset(found)


def after_completion(workflow: Workflow, state: State, facts: PathFacts) -> PathFacts:
    """Facts after the state completed normally, locks leaked by a Parallel's finished branches included."""
    out = completed(workflow, state, facts)
    leaked = leaked_locks(workflow, state)
    return replace(out, held=out.held | leaked) if leaked else out


def _walk(workflow: Workflow, scope_id: str) -> BodyEnds:
    scope = workflow.scopes[scope_id]
    seen: set[tuple[str, PathFacts]] = set()
    pending = [(scope.start, PathFacts())]
    ends: list[frozenset[str]] = []
    while pending:
        name, facts = pending.pop()
        state = workflow.states.get(name)
        if (name, facts) in seen:
            continue
        if state is None or state.scope != scope_id or len(seen) > MAX_BODY_CONFIGURATIONS:
            return BodyEnds(True, frozenset())  # out of the body (the engine fails there), or too large
        seen.add((name, facts))
        if state.kind is StateKind.FAIL:
            return BodyEnds(True, frozenset())
        limits = outcomes(state, facts)
        if (limits is None or limits.success) and runtime_possible(workflow, state):
            return BodyEnds(True, frozenset())
        errs = can_fail(workflow, state)
        if (limits is not None and limits.uncaught) or (limits is None and errs and not catches_all(state)):
            return BodyEnds(True, frozenset())
        completes = parallel_completes(workflow, state) and (limits is None or limits.success)
        for t in state.transitions:
            if t.kind is TransitionKind.CATCH:
                if errs and (limits is None or t.index in limits.catchers):
                    pending.append((t.target, caught(workflow, state, t.index, facts)))
            elif completes:
                after = _taken_in_body(workflow, state, t, facts)
                if after is not None:
                    pending.append((t.target, after))
        if completes and (state.end or state.kind is StateKind.SUCCEED):
            ends.append(_constant(after_completion(workflow, state, facts).held))
    return BodyEnds(False, frozenset.intersection(*ends) if ends else frozenset())


def _taken_in_body(workflow: Workflow, state: State, t: Transition, facts: PathFacts) -> PathFacts | None:
    if state.kind is StateKind.CHOICE and t.kind in (TransitionKind.CHOICE, TransitionKind.DEFAULT):
        return after_choice(workflow, state, t.index if t.kind is TransitionKind.CHOICE else None, facts)
    return after_completion(workflow, state, facts)


def _constant(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n for n in names if "{" not in n)
