"""Apply sidecar annotations (``<file>.wfverify.yaml``) to a workflow built from another dialect."""

from __future__ import annotations

from typing import Any

from wfverify.core.findings import Finding
from wfverify.core.model import Workflow
from wfverify.core.records import replace

__all__ = ["apply_sidecar"]


def apply_sidecar(workflow: Workflow, sidecar: Any) -> tuple[Workflow, list[Finding]]:
    """The annotated workflow, and findings for annotations naming no state (located in the sidecar)."""
    findings: list[Finding] = []
    states = dict(workflow.states)
    for name, ann in sidecar.states.items():
        state = states.get(name)
        if state is None:
            close = _closest(name, list(states))
            hint = f"; did you mean {close!r}?" if close else ""
            findings.append(
                sidecar.finding(
                    f"the sidecar annotates state {name!r}, which the definition lacks{hint}",
                    ann.pointer,
                    rule="unknown-target",
                    state=name,
                )
            )
            continue
        changes: dict[str, Any] = {}
        for key in ("compensate", "compensation", "idempotent", "side_effects"):
            value = getattr(ann, key)
            if value is not None:
                changes[key] = value
        if ann.acquire:
            changes["acquire"] = ann.acquire
        if ann.release:
            changes["release"] = ann.release
        states[name] = replace(state, **changes)
        if ann.compensate and ann.compensate not in states:
            findings.append(
                sidecar.finding(
                    f"'compensate' names {ann.compensate!r}, which the definition lacks",
                    ann.fields.get("compensate", ann.pointer),
                    rule="unknown-target",
                    state=name,
                )
            )
    inputs = dict(workflow.inputs)
    inputs.update(sidecar.inputs)
    annotated = replace(workflow, states=states, inputs=inputs, concurrent=sidecar.concurrent, annotated=True, _memo={})
    return annotated, findings


def _closest(name: str, names: list[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(name, names, n=1)
    return match[0] if match else None
