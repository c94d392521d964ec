"""`ctxlint annotate REV --ticket KEY --why TEXT`: add missing context as a git note.

The note lives in `refs/notes/ctxlint` and never rewrites history; `check-range` and `audit` read
it in the same `git log` pass as the messages and lint message plus note.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from linter import config as config_module
from linter import gitio
from linter.errors import CtxlintError
from linter.report.safety import clean_line

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("rev", metavar="REV", help="the commit to annotate")
    add("--ticket", action="append", default=[], metavar="KEY",
        help="ticket reference to record (repeatable), e.g. ABC-123")
    add("--why", metavar="TEXT", help="the rationale to record: why the change was made")
    add("--force", action="store_true", help="replace an existing ctxlint note on REV")


def note_text(tickets: list[str], why: str | None, cfg: config_module.Config) -> str:
    """The note's trailer lines, validated like a commit message's own would be."""
    from linter.checks.rationale import judge

    lines: list[str] = []
    for ticket in tickets:
        ticket = ticket.strip()
        if not ticket or "\n" in ticket or not cfg.tickets.find(ticket):
            raise CtxlintError(
                f"--ticket {clean_line(ticket)!r} is not a ticket reference this configuration recognises"
            )
        lines.append(f"{cfg.text('ticket-trailer') or 'Refs'}: {ticket}")
    if why is not None:
        why = " ".join(why.split())
        problem = judge(why, "", 2, cfg)
        if problem is not None:
            raise CtxlintError(f"--why {problem}; say why the change was needed")
        keys = cfg.strings("rationale-trailers")
        lines.append(f"{keys[0] if keys else 'Why'}: {why}")
    if not lines:
        raise CtxlintError("nothing to record: give --ticket and/or --why")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)
    rev: str = args.rev
    sha = gitio.resolve(rev, root)
    if sha is None:
        raise CtxlintError(f"revision {rev!r} is not in this repository")
    text = note_text(args.ticket, args.why, cfg)
    gitio.write_note(sha, text, root, replace=args.force)
    sys.stderr.write(
        f"ctxlint: annotated {sha[:12]} in {gitio.NOTES_REF}; share it with "
        f"`git push origin {gitio.NOTES_REF}`\n"
    )
    return 0
