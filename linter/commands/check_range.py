"""`ctxlint check-range RANGE`: lint every commit in a revision range with the configured rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter import config as config_module
from linter import gitio, history
from linter.findings import Finding, exit_code
from linter.report import outputs
from linter.report.outcome import CommitRecord, Outcome

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("revisions", nargs="+", metavar="RANGE", help="revision range(s), e.g. origin/main..HEAD")
    outputs.add_arguments(parser)


def collect(
    revisions: list[str], cfg: config_module.Config, cwd: str | None = None
) -> tuple[list[Finding], int]:
    """(findings, number of commits checked) for the range."""
    findings, records = walk(revisions, cfg, cwd)
    return findings, len(records)


def walk(
    revisions: list[str], cfg: config_module.Config, cwd: str | None = None, shallow: bool | None = None
) -> tuple[list[Finding], list[CommitRecord]]:
    """Findings and a record of every commit the range selects (newest first), in one git log pass."""
    findings: list[Finding] = []
    records: list[CommitRecord] = []
    for commit, result in history.walk_range(revisions, cfg, cwd, shallow):
        records.append(CommitRecord(commit.sha, first_line(commit.message), result.exemptions))
        findings.extend(result.findings)
    return findings, records


def first_line(text: str) -> str:
    """The text up to its first line break, without copying the rest (messages can be long)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def run(args: argparse.Namespace) -> int:
    root, shallow = gitio.toplevel_and_shallow()
    cfg = config_module.load(root, args.config)
    revisions: list[str] = args.revisions
    findings, records = walk(revisions, cfg, shallow=shallow)
    outcome = Outcome("check-range", findings, records, root=root, config_path=cfg.source)
    outcome.extra.update(outcome.counts())
    if not records:
        outcome.notes.append(f"no commits in {' '.join(revisions)}: nothing was checked")
    outputs.emit(outcome, args)
    return exit_code(findings)
