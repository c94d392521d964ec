"""Records folded into counters: totals, trends, breakdowns, the missing list. Pure data.

Memory grows with the number of distinct authors, folders and weeks, never with commits: every
table holds one `Bucket` of counters per key, and the missing list is a bounded heap of the
commits lacking context that rank highest (size weighed by age).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from linter import gitio
from linter.audit.dates import iso, period_keys
from linter.audit.record import RATIONALE, TICKET, Record

#: The JSON report's schema (docs/audit.schema.json); bumped only for changes that break readers.
SCHEMA_VERSION = 1

#: The counters of every bucket, in the order of the JSON and of the cache's on-disk lists.
FIELDS = (
    "commits",
    "exempt",
    "checked",
    "with_ticket",
    "with_rationale",
    "with_both",
    "lines",
    "lines_checked",
    "lines_with_ticket",
    "lines_with_rationale",
    "lines_with_both",
)
_WIDTH = len(FIELDS)
EXEMPT_KINDS = ("merge", "revert", "fixup", "bot", "release", "skip")
_SKIP_REASONS_LIMIT = 500  # distinct skip reasons kept; the rest are counted as "(other)"
DECISION_LIMIT = 100

#: The missing list ranks a commit by its changed lines, halved for every year of age: a team
#: can still ask about last month's 300-line change, not about a 40,000-line import from 2002.
MISSING_HALF_LIFE_DAYS = 365
_HALF_LIFE = MISSING_HALF_LIFE_DAYS * 86400


def missing_rank(lines: int, timestamp: int) -> float:
    """How high a commit lacking context ranks: log2 of its size plus its age in half-lives.

    Equal to log2(lines * 2**((timestamp - now) / half-life)) up to a constant, so the order never
    depends on when the report is made, and cached ranks stay valid as time passes.
    """
    return math.log2(lines + 1) + timestamp / _HALF_LIFE


_COUNTS = attrgetter(*FIELDS)


class Bucket:
    """The counters of one row of the report (the totals, a week, an author, a folder...)."""

    __slots__ = FIELDS

    commits: int
    exempt: int
    checked: int
    with_ticket: int
    with_rationale: int
    with_both: int
    lines: int
    lines_checked: int
    lines_with_ticket: int
    lines_with_rationale: int
    lines_with_both: int

    def __init__(self, counts: Sequence[int] = (0,) * _WIDTH) -> None:
        for field, value in zip(FIELDS, counts):
            setattr(self, field, value)

    def add(self, exempt: bool, flags: int, lines: int) -> None:
        """Count one commit that changed `lines` lines (here)."""
        self.commits += 1
        self.lines += lines
        if exempt:
            self.exempt += 1
            return
        self.checked += 1
        self.lines_checked += lines
        if flags & TICKET:
            self.with_ticket += 1
            self.lines_with_ticket += lines
        if flags & RATIONALE:
            self.with_rationale += 1
            self.lines_with_rationale += lines
        if flags == TICKET | RATIONALE:
            self.with_both += 1
            self.lines_with_both += lines

    def merge(self, other: Bucket) -> None:
        for field, value in zip(FIELDS, _COUNTS(other)):
            setattr(self, field, getattr(self, field) + value)

    def counts(self) -> list[int]:
        """The counters in FIELDS order: the cache's on-disk form."""
        return list(_COUNTS(self))

    def as_dict(self) -> dict[str, Any]:
        """The counters by name: the JSON report's form."""
        return dict(zip(FIELDS, _COUNTS(self)))


def _bucket(table: dict[str, Bucket], key: str) -> Bucket:
    found = table.get(key)
    if found is None:
        found = table[key] = Bucket()
    return found


class Missing(NamedTuple):
    """A commit of the missing list (it lacks a ticket, a rationale or both)."""

    sha: str
    timestamp: int
    name: str
    email: str
    subject: str
    lines: int
    lacks: tuple[str, ...]


class Reraised(NamedTuple):
    """A commit with a decision finding (CTX3xx): it re-raised a closed decision."""

    sha: str
    timestamp: int
    name: str
    email: str
    subject: str
    codes: tuple[str, ...]


class Aggregator:
    """Folds records into counters. Its state is plain data, so it can be cached and merged."""

    TABLES = ("by_week", "by_month", "by_author", "by_folder", "by_owner", "by_project")

    def __init__(self, missing_limit: int = 50) -> None:
        self.missing_limit = missing_limit
        self.totals = Bucket()
        self.tables: dict[str, dict[str, Bucket]] = {name: {} for name in self.TABLES}
        self.names: dict[str, str] = {}
        self.reasons: dict[str, int] = {}
        self.skip_reasons: dict[str, int] = {}
        self.rules: dict[str, int] = {}
        self.missing: list[tuple[float, int, Missing]] = []  # min-heap of (rank, -order, commit)
        self.missing_total = 0
        self.decisions: list[Reraised] = []
        self.first: int | None = None
        self.last: int | None = None
        self.order = 0

    def add(self, rec: Record) -> None:
        exempt = bool(rec.exemptions)
        flags, lines, stamp, email = rec.flags, rec.lines, rec.timestamp, rec.email
        self.order += 1
        self.totals.add(exempt, flags, lines)
        week, month = period_keys(stamp)
        tables = self.tables
        _bucket(tables["by_week"], week).add(exempt, flags, lines)
        _bucket(tables["by_month"], month).add(exempt, flags, lines)
        _bucket(tables["by_author"], email).add(exempt, flags, lines)
        if email not in self.names:
            self.names[email] = rec.name
        by_folder = tables["by_folder"]
        for folder, size in rec.folders:
            _bucket(by_folder, folder).add(exempt, flags, size)
        if rec.owners:
            by_owner = tables["by_owner"]
            for owner, size in rec.owners:
                _bucket(by_owner, owner).add(exempt, flags, size)
        if rec.projects:
            by_project = tables["by_project"]
            for project in rec.projects:
                _bucket(by_project, project).add(exempt, flags, lines)
        if self.first is None or stamp < self.first:
            self.first = stamp
        if self.last is None or stamp > self.last:
            self.last = stamp
        codes = rec.codes
        for code in codes:
            self.rules[code] = self.rules.get(code, 0) + 1
        if exempt:
            for kind in rec.exemptions:
                self.reasons[kind] = self.reasons.get(kind, 0) + 1
            if rec.skip:
                self._count_skip(rec.skip, 1)
        elif flags != TICKET | RATIONALE:
            self.missing_total += 1
            lacks = tuple(k for k, bit in (("ticket", TICKET), ("rationale", RATIONALE)) if not flags & bit)
            entry = Missing(rec.sha, stamp, rec.name, email, rec.subject, lines, lacks)
            self._push_missing((missing_rank(lines, stamp), -self.order, entry))
        if any(c.startswith("CTX3") for c in codes) and len(self.decisions) < DECISION_LIMIT:
            self.decisions.append(
                Reraised(rec.sha, stamp, rec.name, email, rec.subject, tuple(c for c in codes if c.startswith("CTX3")))
            )

    def _push_missing(self, item: tuple[float, int, Missing]) -> None:
        if self.missing_limit <= 0:
            return
        if len(self.missing) < self.missing_limit:
            heapq.heappush(self.missing, item)
        elif item > self.missing[0]:
            heapq.heapreplace(self.missing, item)

    def _count_skip(self, reason: str, count: int) -> None:
        reason = reason[:200]
        if reason not in self.skip_reasons and len(self.skip_reasons) >= _SKIP_REASONS_LIMIT:
            reason = "(other)"
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + count

    def merge(self, old: Aggregator) -> None:
        """Sum `old`'s counters into these; `old` holds commits older than any here."""
        self.totals.merge(old.totals)
        for name, table in old.tables.items():
            target = self.tables[name]
            for key, counts in table.items():
                _bucket(target, key).merge(counts)
        for email, name in old.names.items():
            self.names.setdefault(email, name)
        for src, dst in ((old.reasons, self.reasons), (old.rules, self.rules)):
            for key, value in src.items():
                dst[key] = dst.get(key, 0) + value
        for reason, value in old.skip_reasons.items():
            self._count_skip(reason, value)
        # Older commits sort after newer ones on equal size: shift their order past ours.
        for rank, order, entry in old.missing:
            self._push_missing((rank, order - self.order, entry))
        self.missing_total += old.missing_total
        self.decisions = (self.decisions + old.decisions)[:DECISION_LIMIT]
        for stamp in (old.first, old.last):
            if stamp is not None:
                self.first = stamp if self.first is None else min(self.first, stamp)
                self.last = stamp if self.last is None else max(self.last, stamp)
        self.order += old.order

    # -- cacheable state: plain lists, tuples and dicts, as marshal writes them --
    def state(self) -> dict[str, Any]:
        return {
            "totals": self.totals.counts(),
            "tables": {name: {k: b.counts() for k, b in t.items()} for name, t in self.tables.items()},
            "names": self.names,
            "reasons": self.reasons,
            "skip_reasons": self.skip_reasons,
            "rules": self.rules,
            "missing": [(rank, order, tuple(entry)) for rank, order, entry in self.missing],
            "missing_total": self.missing_total,
            "decisions": [tuple(d) for d in self.decisions],
            "first": self.first,
            "last": self.last,
            "order": self.order,
            "missing_limit": self.missing_limit,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], missing_limit: int) -> Aggregator:
        """The aggregator `state()` saved (checked by `valid_state`), keeping `missing_limit` commits."""
        agg = cls(missing_limit)
        agg.totals = Bucket(state["totals"])
        agg.tables = {name: {k: Bucket(v) for k, v in t.items()} for name, t in state["tables"].items()}
        agg.names = state["names"]
        agg.reasons = state["reasons"]
        agg.skip_reasons = state["skip_reasons"]
        agg.rules = state["rules"]
        agg.missing = [(rank, order, Missing._make(entry)) for rank, order, entry in state["missing"]]
        heapq.heapify(agg.missing)
        while len(agg.missing) > missing_limit:
            heapq.heappop(agg.missing)
        agg.missing_total = state["missing_total"]
        agg.decisions = [Reraised._make(d) for d in state["decisions"]]
        agg.first, agg.last, agg.order = state["first"], state["last"], state["order"]
        return agg

    # -- the report --
    def report(self) -> dict[str, Any]:
        """The aggregates in the JSON schema's shape (see docs/audit.md)."""
        totals = self.totals.as_dict()
        totals["percent"] = percentages(totals)
        by_author = {}
        for email, counts in sorted(self.tables["by_author"].items(), key=lambda kv: (-kv[1].commits, kv[0])):
            entry = counts.as_dict()
            entry["name"] = self.names.get(email, "")
            by_author[email] = entry
        missing = [
            {
                "sha": m.sha,
                "date": iso(m.timestamp),
                "author": m.name,
                "email": m.email,
                "subject": m.subject,
                "lines": m.lines,
                "lacks": list(m.lacks),
            }
            for _rank, _order, m in sorted(self.missing, reverse=True)
        ]
        return {
            "totals": totals,
            "exempt": {
                "by_reason": {k: self.reasons.get(k, 0) for k in EXEMPT_KINDS},
                "skip_reasons": [
                    {"reason": r, "count": c}
                    for r, c in sorted(self.skip_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            },
            "by_week": {k: v.as_dict() for k, v in sorted(self.tables["by_week"].items())},
            "by_month": {k: v.as_dict() for k, v in sorted(self.tables["by_month"].items())},
            "by_author": by_author,
            "by_folder": _sorted_table(self.tables["by_folder"]),
            "by_owner": _sorted_table(self.tables["by_owner"]),
            "by_project": _sorted_table(self.tables["by_project"]),
            "by_rule": dict(sorted(self.rules.items())),
            "missing": missing,
            "missing_order": {"by": "lines", "half_life_days": MISSING_HALF_LIFE_DAYS},
            "missing_total": self.missing_total,
            "decision_findings": [
                {
                    "sha": d.sha,
                    "date": iso(d.timestamp),
                    "author": d.name,
                    "email": d.email,
                    "subject": d.subject,
                    "codes": list(d.codes),
                }
                for d in self.decisions
            ],
            "first_commit_date": iso(self.first),
            "last_commit_date": iso(self.last),
        }


def _sorted_table(table: dict[str, Bucket]) -> dict[str, dict[str, Any]]:
    return {k: v.as_dict() for k, v in sorted(table.items(), key=lambda kv: (-kv[1].commits, kv[0]))}


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _is_stamp(value: object) -> bool:
    return type(value) is int and gitio.TIMESTAMP_MIN <= value <= gitio.TIMESTAMP_MAX


def _is_bucket(value: object) -> bool:
    return type(value) is list and len(value) == _WIDTH and all(type(v) is int and v >= 0 for v in value)


def _is_counter(value: object) -> bool:
    return type(value) is dict and all(type(k) is str and _is_count(v) for k, v in value.items())


def _is_strs(value: object) -> bool:
    return type(value) is tuple and all(type(v) is str for v in value)


def _is_missing(item: object) -> bool:
    if not (type(item) is tuple and len(item) == 3 and type(item[0]) in (int, float)
            and math.isfinite(item[0]) and type(item[1]) is int):
        return False
    entry = item[2]
    return (type(entry) is tuple and len(entry) == 7 and all(type(entry[i]) is str for i in (0, 2, 3, 4))
            and _is_stamp(entry[1]) and _is_count(entry[5]) and _is_strs(entry[6]))


def _is_decision(item: object) -> bool:
    return (type(item) is tuple and len(item) == 6 and all(type(item[i]) is str for i in (0, 2, 3, 4))
            and _is_stamp(item[1]) and _is_strs(item[5]))


def valid_state(state: object, count: int) -> str | None:
    """What is wrong with a cached aggregate state for `count` commits, or None when it is sound.

    Checks every type and range the aggregator relies on, and that the totals count `count`
    commits; the cost grows with the number of authors, folders and weeks, not commits.
    """
    if type(state) is not dict:
        return "aggregate state is not a table"
    expected = Aggregator().state().keys()
    if state.keys() != expected:
        return "aggregate state has other fields than this version's"
    tables = state["tables"]
    checks = (
        ("totals", _is_bucket(state["totals"]) and state["totals"][0] == count),
        ("tables", type(tables) is dict and tables.keys() == set(Aggregator.TABLES)
         and all(type(t) is dict and all(type(k) is str and _is_bucket(v) for k, v in t.items())
                 for t in tables.values())),
        ("names", type(state["names"]) is dict
         and all(type(k) is str and type(v) is str for k, v in state["names"].items())),
        ("reasons", _is_counter(state["reasons"])),
        ("skip_reasons", _is_counter(state["skip_reasons"])),
        ("rules", _is_counter(state["rules"])),
        ("missing", type(state["missing"]) is list and all(map(_is_missing, state["missing"]))),
        ("missing_total", _is_count(state["missing_total"]) and state["missing_total"] <= count),
        ("decisions", type(state["decisions"]) is list and len(state["decisions"]) <= DECISION_LIMIT
         and all(map(_is_decision, state["decisions"]))),
        ("first", state["first"] is None if count == 0 else _is_stamp(state["first"])),
        ("last", state["last"] is None if count == 0 else _is_stamp(state["last"])),
        ("order", state["order"] == count),
        ("missing_limit", _is_count(state["missing_limit"])),
    )
    for name, ok in checks:
        if not ok:
            return f"aggregate state has a malformed {name!r}"
    # Every commit falls in exactly one week, month and author: their sums are the totals.
    for name in ("by_week", "by_month", "by_author"):
        sums = [sum(column) for column in zip(*tables[name].values())] or [0] * _WIDTH
        if sums != state["totals"]:
            return f"aggregate state's {name!r} does not add up to its totals"
    return None


def percent(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, or None when there is nothing to share."""
    return round(100.0 * part / whole, 1) if whole else None


def percentages(bucket: dict[str, Any]) -> dict[str, float | None]:
    """The shares the JSON report carries for a bucket's counters (rounded to one decimal)."""
    checked, lines = bucket["checked"], bucket["lines_checked"]
    return {
        "ticket": percent(bucket["with_ticket"], checked),
        "rationale": percent(bucket["with_rationale"], checked),
        "both": percent(bucket["with_both"], checked),
        "lines_ticket": percent(bucket["lines_with_ticket"], lines),
        "lines_rationale": percent(bucket["lines_with_rationale"], lines),
        "lines_both": percent(bucket["lines_with_both"], lines),
    }
