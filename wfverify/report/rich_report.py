"""The Rich report for people at a terminal. The only module that imports rich.

Findings are laid out in a grid (position, severity, rule and message) so a
message that wraps stays in its column at any width; only secondary parts
(codes, gutters) are dimmed, never a whole finding. Paths are shortened from
the left, where they are alike, so files stay told apart on narrow terminals.
"""

from __future__ import annotations

import json
from typing import IO, Any

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from wfverify.core.findings import Severity, Verdict
from wfverify.core.witness import LockSchedule, SagaTrace, as_witness
from wfverify.report.common import proofs_line, shorten_left, snippet, summary_line

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT = {
    Verdict.PROVEN: "green",
    Verdict.VIOLATED: "bold red",
    Verdict.UNKNOWN: "yellow",
    Verdict.NOT_APPLICABLE: "dim",
}


def render(report: Any, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    console = Console(file=stream, highlight=False, width=options.get("width"))
    quiet = options.get("quiet", False)
    show_source = options.get("show_source", True) and not quiet
    for result in report.files:
        if not result.findings:
            continue
        header = f"{result.path}#{result.definition}" if result.definition else result.path
        console.print(Text(shorten_left(header, console.width), style="bold underline"))
        console.print(_findings_grid(result, show_source, console.width))
        console.print()
    if not quiet:
        _proofs(console, report, options.get("show_proofs", False))
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    style = "bold red" if errors else ("yellow" if warnings else "bold green")
    console.print(Text(summary_line(report, options), style=style))


def _findings_grid(result: Any, show_source: bool, width: int = 120) -> Table:
    grid = Table.grid(padding=(0, 1))
    # the snippet column's width: a source line must not wrap, or the caret would point elsewhere
    position = max(len(f"{f.line or 1}:{f.column or 1}") for f in result.findings)
    severity = max(len(f.severity.value) for f in result.findings)
    code_width = width - position - severity - 2
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for f in result.findings:
        body = Text(f.rule, style="bold")
        body.append(f" [{f.code}] ", style="dim")
        body.append(f.message)
        if f.path != result.path:
            body.append(f" ({f.path})", style="dim")
        grid.add_row(f"{f.line or 1}:{f.column or 1}", Text(f.severity.value, style=_STYLE[f.severity]), body)
        text = result.lines.get(f.line or 0) if f.path == result.path else None
        if show_source and text is not None and text.strip():
            gutter = str(f.line or 1)
            _, source, marker = snippet(text, f.line or 1, f.column or 1, max(code_width - len(gutter) - 9, 20))
            code = Text(f"{gutter} │ ", style="dim", no_wrap=True, overflow="crop")
            code.append(source)
            code.append(f"\n{' ' * len(gutter)} │ ", style="dim")
            code.append(marker, style=_STYLE[f.severity])
            grid.add_row("", "", code)
        witness = render_witness(f)
        if witness is not None:
            grid.add_row("", "", witness)
    return grid


def _proofs(console: Console, report: Any, show_all: bool) -> None:
    """Verdicts grouped by file: one short header per file, then property, verdict and detail rows."""
    shown = [p for p in report.proofs if show_all or p.verdict in (Verdict.VIOLATED, Verdict.UNKNOWN)]
    by_path: dict[str, list[Any]] = {}
    for p in shown:
        by_path.setdefault(f"{p.path}#{p.definition}" if p.definition else p.path, []).append(p)
    if by_path:
        console.print(Text("Proofs", style="bold"))
    for path, proofs in by_path.items():
        console.print(Text(shorten_left(path, console.width - 2), style="underline"), style="", end="\n")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        wide = console.width >= 120
        if wide:
            grid.add_column(no_wrap=True, justify="right", style="dim")
        for p in proofs:
            cells: list[Any] = [f"  {p.property}", Text(p.verdict.value, style=_VERDICT[p.verdict]), p.detail]
            if wide:
                cells.append(f"{p.seconds:.3f}s")
            grid.add_row(*cells)
        console.print(grid)
    line = proofs_line(report)
    if line:
        console.print(Text(line + ("" if show_all else " (--show-proofs lists them)")))


def render_rules(registry: Any) -> None:
    console = Console()
    narrow = console.width < 110  # then the groups go under the summary, which keeps a readable width
    table = Table(title="wfverify rules")
    for col in ("code", "name", "severity"):  # names are what people type: never cut in two
        table.add_column(col, no_wrap=True)
    if not narrow:
        table.add_column("groups")
    table.add_column("summary", ratio=1)
    for r in registry.rules:
        groups = ", ".join(r.groups)
        cells: list[Any] = [r.code, r.name, Text(r.severity.value, style=_STYLE[r.severity])]
        if narrow:
            cells.append(Text.assemble(r.summary, (f"\ngroups: {groups}", "dim")))
        else:
            cells += [groups, r.summary]
        table.add_row(*cells)
    console.print(table)


def render_page(rule: Any) -> None:
    from wfverify.report.pages import page_text

    Console().print(Markdown(page_text(rule)))


def render_witness(finding: Any) -> Any:
    """A renderable for a finding's witness: swimlanes for lock schedules, a timeline for saga traces."""
    w = as_witness(finding.witness)
    if isinstance(w, LockSchedule):
        return _swimlanes(w)
    if isinstance(w, SagaTrace):
        return _timeline(w)
    return None


def _plain(value: Any) -> str:
    """A value as a person reads it: JSON for data, never a Python repr."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _swimlanes(w: LockSchedule) -> Any:
    holders = list(w.holders)
    table = Table(title="schedule", title_justify="left", show_lines=False, padding=(0, 1))
    table.add_column("#", justify="right", style="dim")
    for h in holders:
        table.add_column(h, overflow="fold")
    for step in w.steps:
        cells: list[Any] = [""] * len(holders)
        text = f"{step.action} {step.lock}" if step.lock else step.message or f"{step.action} {step.state}"
        style = "bold red" if step.action == "block" else ("green" if step.action == "acquire" else "")
        cells[holders.index(step.holder)] = Text(
            ("⛔ waits for " + step.lock) if step.action == "block" else text, style=style
        )
        table.add_row(str(step.step), *cells)
    if not w.data:
        return table
    data = Text("data: ", style="dim")
    data.append("; ".join(f"{k} = {_plain(dict(v))}" for k, v in w.data.items()))
    return Group(table, data)


def _timeline(w: SagaTrace) -> Any:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for i, step in enumerate(w.steps):
        message = step.message
        style = "red" if "fail" in message or "never" in message else ("green" if "compensation" in message else "")
        line = Text(f"{step.state}: ", style="bold")
        line.append(message, style=style)
        grid.add_row(f"{i + 1}.", line)
    if w.missing:
        grid.add_row("", Text(f"missing compensation for: {', '.join(w.missing)}", style="bold red"))
    return grid
