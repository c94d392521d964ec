"""`ctxlint audit --format html`: one self-contained page, inline CSS and hand-drawn inline SVG.

No script, no CDN, no font or image request: a Content-Security-Policy meta tag forbids any
fetch, so the page works offline and as a CI artifact. Every string from the repository goes
through `html.escape` (attributes included), so a subject like `<script>` is shown as text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from linter.report import audit_view as view
from linter.report.safety import clean_line

_CSS = """
:root{--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--both:#1a7f37;--ticket:#0969da;
--rationale:#8250df;--none:#cf222e;--exempt:#8c959f}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;
background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.muted{color:var(--muted)}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-top:16px}
.card{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:12px}
.card .value{font-size:26px;font-weight:600}.card .label{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.subject{max-width:420px;overflow-wrap:anywhere;white-space:pre-wrap}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
.legend span{display:inline-block;margin-right:16px}.legend i{display:inline-block;width:12px;height:12px;
border-radius:2px;margin-right:4px;vertical-align:-1px}
footer{margin-top:40px;color:var(--muted);font-size:12px}
"""

#: No request of any kind: no script, font, image, frame or fetch; only the inline styles.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"

_COLOURS = {
    "both": "#1a7f37",
    "ticket": "#0969da",
    "rationale": "#8250df",
    "none": "#cf222e",
    "exempt": "#8c959f",
    "bars": "#d0d7de",
}


def _e(value: object) -> str:
    return escape(clean_line(str(value)), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


#: Label strides per granularity (in periods), so that labels fall on round dates: quarters,
#: years, decades.
_STRIDES = {
    "week": (1, 2, 4, 13, 26, 52, 104, 260, 520),
    "month": (1, 2, 3, 6, 12, 24, 60, 120, 240),
    "quarter": (1, 2, 4, 8, 20, 40, 80),
    "year": (1, 2, 5, 10, 20, 50, 100),
}
_PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "year": 1}


def _ordinal(key: str, by: str) -> tuple[int, int] | None:
    """(periods since year 0, year) of a period key, or None for a key of another shape."""
    try:
        year = int(key[:4])
        if by == "year":
            return year, year
        if by == "quarter":
            return year * 4 + int(key[6:]) - 1, year
        if by == "month":
            return year * 12 + int(key[5:7]) - 1, year
        week = int(key[6:])
        return year * 53 + week - 1, year
    except ValueError:
        return None


def axis_labels(keys: list[str], by: str, width: float) -> dict[int, str]:
    """Index -> label of the periods to label on an axis `width` pixels wide, never overlapping.

    Labels fall on round periods (every quarter, year, five years...) rather than on every n-th
    point, and once a label stands for a year or more it reads as the year alone.
    """
    n = len(keys)
    if not n:
        return {}
    longest = max(len(k) for k in keys)
    room = max(1, int(width // (longest * 7 + 14)))
    strides = _STRIDES.get(by, (1,))
    stride = next((s for s in strides if -(-n // s) <= room), strides[-1])
    per_year = _PER_YEAR.get(by, 1)
    yearly = by != "year" and stride >= per_year
    out: dict[int, str] = {}
    for i, key in enumerate(keys):
        found = _ordinal(key, by)
        if found is None:
            if i % stride == 0:
                out[i] = key
            continue
        ordinal, year = found
        if yearly:
            first = (by == "week" and key.endswith("-W01")) or (by != "week" and ordinal % per_year == 0)
            if first and year % (stride // per_year) == 0:
                out[i] = str(year)
        elif by == "week" and stride > 1:
            if i % stride == 0:
                out[i] = key
        elif ordinal % stride == 0:
            out[i] = key
    return out


def trend_svg(trend: view.Trend) -> str:
    """Bars: checked commits per period; lines: share with ticket, rationale and both (0-100%).

    Low-volume periods (fewer than LOW_VOLUME checked commits) have faded bars and no line
    through them: a quiet month's 0% or 100% is noise, not a trend. Lines break there.
    """
    points, by = trend.points, trend.by
    width, height, left, right, top, bottom = 1100, 300, 48, 64, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    out = [
        f'<svg id="trend-chart" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Coverage by {_e(by)}</title>'
    ]
    for level in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - level / 100)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" stroke="#eaeef2"/>'
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end">{level}%</text>'
        )
    if not points:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no commits in the period</text>'
        )
        out.append("</svg>")
        return "".join(out)
    n = len(points)
    step = plot_w / n
    most = max(point.checked for point in points) or 1
    out.append(
        f'<text x="{left + plot_w + 6}" y="{top + 4}">{most}</text>'
        f'<text x="{left + plot_w + 6}" y="{top + 16}">checked</text>'
    )
    labels = axis_labels([point.label for point in points], by, plot_w)
    markers = n <= 60  # a dot per period only while dots stay apart
    series: dict[str, list[list[str]]] = {"ticket": [[]], "rationale": [[]], "both": [[]]}
    faint: list[str] = []
    for i, point in enumerate(points):
        x = left + step * i
        bar_h = plot_h * point.checked / most
        p, low = point.shares, point.low
        tip = (
            f"{point.label}: {point.checked} checked, ticket {view.pct(p.ticket)}, "
            f"rationale {view.pct(p.rationale)}, both {view.pct(p.both)}"
            + (f" (fewer than {view.LOW_VOLUME} checked: not a trend)" if low else "")
        )
        faded = ' fill-opacity="0.45"' if low else ""
        out.append(
            f'<rect class="bar{" low" if low else ""}" x="{_num(x + step * 0.1)}" '
            f'y="{_num(top + plot_h - bar_h)}" width="{_num(max(step * 0.8, 0.5))}" height="{_num(bar_h)}" '
            f'fill="{_COLOURS["bars"]}"{faded}><title>{_e(tip)}</title></rect>'
        )
        cx = x + step / 2
        for name, runs in series.items():
            value = getattr(p, name)
            if low or value is None:
                if runs[-1]:
                    runs.append([])  # a gap: the line breaks rather than bridging quiet periods
                if value is not None and markers:
                    y = top + plot_h * (1 - value / 100)
                    faint.append(
                        f'<circle class="low" cx="{_num(cx)}" cy="{_num(y)}" r="2.5" fill="none" '
                        f'stroke="{_COLOURS[name]}" stroke-opacity="0.5"/>'
                    )
                continue
            runs[-1].append(f"{_num(cx)},{_num(top + plot_h * (1 - value / 100))}")
        if i in labels:
            out.append(
                f'<line x1="{_num(cx)}" x2="{_num(cx)}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
                f'stroke="#8c959f"/><text x="{_num(cx)}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{_e(labels[i])}</text>'
            )
    out.extend(faint)
    for name, runs in series.items():
        for run in runs:
            if len(run) > 1:
                out.append(
                    f'<polyline class="series-{name}" fill="none" stroke="{_COLOURS[name]}" '
                    f'stroke-width="{2.5 if n <= 120 else 1.5}" stroke-linejoin="round" points="{" ".join(run)}"/>'
                )
            for xy in run if markers or len(run) == 1 else ():
                px, py = xy.split(",")
                out.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{_COLOURS[name]}"/>')
    out.append("</svg>")
    return "".join(out)


def breakdown_svg(totals: dict[str, Any]) -> str:
    """One stacked bar of all commits: both, ticket only, rationale only, neither, exempt."""
    both = totals.get("with_both", 0)
    ticket_only = totals.get("with_ticket", 0) - both
    rationale_only = totals.get("with_rationale", 0) - both
    neither = totals.get("checked", 0) - both - ticket_only - rationale_only
    parts = [
        ("both", "ticket and rationale", both),
        ("ticket", "ticket only", ticket_only),
        ("rationale", "rationale only", rationale_only),
        ("none", "neither", neither),
        ("exempt", "exempt", totals.get("exempt", 0)),
    ]
    whole = sum(p[2] for p in parts)
    width, height = 1100, 56
    out = [
        f'<svg id="coverage-chart" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Commits by context</title>'
    ]
    x = 0.0
    for key, name, count in parts:
        if not whole or count <= 0:
            continue
        w = width * count / whole
        out.append(
            f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="36" fill="{_COLOURS[key]}">'
            f"<title>{_e(f'{name}: {count}')}</title></rect>"
        )
        text = f"{name} {count}"
        if w > len(text) * 7 + 12:  # 11px text, about 7px a character: a label never runs into the next
            out.append(f'<text x="{_num(x + 6)}" y="52">{_e(text)}</text>')
        x += w
    if not whole:
        out.append('<text x="8" y="24">no commits</text>')
    out.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{_COLOURS[k]}"></i>{_e(n)}: {c}</span>' for k, n, c in parts
    )
    return "".join(out) + f'<p class="legend">{legend}</p>'


def _bar(value: float | None) -> str:
    if value is None:
        return ""
    return (
        f'<svg class="rowbar" width="100" height="10" viewBox="0 0 100 10" aria-hidden="true">'
        f'<rect width="100" height="10" fill="#eaeef2"/><rect width="{_num(value)}" height="10" '
        f'fill="{_COLOURS["both"]}"/></svg>'
    )


def _bucket_table(column: str, rows: list[view.Row], table_id: str) -> str:
    out = [
        f'<table id="{table_id}"><thead><tr><th>{_e(column)}</th><th class="n">Commits</th>'
        '<th class="n">Checked</th><th class="n">Ticket</th><th class="n">Rationale</th>'
        '<th class="n">Both</th>'
        '<th></th><th class="n">Lines with both</th></tr></thead><tbody>'
    ]
    for row in rows:
        p = row.shares
        out.append(
            f"<tr><td>{_e(row.label)}</td><td class=n>{row.commits}</td><td class=n>{row.checked}"
            f"</td><td class=n>{view.pct(p.ticket)}</td><td class=n>{view.pct(p.rationale)}</td>"
            f"<td class=n>{view.pct(p.both)}</td><td>{_bar(p.both)}</td>"
            f"<td class=n>{view.pct(p.lines_both)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def render(report: dict[str, Any], by: str = "auto", top: int = 20) -> str:
    totals = report["totals"]
    p = view.coverage(report)
    title = view.title(report)
    body: list[str] = [f"<h1>{_e(title)}</h1><p class=muted>{_e(view.period_text(report))}</p>"]
    for warning in report.get("warnings") or []:
        body.append(f'<p class="warn">{_e(warning)}</p>')
    cards = [
        ("Coverage (ticket and rationale)", view.pct(p["both"])),
        ("With a ticket", view.pct(p["ticket"])),
        ("With a rationale", view.pct(p["rationale"])),
        ("Changed lines with both", view.pct(p["lines_both"])),
        ("Commits checked (of " + str(totals["commits"]) + ")", str(totals["checked"])),
        ("Exempt", str(totals["exempt"])),
    ]
    body.append(
        '<section class="cards" id="summary">'
        + "".join(
            f'<div class="card"><div class="value">{_e(v)}</div><div class="label">{_e(k)}</div></div>'
            for k, v in cards
        )
        + "</section>"
    )
    body.append(f"<p>Exempt: {_e(view.exempt_text(report))}.</p>")
    body.append(f"<p>Findings by rule: {_e(view.rules_text(report))}.</p>")
    skips = (report.get("exempt") or {}).get("skip_reasons") or []
    if skips:
        body.append(
            "<details><summary>Skip reasons</summary><table><tbody>"
            + "".join(
                f"<tr><td>{_e(s['reason'])}</td><td class=n>{int(s['count'])}</td></tr>" for s in skips[:top]
            )
            + "</tbody></table></details>"
        )
    body.append("<h2>Where commits stand</h2>" + breakdown_svg(totals))
    trend = view.trend_view(report, by, view.CHART_PERIODS)
    body.append(f'<h2 id="trend">{_e(view.trend_title(trend))}</h2>' + trend_svg(trend))
    body.append(
        '<p class="legend">'
        + "".join(
            f'<span><i style="background:{_COLOURS[k]}"></i>{n}</span>'
            for k, n in (
                ("bars", "checked commits"),
                ("ticket", "with ticket"),
                ("rationale", "with rationale"),
                ("both", "with both"),
            )
        )
        + f'<span><i style="background:{_COLOURS["bars"]};opacity:.45"></i>'
        f"faded: fewer than {view.LOW_VOLUME} checked, no line drawn</span></p>"
    )
    notes = [n for n in view.trend_notes(trend, "see --format json") if not n.startswith("Shares in brackets")]
    if notes:
        body.append('<p class="muted" id="trend-notes">' + " ".join(_e(n) for n in notes) + "</p>")
    repositories = view.repository_rows(report)
    if repositories:
        body.append("<h2>By repository</h2>" + _bucket_table("Repository", repositories, "by-repository"))
    for key, heading, column in view.BREAKDOWNS:
        shown, hidden = view.rows(report, key, top)
        if not shown:
            continue
        body.append(
            f"<h2>{_e(heading)}</h2>"
            + _bucket_table(column, shown, key.replace("_", "-"))
        )
        if hidden:
            body.append(f"<p class=muted>{hidden} more not shown (--top).</p>")
        if key == "by_author" and view.aliases_text(report):
            body.append(f'<p class=muted id="aliases">{_e(view.aliases_text(report))}</p>')
    body.append(_missing(report, top))
    body.append(_decisions(report))
    tool = report.get("tool") or {}
    body.append(
        f"<footer>Generated by ctxlint {_e(tool.get('version', ''))} at {_e(report.get('generated_at', ''))}"
        "</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        + "\n".join(body)
        + "</main></body></html>\n"
    )


def _missing(report: dict[str, Any], top: int = 20) -> str:
    """The missing list: the first `top` rows in view, the rest folded away (a page, not a log)."""
    missing = report.get("missing") or []
    total = int(report.get("missing_total", len(missing)))
    out = [f"<h2>Commits missing context: {total}, {_e(view.missing_order_text(report))}</h2>"]
    if not missing:
        return out[0] + "<p>No commit lacks context.</p>"
    with_repo = any("repository" in m for m in missing)
    head = (
        "<thead><tr>"
        + ("<th>Repository</th>" if with_repo else "")
        + '<th>Commit</th><th>Date</th><th>Author</th><th>Subject</th><th class="n">Lines</th><th>Lacks</th>'
        "</tr></thead>"
    )

    def row(m: dict[str, Any]) -> str:
        repo = f"<td>{_e(m.get('repository', ''))}</td>" if with_repo else ""
        return (
            f"<tr>{repo}<td><code>{_e(m['sha'][:10])}</code></td><td>{_e((m.get('date') or '')[:10])}</td>"
            f"<td>{_e(m.get('author', ''))}</td><td class=subject>{_e(m.get('subject', ''))}</td>"
            f"<td class=n>{int(m.get('lines', 0))}</td><td>{_e(view.lacks_text(m))}</td></tr>"
        )

    shown, folded = missing[: max(top, 1)], missing[max(top, 1) :]
    out.append(f'<table id="missing">{head}<tbody>' + "".join(row(m) for m in shown) + "</tbody></table>")
    if folded:
        out.append(
            f'<details id="missing-more"><summary>{len(folded)} more listed</summary>'
            f"<table>{head}<tbody>" + "".join(row(m) for m in folded) + "</tbody></table></details>"
        )
    if total > len(missing):
        out.append(f"<p class=muted>{total - len(missing)} more not listed (--missing).</p>")
    return "".join(out)


def _decisions(report: dict[str, Any]) -> str:
    section = report.get("decisions") or {}
    findings = report.get("decision_findings") or []
    out = ['<h2 id="decisions">Decision health</h2>']
    if not section.get("available") and not findings:
        return (
            out[0] + f"<p class=muted>{_e(section.get('note') or 'Decision records are not available.')}</p>"
        )
    items = [
        f"Stale proposal: {i.get('title') or i.get('id')} ({i.get('path', '')})"
        for i in section.get("stale_proposals") or []
    ]
    items += [
        f"{str(i.get('kind', 'link problem')).capitalize()}: {i.get('title') or i.get('id')}: {i.get('problem', '')}"
        for i in section.get("link_problems") or []
    ]
    items += [
        f"Re-raised: {f['sha'][:10]} {f.get('subject', '')} ({', '.join(f.get('codes', []))})"
        for f in findings
    ]
    counts = f"<p>{_e(view.decision_counts(section))}.</p>" if section.get("available") else ""
    if not items:
        return out[0] + counts + f"<p>{_e(view.NO_DECISION_PROBLEMS)}</p>"
    return out[0] + counts + "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
