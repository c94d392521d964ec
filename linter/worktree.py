"""Where the repository is, found on disk with a few `stat` calls and without starting git.

The commit hook's path asks here: starting git costs more than the whole lint of a message. Where
git's own answer is needed (GIT_DIR or GIT_WORK_TREE set, a bare repository, an error that must
say what git says), gitio asks git: `gitio.toplevel`, `gitio.git_root`, `gitio.git_dir`.
"""

from __future__ import annotations

import os


def find_root(start: str | None = None) -> str | None:
    """The nearest folder at or above `start` that holds `.git` (a folder or a worktree file);
    git decides when GIT_DIR or GIT_WORK_TREE is set: a hook in a linked worktree, `git
    --git-dir=... commit`, or a user's own GIT_DIR pointing elsewhere."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        from linter import gitio

        return gitio.git_root(start)
    path = os.path.abspath(start or os.getcwd())
    while True:
        if os.path.exists(os.path.join(path, ".git")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def find_git_dir(root: str) -> str | None:
    """The git directory of the checkout at `root`, read from `.git` without running git.

    In a linked worktree `.git` is a file naming the real directory; following it here keeps a
    subprocess off the commit hook's path.
    """
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    from linter.files import Unreadable, read_regular_file

    try:
        line = read_regular_file(dot_git, 64 * 1024).decode("utf-8", "replace").partition("\n")[0].strip()
    except (OSError, Unreadable):
        return None
    if line.startswith("gitdir:"):
        target = line[len("gitdir:") :].strip()
        return target if os.path.isabs(target) else os.path.normpath(os.path.join(root, target))
    return None
