"""`ctxlint audit merge`: one organisation report from per-repository JSON reports (pure data)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

from linter import __version__
from linter.audit.aggregate import DECISION_LIMIT, EXEMPT_KINDS, FIELDS, SCHEMA_VERSION, percentages
from linter.audit.dates import iso
from linter.errors import CtxlintError

_TABLE_KEYS = ("by_week", "by_month", "by_author", "by_folder", "by_owner", "by_project")


def _add_counts(target: dict[str, Any], source: dict[str, Any]) -> None:
    for field in FIELDS:
        value = source.get(field, 0)
        target[field] = target.get(field, 0) + (value if isinstance(value, int) else 0)


def _kind(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}" if abs(value) < 1e15 else "a number"
    if isinstance(value, str):
        return f"the text {value[:20]!r}" + ("..." if len(value) > 20 else "")
    return "a list" if isinstance(value, list) else "an object"


class _Invalid(Exception):
    def __init__(self, field: str, expected: str, value: object) -> None:
        field = field if len(field) <= 120 else field[:117] + "..."  # keys come from the file
        super().__init__(f"field {field!r}: expected {expected}, got {_kind(value)}")


def _count(value: object, field: str) -> int:
    if type(value) is not int or value < 0:
        raise _Invalid(field, "a count (a whole number, 0 or more)", value)
    return value


def _text(value: object, field: str, optional: bool = False) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        raise _Invalid(field, "a text" + (" or null" if optional else ""), value)


def _object(value: object, field: str) -> dict[str, Any]:
    """A JSON object; null or absent reads as an empty one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Invalid(field, "an object", value)
    return value


def _array(value: object, field: str) -> list[Any]:
    """A JSON array; null or absent reads as an empty one."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Invalid(field, "an array", value)
    return value


def _counts(value: object, field: str) -> None:
    for name, count in _object(value, field).items():
        if name in FIELDS:
            _count(count, f"{field}.{name}")


def _entries(value: object, field: str, texts: tuple[str, ...]) -> None:
    for i, item in enumerate(_array(value, field)):
        where = f"{field}[{i}]"
        if not isinstance(item, dict):
            raise _Invalid(where, "an object", item)
        entry: dict[str, Any] = item
        for key in texts:
            _text(entry.get(key), f"{where}.{key}", optional=key not in ("sha",))
        for key in ("lacks", "codes"):
            for j, code in enumerate(_array(entry.get(key), f"{where}.{key}")):
                _text(code, f"{where}.{key}[{j}]")
        if "lines" in entry:
            _count(entry["lines"], f"{where}.lines")


def check_report(report: object) -> str | None:
    """What makes `report` unusable for a merge, naming the field, or None when it is usable.

    Every value the merge reads is checked (a report may be hand-edited, truncated or come from
    another tool); a missing table or list counts as empty, a value of the wrong type does not.
    """
    if not isinstance(report, dict) or report.get("schema_version") != SCHEMA_VERSION:
        return f"not a ctxlint audit JSON report (schema_version {SCHEMA_VERSION})"
    if report.get("repositories"):
        return "is already a merged report; merge the per-repository reports"
    try:
        repository = _object(report.get("repository"), "repository")
        _text(repository.get("name"), "repository.name", optional=True)
        _text(repository.get("head"), "repository.head", optional=True)
        _counts(report.get("totals"), "totals")
        for key in _TABLE_KEYS:
            for item, counts in _object(report.get(key), key).items():
                if not isinstance(counts, dict):
                    raise _Invalid(f"{key}.{item}", "an object", counts)
                _counts(counts, f"{key}.{item}")
                if key == "by_author":
                    _text(counts.get("name"), f"{key}.{item}.name", optional=True)
        exempt = _object(report.get("exempt"), "exempt")
        for kind, value in _object(exempt.get("by_reason"), "exempt.by_reason").items():
            _count(value, f"exempt.by_reason.{kind}")
        for i, item in enumerate(_array(exempt.get("skip_reasons"), "exempt.skip_reasons")):
            where = f"exempt.skip_reasons[{i}]"
            if not isinstance(item, dict):
                raise _Invalid(where, "an object", item)
            _text(item.get("reason"), f"{where}.reason")
            _count(item.get("count"), f"{where}.count")
        for code, value in _object(report.get("by_rule"), "by_rule").items():
            _count(value, f"by_rule.{code}")
        _entries(report.get("missing"), "missing", ("sha", "date", "author", "email", "subject"))
        _entries(report.get("decision_findings"), "decision_findings", ("sha", "date", "subject"))
        _count(report.get("missing_total", 0), "missing_total")
        for key in ("first_commit_date", "last_commit_date", "generated_at"):
            _text(report.get(key), key, optional=True)
        for i, warning in enumerate(_array(report.get("warnings"), "warnings")):
            _text(warning, f"warnings[{i}]")
    except _Invalid as exc:
        return str(exc)
    return None


def read_reports(paths: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """(name, report) of each JSON report file, checked for a merge; a bad file is one error line.

    A report is named as its repository (else as its file); two of one name (forks) are kept apart
    as `name (2)`.
    """
    reports = []
    names: dict[str, int] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise CtxlintError(f"{path}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise CtxlintError(f"{path}: not JSON: {exc}") from None
        except RecursionError:
            raise CtxlintError(f"{path}: not an audit report: nested too deeply") from None
        problem = check_report(data)
        if problem is not None:
            raise CtxlintError(f"{path}: {problem}")
        name = str((data.get("repository") or {}).get("name") or "") if isinstance(data, dict) else ""
        name = name or os.path.splitext(os.path.basename(path))[0]
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:  # two repositories with one name (forks): keep both rows apart
            name = f"{name} ({names[name]})"
        reports.append((name, data))
    return reports


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
        problem = check_report(report)
        if problem is not None:
            raise CtxlintError(f"{name}: {problem}")
        repo_totals = report.get("totals") or {}
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
