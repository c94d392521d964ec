"""What every audit format shows, decided once: sections, rows, labels and percentages.

The reporters (text, Markdown, HTML) only lay these out and escape for their medium: every share
they show is computed here, once per row (`Row.shares`), or read from the report (the totals).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from linter.audit.aggregate import FIELDS

#: (report key, section title, column label)
BREAKDOWNS = (
    ("by_author", "By author", "Author"),
    ("by_folder", "By top-level folder", "Folder"),
    ("by_owner", "By CODEOWNERS owner", "Owner"),
    ("by_project", "By ticket project", "Project"),
)

EXEMPT_LABELS = {
    "merge": "merges",
    "revert": "reverts",
    "fixup": "fixups",
    "bot": "bots",
    "release": "releases",
    "skip": "skip trailers",
}


def share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


class Shares(NamedTuple):
    """A row's shares in percent, unrounded (a bar's length or a colour threshold uses them as
    they are; the text rounds them to one decimal); None where there is nothing to share."""

    ticket: float | None
    rationale: float | None
    both: float | None
    lines_both: float | None


def shares(bucket: dict[str, Any]) -> Shares:
    checked, lines = bucket.get("checked", 0), bucket.get("lines_checked", 0)
    return Shares(
        share(bucket.get("with_ticket", 0), checked),
        share(bucket.get("with_rationale", 0), checked),
        share(bucket.get("with_both", 0), checked),
        share(bucket.get("lines_with_both", 0), lines),
    )


class Row(NamedTuple):
    """One row of a breakdown or trend table (or one period of the chart), ready to draw."""

    label: str
    commits: int
    checked: int
    shares: Shares
    low: bool  # a trend period with too few checked commits for its shares to mean much


def row(label: str, bucket: dict[str, Any], trend: bool = False) -> Row:
    """The row of `bucket`; in a trend (`trend`), a low-volume period is marked as such."""
    return Row(
        label, bucket.get("commits", 0), bucket.get("checked", 0), shares(bucket), trend and low_volume(bucket)
    )


#: Trend granularities, finest first; `auto` picks the finest whose trend fits MAX_PERIODS.
GRANULARITIES = ("week", "month", "quarter", "year")
#: At most this many periods in an `auto` trend, and rows in the text and Markdown trend tables.
MAX_PERIODS = 40
#: The HTML chart draws at most this many periods (ten years of weeks).
CHART_PERIODS = 520
#: A period with fewer checked commits than this is low-volume: its shares are noise (one commit
#: in a quiet month makes 0% or 100%), so reports mark them and the chart does not join them up.
LOW_VOLUME = 5



class Trend(NamedTuple):
    """The periods a report shows: the most recent `len(points)` of `total`, oldest first."""

    by: str
    points: list[Row]
    total: int
    chosen: bool  # `auto` picked the granularity

    @property
    def hidden(self) -> int:
        return self.total - len(self.points)


def _next_period(key: str, by: str) -> str:
    if by == "week":
        year, week = int(key[:4]), int(key[6:])
        following = date.fromisocalendar(year, week, 1) + timedelta(days=7)
        iso_year, iso_week, _ = following.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"
    year, month = int(key[:4]), int(key[5:7])
    if year + month // 12 > 9999:  # "10000-01" sorts before "9999-12": the gap filling would never end
        raise ValueError(key)
    return f"{year + month // 12}-{month % 12 + 1:02d}"


_MAX_FILLED = 50_000


def _filled(table: dict[str, Any], by: str) -> list[tuple[str, dict[str, Any]]]:
    """The table's periods oldest first, quiet ones in between as empty buckets.

    Filling the gaps keeps the time axis honest: a quiet month is a point, not a missing one.
    """
    keys = sorted(table)
    if not keys:
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    key, last = keys[0], keys[-1]
    try:
        while key <= last:
            out.append((key, table.get(key) or {}))
            key = _next_period(key, by)
            if len(out) > _MAX_FILLED:  # commits dated centuries apart (git accepts any date)
                raise ValueError(key)
    except ValueError:  # a hand-made or foreign report with odd keys: show what is there
        return sorted(table.items())
    return out


def _roll_up(months: list[tuple[str, dict[str, Any]]], by: str) -> list[tuple[str, dict[str, Any]]]:
    """Months summed into quarters (`2026-Q1`) or years (`2026`)."""
    out: dict[str, dict[str, Any]] = {}
    for key, bucket in months:
        if by == "quarter":
            try:
                group = f"{key[:4]}-Q{(int(key[5:7]) - 1) // 3 + 1}"
            except ValueError:
                group = key
        else:
            group = key[:4]
        total = out.setdefault(group, dict.fromkeys(FIELDS, 0))
        for field in FIELDS:
            value = bucket.get(field, 0)
            total[field] += value if isinstance(value, int) else 0
    return list(out.items())


def periods(report: dict[str, Any], by: str) -> list[tuple[str, dict[str, Any]]]:
    """Every period of granularity `by` from the first commit to the last, oldest first."""
    if by == "week":
        return _filled(report.get("by_week") or {}, "week")
    months = _filled(report.get("by_month") or {}, "month")
    return months if by == "month" else _roll_up(months, by)


def trend_view(report: dict[str, Any], by: str, limit: int = MAX_PERIODS) -> Trend:
    """The trend in `by` periods (or, for `auto`, the finest that fits MAX_PERIODS), the last `limit`."""
    chosen = by not in GRANULARITIES
    if not chosen:
        points = periods(report, by)
    else:
        points = []
        for by in GRANULARITIES:
            points = periods(report, by)
            if len(points) <= MAX_PERIODS:
                break
    shown = [row(key, bucket, trend=True) for key, bucket in points[-limit:]] if limit else []
    return Trend(by, shown, len(points), chosen)


def low_volume(bucket: dict[str, Any]) -> bool:
    """Too few checked commits for the period's shares to mean much."""
    checked = bucket.get("checked", 0)
    return not isinstance(checked, int) or checked < LOW_VOLUME


def trend_title(view: Trend) -> str:
    return f"Trend by {view.by}"


def trend_notes(view: Trend, more: str) -> list[str]:
    """What a trend table or chart leaves out or marks, one sentence each; `more`: where the rest is."""
    notes = []
    if view.chosen and view.by != "week":
        finer = " or --by ".join(GRANULARITIES[: GRANULARITIES.index(view.by)][::-1][:2])
        notes.append(f"By {view.by}: the finest period that fits {MAX_PERIODS} points; --by {finer} for more detail.")
    if view.hidden:
        notes.append(f"Last {len(view.points)} of {view.total} {view.by}s shown; {more} for all.")
    if any(point.low for point in view.points):
        notes.append(
            f"Shares in brackets: fewer than {LOW_VOLUME} checked commits in that {view.by}, too few to read "
            "as a trend."
        )
    return notes


def rows(report: dict[str, Any], key: str, top: int) -> tuple[list[Row], int]:
    """The first `top` rows of a breakdown (already ordered by commits) and how many were left out."""
    table = report.get(key) or {}
    items = list(table.items())
    return [row(label(key, name, bucket), bucket) for name, bucket in items[:top]], max(0, len(items) - top)


def repository_rows(report: dict[str, Any]) -> list[Row]:
    """The per-repository rows of a merged report, in its order (lowest coverage first)."""
    return [row(r["name"], r) for r in report.get("repositories") or []]


def share_text(value: float | None, low: bool) -> str:
    """A share as shown in a trend row: in brackets when the period has too few commits to count."""
    text = pct(value)
    return f"({text})" if low and value is not None else text


def aliases(report: dict[str, Any]) -> list[tuple[str, int]]:
    """(name, addresses) of author names seen under several e-mail addresses, most addresses first.

    Not merged here: two people can share a name. They are candidates for `.mailmap`.
    """
    seen: dict[str, tuple[str, set[str]]] = {}
    for email, entry in (report.get("by_author") or {}).items():
        name = str(entry.get("name") or "") if isinstance(entry, dict) else ""
        folded = " ".join(name.casefold().split())
        if folded:
            seen.setdefault(folded, (name, set()))[1].add(email)
    found = [(name, len(emails)) for name, emails in seen.values() if len(emails) > 1]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def aliases_text(report: dict[str, Any], limit: int = 5) -> str:
    """One sentence naming likely aliases, or "" when there are none."""
    found = aliases(report)
    if not found:
        return ""
    named = ", ".join(f"{name} ({count} addresses)" for name, count in found[:limit])
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return (
        f"Possibly one person under several addresses: {named}{more}. Map them in .mailmap "
        "(git help gitmailmap) to count each as one author."
    )


def label(key: str, name: str, entry: dict[str, Any]) -> str:
    if key == "by_author" and entry.get("name"):
        return f"{entry['name']} <{name}>"
    return name


def title(report: dict[str, Any]) -> str:
    repo = (report.get("repository") or {}).get("name") or "repository"
    return f"ctxlint audit: {repo}"


def period_text(report: dict[str, Any]) -> str:
    period = report.get("period") or {}
    parts = []
    if period.get("revisions") and period["revisions"] != ["HEAD"]:
        parts.append(" ".join(period["revisions"]))
    if period.get("since"):
        parts.append(f"since {period['since'][:10]}")
    if period.get("until"):
        parts.append(f"until {period['until'][:10]} (exclusive)")
    first, last = report.get("first_commit_date"), report.get("last_commit_date")
    if first and last:
        parts.append(f"commits dated {first[:10]} to {last[:10]}")
    return "; ".join(parts) or "whole history"


def coverage(report: dict[str, Any]) -> dict[str, float | None]:
    """The totals' shares, as the report carries them (rounded to the one decimal shown)."""
    percent: dict[str, float | None] = report["totals"]["percent"]
    return percent


def summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, count, share) rows of the headline table."""
    t = report["totals"]
    p = coverage(report)
    return [
        ("Commits in period", str(t["commits"]), ""),
        ("Exempt (merges, bots, reverts, skips...)", str(t["exempt"]), ""),
        ("Checked", str(t["checked"]), ""),
        ("With a ticket", str(t["with_ticket"]), pct(p["ticket"])),
        ("With a rationale", str(t["with_rationale"]), pct(p["rationale"])),
        ("With both (coverage)", str(t["with_both"]), pct(p["both"])),
        ("Changed lines with both", f"{t['lines_with_both']} of {t['lines_checked']}", pct(p["lines_both"])),
    ]


def exempt_text(report: dict[str, Any]) -> str:
    reasons = (report.get("exempt") or {}).get("by_reason") or {}
    parts = [f"{count} {EXEMPT_LABELS.get(kind, kind)}" for kind, count in reasons.items() if count]
    return ", ".join(parts) or "none"


def missing_order_text(report: dict[str, Any]) -> str:
    """How the missing list is ordered: by size weighed by age, or (merged reports) by size alone."""
    order = report.get("missing_order")
    if isinstance(order, dict) and order.get("half_life_days"):
        return "largest and most recent first"
    return "largest first"


def lacks_text(entry: dict[str, Any]) -> str:
    return " and ".join(entry.get("lacks") or []) or "?"


def rules_text(report: dict[str, Any]) -> str:
    """`CTX101 x3, CTX201 x2`: commits with a finding of each rule, most frequent first."""
    rules = report.get("by_rule") or {}
    ordered = sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{code} x{count}" for code, count in ordered) or "none"


#: What the decision health section says when it lists nothing.
NO_DECISION_PROBLEMS = "No stale proposals, link problems or re-raised decisions."


def decision_counts(section: dict[str, Any]) -> str:
    """"9 decision records, 7 closed": what the decision health section stands on."""
    records, closed = int(section.get("records") or 0), int(section.get("closed") or 0)
    return f"{records} decision record{'s' * (records != 1)}, {closed} closed"
