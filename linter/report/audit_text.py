"""`ctxlint audit` in the terminal: rich tables (plain when piped or NO_COLOR is set).

Every string from the repository goes to rich as `Text` after `clean_line`, never as markup, so
`[bold]`, `[/]` or an ANSI escape in a subject or author name prints as the characters it is.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from linter.report import audit_view as view
from linter.report.safety import clean_line
from linter.report.text import use_colour


def _t(value: object, style: str = "") -> Any:
    from rich.text import Text

    return Text(clean_line(str(value)), style=style)


def _coverage_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 80 else "yellow" if value >= 50 else "red"


def _bucket_table(title: str, column: str, rows: list[view.Row], colour: bool) -> Any:
    """A breakdown or trend table; low-volume periods' shares are bracketed and dim."""
    from rich.table import Table

    table = Table(title=_t(title, "bold"), title_justify="left", show_edge=False, pad_edge=False)
    table.add_column(_t(column))
    for name in ("Commits", "Checked", "Ticket", "Rationale", "Both", "Lines w/ both"):
        table.add_column(_t(name), justify="right")
    for row in rows:
        p, low = row.shares, row.low
        dim = "dim" if low and colour else ""
        table.add_row(
            _t(row.label, dim),
            _t(row.commits, dim),
            _t(row.checked, dim),
            _t(view.share_text(p.ticket, low), dim),
            _t(view.share_text(p.rationale, low), dim),
            _t(view.share_text(p.both, low), dim or (_coverage_style(p.both) if colour else "")),
            _t(view.share_text(p.lines_both, low), dim),
        )
    return table


def write(report: dict[str, Any], stream: TextIO | None = None, by: str = "auto", top: int = 20) -> None:
    from rich.console import Console
    from rich.table import Table

    stream = stream or sys.stdout
    colour = use_colour(stream)
    width = None if colour else int(os.environ.get("COLUMNS", "0") or 0) or 120
    console = Console(
        file=stream, force_terminal=colour, no_color=not colour, highlight=False, width=width, emoji=False
    )
    console.print(_t(view.title(report), "bold"))
    console.print(_t(view.period_text(report), "dim"))
    for warning in report.get("warnings") or []:
        console.print(_t(f"warning: {warning}", "yellow"))
    console.print()
    summary = Table(show_header=False, show_edge=False, pad_edge=False)
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_column(justify="right")
    for measure, count, share in view.summary_rows(report):
        summary.add_row(_t(measure), _t(count), _t(share, "bold"))
    console.print(summary)
    console.print(_t(f"Exempt: {view.exempt_text(report)}"))
    console.print(_t(f"Findings by rule: {view.rules_text(report)}"))
    skips = (report.get("exempt") or {}).get("skip_reasons") or []
    for item in skips[:5]:
        console.print(_t(f"  skip x{item['count']}: {item['reason']}", "dim"))
    repositories = view.repository_rows(report)
    if repositories:
        console.print()
        console.print(_bucket_table("By repository", "Repository", repositories, colour))
    trend = view.trend_view(report, by)
    if trend.points:
        console.print()
        console.print(_bucket_table(view.trend_title(trend), trend.by.capitalize(), trend.points, colour))
        for note in view.trend_notes(trend, "see --format html or json"):
            console.print(_t(note, "dim"))
    for key, heading, column in view.BREAKDOWNS:
        shown, hidden = view.rows(report, key, top)
        if not shown:
            continue
        console.print()
        console.print(_bucket_table(heading, column, shown, colour))
        if hidden:
            console.print(_t(f"{hidden} more not shown (--top)", "dim"))
        if key == "by_author" and view.aliases_text(report):
            console.print(_t(view.aliases_text(report), "dim"))
    _missing(console, report)
    _decisions(console, report)


def _missing(console: Any, report: dict[str, Any]) -> None:
    from rich.table import Table

    missing = report.get("missing") or []
    total = report.get("missing_total", len(missing))
    console.print()
    if not missing:
        console.print(_t("No commit lacks context.", "green"))
        return
    table = Table(
        title=_t(f"Commits missing context: {total}, {view.missing_order_text(report)}", "bold"),
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    with_repo = any("repository" in m for m in missing)
    if with_repo:
        table.add_column(_t("Repository"))
    for name in ("Commit", "Date", "Author", "Subject", "Lines", "Lacks"):
        table.add_column(
            _t(name),
            justify="right" if name == "Lines" else "left",
            overflow="fold" if name == "Subject" else "ellipsis",
        )
    for m in missing:
        cells = [_t(m.get("repository", ""))] if with_repo else []
        cells += [
            _t(m["sha"][:10], "cyan"),
            _t((m.get("date") or "")[:10]),
            _t(m.get("author", "")),
            _t(m.get("subject", "")),
            _t(m.get("lines", 0)),
            _t(view.lacks_text(m)),
        ]
        table.add_row(*cells)
    console.print(table)
    if total > len(missing):
        console.print(_t(f"{total - len(missing)} more not listed (--missing)", "dim"))


def _decisions(console: Any, report: dict[str, Any]) -> None:
    section = report.get("decisions") or {}
    findings = report.get("decision_findings") or []
    console.print()
    console.print(_t("Decision health", "bold"))
    if not section.get("available") and not findings:
        console.print(_t(section.get("note") or "decision records are not available", "dim"))
        return
    if section.get("available"):
        console.print(_t(f"  {view.decision_counts(section)}"))
    if not (section.get("stale_proposals") or section.get("link_problems") or findings):
        console.print(_t(f"  {view.NO_DECISION_PROBLEMS}"))
    for item in section.get("stale_proposals") or []:
        console.print(_t(f"  stale proposal: {item.get('title') or item.get('id')} ({item.get('path', '')})"))
    for item in section.get("link_problems") or []:
        console.print(
            _t(f"  {item.get('kind', 'link problem')}: {item.get('title') or item.get('id')}: "
               f"{item.get('problem', '')}")
        )
    for f in findings:
        console.print(
            _t(f"  re-raised: {f['sha'][:10]} {f.get('subject', '')} ({', '.join(f.get('codes', []))})")
        )
