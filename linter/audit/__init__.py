"""History -> per-commit outcomes -> aggregates. Pure data: nothing here prints.

One `git log -z --numstat` stream feeds the same engine that lints commits at commit time; each
commit becomes a compact record, and records are folded into fixed-size counters (totals, trends,
authors, folders, owners, projects) plus a bounded heap of the commits lacking context that rank
highest (size weighed by age), so memory grows with the number of distinct authors, folders and
weeks, never with commits.

Records are cached under the git directory (see `linter.audit.cache`), so a weekly run only
reads and lints the commits that are new since the last one.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from linter import __version__, gitio, history
from linter.audit.cache import Cache, CacheError, SegmentWriter, config_fingerprint
from linter.codeowners import UNOWNED, Owners
from linter.config import Config
from linter.engine import Linter
from linter.errors import CtxlintError
from linter.tickets import project_of

if TYPE_CHECKING:
    from linter.decisions.timeline import Timeline

SCHEMA_VERSION = 1

#: Bumped when what a cached record or aggregate holds changes meaning (the subject's rule, the
#: missing list's rank), so that an older cache is not mixed into a newer report.
RECORD_VERSION = 2

#: Counter layout of every bucket (a list of ints, for speed); the JSON uses these names.
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

#: A per-commit outcome, as cached: plain tuples so that `marshal` writes and reads it fast.
#: (sha, timestamp, email, name, flags, exemptions, skip_reason, projects, lines,
#:  folders((folder, lines), ...), owners((owner, lines), ...), subject, codes)
Record = tuple[
    str,
    int,
    str,
    str,
    int,
    tuple[str, ...],
    str,
    tuple[str, ...],
    int,
    tuple[tuple[str, int], ...],
    tuple[tuple[str, int], ...],
    str,
    tuple[str, ...],
]
TICKET, RATIONALE = 1, 2

Bucket = list[int]


# -- periods -------------------------------------------------------------------------------------

_RELATIVE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s+ago\s*$", re.IGNORECASE)


def parse_date(text: str, option: str = "--since", now: float | None = None) -> int:
    """A Unix timestamp from an ISO date (start of that day, UTC), an ISO datetime or `N days ago`.

    A date beyond what a commit can carry here (`10000000000 days ago`) is clamped to the nearest
    end of gitio.TIMESTAMP_MIN..TIMESTAMP_MAX, which selects the same commits.
    """
    value = text.strip()
    m = _RELATIVE.match(value)
    if m:
        digits = m.group(1).lstrip("0") or "0"
        if len(digits) > 15:  # past the start of time whatever the unit; int() may refuse the digits
            return gitio.TIMESTAMP_MIN
        days = int(digits) * {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2).lower()]
        return _clamp(int(time.time() if now is None else now) - days * 86400)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise CtxlintError(f"{option} {value!r}: not a valid date") from None
        return _clamp(int(day.timestamp()))
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise CtxlintError(
            f"{option} {value!r}: expected a date (2026-01-31), a date and time "
            "(2026-01-31T09:00:00+01:00) or 'N days ago'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return _clamp(int(moment.timestamp()))


def _clamp(stamp: int) -> int:
    return max(gitio.TIMESTAMP_MIN, min(stamp, gitio.TIMESTAMP_MAX))


def iso(timestamp: int | None) -> str | None:
    """`YYYY-MM-DDTHH:MM:SSZ` (four-digit years, also before 1000), or None."""
    if timestamp is None:
        return None
    t = datetime.fromtimestamp(_clamp(timestamp), timezone.utc)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


_DAY_KEYS: dict[int, tuple[str, str]] = {}


def period_keys(timestamp: int) -> tuple[str, str]:
    """(ISO week `YYYY-Www`, month `YYYY-MM`) of a timestamp, in UTC; memoised per day."""
    day = timestamp // 86400
    keys = _DAY_KEYS.get(day)
    if keys is None:
        moment = datetime.fromtimestamp(_clamp(day * 86400), timezone.utc)
        year, week, _ = moment.isocalendar()
        keys = _DAY_KEYS[day] = (f"{year:04d}-W{week:02d}", f"{moment.year:04d}-{moment.month:02d}")
    return keys


# -- per-commit outcome --------------------------------------------------------------------------

def subject_of(message: str) -> str:
    """The subject as git shows it (`%s`): the first paragraph after any blank lines, on one line."""
    end = message.find("\n")
    if end < 0 or message.startswith("\n", end + 1) or end + 1 == len(message):
        first = message[: end if end >= 0 else None].rstrip()  # the common shape: a line, then a blank one
        if first:
            return first
    lines: list[str] = []
    for line in message.split("\n"):
        line = line.rstrip()
        if line:
            lines.append(line)
        elif lines:
            break
    return " ".join(lines)


def missing_rank(lines: int, timestamp: int) -> float:
    """How high a commit lacking context ranks: log2 of its size plus its age in half-lives.

    Equal to log2(lines * 2**((timestamp - now) / half-life)) up to a constant, so the order never
    depends on when the report is made, and cached ranks stay valid as time passes.
    """
    return math.log2(lines + 1) + timestamp / _HALF_LIFE


_FOLDERS: dict[tuple[str, int], str] = {}


def folder_of(path: str, depth: int) -> str:
    """The folder a path counts under: its first `depth` directories, or `(root)`; memoised."""
    found = _FOLDERS.get((path, depth))
    if found is not None:
        return found
    parts = path.split("/")
    folder = "(root)" if len(parts) == 1 else "/".join(parts[: min(depth, len(parts) - 1)]) + "/"
    if len(_FOLDERS) >= 200_000:  # bounded: monorepos have millions of paths
        _FOLDERS.clear()
    _FOLDERS[(path, depth)] = folder
    return folder


def make_record(
    commit: gitio.Commit,
    files: Sequence[gitio.FileStat],
    outcome: LintOutcome,
    owners: Owners | None,
    depth: int,
) -> Record:
    """Fold one commit, its changed files and its lint outcome into a cacheable record."""
    exemptions, skip, tickets, rationale, codes = outcome
    lines = 0
    folders: dict[str, int] = {}
    owned: dict[str, int] = {}
    for path, added, deleted in files:
        size = (added or 0) + (deleted or 0)
        lines += size
        folder = folder_of(path, depth)
        folders[folder] = folders.get(folder, 0) + size
        if owners is not None:
            for owner in owners.of(path) or (UNOWNED,):
                owned[owner] = owned.get(owner, 0) + size
    flags = (TICKET if tickets else 0) | (RATIONALE if rationale else 0)
    needs_text = (not exemptions and flags != TICKET | RATIONALE) or any(c.startswith("CTX3") for c in codes)
    subject = subject_of(commit.message)[:300] if needs_text else ""
    projects = tuple(sorted({project_of(t) for t in tickets}))
    return (
        commit.sha,
        commit.timestamp,
        commit.author_email.lower(),
        commit.author_name,
        flags,
        exemptions,
        skip or "",
        projects,
        lines,
        tuple(folders.items()),
        tuple(owned.items()),
        subject,
        codes,
    )


#: What the workers send back per commit: (exemptions, skip reason, tickets, has rationale, codes).
LintOutcome = tuple[tuple[str, ...], Optional[str], tuple[str, ...], bool, tuple[str, ...]]
# sha, parent count, author, timestamp, message, note, decision records closed before the commit
_Job = tuple[str, int, str, int, str, str, Optional[frozenset[str]]]

#: The config and engine of this walk: set before the pool forks, so every worker has them.
_WORKER: tuple[Config, Linter] | None = None


def _lint_jobs(jobs: list[_Job]) -> list[LintOutcome]:
    assert _WORKER is not None
    cfg, linter = _WORKER
    out: list[LintOutcome] = []
    for sha, parents, author, timestamp, message, note, closed in jobs:
        name, _, email = author.partition("\0")
        commit = gitio.Commit(sha, ("",) * parents, name, email, timestamp, message, note)
        result = history.lint_commit(commit, cfg, linter, closed)
        out.append(
            (
                result.exemptions,
                result.skip_reason,
                result.tickets,
                result.has_rationale,
                tuple(sorted({f.code for f in result.findings})),
            )
        )
    return out


def _job(commit: gitio.Commit, timeline: Timeline | None = None) -> _Job:
    return (
        commit.sha,
        len(commit.parents),
        f"{commit.author_name}\0{commit.author_email}",
        commit.timestamp,
        commit.message,
        commit.note,
        # in stream order, here: which records each commit could re-raise follows from its child's
        timeline.closed_before(commit.sha, commit.parents) if timeline is not None else None,
    )


def lint_stream(
    stream: Iterable[tuple[gitio.Commit, list[gitio.FileStat]]], cfg: Config, workers: int, batch: int = 256,
    timeline: Timeline | None = None,
) -> Iterator[tuple[gitio.Commit, list[gitio.FileStat], LintOutcome]]:
    """Lint commits in stream order; with `workers` > 1, in a process pool fed by this one stream.

    The pool starts only once a full batch is waiting (a warm run's few new commits are linted
    here, without forking), and at most a few batches are in flight, so a fast git stream cannot
    pile up in memory. `timeline` (of the same walk) says which decisions each commit can re-raise.
    """
    global _WORKER
    _WORKER = (cfg, Linter(cfg))
    if workers <= 1:
        for commit, files in stream:
            yield commit, files, _lint_jobs([_job(commit, timeline)])[0]
        return
    pool: Any = None
    window: deque[tuple[list[tuple[gitio.Commit, list[gitio.FileStat]]], Any]] = deque()
    try:
        pending: list[tuple[gitio.Commit, list[gitio.FileStat]]] = []

        def drain(limit: int) -> Iterator[tuple[gitio.Commit, list[gitio.FileStat], LintOutcome]]:
            while len(window) > limit:
                items, future = window.popleft()
                for (commit, files), outcome in zip(items, future.get()):
                    yield commit, files, outcome

        for item in stream:
            pending.append(item)
            if len(pending) >= batch:
                if pool is None:
                    import multiprocessing

                    pool = multiprocessing.get_context("fork").Pool(workers)
                jobs = [_job(c, timeline) for c, _ in pending]
                window.append((pending, pool.apply_async(_lint_jobs, (jobs,))))
                pending = []
                yield from drain(workers * 3)
        yield from drain(0)
        for commit, files in pending:  # the last partial batch: cheaper here than a round trip
            yield commit, files, _lint_jobs([_job(commit, timeline)])[0]
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def default_workers() -> int:
    """Lint workers: one per core, at most 4; 1 (no pool) off Linux, where forking is not safe."""
    if not sys.platform.startswith("linux"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


# -- aggregation ---------------------------------------------------------------------------------


def _bump(bucket: Bucket, exempt: bool, flags: int, lines: int) -> None:
    bucket[0] += 1
    bucket[6] += lines
    if exempt:
        bucket[1] += 1
        return
    bucket[2] += 1
    bucket[7] += lines
    if flags & TICKET:
        bucket[3] += 1
        bucket[8] += lines
    if flags & RATIONALE:
        bucket[4] += 1
        bucket[9] += lines
    if flags == TICKET | RATIONALE:
        bucket[5] += 1
        bucket[10] += lines


def _bucket(table: dict[str, Bucket], key: str) -> Bucket:
    found = table.get(key)
    if found is None:
        found = table[key] = [0] * _WIDTH
    return found


class Aggregator:
    """Folds records into counters. Its state is plain data, so it can be cached and merged."""

    TABLES = ("by_week", "by_month", "by_author", "by_folder", "by_owner", "by_project")

    def __init__(self, missing_limit: int = 50) -> None:
        self.missing_limit = missing_limit
        self.totals: Bucket = [0] * _WIDTH
        self.tables: dict[str, dict[str, Bucket]] = {name: {} for name in self.TABLES}
        self.names: dict[str, str] = {}
        self.reasons: dict[str, int] = {}
        self.skip_reasons: dict[str, int] = {}
        self.rules: dict[str, int] = {}
        self.missing: list[tuple[float, int, tuple[Any, ...]]] = []  # min-heap of (rank, -order, entry)
        self.missing_total = 0
        self.decisions: list[tuple[Any, ...]] = []
        self.first: int | None = None
        self.last: int | None = None
        self.order = 0

    def add(self, rec: Record) -> None:
        sha, stamp, email, name, flags, exemptions, skip, projects, lines, folders, owners, subject, codes = (
            rec
        )
        exempt = bool(exemptions)
        self.order += 1
        _bump(self.totals, exempt, flags, lines)
        week, month = period_keys(stamp)
        tables = self.tables
        _bump(_bucket(tables["by_week"], week), exempt, flags, lines)
        _bump(_bucket(tables["by_month"], month), exempt, flags, lines)
        _bump(_bucket(tables["by_author"], email), exempt, flags, lines)
        if email not in self.names:
            self.names[email] = name
        by_folder = tables["by_folder"]
        for folder, size in folders:
            _bump(_bucket(by_folder, folder), exempt, flags, size)
        if owners:
            by_owner = tables["by_owner"]
            for owner, size in owners:
                _bump(_bucket(by_owner, owner), exempt, flags, size)
        if projects:
            by_project = tables["by_project"]
            for project in projects:
                _bump(_bucket(by_project, project), exempt, flags, lines)
        if self.first is None or stamp < self.first:
            self.first = stamp
        if self.last is None or stamp > self.last:
            self.last = stamp
        for code in codes:
            self.rules[code] = self.rules.get(code, 0) + 1
        if exempt:
            for kind in exemptions:
                self.reasons[kind] = self.reasons.get(kind, 0) + 1
            if skip:
                self._count_skip(skip, 1)
        elif flags != TICKET | RATIONALE:
            self.missing_total += 1
            lacks = tuple(k for k, bit in (("ticket", TICKET), ("rationale", RATIONALE)) if not flags & bit)
            entry = (sha, stamp, name, email, subject, lines, lacks)
            self._push_missing((missing_rank(lines, stamp), -self.order, entry))
        if any(c.startswith("CTX3") for c in codes) and len(self.decisions) < DECISION_LIMIT:
            self.decisions.append(
                (sha, stamp, name, email, subject, tuple(c for c in codes if c.startswith("CTX3")))
            )

    def _push_missing(self, item: tuple[float, int, tuple[Any, ...]]) -> None:
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

    # -- cacheable state --
    def state(self) -> dict[str, Any]:
        return {
            "totals": self.totals,
            "tables": self.tables,
            "names": self.names,
            "reasons": self.reasons,
            "skip_reasons": self.skip_reasons,
            "rules": self.rules,
            "missing": self.missing,
            "missing_total": self.missing_total,
            "decisions": self.decisions,
            "first": self.first,
            "last": self.last,
            "order": self.order,
            "missing_limit": self.missing_limit,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], missing_limit: int) -> Aggregator:
        agg = cls(missing_limit)
        for key, value in state.items():
            if key != "missing_limit":
                setattr(agg, key, value)
        agg.missing = [(a, b, tuple(c)) for a, b, c in agg.missing]
        heapq.heapify(agg.missing)
        while len(agg.missing) > missing_limit:
            heapq.heappop(agg.missing)
        return agg

    # -- the report --
    def report(self) -> dict[str, Any]:
        """The aggregates in the JSON schema's shape (see docs/audit.md)."""
        totals = bucket_dict(self.totals)
        totals["percent"] = percentages(totals)
        by_author = {}
        for email, counts in sorted(self.tables["by_author"].items(), key=lambda kv: (-kv[1][0], kv[0])):
            entry = bucket_dict(counts)
            entry["name"] = self.names.get(email, "")
            by_author[email] = entry
        missing = [
            {
                "sha": sha,
                "date": iso(stamp),
                "author": name,
                "email": email,
                "subject": subject,
                "lines": lines,
                "lacks": list(lacks),
            }
            for _rank, _order, (sha, stamp, name, email, subject, lines, lacks) in sorted(
                self.missing, reverse=True
            )
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
            "by_week": {k: bucket_dict(v) for k, v in sorted(self.tables["by_week"].items())},
            "by_month": {k: bucket_dict(v) for k, v in sorted(self.tables["by_month"].items())},
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
                    "sha": sha,
                    "date": iso(stamp),
                    "author": name,
                    "email": email,
                    "subject": subject,
                    "codes": list(codes),
                }
                for sha, stamp, name, email, subject, codes in self.decisions
            ],
            "first_commit_date": iso(self.first),
            "last_commit_date": iso(self.last),
        }


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


def bucket_dict(counts: Sequence[int]) -> dict[str, Any]:
    return dict(zip(FIELDS, counts))


def _sorted_table(table: dict[str, Bucket]) -> dict[str, dict[str, Any]]:
    return {k: bucket_dict(v) for k, v in sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))}


def percent(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, or None when there is nothing to share."""
    return round(100.0 * part / whole, 1) if whole else None


def percentages(bucket: dict[str, Any]) -> dict[str, float | None]:
    checked, lines = bucket["checked"], bucket["lines_checked"]
    return {
        "ticket": percent(bucket["with_ticket"], checked),
        "rationale": percent(bucket["with_rationale"], checked),
        "both": percent(bucket["with_both"], checked),
        "lines_ticket": percent(bucket["lines_with_ticket"], lines),
        "lines_rationale": percent(bucket["lines_with_rationale"], lines),
        "lines_both": percent(bucket["lines_with_both"], lines),
    }


# -- the audit -----------------------------------------------------------------------------------

Progress = Callable[[int, Optional[int]], None]


class Options:
    """What to audit and how; every field has a sensible default."""

    def __init__(
        self,
        revisions: Sequence[str] = (),
        since: int | None = None,
        until: int | None = None,
        missing_limit: int = 50,
        folder_depth: int = 1,
        use_cache: bool = True,
        workers: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.revisions = list(revisions) or ["HEAD"]
        self.explicit_revisions = bool(revisions)
        self.since = since
        self.until = until
        self.missing_limit = missing_limit
        self.folder_depth = max(1, folder_depth)
        self.use_cache = use_cache
        self.workers = default_workers() if workers is None else workers
        self.progress = progress


def _split_revisions(revisions: Sequence[str], cwd: str) -> tuple[list[str], list[str], list[str]]:
    """(positive names, positive shas, negative shas) of a revision list like `A..B ^C D`."""
    names: list[str] = []
    positives: list[str] = []
    negatives: list[str] = []
    for spec in revisions:
        if "..." in spec:
            raise CtxlintError(f"{spec!r}: symmetric ranges (A...B) are not supported by the audit; use A..B")
        if ".." in spec:
            left, right = spec.split("..", 1)
            base = gitio.resolve(left or "HEAD", cwd)
            tip = gitio.resolve(right or "HEAD", cwd)
            if base:
                negatives.append(base)
            if tip:
                names.append(right or "HEAD")
                positives.append(tip)
        elif spec.startswith("^"):
            sha = gitio.resolve(spec[1:], cwd)
            if sha:
                negatives.append(sha)
        else:
            sha = gitio.resolve(spec, cwd)
            if sha:
                names.append(spec)
                positives.append(sha)
    return names, positives, negatives


def _period_args(options: Options) -> list[str]:
    """git's own date limits for a walk, which only narrow it: `_period_filter` decides.

    Git reads `@0` and negative times erratically (`--since=@0` selects nothing), so a bound
    before 1970 is left to the filter alone.
    """
    args = []
    if options.since is not None and options.since >= 1:
        args.append(f"--since=@{options.since}")
    if options.until is not None and options.until - 1 >= 1:
        args.append(f"--until=@{options.until - 1}")
    return args


def audit(root: str, cfg: Config, options: Options, owners: Owners | None = None) -> dict[str, Any]:
    """Audit the history the options select; the report as a JSON-ready dict (schema in docs/audit.md)."""
    warnings: list[str] = []
    shallow = gitio.is_shallow(root)
    if shallow:
        warnings.append(
            "shallow clone: only the fetched history is audited; fetch it all for full numbers "
            "(actions/checkout: `fetch-depth: 0`)"
        )
    empty = not gitio.has_commits(root) and not options.explicit_revisions
    if not empty:
        history.check_revisions(options.revisions, root)
    in_period = _period_filter(options)
    agg = Aggregator(options.missing_limit)
    cache_info: dict[str, Any] = {"used": False, "cached_commits": 0, "new_commits": 0, "relinted": 0}
    if empty:
        if history.any_commit(root):
            warnings.append("HEAD is an unborn branch with no commits yet: name a branch to audit it")
        else:
            warnings.append("the repository has no commits yet")
    else:
        try:
            damage = _run(root, cfg, options, owners, agg, in_period, cache_info)
        except CacheError as exc:
            # Found only while replaying: what was added so far is dropped, and a fresh walk
            # writes a new cache in place of the damaged one.
            agg = Aggregator(options.missing_limit)
            cache_info = {"used": False, "cached_commits": 0, "new_commits": 0, "relinted": 0}
            _run(root, cfg, options, owners, agg, in_period, cache_info, read_cache=False)
            damage = str(exc)
        if damage is not None:
            _note(cache_info, f"the audit cache did not validate ({damage}); the history was read again")
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ctxlint", "version": __version__},
        "generated_at": iso(int(time.time())),
        "repository": {
            "name": os.path.basename(os.path.abspath(root)),
            "head": gitio.resolve("HEAD", root) if not empty else None,
            "shallow": shallow,
            "codeowners": owners.path if owners is not None else None,
        },
        "period": {"revisions": options.revisions, "since": iso(options.since), "until": iso(options.until)},
    }
    report.update(agg.report())
    if agg.last is not None and agg.last >= gitio.TIMESTAMP_MAX:
        warnings.append(
            f"some commits are dated after {iso(gitio.TIMESTAMP_MAX)} (git accepts such dates; they "
            "cannot be shown): they are counted at that date"
        )
    if agg.first is not None and agg.first <= gitio.TIMESTAMP_MIN:
        warnings.append(f"some commits are dated before {iso(gitio.TIMESTAMP_MIN)}: they are counted at that date")
    report["cache"] = cache_info
    report["warnings"] = warnings
    return report


def mailmap_digest(root: str) -> str:
    """A hash of what maps author identities (`.mailmap`, `mailmap.file`, `mailmap.blob`).

    The log stream asks for `%aN <%aE>`, which git maps through these; cached records hold the
    mapped identities, so a changed mailmap must read history again, as a changed config does.
    """
    digest = hashlib.sha256()
    settings = gitio.config_values(["mailmap.file", "mailmap.blob"], root)
    for path in (os.path.join(root, ".mailmap"), settings.get("mailmap.file")):
        if path is None:
            continue
        path = os.path.join(root, os.path.expanduser(path))
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        if os.path.isfile(path):  # a regular file only: a FIFO would block the audit
            try:
                with open(path, "rb") as handle:
                    digest.update(handle.read(1 << 24))
            except OSError:
                digest.update(b"unreadable")
    blob = settings.get("mailmap.blob")
    if blob:
        found = gitio.try_run(["rev-parse", "--verify", "--quiet", "--end-of-options", blob], root)
        digest.update(b"blob\0" + blob.encode("utf-8", "surrogateescape") + b"\0" + (found or b""))
    return digest.hexdigest()


def _period_filter(options: Options) -> Callable[[int], bool] | None:
    since, until = options.since, options.until
    if since is None and until is None:
        return None
    low = since if since is not None else -(1 << 62)
    high = until if until is not None else 1 << 62
    return lambda stamp: low <= stamp < high


def _note(cache_info: dict[str, Any], text: str) -> None:
    """Say once, in the report's `cache.note`, what happened to the cache (the command prints it)."""
    cache_info.setdefault("note", text)


def _open_cache(root: str, key: str) -> tuple[Cache | None, dict[str, Any] | None]:
    """The cache and its validated index; (None, None) when the git directory cannot be read."""
    try:
        cache = Cache.for_repository(gitio.git_dir(root), key)
    except CtxlintError:
        return None, None
    meta = cache.load_meta()
    if meta is not None:
        problem = valid_state(meta["state"], meta["count"])
        if problem is not None:
            cache.problem, meta = f"the index's {problem}", None
    return cache, meta


def _open_writer(cache: Cache, cache_info: dict[str, Any]) -> SegmentWriter | None:
    try:
        return cache.writer()
    except OSError as exc:
        _note(cache_info, _unwritable(cache, exc.strerror or str(exc)))
        return None


def _unwritable(cache: Cache, reason: str) -> str:
    return f"the audit cache cannot be written ({cache.directory}: {reason}); the audit ran without saving it"


def _run(
    root: str,
    cfg: Config,
    options: Options,
    owners: Owners | None,
    agg: Aggregator,
    in_period: Callable[[int], bool] | None,
    cache_info: dict[str, Any],
    read_cache: bool = True,
) -> str | None:
    """Fold the walk into `agg` (through the cache when it holds); what was wrong with the cache."""
    names, tips, negatives = _split_revisions(options.revisions, root)
    cache: Cache | None = None
    meta: dict[str, Any] | None = None
    notes: dict[str, str] = {}
    if options.use_cache:
        key = config_fingerprint(
            cfg,
            [
                "names=" + " ".join(names),
                "not=" + " ".join(sorted(negatives)),
                f"owners={owners.digest if owners else ''}",
                f"depth={options.folder_depth}",
                f"missing={options.missing_limit}",
                f"records={RECORD_VERSION}",
                f"mailmap={mailmap_digest(root)}",
                "decisions=as-of-commit",  # CTX301 judged on the records closed before each commit
            ],
        )
        cache, meta = _open_cache(root, key)
        if not read_cache:
            meta = None
        notes = gitio.notes_map(root)
    if meta is not None and not all(
        any(gitio.is_ancestor(old, new, root) for new in tips) for old in meta["tips"]
    ):
        meta = None  # history was rewritten under the cached tips: start over
    fresh: dict[str, Record] = {}
    if meta is not None and cache is not None:
        cached_notes = meta.get("notes") or {}
        stale = sorted(c for c in cached_notes.keys() | notes.keys() if cached_notes.get(c) != notes.get(c))
        if stale:  # notes added or changed since: re-lint just those commits, in one pass
            try:
                fresh = _relint(stale, root, cfg, owners, options.folder_depth)
            except CtxlintError:
                meta = None
    rebuild = bool(fresh)  # cached aggregates no longer hold: replay every cached record
    if meta is not None:
        walk = [*tips, *(f"^{sha}" for sha in [*meta["tips"], *negatives])]
        period_args: list[str] = []
    else:
        walk = [*tips, *(f"^{sha}" for sha in negatives)]
        # A damaged cache is replaced now, by a whole walk, even for a period: left in place, it
        # would be found damaged (and the history read again) on every period run.
        damaged = not read_cache or (cache is not None and cache.problem is not None)
        period_args = [] if damaged else _period_args(options)
    # A walk cut by --since/--until is partial: cache only complete walks.
    writer = _open_writer(cache, cache_info) if cache is not None and not period_args else None
    # Without a period the report IS the whole walk: one aggregator serves both. With a period,
    # the cached whole-walk state is kept up to date beside the period's own counters.
    full: Aggregator | None = None
    if writer is not None and in_period is not None:
        full = (
            Aggregator.from_state(meta["state"], options.missing_limit)
            if meta is not None and not rebuild
            else Aggregator(options.missing_limit)
        )
    total = None
    if options.progress is not None:
        total = gitio.count_commits(walk, root, period_args)
        options.progress(0, total)
    count = 0
    depth = options.folder_depth
    segment = None
    timeline = history.decision_timeline(walk, cfg, period_args)
    try:
        stream = gitio.iter_log_stats(walk, root, period_args, notes=True)
        for commit, files, outcome in lint_stream(stream, cfg, options.workers, timeline=timeline):
            rec = make_record(commit, files, outcome, owners, depth)
            if writer is not None:
                writer.add(rec)
            if full is not None:
                full.add(rec)
            if in_period is None or in_period(rec[1]):
                agg.add(rec)
            count += 1
            if options.progress is not None and count % 500 == 0:
                options.progress(count, total)
        if options.progress is not None:
            options.progress(count, total)
        cache_info["new_commits"] = count
        if meta is not None and cache is not None:
            cache_info["used"] = True
            cache_info["cached_commits"] = meta["count"]
            cache_info["relinted"] = len(fresh)
            if in_period is None and not rebuild:
                _merge_state(agg, meta["state"])
            else:
                bounds = (None, None) if rebuild else (options.since, options.until)
                for rec in cache.records(meta, *bounds):
                    rec = fresh.get(rec[0], rec)
                    if rebuild and writer is not None:
                        writer.add(rec)
                        if full is not None:
                            full.add(rec)
                    if in_period is None or in_period(rec[1]):
                        agg.add(rec)
        if writer is not None:
            if writer.count:
                segment = writer.close()
            else:
                writer.discard()
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    finally:
        if timeline is not None:
            timeline.close()
    if in_period is None:
        full = agg
    damage = cache.problem if cache is not None else None
    if writer is None or cache is None or full is None:
        return damage
    if writer.error is not None:
        _note(cache_info, _unwritable(cache, writer.error))
        return damage
    if segment is None and meta is not None and tips == meta["tips"] and notes == meta.get("notes"):
        return damage  # nothing changed
    if rebuild or meta is None:
        segments = [segment] if segment else []
        stored = writer.count
    else:
        segments = [*([segment] if segment else []), *meta["segments"]]
        stored = count + meta["count"]
    new_meta = {"tips": tips, "segments": segments, "count": stored, "state": full.state(), "notes": notes}
    try:
        cache.save_meta(cache.compact(new_meta))
    except OSError as exc:  # a read-only or full .git must not fail the audit
        _note(cache_info, _unwritable(cache, exc.strerror or str(exc)))
    return damage


def _relint(shas: list[str], root: str, cfg: Config, owners: Owners | None, depth: int) -> dict[str, Record]:
    """Fresh records for a few commits (those whose note changed), a few hundred per git process."""
    out: dict[str, Record] = {}
    for start in range(0, len(shas), 500):
        stream = gitio.iter_log_stats(shas[start : start + 500], root, ["--no-walk"], notes=True)
        timeline = history.decision_timeline(shas[start : start + 500], cfg, ["--no-walk"])
        try:
            for commit, files, outcome in lint_stream(stream, cfg, 1, timeline=timeline):
                out[commit.sha] = make_record(commit, files, outcome, owners, depth)
        finally:
            if timeline is not None:
                timeline.close()
    return out


def _merge_state(agg: Aggregator, state: dict[str, Any]) -> None:
    """Add a cached aggregate (older commits) to `agg` (newer commits)."""
    old = Aggregator.from_state(state, agg.missing_limit)
    merge_into(agg, old)


def merge_into(agg: Aggregator, old: Aggregator) -> None:
    """Sum `old`'s counters into `agg`; `old` holds commits older than any in `agg`."""
    for i in range(_WIDTH):
        agg.totals[i] += old.totals[i]
    for name, table in old.tables.items():
        target = agg.tables[name]
        for key, counts in table.items():
            bucket = _bucket(target, key)
            for i in range(_WIDTH):
                bucket[i] += counts[i]
    for email, name in old.names.items():
        agg.names.setdefault(email, name)
    for src, dst in ((old.reasons, agg.reasons), (old.rules, agg.rules)):
        for key, value in src.items():
            dst[key] = dst.get(key, 0) + value
    for reason, value in old.skip_reasons.items():
        agg._count_skip(reason, value)
    # Older commits sort after newer ones on equal size: shift their order past agg's.
    for lines, order, entry in old.missing:
        agg._push_missing((lines, order - agg.order, entry))
    agg.missing_total += old.missing_total
    agg.decisions = (agg.decisions + old.decisions)[:DECISION_LIMIT]
    for stamp in (old.first, old.last):
        if stamp is not None:
            agg.first = stamp if agg.first is None else min(agg.first, stamp)
            agg.last = stamp if agg.last is None else max(agg.last, stamp)
    agg.order += old.order
