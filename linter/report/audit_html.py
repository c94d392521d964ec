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


def trend_svg(points: list[tuple[str, dict[str, Any]]], by: str) -> str:
    """Bars: checked commits per period; lines: share with ticket, rationale and both (0-100%)."""
    width, height, left, right, top, bottom = 1100, 300, 48, 56, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    out = [
        f'<svg id="trend-chart" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Coverage by {by}</title>'
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
    most = max(b.get("checked", 0) for _, b in points) or 1
    out.append(
        f'<text x="{left + plot_w + 6}" y="{top + 4}">{most}</text>'
        f'<text x="{left + plot_w + 6}" y="{top + 16}">commits</text>'
    )
    label_every = max(1, n // 16)
    series: dict[str, list[str]] = {"ticket": [], "rationale": [], "both": []}
    for i, (key, b) in enumerate(points):
        x = left + step * i
        bar_h = plot_h * b.get("checked", 0) / most
        p = view.bucket_pcts(b)
        tip = (
            f"{key}: {b.get('checked', 0)} checked, ticket {view.pct(p['ticket'])}, "
            f"rationale {view.pct(p['rationale'])}, both {view.pct(p['both'])}"
        )
        out.append(
            f'<rect class="bar" x="{_num(x + step * 0.15)}" y="{_num(top + plot_h - bar_h)}" '
            f'width="{_num(max(step * 0.7, 1))}" height="{_num(bar_h)}" fill="{_COLOURS["bars"]}">'
            f"<title>{_e(tip)}</title></rect>"
        )
        cx = x + step / 2
        for name in series:
            value = p[name]
            if value is not None:
                series[name].append(f"{_num(cx)},{_num(top + plot_h * (1 - value / 100))}")
        if i % label_every == 0:
            out.append(
                f'<text x="{_num(cx)}" y="{height - bottom + 16}" text-anchor="middle">{_e(key)}</text>'
            )
    for name, coords in series.items():
        if len(coords) > 1:
            out.append(
                f'<polyline class="series-{name}" fill="none" stroke="{_COLOURS[name]}" stroke-width="2.5" '
                f'points="{" ".join(coords)}"/>'
            )
        for point in coords:
            px, py = point.split(",")
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
        if w > 60:
            out.append(f'<text x="{_num(x + 6)}" y="52">{_e(f"{name} {count}")}</text>')
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


def _bucket_table(column: str, items: list[tuple[str, dict[str, Any]]], table_id: str) -> str:
    out = [
        f'<table id="{table_id}"><thead><tr><th>{_e(column)}</th><th class="n">Commits</th>'
        '<th class="n">Checked</th><th class="n">Ticket</th><th class="n">Rationale</th>'
        '<th class="n">Both</th>'
        '<th></th><th class="n">Lines with both</th></tr></thead><tbody>'
    ]
    for name, b in items:
        p = view.bucket_pcts(b)
        out.append(
            f"<tr><td>{_e(name)}</td><td class=n>{b.get('commits', 0)}</td><td class=n>{b.get('checked', 0)}"
            f"</td><td class=n>{view.pct(p['ticket'])}</td><td class=n>{view.pct(p['rationale'])}</td>"
            f"<td class=n>{view.pct(p['both'])}</td><td>{_bar(p['both'])}</td>"
            f"<td class=n>{view.pct(p['lines_both'])}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def render(report: dict[str, Any], by: str = "month", top: int = 20) -> str:
    totals = report["totals"]
    p = view.bucket_pcts(totals)
    title = view.title(report)
    body: list[str] = [f"<h1>{_e(title)}</h1><p class=muted>{_e(view.period_text(report))}</p>"]
    for warning in report.get("warnings") or []:
        body.append(f'<p class="warn">{_e(warning)}</p>')
    cards = [
        ("Coverage (ticket and rationale)", view.pct(p["both"])),
        ("With a ticket", view.pct(p["ticket"])),
        ("With a rationale", view.pct(p["rationale"])),
        ("Changed lines with both", view.pct(p["lines_both"])),
        ("Commits checked", f"{totals['checked']} / {totals['commits']}"),
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
    body.append(f"<h2>Trend by {_e(by)}</h2>" + trend_svg(view.trend(report, by), by))
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
        + "</p>"
    )
    repositories = report.get("repositories") or []
    if repositories:
        body.append(
            "<h2>By repository</h2>"
            + _bucket_table("Repository", [(r["name"], r) for r in repositories], "by-repository")
        )
    for key, heading, column in view.BREAKDOWNS:
        shown, hidden = view.rows(report, key, top)
        if not shown:
            continue
        body.append(
            f"<h2>{_e(heading)}</h2>"
            + _bucket_table(column, [(view.label(key, k, b), b) for k, b in shown], key.replace("_", "-"))
        )
        if hidden:
            body.append(f"<p class=muted>{hidden} more not shown.</p>")
    body.append(_missing(report))
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


def _missing(report: dict[str, Any]) -> str:
    missing = report.get("missing") or []
    total = int(report.get("missing_total", len(missing)))
    out = [f"<h2>Commits missing context: {total}, largest first</h2>"]
    if not missing:
        return out[0] + "<p>No commit lacks context.</p>"
    with_repo = any("repository" in m for m in missing)
    out.append(
        '<table id="missing"><thead><tr>'
        + ("<th>Repository</th>" if with_repo else "")
        + '<th>Commit</th><th>Date</th><th>Author</th><th>Subject</th><th class="n">Lines</th><th>Lacks</th>'
        "</tr></thead><tbody>"
    )
    for m in missing:
        repo = f"<td>{_e(m.get('repository', ''))}</td>" if with_repo else ""
        out.append(
            f"<tr>{repo}<td><code>{_e(m['sha'][:10])}</code></td><td>{_e((m.get('date') or '')[:10])}</td>"
            f"<td>{_e(m.get('author', ''))}</td><td class=subject>{_e(m.get('subject', ''))}</td>"
            f"<td class=n>{int(m.get('lines', 0))}</td><td>{_e(view.lacks_text(m))}</td></tr>"
        )
    out.append("</tbody></table>")
    if total > len(missing):
        out.append(f"<p class=muted>{total - len(missing)} more not listed.</p>")
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
    if not items:
        return out[0] + "<p>No stale proposals, link problems or re-raised decisions.</p>"
    return out[0] + "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
