"""The audit's decision-health section: stale proposals, and problems with supersede links and numbers
(each named for what it is: a link to a missing record, a link written on one end only, a reused
number).

Commits in the period that re-raised a closed decision need no code here: the decision rules
(CTX3xx) run in the audit's engine pass, and the audit lists their commits itself
(`decision_findings`) and counts them per rule (`by_rule`).
"""

from __future__ import annotations

import datetime
from typing import Any

from linter.config import Config

#: The link and numbering findings the section lists, by what they are.
_KINDS = {
    "CTX303": "broken supersede link",
    "CTX304": "one-way supersede link",
    "CTX305": "duplicate decision number",
}


def empty_section(available: bool = False, note: str = "") -> dict[str, Any]:
    return {"available": available, "note": note, "records": 0, "closed": 0, "stale_proposals": [],
            "link_problems": []}


def decision_health(root: str, cfg: Config, today: datetime.date | None = None) -> dict[str, Any]:
    """The decision-health section for the repository at `root`, as plain JSON-ready data."""
    from linter.checks import decision_health as health
    from linter.decisions import discover
    from linter.decisions.records import read_all

    if not discover.folders(root, cfg):
        return empty_section(note="no decision records found in this repository")
    records = read_all(root, cfg)
    today = today or datetime.date.today()
    by_path = {r.path: r for r in records}
    section = empty_section(available=True)
    section["records"] = len(records)
    section["closed"] = sum(1 for r in records if r.closed)
    findings = health.check(records, cfg, today)
    for finding in findings:
        record = by_path.get(finding.path or "")
        item = {
            "id": record.id if record else "",
            "title": record.title if record else "",
            "path": finding.path or "",
        }
        if finding.code == health.STALE_PROPOSAL and record is not None and record.date:
            age = (today - datetime.date.fromisoformat(record.date[:10])).days
            section["stale_proposals"].append({**item, "status": record.status or "", "age_days": age})
        elif finding.code in _KINDS:
            section["link_problems"].append({**item, "kind": _KINDS[finding.code], "problem": finding.message})
    return section
