"""Reading files that the work tree holds: regular files only, and only up to a size cap.

A FIFO, socket or device (or a symlink to one) where a config file or a decision record is
expected would block a read forever or never end, and a huge file would fill memory; a repository
can hold any of them (a pull request's tree is a stranger's). Such files are not read: they are
remembered here, so that the command line says once which were skipped (cli.py).

Files named on the command line (a message file, --body-file) are the user's choice and may be
pipes (`<(...)`); they are read with a cap but without this check.
"""

from __future__ import annotations

import os
import stat

#: (path, reason) of every file skipped in this process, in the order met; one entry per path.
_SKIPPED: dict[str, str] = {}

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class Unreadable(Exception):
    """A work-tree file that is not read: `reason` says why, in a few words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def problem(mode: int, size: int, limit: int) -> str | None:
    """Why a file with this stat() mode and size is not read, or None when it may be."""
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        return f"{kind}, not a regular file"
    if size > limit:
        return f"larger than {_size(limit)} ({_size(size)})"
    return None


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def read_regular_file(path: str, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises Unreadable for anything else, and OSError when the file cannot be opened or read.
    """
    reason = problem(*_mode_and_size(os.stat(path)), limit)
    if reason:
        raise Unreadable(path, reason)
    # O_NONBLOCK: should the path become a FIFO between the stat and the open, the open returns
    # at once instead of waiting for a writer; fstat on the open file then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        reason = problem(*_mode_and_size(os.fstat(fd)), limit)
        if reason:
            raise Unreadable(path, reason)
        data = read_up_to(fd, limit + 1)  # one byte more than the cap tells a file that grew since the stat
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Unreadable(path, f"larger than {_size(limit)}")
    return data


def read_up_to(fd: int, size: int) -> bytes:
    """Up to `size` bytes from `fd`, fewer only at its end (a pipe hands them over in pieces)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


#: fcntl's F_SETPIPE_SZ (Linux); named here since `fcntl` spells it only from Python 3.10.
_F_SETPIPE_SZ = 1031
#: What `widen_pipe` asks for: /proc/sys/fs/pipe-max-size, the most an unprivileged process may
#: ask, is 1 MiB by default.
PIPE_BYTES = 1 << 20


def widen_pipe(fd: int, size: int = PIPE_BYTES) -> None:
    """Let the pipe of `fd` hold `size` bytes (the default holds 64 KiB), so that its writer runs
    on while its reader is busy with something else. Where that cannot be done (not Linux, over
    the user's pipe quota) the pipe works as it is, only in smaller steps."""
    try:
        import fcntl

        fcntl.fcntl(fd, _F_SETPIPE_SZ, size)
    except (ImportError, OSError):
        pass


def _mode_and_size(st: os.stat_result) -> tuple[int, int]:
    return st.st_mode, st.st_size


def skip(path: str, reason: str) -> None:
    """Remember that `path` was not read, and why (the command line reports it once)."""
    _SKIPPED.setdefault(path, reason)


def take_skipped() -> list[tuple[str, str]]:
    """Every (path, reason) skipped since the last call, in the order met."""
    taken = list(_SKIPPED.items())
    _SKIPPED.clear()
    return taken
