"""CTX302-309, the health of a decision log: links that lead nowhere or one way, reused numbers,
missing status or date, proposals left open, records that cannot be read. Pure data: findings,
no output. The records and their links come from `linter.decisions`; the rules are here.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from linter.config import Config
from linter.decisions.links import resolve
from linter.decisions.records import Record
from linter.findings import Finding

MALFORMED = "CTX302"
BROKEN_LINK = "CTX303"
ONE_WAY_LINK = "CTX304"
DUPLICATE_NUMBER = "CTX305"
MISSING_STATUS = "CTX306"
MISSING_DATE = "CTX307"
STALE_PROPOSAL = "CTX308"
UNKNOWN_STATUS = "CTX309"
#: Every rule this module checks: they read the decision log, not a message, so they are not in the
#: message-check registry (linter.checks.REGISTRY); catalogue tests can pair them with rules/ here.
CODES = (MALFORMED, BROKEN_LINK, ONE_WAY_LINK, DUPLICATE_NUMBER, MISSING_STATUS, MISSING_DATE, STALE_PROPOSAL,
         UNKNOWN_STATUS)

_SUPERSEDED = frozenset({"superseded", "replaced", "deprecated", "obsolete", "retired"})


def _finding(code: str, cfg: Config, message: str, record: Record, line: int | None = None) -> Finding | None:
    name, severity = cfg.rule_severity(code)
    if severity == "off":
        return None
    return Finding(code, name, severity, message, path=record.path, line=line, decision=record.path)


def check(records: Sequence[Record], cfg: Config, today: datetime.date | None = None) -> list[Finding]:
    """Health findings for a whole decision log."""
    today = today or datetime.date.today()
    out: list[Finding | None] = []
    by_number: dict[int, list[Record]] = {}
    for record in records:
        for defect in record.defects:
            out.append(
                _finding(MALFORMED, cfg, f"line {defect.line}: {defect.message}", record, defect.line)
            )
        if record.number is not None:
            by_number.setdefault(record.number, []).append(record)
        if record.status is None:
            out.append(
                _finding(
                    MISSING_STATUS,
                    cfg,
                    f"{record.id} has no status (add a '## Status' section or 'status:' front matter)",
                    record,
                    record.title_line,
                )
            )
        elif not record.known_status:
            out.append(
                _finding(
                    UNKNOWN_STATUS,
                    cfg,
                    f"{record.id} has status {record.status!r}, which is neither open nor closed to ctxlint "
                    "(use proposed, draft, accepted, rejected, deprecated, superseded, withdrawn, ...)",
                    record,
                    record.status_line,
                )
            )
        if record.date is None:
            out.append(
                _finding(
                    MISSING_DATE,
                    cfg,
                    f"{record.id} has no date (add 'Date: YYYY-MM-DD')",
                    record,
                    record.title_line,
                )
            )
        out.extend(_links(record, records, cfg))
        out.append(_stale(record, cfg, today))
    for number, same in sorted(by_number.items()):
        if len(same) > 1:
            others = ", ".join(r.path for r in same)
            for record in same:
                out.append(
                    _finding(
                        DUPLICATE_NUMBER,
                        cfg,
                        f"number {number} is used by {len(same)} records: {others}",
                        record,
                        record.title_line,
                    )
                )
    return [f for f in out if f is not None]


def _links(record: Record, records: Sequence[Record], cfg: Config) -> list[Finding | None]:
    out: list[Finding | None] = []

    def flag(rule: str, text: str) -> None:
        out.append(_finding(rule, cfg, text, record, record.status_line))

    for ref in record.supersedes:
        target = resolve(records, record, ref)
        if target is None or target is record:
            flag(BROKEN_LINK, f"{record.id} supersedes {ref!r}, which is not a record here")
        elif not any(record.refers_to(r, target.path, link=True) for r in target.superseded_by) and (
            target.status not in _SUPERSEDED
        ):
            flag(ONE_WAY_LINK, f"{record.id} supersedes {target.id}, but {target.path} "
                               f"does not say it is superseded by {record.id}")
    for ref in record.superseded_by:
        target = resolve(records, record, ref)
        if target is None or target is record:
            flag(BROKEN_LINK, f"{record.id} is superseded by {ref!r}, which is not a record here")
        elif not any(record.refers_to(r, target.path, link=True) for r in target.supersedes):
            flag(ONE_WAY_LINK, f"{record.id} says it is superseded by {target.id}, but "
                               f"{target.path} does not say it supersedes {record.id}")
    return out


def _stale(record: Record, cfg: Config, today: datetime.date) -> Finding | None:
    days = cfg.number("stale-proposal-days", "decisions")
    if not days or not record.open or record.date is None or len(record.date) != 10:
        return None
    try:
        written = datetime.date.fromisoformat(record.date)
    except ValueError:
        return None
    age = (today - written).days
    if age <= days:
        return None
    return _finding(
        STALE_PROPOSAL,
        cfg,
        f"{record.id} has been {record.status} for {age} days (since "
        f"{record.date}); accept, reject or withdraw it",
        record,
        record.status_line,
    )
