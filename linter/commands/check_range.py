"""`ctxlint check-range RANGE`: lint every commit in a revision range with the configured rules.

The range's git log starts first, before the rules are imported and the config is read: git then
writes the first thousands of commits on another core meanwhile (linter.range_lint reads it).
"""

from __future__ import annotations

from linter import TYPE_CHECKING, gitio
from linter.report import outputs

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("revisions", nargs="+", metavar="RANGE", help="revision range(s), e.g. origin/main..HEAD")
    outputs.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    revisions: list[str] = args.revisions
    gitio.refuse_options(revisions)
    log = gitio.open_log(revisions, notes=True)
    try:
        from linter import config, fanout, range_lint
        from linter.findings import exit_code_of
        from linter.report.outcome import Outcome

        root, shallow = gitio.toplevel_and_shallow()
        cfg = config.load(root, args.config)
        findings, records, drawn = range_lint.walk(revisions, cfg, shallow=shallow, jobs=fanout.default_jobs(),
                                                   log=log, draw=outputs.piece_drawer(args))
    finally:
        log.discard()  # not read when the repository, the config or a revision failed first
    outcome = Outcome("check-range", findings, records, root=root, config_path=cfg.source, drawn=drawn)
    outcome.extra.update(outcome.counts())
    if not records:
        outcome.notes.append(f"no commits in {' '.join(revisions)}: nothing was checked")
    outputs.emit(outcome, args)
    return exit_code_of(outcome.errors)
