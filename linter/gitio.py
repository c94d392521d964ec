"""The only module that runs git: argv lists, NUL-separated output, one `git log -z` stream for history."""

from __future__ import annotations

import codecs
import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence

from linter.errors import CtxlintError

#: Variables git exports to hooks; they would point a git call at the wrong repository.
_REPO_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX",
             "GIT_COMMON_DIR")
ZERO_SHA = "0" * 40

_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%B")
LOG_FORMAT = "%x00".join(_LOG_FIELDS)


def _env(isolate: bool) -> dict[str, str] | None:
    if not isolate:
        return None
    env = dict(os.environ)
    for name in _REPO_ENV:
        env.pop(name, None)
    return env


def run(args: Sequence[str], cwd: str | None = None, *, stdin: bytes | None = None,
        isolate: bool = False, ok_codes: tuple[int, ...] = (0,)) -> bytes:
    """Run `git args`, returning stdout; raise CtxlintError with git's own first line on failure.

    `isolate` drops the GIT_DIR family so that `cwd` decides the repository, as it must when a
    hook looks at a repository other than the one that called it.
    """
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=_env(isolate), check=False
        )
    except FileNotFoundError:
        raise CtxlintError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise CtxlintError(f"{cwd}: not a directory") from None
    if proc.returncode not in ok_codes:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = detail[0] if detail else f"exit code {proc.returncode}"
        raise CtxlintError(f"git {args[0]} failed: {first.removeprefix('fatal: ')}")
    return proc.stdout


def try_run(args: Sequence[str], cwd: str | None = None, *, isolate: bool = False) -> bytes | None:
    """Like run, but None instead of an error (for questions whose answer may be 'no')."""
    try:
        return run(args, cwd, isolate=isolate)
    except CtxlintError:
        return None


def config_values(keys: Sequence[str], cwd: str | None = None) -> dict[str, str]:
    """Several git config values in one call, keyed by lowercased name; unset keys are absent."""
    pattern = "^(" + "|".join(k.lower().replace(".", r"\.") for k in keys) + ")$"
    out = run(["config", "-z", "--get-regexp", pattern], cwd, ok_codes=(0, 1))
    values: dict[str, str] = {}
    for item in out.split(b"\0"):
        if not item:
            continue
        name, _, value = item.decode("utf-8", "replace").partition("\n")
        values[name.lower()] = value
    return values


def toplevel(cwd: str | None = None) -> str:
    """The working tree's root; a clear error outside a repository or in a bare one."""
    out = try_run(["rev-parse", "--is-bare-repository", "--show-toplevel"], cwd)
    if out is None:
        raise CtxlintError(f"not a git repository: {os.path.abspath(cwd or os.getcwd())}")
    lines = out.decode("utf-8", "replace").splitlines()
    if lines and lines[0] == "true":
        raise CtxlintError(f"{os.path.abspath(cwd or os.getcwd())} is a bare repository; run ctxlint in a clone "
                           "with a working tree")
    return lines[-1]


def git_dir(cwd: str | None = None) -> str:
    """The repository's git directory (absolute)."""
    return run(["rev-parse", "--absolute-git-dir"], cwd).decode().strip()


def git_path(name: str, cwd: str | None = None) -> str:
    """`git rev-parse --git-path NAME` made absolute (honours core.hooksPath for `hooks`)."""
    out = run(["rev-parse", "--git-path", name], cwd).decode().strip()
    return out if os.path.isabs(out) else os.path.abspath(os.path.join(cwd or os.getcwd(), out))


def current_branch(cwd: str | None = None) -> str | None:
    """The checked-out branch's short name, or None when HEAD is detached."""
    out = try_run(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd)
    return out.decode("utf-8", "replace").strip() or None if out is not None else None


def has_commits(cwd: str | None = None) -> bool:
    return try_run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd) is not None


def resolve(rev: str, cwd: str | None = None) -> str | None:
    """The commit sha `rev` names, or None when it is not in this clone."""
    out = try_run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    return out.decode().strip() if out else None


def is_shallow(cwd: str | None = None) -> bool:
    out = try_run(["rev-parse", "--is-shallow-repository"], cwd)
    return out is not None and out.strip() == b"true"


def merge_base(a: str, b: str, cwd: str | None = None) -> str | None:
    out = try_run(["merge-base", a, b], cwd)
    return out.decode().strip() or None if out else None


class Commit:
    """One commit as read from the log stream."""

    __slots__ = ("author_email", "author_name", "message", "parents", "sha", "timestamp")

    def __init__(self, sha: str, parents: tuple[str, ...], author_name: str, author_email: str,
                 timestamp: int, message: str) -> None:
        self.sha = sha
        self.parents = parents
        self.author_name = author_name
        self.author_email = author_email
        self.timestamp = timestamp
        self.message = message

    @property
    def author(self) -> str:
        return f"{self.author_name} <{self.author_email}>"

    def __repr__(self) -> str:
        return f"Commit({self.sha[:12]})"


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def iter_log(rev_args: Sequence[str], cwd: str | None = None, extra: Sequence[str] = (),
             chunk_size: int = 1 << 16) -> Iterator[Commit]:
    """Stream commits from one `git log -z` process; memory stays flat however long the history."""
    args = ["git", "log", "-z", f"--format={LOG_FORMAT}", *extra, "--end-of-options", *rev_args]
    try:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise CtxlintError("git is not installed or not on PATH") from None
    assert proc.stdout is not None and proc.stderr is not None
    stdout = proc.stdout

    def chunks() -> Iterator[bytes]:
        while True:
            chunk = stdout.read(chunk_size)
            if not chunk:
                return
            yield chunk

    try:
        for fields in split_fields(chunks(), len(_LOG_FIELDS)):
            yield _commit(fields)
    finally:
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    if code != 0:
        first = _decode(stderr).strip().splitlines()
        raise CtxlintError(f"git log failed: {first[0].removeprefix('fatal: ') if first else code}")


def split_fields(chunks: Iterable[bytes], width: int) -> Iterator[list[str]]:
    """NUL-separated fields, `width` per record, decoded as UTF-8 (bad bytes become U+FFFD).

    The stream is decoded as it comes, not field by field: NUL is never part of a UTF-8 sequence,
    so the text and the U+FFFD replacements are the same either way, and it is several times faster.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    fields: list[str] = []
    pending = ""
    for chunk in chunks:
        parts = (pending + decoder.decode(chunk)).split("\0")
        pending = parts.pop()
        for part in parts:
            fields.append(part)
            if len(fields) == width:
                yield fields
                fields = []
    pending += decoder.decode(b"", final=True)
    if pending:
        fields.append(pending)
    if len(fields) == width:
        yield fields


def _commit(fields: list[str]) -> Commit:
    sha, parents, name, email, stamp, message = fields
    return Commit(sha.lstrip("\n"), tuple(parents.split()), name, email, int(stamp or "0"), message)


def succeeds(args: Sequence[str], cwd: str | None = None) -> bool:
    """Whether `git args` exits 0 (for yes/no questions git answers by exit code)."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise CtxlintError("git is not installed or not on PATH") from None
    return proc.returncode == 0


def is_ancestor(ancestor: str, descendant: str, cwd: str | None = None) -> bool:
    """Whether `ancestor` is reachable from `descendant` (both must be in the clone)."""
    return succeeds(["merge-base", "--is-ancestor", ancestor, descendant], cwd)


def remotes(cwd: str | None = None) -> list[str]:
    out = try_run(["remote"], cwd)
    return out.decode("utf-8", "replace").split() if out else []


def default_remote(cwd: str | None = None) -> str | None:
    """`origin` when present, else the only remote, else None."""
    names = remotes(cwd)
    if "origin" in names:
        return "origin"
    return names[0] if len(names) == 1 else None


def fetch(remote: str, revisions: Sequence[str], cwd: str | None = None, *, depth: int | None = None,
          deepen: int | None = None) -> bool:
    """Fetch objects (never a checkout, never a hook that runs code) for `revisions`; False on failure.

    Nothing is written to the working tree and no ref of ours moves: the objects land in the
    object store and FETCH_HEAD, which is all `git log` needs. Submodules are left alone so a
    `.gitmodules` in the checked-out tree cannot send us to another server.
    """
    args = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]
    if depth is not None:
        args.append(f"--depth={depth}")
    if deepen is not None:
        args.append(f"--deepen={deepen}")
    return try_run([*args, "--end-of-options", remote, *revisions], cwd) is not None
