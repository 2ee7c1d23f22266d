"""The Rich report for people at a terminal. The only module that imports rich."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from wfverify.core.findings import Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT = {"proven": "green", "violated": "bold red", "unknown": "yellow", "n/a": "dim"}


def render(report: Any, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    console = Console(file=stream, highlight=False)
    by_path: dict[str, list[Any]] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    for path, findings in by_path.items():
        console.print(Text(path, style="bold underline"))
        for f in findings:
            line = Text(f"  {f.line or 1}:{f.column or 1}  ", style="dim")
            line.append(f"{f.severity.value:7}", style=_STYLE[f.severity])
            line.append(f" {f.rule} ", style="bold")
            line.append(f"[{f.code}] ", style="dim")
            if f.definition:
                line.append(f"{f.definition}: ", style="bold")
            line.append(f.message)
            console.print(line)
            witness = render_witness(f)
            if witness is not None:
                console.print(witness)
        console.print()
    proofs = [p for p in report.proofs if p.verdict.value != "n/a"]
    if proofs and not options.get("quiet"):
        table = Table(title="Proofs", title_justify="left")
        for col in ("file", "property", "verdict", "detail", "seconds"):
            table.add_column(col)
        for p in proofs:
            table.add_row(
                f"{p.path}#{p.definition}" if p.definition else p.path,
                p.property,
                Text(p.verdict.value, style=_VERDICT[p.verdict.value]),
                p.detail,
                f"{p.seconds:.3f}",
            )
        console.print(table)
    if not options.get("quiet"):
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        style = "bold red" if errors else ("yellow" if warnings else "bold green")
        console.print(
            Text(f"{len(report.files)} file(s) checked: {errors} error(s), {warnings} warning(s)", style=style)
        )


def render_rules(registry: Any) -> None:
    table = Table(title="wfverify rules")
    for col in ("code", "name", "severity", "summary"):
        table.add_column(col)
    for r in registry.rules:
        table.add_row(r.code, r.name, Text(r.severity.value, style=_STYLE[r.severity]), r.summary)
    Console().print(table)


def render_page(rule: Any) -> None:
    from wfverify.report.pages import page_text

    Console().print(Markdown(page_text(rule)))


def render_witness(finding: Any) -> Any:
    """A renderable for a finding's witness: swimlanes for lock schedules, a timeline for paths."""
    w = finding.witness
    if isinstance(w, dict) and isinstance(w.get("schedule"), list) and isinstance(w.get("holders"), dict):
        return _swimlanes(w)
    if isinstance(w, dict) and isinstance(w.get("steps"), list):
        return _timeline(w)
    return None


def _swimlanes(w: dict[str, Any]) -> Any:
    holders = list(w["holders"])
    table = Table(title="schedule", title_justify="left", show_lines=False, padding=(0, 1))
    table.add_column("#", justify="right", style="dim")
    for h in holders:
        table.add_column(h)
    for step in w["schedule"]:
        cells = [""] * len(holders)
        text = f"{step['action']} {step['lock']}"
        style = "bold red" if step["action"] == "block" else ("green" if step["action"] == "acquire" else "dim")
        cells[holders.index(step["holder"])] = Text(
            ("⛔ waits for " + step["lock"]) if step["action"] == "block" else text, style=style
        )
        table.add_row(str(step["step"]), *cells)
    if w.get("data"):
        table.caption = "data: " + "; ".join(f"{k}: {v}" for k, v in w["data"].items())
    return table


def _timeline(w: dict[str, Any]) -> Any:
    out = Text()
    for i, step in enumerate(w["steps"]):
        message = step.get("message", "")
        style = "red" if "fail" in message or "never" in message else ("green" if "compensation" in message else "")
        out.append(f"    {i + 1:>2}. ", style="dim")
        out.append(f"{step.get('state', '')}: ", style="bold")
        out.append(f"{message}\n", style=style)
    if w.get("missing"):
        out.append(f"        missing compensation for: {', '.join(w['missing'])}\n", style="bold red")
    return out
