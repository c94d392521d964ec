"""CTX3xx on commit messages: a message must not silently reopen a closed decision.

This module is imported by every commit-msg hook, so it imports nothing of the decision
machinery until it knows the repository has a decision folder: a repository without records
pays a handful of `stat` calls.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.checks import CommitContext, check
from linter.config import Config, find_root
from linter.message import Message


def _decision_root(cfg: Config) -> str | None:
    """The repository root when it has decision folders, else None; looked up once per config
    and working directory, since a range check asks for every commit."""
    import os

    key = f"decision-root:{os.getcwd()}"
    if key not in cfg.memo:
        root = find_root()
        if root is not None:
            from linter.decisions import discover

            if not discover.folders(root, cfg):
                root = None
        cfg.memo[key] = root
    cached = cfg.memo[key]
    return cached if isinstance(cached, str) else None


def _has_decisions(cfg: Config) -> bool:
    return _decision_root(cfg) is not None


@check("CTX301", active=_has_decisions)
def reopened_decision(msg: Message, ctx: CommitContext, cfg: Config) -> Iterator[str]:
    root = _decision_root(cfg)
    if root is None:
        return
    from linter.decisions.reopening import check_message

    # A commit from history can only reopen what had been decided when it was made.
    before = None
    if ctx.timestamp is not None:
        import time

        before = time.strftime("%Y-%m-%d", time.gmtime(ctx.timestamp))
    yield from check_message(msg, root, cfg, before=before)
