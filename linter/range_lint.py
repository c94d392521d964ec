"""Lint every commit of a revision range with the configured rules: one git log stream, read
here, and the commits linted in batches by this process and forked workers (linter.fanout), one per
core (at most four; `CTXLINT_JOBS` sets the number, 1 for none). Every output is the same as one
process gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from linter import fanout, gitio, history
from linter.config import Config
from linter.engine import Linter
from linter.findings import Finding
from linter.report.outcome import CommitRecord, Drawn

#: Commits per batch of a range linted in several processes (linter.fanout): a few milliseconds
#: of work each, so that the rounds stay even and the last one leaves little idle.
BATCH = 64
FIRST_BATCH = 128

Batch = list[tuple[gitio.Commit, "frozenset[str] | None"]]
#: A batch's result: its commits' records and its findings, or with a drawer the findings drawn
#: (text, or its UTF-8 bytes) and how many errors and warnings they hold.
Linted = tuple[list[CommitRecord], "list[Finding] | str | bytes", int, int]
Drawer = Callable[[list[Finding]], "str | bytes"]


def walk(
    revisions: list[str], cfg: Config, cwd: str | None = None, shallow: bool | None = None,
    jobs: int = 1, log: gitio.LogStream | None = None, draw: Drawer | None = None,
) -> tuple[list[Finding], list[CommitRecord], Drawn | None]:
    """Findings and a record of every commit the range selects (newest first), in one git log pass,
    linted by `jobs` processes when the range is long (linter.fanout). `log` is the range's log if
    it was started already (history.commits_in_range).

    With `draw` (report.outputs.piece_drawer), each batch's findings are drawn by the process that
    found them, and come back drawn (the Drawn listing) instead of Finding objects: the drawing is
    shared between the processes, and what crosses the pipes is one string of bytes per batch.
    """
    linter = Linter(cfg)

    def lint(batch: Batch) -> Linted:
        records: list[CommitRecord] = []
        findings: list[Finding] = []
        for commit, closed in batch:
            result = history.lint_commit(commit, cfg, linter, closed)
            records.append(CommitRecord(commit.sha, first_line(commit.message), result.exemptions))
            findings.extend(result.findings)
        if draw is None:
            return records, findings, 0, 0
        severities = [f.severity for f in findings]
        return records, draw(findings), severities.count("error"), severities.count("warning")

    findings: list[Finding] = []
    records: list[CommitRecord] = []
    pieces: list[str | bytes] = []
    errors = warnings = 0
    batches = _batches(history.commits_in_range(revisions, cfg, cwd, shallow, log))
    for part_records, part, part_errors, part_warnings in fanout.ordered_map(batches, lint, jobs, _Codec()):
        records.extend(part_records)
        if isinstance(part, (str, bytes)):
            pieces.append(part)
            errors += part_errors
            warnings += part_warnings
        else:
            findings.extend(part)
    return findings, records, Drawn(pieces, errors, warnings) if draw is not None else None


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
        records, part, errors, warnings = result
        packed = part if isinstance(part, (str, bytes)) else [
            (f.code, f.name, f.severity, f.message, f.commit, f.subject, f.path, f.line, f.decision) for f in part
        ]
        # a record's commit and subject are the batch's, which the parent keeps: only the
        # exemptions cross
        return [r.exemptions for r in records], packed, errors, warnings

    def unpack_result(self, data: fanout.Packed, batch: Batch) -> Linted:
        exemptions, part, errors, warnings = data
        if not isinstance(part, (str, bytes)):
            part = [Finding(*f) for f in part]
        records = [_record(commit, applied) for (commit, _), applied in zip(batch, exemptions)]
        return records, part, errors, warnings


def _record(commit: gitio.Commit, exemptions: tuple[str, ...]) -> CommitRecord:
    return CommitRecord(commit.sha, first_line(commit.message), exemptions)


def first_line(text: str) -> str:
    """The text up to its first line break, without copying the rest (messages can be long)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]
