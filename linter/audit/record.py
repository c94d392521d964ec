"""One commit as the audit keeps it: a `Record`, and its on-disk form in the cache.

A record holds only what the aggregates and the lists of the report need (who, when, which
flags, how many lines where), so that a cached history replays without git or the engine.
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from typing import NamedTuple, Optional

from linter import gitio
from linter.codeowners import UNOWNED, Owners
from linter.tickets import project_of

#: Bits of `Record.flags`.
TICKET, RATIONALE = 1, 2

#: What a lint worker sends back per commit: (exemptions, skip reason, tickets, has rationale,
#: codes). A plain tuple: it crosses a process pipe, where pickling a NamedTuple costs ~40x more.
Outcome = tuple[tuple[str, ...], Optional[str], tuple[str, ...], bool, tuple[str, ...]]


class Record(NamedTuple):
    """A commit's audit outcome: who, when, what it carries and how many lines it changed where."""

    sha: str
    timestamp: int
    email: str  # lower case: one author under differently cased addresses is one row
    name: str
    flags: int  # TICKET | RATIONALE
    exemptions: tuple[str, ...]
    skip: str  # the skip trailer's reason, "" without one
    projects: tuple[str, ...]  # the ticket projects it names
    lines: int
    folders: tuple[tuple[str, int], ...]  # (folder, lines changed in it)
    owners: tuple[tuple[str, int], ...]  # (CODEOWNERS owner, lines changed in what they own)
    subject: str  # only where a list of the report may show it, else ""
    codes: tuple[str, ...]  # the rules with a finding


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
    outcome: Outcome,
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
    return Record(
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


# -- on disk -------------------------------------------------------------------------------------
# A chunk of records is a marshal'd list of plain tuples in Record's field order: marshal writes
# and reads only exact built-in types, and is the fastest codec for them.

_WIDTH = len(Record._fields)


def dump_records(records: Sequence[Record]) -> bytes:
    """A chunk of records as bytes."""
    return marshal.dumps([tuple(rec) for rec in records])


def load_records(blob: bytes, count: int) -> list[Record]:
    """The `count` records `dump_records` wrote to `blob`; ValueError says what is wrong with the bytes.

    Only the shape is checked here (a list of `count` tuples of the record's width): the caller
    checks the bytes' checksum before, since marshal trusts its input.
    """
    try:
        rows = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        raise ValueError("is damaged") from None
    if type(rows) is not list or len(rows) != count or not all(
        type(row) is tuple and len(row) == _WIDTH for row in rows
    ):
        raise ValueError("holds malformed records")
    return [Record._make(row) for row in rows]
