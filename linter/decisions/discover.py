"""Where a repository keeps its decision records, found with a few `stat` calls.

This module is imported on the commit hook's path: it must stay free of the parser and the index,
so that a repository without records pays nothing but the checks below.
"""

from __future__ import annotations

import os
import stat

from linter.config import Config

#: The folders adr-tools, log4brains and MADR use, in the order they are tried.
DEFAULT_FOLDERS = (
    "doc/adr",
    "docs/adr",
    "docs/adrs",
    "docs/decisions",
    "docs/architecture/decisions",
    "docs/architecture-decisions",
    "docs/architecture/adr",
    "adr",
    "adrs",
    "decisions",
)

#: Files in a decision folder that are not records.
_NOT_RECORDS = frozenset(
    {
        "readme.md",
        "index.md",
        "template.md",
        "adr-template.md",
        "_template.md",
        "toc.md",
        "summary.md",
        "changelog.md",
        "license.md",
    }
)
RECORD_SUFFIXES = (".md", ".markdown")
#: The largest record read: real ones are a few KiB; past this a file is skipped, and said so.
MAX_RECORD_BYTES = 2 * 1024 * 1024


def folders(root: str, cfg: Config) -> list[str]:
    """The repo-relative decision folders that exist: the configured ones, else the first usual one."""
    configured = cfg.strings("paths", "decisions")
    if configured:
        return [p.strip("/") for p in configured if os.path.isdir(os.path.join(root, p))]
    for candidate in DEFAULT_FOLDERS:
        if os.path.isdir(os.path.join(root, candidate)):
            return [candidate]
    return []


def is_record_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(RECORD_SUFFIXES) and lower not in _NOT_RECORDS and not lower.startswith(".")


def record_paths(root: str, cfg: Config) -> list[str]:
    """Repo-relative paths (with `/`) of every record file, sorted, under the decision folders."""
    return sorted(record_stamps(root, cfg))


def record_stamps(root: str, cfg: Config) -> dict[str, tuple[int, int]]:
    """Every record file's repo-relative path -> (mtime in ns, size), from one directory scan."""
    found: dict[str, tuple[int, int]] = {}
    pending = [(os.path.join(root, folder), folder.strip("/")) for folder in folders(root, cfg)]
    while pending:
        directory, rel = pending.pop()
        try:
            with os.scandir(directory) as items:
                for item in items:
                    name = item.name
                    if item.is_dir(follow_symlinks=False):
                        if not name.startswith((".", "_")) and name != "templates":
                            pending.append((item.path, f"{rel}/{name}"))
                    elif is_record_name(name):
                        try:
                            st = item.stat()
                        except OSError:
                            continue
                        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_RECORD_BYTES:
                            _skip(f"{rel}/{name}", st)  # a FIFO would block every read
                            continue
                        found[f"{rel}/{name}"] = (st.st_mtime_ns, st.st_size)
        except OSError:
            continue
    return found


def _skip(path: str, st: os.stat_result) -> None:
    from linter import files

    files.skip(path, files.problem(st.st_mode, st.st_size, MAX_RECORD_BYTES) or "not read")


def in_decision_folder(path: str, root: str, cfg: Config) -> bool:
    """Whether the repo-relative `path` lies in one of the decision folders."""
    norm = path.replace(os.sep, "/").lstrip("./")
    return any(norm.startswith(folder.rstrip("/") + "/") for folder in folders(root, cfg))


def git_dir(root: str) -> str | None:
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
