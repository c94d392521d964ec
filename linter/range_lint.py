"""Lint every commit of a revision range with the configured rules: one git log stream, read
here, and the commits linted in batches by this process and forked workers (linter.fanout), one per
core (at most four; `CTXLINT_JOBS` sets the number, 1 for none). Every output is the same as one
process gives.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import fanout, gitio, history
from linter.config import Config
from linter.engine import Linter
from linter.findings import Finding
from linter.report.outcome import CommitRecord


def collect(revisions: list[str], cfg: Config, cwd: str | None = None) -> tuple[list[Finding], int]:
    """(findings, number of commits checked) for the range."""
    findings, records = walk(revisions, cfg, cwd)
    return findings, len(records)


#: Commits per batch of a range linted in several processes (linter.fanout): a few milliseconds
#: of work each, so that the rounds stay even and the last one leaves little idle.
BATCH = 64
FIRST_BATCH = 128

Batch = list[tuple[gitio.Commit, "frozenset[str] | None"]]
Linted = tuple[list[CommitRecord], list[Finding]]


def walk(
    revisions: list[str], cfg: Config, cwd: str | None = None, shallow: bool | None = None,
    jobs: int = 1, log: gitio.LogStream | None = None,
) -> tuple[list[Finding], list[CommitRecord]]:
    """Findings and a record of every commit the range selects (newest first), in one git log pass,
    linted by `jobs` processes when the range is long (linter.fanout). `log` is the range's log if
    it was started already (history.commits_in_range)."""
    linter = Linter(cfg)

    def lint(batch: Batch) -> Linted:
        records: list[CommitRecord] = []
        findings: list[Finding] = []
        for commit, closed in batch:
            result = history.lint_commit(commit, cfg, linter, closed)
            records.append(CommitRecord(commit.sha, first_line(commit.message), result.exemptions))
            findings.extend(result.findings)
        return records, findings

    findings: list[Finding] = []
    records: list[CommitRecord] = []
    batches = _batches(history.commits_in_range(revisions, cfg, cwd, shallow, log))
    for part_records, part_findings in fanout.ordered_map(batches, lint, jobs, _Codec()):
        records.extend(part_records)
        findings.extend(part_findings)
    return findings, records


def _batches(stream: Iterator[tuple[gitio.Commit, frozenset[str] | None]]) -> Iterator[Batch]:
    batch: Batch = []
    size = FIRST_BATCH
    for item in stream:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
            size = BATCH
    if batch:
        yield batch


class _Codec(fanout.Codec[Batch, Linted]):
    """A batch and its result as plain tuples, for a worker process and back."""

    def pack_batch(self, batch: Batch) -> fanout.Packed:
        return [history.to_job(commit, closed) for commit, closed in batch]

    def unpack_batch(self, data: fanout.Packed) -> Batch:
        return [history.from_job(job) for job in data]

    def pack_result(self, result: Linted) -> fanout.Packed:
        records, findings = result
        return ([(r.sha, r.subject, r.exemptions) for r in records],
                [(f.code, f.name, f.severity, f.message, f.commit, f.subject, f.path, f.line, f.decision)
                 for f in findings])

    def unpack_result(self, data: fanout.Packed) -> Linted:
        records, findings = data
        return [CommitRecord(*r) for r in records], [Finding(*f) for f in findings]


def first_line(text: str) -> str:
    """The text up to its first line break, without copying the rest (messages can be long)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]
