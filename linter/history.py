"""Lint commits read from history: one `git log -z` stream, the same engine per commit.

`check-range`, `pre-push`, `ci` and `audit` all walk history through here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Optional

from linter import gitio
from linter.checks.protocol import CommitContext
from linter.config import Config
from linter.engine import Linter
from linter.errors import CtxlintError
from linter.findings import Result
from linter.message import MAX_MESSAGE_BYTES, parse
from linter.regexcache import regex

if TYPE_CHECKING:
    from linter.decisions.timeline import Timeline

SHALLOW_FIX = "fetch the history first (actions/checkout: `fetch-depth: 0`, or `git fetch --deepen=200`)"


#: A note line that reads as a trailer (`Refs: ABC-123`, `Why: ...`).
_NOTE_LINE = regex(r"^[A-Za-z0-9][A-Za-z0-9-]*[ \t]*:[ \t]*\S")


def with_note(message: str, note: str) -> str:
    """The message as if the note's trailer lines (`Refs:`, `Why:`) had been written in it.

    They join the message's trailer block when it ends with one, else they form a new one, so
    that the rules read them exactly as they would read trailers committed with the change.
    """
    lines = [line.strip() for line in note.splitlines() if _NOTE_LINE.match(line.strip())]
    if not lines:
        return message
    body = message.rstrip("\n")
    if not body:
        return "\n\n".join(("(no message)", "\n".join(lines))) + "\n"
    ends_with_trailers = bool(parse(body, comment_char=None).trailers)
    return body + ("\n" if ends_with_trailers else "\n\n") + "\n".join(lines) + "\n"


def lint_commit(commit: gitio.Commit, cfg: Config, linter: Linter | None = None,
                decisions: frozenset[str] | None = None) -> Result:
    """Lint one commit from history (its message as stored: no comment stripping).

    A ctxlint note on the commit (`ctxlint annotate`) counts as part of its message. A walk over
    many commits passes one `linter` for them all, and `decisions`: the records closed before
    this commit (decisions.timeline).
    """
    text = with_note(commit.message, commit.note) if commit.note else commit.message
    truncated = len(text) > MAX_MESSAGE_BYTES
    # isascii() reads a flag the string already holds: most messages need no scan for U+FFFD
    msg = parse(text[:MAX_MESSAGE_BYTES], None, decode_errors=not text.isascii() and "\ufffd" in text,
                truncated=truncated)
    # positional: this runs once per commit of a range
    ctx = CommitContext(commit.sha, commit.author, len(commit.parents), "history", commit.timestamp, decisions)
    return (linter or Linter(cfg)).lint(msg, ctx)


def any_commit(cwd: str | None) -> bool:
    """Whether any branch or tag has a commit (HEAD may be an unborn branch beside them)."""
    return bool(gitio.try_run(["rev-list", "-n1", "--all"], cwd))


def check_revisions(revisions: Sequence[str], cwd: str | None = None) -> None:
    """Fail with one line (and the fix) when a revision named in a range is not in this clone."""
    gitio.refuse_options(revisions)
    for spec in revisions:
        ends = spec.replace("...", "..").split("..") if ".." in spec else [spec]
        for end in ends:
            if not end or end.startswith("^"):
                end = end.lstrip("^")
                if not end:
                    continue
            if gitio.resolve(end, cwd) is None:
                hint = ""
                if not gitio.has_commits(cwd) and not any_commit(cwd):
                    raise CtxlintError(f"revision {end!r} does not exist yet: this repository has no commits")
                if gitio.is_shallow(cwd):
                    hint = f"; this is a shallow clone: {SHALLOW_FIX}"
                raise CtxlintError(f"revision {end!r} is not in this repository{hint}")
        if (len(ends) == 2 and all(ends) and gitio.is_shallow(cwd)
                and gitio.merge_base(ends[0], ends[1], cwd) is None):
            # Both ends are here but their common history is cut off: `git log A..B` would walk B
            # down to the shallow boundary and lint commits that are not in the range at all.
            raise CtxlintError(f"the merge base of {ends[0]!r} and {ends[1]!r} is not in this shallow clone; "
                               f"{SHALLOW_FIX}")


def walk(revisions: Sequence[str], cfg: Config, cwd: str | None = None,
         extra: Sequence[str] = ()) -> Iterator[tuple[gitio.Commit, Result]]:
    """Every commit the revisions select, newest first, with its lint result (notes honoured)."""
    linter = Linter(cfg)
    for commit, closed in commits(revisions, cfg, cwd, extra):
        yield commit, lint_commit(commit, cfg, linter, closed)


def commits(revisions: Sequence[str], cfg: Config, cwd: str | None = None,
            extra: Sequence[str] = (), log: gitio.LogStream | None = None,
            ) -> Iterator[tuple[gitio.Commit, frozenset[str] | None]]:
    """Every commit the revisions select, newest first, with the decision records closed before
    it (None when the repository keeps none): what `lint_commit` needs besides the config.
    `log` is that log already started (`gitio.open_log` with the same revisions, notes and no `extra`)."""
    timeline = decision_timeline(revisions, cfg, extra)
    try:
        for commit in log if log is not None else gitio.iter_log(revisions, cwd, extra, notes=True):
            yield commit, timeline.closed_before(commit.sha, commit.parents) if timeline is not None else None
    finally:
        if timeline is not None:
            timeline.close()


def decision_timeline(revisions: Sequence[str], cfg: Config, extra: Sequence[str] = ()) -> Timeline | None:
    """Which decision records each commit of a walk could re-raise (None: no records here)."""
    from linter.checks.decisions import timeline

    return timeline(revisions, cfg, extra)


def commits_in_range(revisions: Sequence[str], cfg: Config, cwd: str | None = None,
                     shallow: bool | None = None,
                     log: gitio.LogStream | None = None) -> Iterator[tuple[gitio.Commit, frozenset[str] | None]]:
    """`commits` over revisions a user named: a missing revision or a cut history is one clear line.

    In a full clone the revisions are checked only when git log fails, to say which one is missing
    (checking first would cost a git process per revision on every run). A shallow clone is checked
    first: there git log would walk past a missing merge base down to the shallow boundary, so a
    `log` started early (`gitio.open_log`) is discarded there and started again once the check passed.
    """
    gitio.refuse_options(revisions)
    if shallow is None:
        shallow = gitio.is_shallow(cwd)
    if shallow:
        if log is not None:
            log.discard()
            log = None
        check_revisions(revisions, cwd)
    try:
        yield from commits(revisions, cfg, cwd, log=log)
    except CtxlintError:
        if not shallow:
            check_revisions(revisions, cwd)  # raises the precise error when a revision is the cause
        raise
    finally:
        if log is not None:
            log.discard()  # a walk stopped early or failed before reading: git stops too


#: A commit on its way to another process (a range's or an audit's worker): (sha, parents, author
#: name, author email, timestamp, message, note, the decision records closed before it or None).
Job = tuple[str, tuple[str, ...], str, str, int, str, str, Optional[frozenset[str]]]


def to_job(commit: gitio.Commit, closed: frozenset[str] | None) -> Job:
    """The commit and what it can re-raise as plain data, the cheapest kind to send."""
    return (commit.sha, commit.parents, commit.author_name, commit.author_email, commit.timestamp, commit.message,
            commit.note, closed)


def from_job(job: Job) -> tuple[gitio.Commit, frozenset[str] | None]:
    """The commit and the records closed before it, back from `to_job`'s data."""
    sha, parents, name, email, timestamp, message, note, closed = job
    return gitio.Commit(sha, parents, name, email, timestamp, message, note), closed
