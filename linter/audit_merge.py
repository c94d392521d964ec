"""`ctxlint audit merge`: one organisation report from per-repository JSON reports (pure data)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from linter import __version__
from linter.audit import DECISION_LIMIT, EXEMPT_KINDS, FIELDS, SCHEMA_VERSION, iso, percentages
from linter.errors import CtxlintError

_TABLE_KEYS = ("by_week", "by_month", "by_author", "by_folder", "by_owner", "by_project")


def _add_counts(target: dict[str, Any], source: dict[str, Any]) -> None:
    for field in FIELDS:
        value = source.get(field, 0)
        target[field] = target.get(field, 0) + (value if isinstance(value, int) else 0)


def merge_reports(reports: Sequence[tuple[str, dict[str, Any]]], missing_limit: int = 50) -> dict[str, Any]:
    """Combine per-repository JSON reports into one organisation report with per-repository rows.

    Folders and owners are prefixed with the repository name (they are per repository); authors
    (by email), months, weeks and ticket projects are summed across repositories.
    """
    totals: dict[str, Any] = dict.fromkeys(FIELDS, 0)
    tables: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in _TABLE_KEYS}
    reasons: dict[str, int] = dict.fromkeys(EXEMPT_KINDS, 0)
    skips: dict[str, int] = {}
    rules: dict[str, int] = {}
    missing: list[dict[str, Any]] = []
    decision_findings: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    missing_total = 0
    firsts: list[str] = []
    lasts: list[str] = []
    warnings: list[str] = []
    for name, report in reports:
        if not isinstance(report, dict) or report.get("schema_version") != SCHEMA_VERSION:
            raise CtxlintError(f"{name}: not a ctxlint audit JSON report (schema_version {SCHEMA_VERSION})")
        if report.get("repositories"):
            raise CtxlintError(f"{name}: is already a merged report; merge the per-repository reports")
        repo_totals = report.get("totals", {})
        _add_counts(totals, repo_totals)
        for key in _TABLE_KEYS:
            for item, counts in (report.get(key) or {}).items():
                label = f"{name}:{item}" if key in ("by_folder", "by_owner") else item
                entry = tables[key].setdefault(label, {})
                _add_counts(entry, counts)
                if key == "by_author" and counts.get("name") and not entry.get("name"):
                    entry["name"] = counts["name"]
        exempt = report.get("exempt") or {}
        for kind, value in (exempt.get("by_reason") or {}).items():
            reasons[kind] = reasons.get(kind, 0) + int(value)
        for item in exempt.get("skip_reasons") or []:
            skips[item["reason"]] = skips.get(item["reason"], 0) + int(item["count"])
        for code, value in (report.get("by_rule") or {}).items():
            rules[code] = rules.get(code, 0) + int(value)
        missing.extend({**m, "repository": name} for m in report.get("missing") or [])
        decision_findings.extend({**d, "repository": name} for d in report.get("decision_findings") or [])
        missing_total += int(report.get("missing_total", 0))
        if report.get("first_commit_date"):
            firsts.append(report["first_commit_date"])
        if report.get("last_commit_date"):
            lasts.append(report["last_commit_date"])
        warnings.extend(f"{name}: {w}" for w in report.get("warnings") or [])
        row = {
            "name": name,
            "head": (report.get("repository") or {}).get("head"),
            "generated_at": report.get("generated_at"),
            **{f: repo_totals.get(f, 0) for f in FIELDS},
            "missing_total": int(report.get("missing_total", 0)),
        }
        row["percent"] = percentages(row)
        rows.append(row)
    totals["percent"] = percentages(totals)
    missing.sort(key=lambda m: (-int(m.get("lines", 0)), m.get("date") or ""), reverse=False)

    def ordered(key: str) -> dict[str, Any]:
        items = tables[key].items()
        if key in ("by_week", "by_month"):
            return dict(sorted(items))
        return dict(sorted(items, key=lambda kv: (-kv[1].get("commits", 0), kv[0])))

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ctxlint", "version": __version__},
        "generated_at": iso(int(time.time())),
        "repository": {
            "name": f"{len(rows)} repositories",
            "head": None,
            "shallow": False,
            "codeowners": None,
        },
        "period": {"revisions": [], "since": None, "until": None},
        "repositories": sorted(
            rows, key=lambda r: (r["percent"]["both"] is None, r["percent"]["both"] or 0, r["name"])
        ),
        "totals": totals,
        "exempt": {
            "by_reason": reasons,
            "skip_reasons": [
                {"reason": r, "count": c} for r, c in sorted(skips.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        },
        **{key: ordered(key) for key in _TABLE_KEYS},
        "by_rule": dict(sorted(rules.items())),
        "missing": missing[:missing_limit],
        "missing_total": missing_total,
        "decision_findings": decision_findings[:DECISION_LIMIT],
        "first_commit_date": min(firsts) if firsts else None,
        "last_commit_date": max(lasts) if lasts else None,
        "decisions": {
            "available": False,
            "note": "per repository",
            "stale_proposals": [],
            "link_problems": [],
        },
        "cache": {"used": False, "cached_commits": 0, "new_commits": 0, "relinted": 0},
        "warnings": warnings,
    }
