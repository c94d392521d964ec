"""What every audit format shows, decided once: sections, rows, labels and percentages.

The reporters (text, Markdown, HTML) only lay these out and escape for their medium.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

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


def bucket_pcts(bucket: dict[str, Any]) -> dict[str, float | None]:
    checked, lines = bucket.get("checked", 0), bucket.get("lines_checked", 0)
    return {
        "ticket": share(bucket.get("with_ticket", 0), checked),
        "rationale": share(bucket.get("with_rationale", 0), checked),
        "both": share(bucket.get("with_both", 0), checked),
        "lines_both": share(bucket.get("lines_with_both", 0), lines),
    }


def _next_period(key: str, by: str) -> str:
    if by == "week":
        year, week = int(key[:4]), int(key[6:])
        following = date.fromisocalendar(year, week, 1) + timedelta(days=7)
        iso_year, iso_week, _ = following.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"
    year, month = int(key[:4]), int(key[5:7])
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def trend(report: dict[str, Any], by: str, limit: int = 520) -> list[tuple[str, dict[str, Any]]]:
    """(period, counts) oldest first, for `by` = week or month; quiet periods in between as zeros.

    Filling the gaps keeps the time axis honest: a quiet month is a point, not a missing one.
    """
    table = report.get("by_week" if by == "week" else "by_month") or {}
    keys = sorted(table)
    if not keys:
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    key, last = keys[0], keys[-1]
    try:
        while key <= last:
            out.append((key, table.get(key) or {}))
            key = _next_period(key, by)
    except ValueError:  # a hand-made or foreign report with odd keys: show what is there
        return sorted(table.items())[-limit:]
    return out[-limit:]


def rows(report: dict[str, Any], key: str, top: int) -> tuple[list[tuple[str, dict[str, Any]]], int]:
    """The first `top` rows of a breakdown (already ordered by commits) and how many were left out."""
    table = report.get(key) or {}
    items = list(table.items())
    return items[:top], max(0, len(items) - top)


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


def summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, count, share) rows of the headline table."""
    t = report["totals"]
    p = bucket_pcts(t)
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
