"""`ctxlint check-decisions FILES...`: new or changed records must not silently reopen a closed one.

What the pre-commit hook on decision folders runs. Files outside the decision folders are ignored,
so the hook can be given every staged Markdown file. For the records it is given it reports what
`ctxlint decisions` reports about them (broken or one-way links, reused numbers, missing or
unknown status, ...), and each record that re-raises an older closed decision it does not
supersede (CTX301).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from linter.findings import Finding, exit_code

if TYPE_CHECKING:
    import argparse

    from linter.config import Config
    from linter.decisions.records import Record


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", help="record files (as pre-commit passes them)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def run(args: argparse.Namespace) -> int:
    from linter.checks import decision_health
    from linter.commands.decisions import repository
    from linter.decisions import discover, records

    root, cfg = repository(args.config)
    folders = discover.folders(root, cfg)
    if not folders:
        return 0
    rels = []
    for name in args.files:
        rel = os.path.relpath(os.path.abspath(name), root).replace(os.sep, "/")
        if (
            discover.in_decision_folder(rel, root, cfg)
            and discover.is_record_name(os.path.basename(rel))
            and os.path.isfile(os.path.join(root, rel))
            and rel not in rels
        ):
            rels.append(rel)
    findings: list[Finding] = []
    if rels:
        log = records.read_all(root, cfg)
        given = set(rels)
        findings.extend(f for f in decision_health.check(log, cfg) if f.path in given)
        findings.extend(reopenings(root, cfg, rels, log, folders))
    if args.format == "json":
        from linter.report import json_report

        json_report.write(findings, sys.stdout)
    elif findings:
        from linter.report import text as text_report

        text_report.write(
            findings,
            sys.stdout,
            f"ctxlint: {len(findings)} problem{'s' * (len(findings) != 1)} in the decision records",
        )
    return exit_code(findings)


def reopenings(
    root: str, cfg: Config, rels: Sequence[str], records: Sequence[Record], folders: Sequence[str]
) -> list[Finding]:
    """CTX301 for the given records: each older closed decision one re-raises without superseding it."""
    from linter.checks.reopening import check_records, describe

    name, severity = cfg.rule_severity("CTX301")
    if severity == "off":
        return []
    by_path = {r.path: r for r in records}
    added: set[str] | None = None
    out: list[Finding] = []
    for rel, item in check_records(root, cfg, rels):
        new, old = by_path.get(rel), by_path.get(item.entry.path)
        if new is None or old is None or not is_earlier(old, new):
            continue  # a record never re-raises a later one: the later one re-raises it, if anything
        if added is None:
            from linter import gitio

            added = set(gitio.staged_paths(folders, root, added_only=True))
        if old.path in added:
            continue  # added in the same commit: it was not closed before this one
        text = describe(item, root, f"{new.title}\n{new.context[:2000]}")
        text = text.replace("add a 'Reopens: ", "declare 'Supersedes ").replace(
            "' trailer and say why the decision should change", "' in the new record's status"
        )
        out.append(Finding("CTX301", name, severity, text, path=rel, decision=item.entry.path))
    return out


def is_earlier(old: Record, new: Record) -> bool:
    """Whether record `old` was decided before record `new`, by their own word: a supersede link
    either way, then their numbers, then their dates. Unknown order counts as earlier."""
    if any(new.refers_to(ref, old.path, link=True) for ref in old.supersedes) or any(
        old.refers_to(ref, new.path, link=True) for ref in new.superseded_by
    ):
        return False  # `old` says it replaces `new`, or `new` says it was replaced by `old`
    if any(old.refers_to(ref, new.path, link=True) for ref in new.supersedes) or any(
        new.refers_to(ref, old.path, link=True) for ref in old.superseded_by
    ):
        return True
    if old.number is not None and new.number is not None and old.number != new.number:
        return old.number < new.number
    if old.date and new.date and old.date != new.date:
        return old.date < new.date
    return True
