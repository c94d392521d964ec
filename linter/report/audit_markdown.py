"""`ctxlint audit --format markdown`: for a GitHub issue, a wiki page or $GITHUB_STEP_SUMMARY.

Every string that comes from the repository (subjects, names, emails, paths, owners, skip
reasons) goes through `safety.markdown`, so it cannot add formatting, links, HTML or table cells.
"""

from __future__ import annotations

from typing import Any

from linter.report import audit_view as view
from linter.report.safety import markdown as md


def _bar(value: float | None, width: int = 10) -> str:
    if value is None:
        return ""
    filled = round(value / 100 * width)
    return "█" * filled + "░" * (width - filled)


def _bucket_row(row: view.Row) -> str:
    """A table row; a low-volume period's shares are bracketed, without a bar."""
    p, low = row.shares, row.low
    return (
        f"| {md(row.label)} | {row.commits} | {row.checked} | {view.share_text(p.ticket, low)} | "
        f"{view.share_text(p.rationale, low)} | {view.share_text(p.both, low)}"
        f"{'' if low or p.both is None else ' ' + _bar(p.both)} | {view.share_text(p.lines_both, low)} |"
    )


_HEAD = (
    "| {0} | Commits | Checked | Ticket | Rationale | Both | Lines with both |\n|---|--:|--:|--:|--:|---|--:|"
)


def render(report: dict[str, Any], by: str = "auto", top: int = 20) -> str:
    out: list[str] = [f"## {md(view.title(report))}", "", f"_{md(view.period_text(report))}_", ""]
    for warning in report.get("warnings") or []:
        out.append(f"> **Warning:** {md(warning)}")
        out.append("")
    out += ["| Measure | Count | Share |", "|---|--:|--:|"]
    out += [f"| {m} | {c} | {s} |" for m, c, s in view.summary_rows(report)]
    out += [
        "",
        f"Exempt: {md(view.exempt_text(report))}.",
        "",
        f"Findings by rule: {md(view.rules_text(report))}.",
    ]
    skips = (report.get("exempt") or {}).get("skip_reasons") or []
    if skips:
        out += ["", "<details><summary>Skip reasons</summary>", "", "| Reason | Commits |", "|---|--:|"]
        out += [f"| {md(s['reason'])} | {s['count']} |" for s in skips[:top]]
        out += ["", "</details>"]
    repositories = view.repository_rows(report)
    if repositories:
        out += ["", "### By repository", "", _HEAD.format("Repository")]
        out += [_bucket_row(r) for r in repositories]
    trend = view.trend_view(report, by)
    if trend.points:
        out += ["", f"### {view.trend_title(trend)}", "", _HEAD.format(trend.by.capitalize())]
        out += [_bucket_row(point) for point in trend.points]
        notes = view.trend_notes(trend, "see --format html or json")
        if notes:
            out += ["", " ".join(f"_{md(note)}_" for note in notes)]
    for key, heading, column in view.BREAKDOWNS:
        shown, hidden = view.rows(report, key, top)
        if not shown:
            continue
        out += ["", f"### {heading}", "", _HEAD.format(column)]
        out += [_bucket_row(r) for r in shown]
        if hidden:
            out += ["", f"_{hidden} more not shown._"]
        if key == "by_author" and view.aliases_text(report):
            out += ["", f"_{md(view.aliases_text(report))}_"]
    missing = report.get("missing") or []
    total = report.get("missing_total", len(missing))
    out += ["", f"### Commits missing context ({total}, {view.missing_order_text(report)})", ""]
    if missing:
        with_repo = any("repository" in m for m in missing)
        out.append(
            ("| Repository " if with_repo else "") + "| Commit | Date | Author | Subject | Lines | Lacks |"
        )
        out.append(("|---" if with_repo else "") + "|---|---|---|---|--:|---|")
        for m in missing:
            repo = f"| {md(m.get('repository', ''))} " if with_repo else ""
            out.append(
                f"{repo}| `{md(m['sha'][:10])}` | {md((m.get('date') or '')[:10])} | "
                f"{md(m.get('author', ''))} | "
                f"{md(m.get('subject', ''))} | {m.get('lines', 0)} | {md(view.lacks_text(m))} |"
            )
        if total > len(missing):
            out += ["", f"_{total - len(missing)} more not listed._"]
    else:
        out.append("None: every checked commit names a ticket and says why.")
    out += _decisions(report)
    return "\n".join(out) + "\n"


def _decisions(report: dict[str, Any]) -> list[str]:
    section = report.get("decisions") or {}
    findings = report.get("decision_findings") or []
    out = ["", "### Decision health", ""]
    if not section.get("available") and not findings:
        out.append(f"_{md(section.get('note') or 'Decision records are not available.')}_")
        return out
    if section.get("available"):
        out += [f"{md(view.decision_counts(section))}.", ""]
    listed = len(out)
    for item in section.get("stale_proposals") or []:
        out.append(
            f"- Stale proposal: {md(str(item.get('title') or item.get('id')))} "
            f"({md(str(item.get('path', '')))}, {item.get('age_days', '?')} days)"
        )
    for item in section.get("link_problems") or []:
        out.append(
            f"- {md(str(item.get('kind', 'link problem')).capitalize())}: "
            f"{md(str(item.get('title') or item.get('id')))}: {md(str(item.get('problem', '')))}"
        )
    for f in findings:
        out.append(
            f"- `{md(f['sha'][:10])}` {md(f.get('subject', ''))} ({md(', '.join(f.get('codes', [])))})"
        )
    if len(out) == listed:
        out.append(view.NO_DECISION_PROBLEMS)
    return out
