"""Cache files under the git directory: written whole or not at all, never a reason to fail."""

from __future__ import annotations

import os


def folder(root: str) -> str | None:
    """`<git dir>/ctxlint` of the checkout at `root`: where every cache file of a repository lives
    (ADR 5), never in the work tree; None where `root` holds no git directory."""
    from linter.worktree import find_git_dir

    gdir = find_git_dir(root)
    return os.path.join(gdir, "ctxlint") if gdir else None


#: The largest cache file read back: far past any this project writes (the index of 736 PEPs is a
#: few MB); anything larger is not ours, and is rebuilt rather than read into memory.
MAX_BYTES = 256 << 20


def read(path: str) -> object:
    """What `write_atomically` wrote at `path`, or None when there is nothing usable there (no
    file, an unreadable or corrupt one, a FIFO or device in its place): a cache is rebuilt, never
    a reason to fail or to wait."""
    import marshal

    from linter.files import Unreadable, read_regular_file

    try:
        data = read_regular_file(path, MAX_BYTES)
        # marshal.loads on the whole buffer: marshal.load on a file reads it in tiny pieces.
        return marshal.loads(data)
    except (OSError, Unreadable, EOFError, ValueError, TypeError):
        return None


def write_atomically(path: str, data: object) -> None:
    """Write `data` (marshal) through a temp file in the same folder and os.replace it: readers see
    the old file or the new one, whole. A read-only or full .git leaves the cache as it was."""
    import marshal
    import tempfile  # only when writing: it pulls in random and shutil

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError:
        return  # a read-only .git: work without a cache rather than fail the commit
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(data))  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
