"""CTX3xx on commit messages: a message must not silently reopen a closed decision.

This module is imported by every commit-msg hook, so it imports nothing of the decision
machinery until it knows the repository has a decision folder: a repository without records
pays a handful of `stat` calls.

"Closed" means closed when the commit was made: a commit from history is checked only against
the records its ancestry held with a closed status, less those it adds or edits itself
(`decisions.timeline`, given per commit in `CommitContext.decisions`); a commit being made now is
checked against the records in the work tree, less those it stages.
"""

from __future__ import annotations

from collections.abc import Sequence

from linter import TYPE_CHECKING
from linter.checks.protocol import CheckFunction, CommitContext, check
from linter.config import Config, per_config
from linter.message import Message

if TYPE_CHECKING:
    from linter.decisions.timeline import Timeline


@per_config
def _decision_roots(cfg: Config) -> dict[str, str | None]:
    """working directory -> `_decision_root` there"""
    return {}


def _decision_root(cfg: Config) -> str | None:
    """The repository root when it has decision folders, else None; looked up once per config
    and working directory, since a range check asks for every commit."""
    import os

    roots = _decision_roots(cfg)
    cwd = os.getcwd()
    if cwd not in roots:
        from linter.worktree import find_root

        root = find_root()
        if root is not None:
            from linter.decisions import discover

            if not discover.folders(root, cfg):
                root = None
        roots[cwd] = root
    return roots[cwd]


def timeline(revisions: Sequence[str], cfg: Config, extra: Sequence[str] = ()) -> Timeline | None:
    """The decision timeline of a history walk (one git log stream of the decision folders), or
    None when CTX301 cannot fire here (no records, the rule off) or git cannot give it."""
    root = _decision_root(cfg)
    if root is None:
        return None

    if cfg.rule_severity("CTX301")[1] == "off":
        return None
    from linter.decisions import discover
    from linter.decisions.timeline import Timeline
    from linter.errors import CtxlintError

    try:
        return Timeline.of_walk(root, discover.folders(root, cfg), revisions, extra)
    except CtxlintError:
        return None  # a git too old for the stream: fall back to the records' dates


def closed_between(base: str, head: str, cfg: Config) -> frozenset[str] | None:
    """For a pull request's text: the records closed where it leaves `base`, less those it changes
    on its way to `head` (a PR that adds a record does not re-raise it). None when unknown."""
    root = _decision_root(cfg)
    if root is None:
        return None
    from linter import gitio
    from linter.decisions import discover
    from linter.decisions.timeline import Timeline
    from linter.errors import CtxlintError

    folders = discover.folders(root, cfg)
    fork = gitio.merge_base(base, head, root)
    if fork is None:
        return None
    timeline = Timeline(root, folders, {})
    try:
        closed = timeline.closed_before(fork, ())
        changed = gitio.changed_paths(fork, head, folders, root)
    except CtxlintError:
        return None
    finally:
        timeline.close()
    return closed - frozenset(changed) if closed is not None else None


def _prepared(cfg: Config) -> CheckFunction | None:
    """CTX301 for a run in this repository: its records found and their quick test at hand, so
    that a commit the quick test rules out (most of them) costs the test alone; None where there
    are no records. The same verdicts as `reopened_decision`, which it calls for the others."""
    root = _decision_root(cfg)
    if root is None:
        return None
    from linter.checks.reopening import quick_test

    test = quick_test(root, cfg)
    if test is None:
        return None  # decision folders without a record in them

    def prepared(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
        eligible = ctx.decisions
        if (eligible is not None and not eligible) or not test(msg.subject, msg.body_paragraphs):
            return ()
        return reopened_decision(msg, ctx, cfg)

    return prepared


@check("CTX301", prepare=_prepared)
def reopened_decision(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    root = _decision_root(cfg)
    if root is None:
        return ()
    eligible = ctx.decisions
    if eligible is not None and not eligible:
        return ()  # nothing had been decided yet when this commit was made
    from linter.checks.reopening import check_message

    problems = check_message(msg, root, cfg, written=ctx.timestamp, eligible=eligible)
    if problems and ctx.source == "commit-msg":
        # A commit being made never re-raises a record it adds or edits itself.
        from linter import gitio
        from linter.decisions import discover

        staged = set(gitio.staged_paths(discover.folders(root, cfg), root))
        problems = [p for p in problems if getattr(p, "decision", None) not in staged]
    return problems
