"""The only module that runs git: argv lists, NUL-separated output, one `git log -z` stream for history."""

from __future__ import annotations

import codecs
import io
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence

from linter.errors import CtxlintError
from linter.files import widen_pipe

#: Variables git exports to hooks; they would point a git call at the wrong repository.
_REPO_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX",
             "GIT_COMMON_DIR")
ZERO_SHA = "0" * 40
#: Where `ctxlint annotate` records context added after the fact (git notes; no history rewrite).
NOTES_REF = "refs/notes/ctxlint"


def is_null(sha: str) -> bool:
    """Whether `sha` is git's null id: 40 zeros, or 64 in a SHA-256 repository."""
    return len(sha) in (40, 64) and not sha.strip("0")

#: Revision pseudo-options callers may pass among revisions (pre-push: `SHA --not --remotes=origin`).
_PSEUDO_OPTIONS = ("--not", "--remotes", "--branches", "--tags", "--all")

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
        refused = refusal(proc.stderr)
        if refused:
            raise CtxlintError(refused)
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = detail[0] if detail else f"exit code {proc.returncode}"
        raise CtxlintError(f"git {args[0]} failed: {first.removeprefix('fatal: ')}")
    return proc.stdout


def refusal(stderr: bytes) -> str | None:
    """One line for a repository git refuses to open for its owner (safe.directory), with the fix
    git gives; None for any other failure."""
    text = stderr.decode("utf-8", "replace")
    if "dubious ownership" not in text:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    what = next((line.removeprefix("fatal: ") for line in lines if "dubious ownership" in line), lines[0])
    fix = next((line for line in lines if line.startswith("git config") and "safe.directory " in line), None)
    if fix:
        import shlex

        # git prints the path bare; quoted, the command can be pasted whatever the path holds.
        head, _, path = fix.partition("safe.directory ")
        fix = f"{head}safe.directory {shlex.quote(path)}"
    advice = f"; if you trust it: {fix}" if fix else "; see `git help config` (safe.directory)"
    return f"git refuses this repository: {what} (it belongs to another user){advice}"


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
    """The working tree's root, found as git finds it (GIT_DIR, GIT_WORK_TREE, worktrees); a
    clear error outside a repository, in a bare one, or in one git refuses to open.

    Every command finds its repository here, or through worktree.find_root (the commit hook's
    few `stat` calls), which defers to git whenever git's environment names the repository.
    """
    try:
        out = run(["rev-parse", "--show-toplevel"], cwd)
    except CtxlintError as exc:
        if str(exc).startswith("git refuses"):
            raise
        failure = str(exc)
    else:
        return out.decode("utf-8", "replace").rstrip("\n")
    # `--show-toplevel` fails in a bare repository too; ask again only to give the right error.
    where = os.path.abspath(cwd or os.getcwd())
    if (try_run(["rev-parse", "--is-bare-repository"], cwd) or b"").strip() == b"true":
        raise CtxlintError(f"{where} is a bare repository; run ctxlint in a clone with a working tree")
    said = failure.removeprefix("git rev-parse failed: ")
    if said.startswith("not a git repository") and not any(os.environ.get(n) for n in ("GIT_DIR", "GIT_WORK_TREE")):
        raise CtxlintError(f"not a git repository: {where}")
    raise CtxlintError(f"not a git repository: {where} (git says: {said})")


def git_root(start: str | None = None) -> str | None:
    """The working tree's root as git sees it, or None; for callers that must not raise
    (worktree.find_root asks here whenever GIT_DIR or GIT_WORK_TREE names the repository)."""
    out = try_run(["rev-parse", "--show-toplevel"], start)
    return out.decode("utf-8", "replace").rstrip("\n") if out is not None else None


def toplevel_and_shallow(cwd: str | None = None) -> tuple[str, bool]:
    """(the working tree's root, whether the clone is shallow), from one git process."""
    out = try_run(["rev-parse", "--is-shallow-repository", "--show-toplevel"], cwd)
    if out is None:
        toplevel(cwd)  # raises the error that fits (not a repository, a bare one)
        raise CtxlintError("git rev-parse failed")  # pragma: no cover - toplevel() raised already
    shallow, _, root = out.decode("utf-8", "replace").rstrip("\n").partition("\n")
    return root, shallow == "true"


def git_dir(cwd: str | None = None) -> str:
    """The repository's git directory (absolute), as git finds it; worktree.find_git_dir reads it
    from `.git` without starting git."""
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


#: The range of dates Python's datetime can show: 0001-01-01 to 9999-12-31T23:59:59 UTC. Git
#: accepts commits dated outside it (year 10000, or digits past 2^64 in a hand-made object); such a
#: date is read as the nearest end, so nothing downstream has to guard every conversion.
TIMESTAMP_MIN = -62135596800
TIMESTAMP_MAX = 253402300799


def timestamp(text: str | bytes) -> int:
    """A date as `git log` prints it (`%ct`, `%at`; empty when git cannot read it), clamped to
    TIMESTAMP_MIN..TIMESTAMP_MAX."""
    if len(text) < 12:  # eleven digits (or a sign and ten) are always in range: the common case
        return int(text or 0)
    if len(text) > 20:  # past 2^64 either way, and maybe past int()'s 4300-digit limit
        return TIMESTAMP_MIN if text[:1] in ("-", b"-") else TIMESTAMP_MAX
    return max(TIMESTAMP_MIN, min(int(text), TIMESTAMP_MAX))


class Commit:
    """One commit as read from the log stream."""

    __slots__ = ("author_email", "author_name", "message", "note", "parents", "sha", "timestamp")

    def __init__(self, sha: str, parents: tuple[str, ...], author_name: str, author_email: str,
                 timestamp: int, message: str, note: str = "") -> None:
        self.sha = sha
        self.parents = parents
        self.author_name = author_name
        self.author_email = author_email
        self.timestamp = timestamp
        self.message = message
        #: The commit's note in NOTES_REF (context added after the fact), "" when it has none.
        self.note = note

    @property
    def author(self) -> str:
        return f"{self.author_name} <{self.author_email}>"

    def __repr__(self) -> str:
        return f"Commit({self.sha[:12]})"


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def notes_tip(cwd: str | None = None) -> str | None:
    """The sha of NOTES_REF, or None when no commit has been annotated yet."""
    out = try_run(["rev-parse", "--verify", "--quiet", NOTES_REF], cwd)
    return out.decode().strip() or None if out else None


def notes_map(cwd: str | None = None) -> dict[str, str]:
    """Every annotated commit's sha -> its note blob's sha, from one `git notes list`."""
    out = try_run(["notes", f"--ref={NOTES_REF}", "list"], cwd) if notes_tip(cwd) else None
    found: dict[str, str] = {}
    for line in (out or b"").decode("ascii", "replace").splitlines():
        blob, _, commit = line.partition(" ")
        if commit:
            found[commit] = blob
    return found


def read_note(rev: str, cwd: str | None = None, *, ref: str = NOTES_REF) -> str | None:
    """The ctxlint note attached to `rev` (in `ref`), or None."""
    out = try_run(["notes", f"--ref={ref}", "show", "--end-of-options", rev], cwd)
    return _decode(out) if out is not None else None


def write_note(rev: str, text: str, cwd: str | None = None, *, replace: bool = False,
               attempts: int = 8) -> None:
    """Attach the ctxlint note on commit `rev` atomically; history itself is not rewritten.

    `git notes add` moves the notes ref without checking where it was, so two writers at once
    lose one note (even on two different commits). The note commit is built on a private ref
    and then moved in with a compare-and-swap; when another writer moved the ref first, the
    work is redone on top of theirs. A note on `rev` that exists (without `replace`), or that
    changed under us, is refused rather than overwritten.
    """
    import secrets

    scratch = f"{NOTES_REF}-pending/{os.getpid()}-{secrets.token_hex(4)}"
    seen: str | None = None
    try:
        for attempt in range(attempts):
            tip = notes_tip(cwd)
            if tip:
                run(["update-ref", "--no-deref", scratch, tip], cwd)
            else:
                try_run(["update-ref", "-d", scratch], cwd)
            current = read_note(rev, cwd, ref=scratch) if tip else None
            if attempt == 0:
                seen = current
                if current is not None and not replace:
                    raise CtxlintError(f"{rev[:12]} already has a ctxlint note; pass --force to replace it")
            elif current != seen:
                raise CtxlintError(
                    f"the ctxlint note on {rev[:12]} changed while this one was written (another "
                    "`ctxlint annotate`?); nothing was recorded: look at it with `git notes "
                    f"--ref={NOTES_REF} show {rev[:12]}` and rerun if it still lacks context"
                )
            run(["notes", f"--ref={scratch}", "add", "-f", "-F", "-", "--end-of-options", rev], cwd,
                stdin=text.encode("utf-8"))
            new = run(["rev-parse", "--verify", scratch], cwd).decode().strip()
            # An empty old value means "must not exist yet": the first note is raced for as well.
            if try_run(["update-ref", NOTES_REF, new, tip or ""], cwd) is not None:
                return
        raise CtxlintError(f"{NOTES_REF} kept moving under {attempts} attempts; nothing was recorded, rerun")
    finally:
        try_run(["update-ref", "-d", scratch], cwd)


#: `--no-notes` first so that a user's notes.displayRef cannot mix other notes into %N. When no
#: commit has been annotated yet the ref is missing: git then warns on stderr and %N is empty, which
#: costs less than a process asking whether the ref exists (_close_log leaves the warning
#: out of its error message).
_NOTES_ARGS = ("--no-notes", f"--notes={NOTES_REF}")
_MISSING_NOTES_WARNING = f"warning: notes ref {NOTES_REF} is invalid"


def refuse_options(revisions: Sequence[str]) -> None:
    """Fail with one line when a range a user named is an option (`--all`, `-n5`)."""
    for spec in revisions:
        if spec.startswith("-"):
            raise CtxlintError(f"{spec!r} is not a revision range (options go before the range)")


def _revision_tail(rev_args: Sequence[str]) -> list[str]:
    """The revision arguments for `git log`, refusing anything that could be read as an option.

    `rev_args` may mix revisions with git's pseudo-options (`--not`, `--remotes=origin`), as
    pre-push does for a new branch; any other argument that starts with a dash is refused.
    """
    options = [a for a in rev_args if a.startswith("-")]
    for option in options:
        if option.split("=", 1)[0] not in _PSEUDO_OPTIONS:
            raise CtxlintError(f"{option!r} is not a revision")
    # --end-of-options guards revisions from being read as options, but it would also turn the
    # pseudo-options into bad revisions; with those present every argument was checked above.
    return list(rev_args) if options else ["--end-of-options", *rev_args]


def _open_log(args: list[str], cwd: str | None) -> subprocess.Popen[bytes]:
    try:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise CtxlintError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise CtxlintError(f"{cwd}: not a directory") from None
    assert proc.stdout is not None
    # 1 MiB holds some 2,000 commits, which git writes while Python is busy with something else,
    # such as importing the rules while a range's log starts (64 KiB holds a hundred or so).
    widen_pipe(proc.stdout.fileno())
    return proc


def _close_log(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.stderr.close()
    code = proc.wait()
    if code not in (0, -13):  # -13: SIGPIPE when the reader stopped early on purpose
        lines = [line for line in _decode(stderr).strip().splitlines() if line != _MISSING_NOTES_WARNING]
        raise CtxlintError(f"git log failed: {lines[0].removeprefix('fatal: ') if lines else code}")


def _end_log(proc: subprocess.Popen[bytes], completed: bool) -> None:
    """Finish a log stream: report git's failure when it was read to the end, and stop git
    quietly (no SIGPIPE error) when the reader stopped early or failed."""
    if completed:
        _close_log(proc)
    else:
        proc.kill()
        proc.communicate()


class LogStream:
    """One running `git log -z` whose commits are read once, in order (see `open_log`).

    Iterate it to read the commits (git's failure is raised at the end, as one line), or
    `discard` it unread: git is stopped and reaped either way.
    """

    __slots__ = ("_notes", "_proc")

    def __init__(self, proc: subprocess.Popen[bytes], notes: bool) -> None:
        self._proc: subprocess.Popen[bytes] | None = proc
        self._notes = notes

    def __iter__(self) -> Iterator[Commit]:
        proc, self._proc = self._proc, None
        if proc is None:
            raise ValueError("a log stream is read once")
        assert proc.stdout is not None
        stdout = proc.stdout
        width = len(_LOG_FIELDS) + self._notes

        def chunks() -> Iterator[bytes]:
            while True:
                chunk = stdout.read(1 << 16)
                if not chunk:
                    return
                yield chunk

        completed = False
        try:
            yield from map(_commit, split_fields(chunks(), width))
            completed = True
        finally:
            _end_log(proc, completed)

    def discard(self) -> None:
        """Stop git without reading (what it wrote is dropped); a stream being read is left alone."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _end_log(proc, completed=False)


def open_log(rev_args: Sequence[str], cwd: str | None = None, extra: Sequence[str] = (),
             notes: bool = False) -> LogStream:
    """Start `git log -z` over the revisions; its commits stream when the result is iterated.

    Started early, git runs on another core while this process does other work: a range's log is
    started before the rules are imported. With `notes`, each commit's ctxlint note comes in the
    same stream (`%N`), not one process each.
    """
    fmt = LOG_FORMAT.replace("%B", "%N%x00%B") if notes else LOG_FORMAT
    args = ["git", "log", "-z", f"--format={fmt}", *(_NOTES_ARGS if notes else ()), *extra,
            *_revision_tail(rev_args)]
    return LogStream(_open_log(args, cwd), notes)


def iter_log(rev_args: Sequence[str], cwd: str | None = None, extra: Sequence[str] = (),
             notes: bool = False) -> Iterator[Commit]:
    """Stream commits from one `git log -z` process; memory stays flat however long the history."""
    yield from open_log(rev_args, cwd, extra, notes)


def split_fields(chunks: Iterable[bytes], width: int) -> Iterator[list[str]]:
    """NUL-separated fields, `width` per record, decoded as UTF-8 (bad bytes become U+FFFD).

    The stream is decoded as it comes, not field by field: NUL is never part of a UTF-8 sequence,
    so the text and the U+FFFD replacements are the same either way, and it is several times faster.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    fields: list[str] = []  # the fields of a record the last chunk cut short
    pending = ""  # the start of a field the last chunk cut short
    for chunk in chunks:
        parts = (pending + decoder.decode(chunk)).split("\0")
        pending = parts.pop()
        if fields:
            parts = fields + parts
        whole = len(parts) - len(parts) % width
        for start in range(0, whole, width):
            yield parts[start : start + width]
        fields = parts[whole:]
    pending += decoder.decode(b"", final=True)
    if pending:
        fields.append(pending)
    if len(fields) == width:
        yield fields


def _commit(fields: list[str]) -> Commit:
    if len(fields) == 7:
        sha, parents, name, email, stamp, note, message = fields
    else:
        sha, parents, name, email, stamp, message = fields
        note = ""
    # timestamp()'s common case inline: this runs once per commit of a range
    when = int(stamp) if 0 < len(stamp) < 12 else timestamp(stamp)
    return Commit(sha.lstrip("\n"), tuple(parents.split()), name, email, when, message, note)


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


#: One changed file from `--numstat`: (path, lines added, lines deleted); counts are None for binary files.
FileStat = tuple[str, "int | None", "int | None"]  # strings: `typing` stays off the startup path

#: %aN/%aE: author identities through .mailmap, so one person's aliases count as one author.
_STAT_FIELDS = ("%H", "%P", "%aN", "%aE", "%ct")
#: User config must not change the stream: no signature text in it, no colour, no external diff
#: or textconv filter deciding what a changed line is.
_STAT_OPTIONS = ("--no-color", "--no-show-signature", "--no-ext-diff", "--no-textconv")


def _stat_fields(cwd: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The header fields and the mailmap option. git opens `.mailmap` and reads it as it is, so a
    FIFO there blocks the log forever: such a file is skipped (and said so), authors unmapped."""
    try:
        mode = os.stat(os.path.join(cwd or ".", ".mailmap")).st_mode
    except OSError:
        return _STAT_FIELDS, ()
    from linter import files

    reason = files.problem(mode, 0, 0)
    if reason is None:
        return _STAT_FIELDS, ()
    files.skip(".mailmap", f"{reason}; authors are shown as committed, not mapped")
    return ("%H", "%P", "%an", "%ae", "%ct"), ("--no-mailmap",)


def _stat_count(value: bytes) -> int | None:
    return None if value == b"-" else int(value)


def iter_log_stats(rev_args: Sequence[str], cwd: str | None = None, extra: Sequence[str] = (),
                   notes: bool = True, chunk_size: int = 1 << 18) -> Iterator[tuple[Commit, list[FileStat]]]:
    """Stream commits with their changed files from ONE `git log -z --numstat` process.

    `Commit.timestamp` is the committer date here (the date `--since`/`--until` select on). With
    `-z`, git ends each numstat entry with NUL: `A\\tD\\tPATH`, or `A\\tD\\t` then the old and new
    paths as two more NUL-terminated items for a rename; binary files show `-\\t-`. The first entry
    of a commit follows a newline. A header item is a bare sha and never holds a tab, so the
    reader tells a new commit from another numstat entry without guessing.
    """
    fields, mailmap = _stat_fields(cwd)
    fields_fmt = [*fields, *(("%N",) if notes else ()), "%B"]
    args = ["git", "log", "-z", "--numstat", *_STAT_OPTIONS, *mailmap, f"--format={'%x00'.join(fields_fmt)}",
            *(_NOTES_ARGS if notes else ()), *extra, *_revision_tail(rev_args)]
    width = len(fields_fmt)
    proc = _open_log(args, cwd)
    assert proc.stdout is not None
    header: list[bytes] = []
    files: list[FileStat] = []
    rename: list[bytes] | None = None  # (added, deleted) waiting for its old and new paths
    have_old = False
    completed = False
    try:
        pending = b""
        while True:
            chunk = proc.stdout.read(chunk_size)
            if not chunk:
                break
            parts = (pending + chunk).split(b"\0")
            pending = parts.pop()
            for part in parts:
                if len(header) < width:
                    header.append(part)
                    continue
                if rename is not None:
                    if not have_old:  # the old path: only the new one is reported
                        have_old = True
                        continue
                    files.append((_decode(part), _stat_count(rename[0]), _stat_count(rename[1])))
                    rename = None
                    have_old = False
                    continue
                item = part[1:] if part[:1] == b"\n" else part
                pieces = item.split(b"\t", 2)
                if len(pieces) == 3 and (pieces[0].isdigit() or pieces[0] == b"-"):
                    if pieces[2]:
                        files.append((_decode(pieces[2]), _stat_count(pieces[0]), _stat_count(pieces[1])))
                    else:
                        rename = pieces[:2]
                    continue
                yield _stat_commit(header), files
                header = [part]
                files = []
        if pending and len(header) < width:  # tolerate a stream that lacks its final NUL
            header.append(pending)
        if len(header) == width:
            yield _stat_commit(header), files
        completed = True
    finally:
        _end_log(proc, completed)


def _stat_commit(fields: list[bytes]) -> Commit:
    sha, parents, name, email, stamp = fields[:5]
    note = fields[5] if len(fields) == 7 else b""
    return Commit(_decode(sha).lstrip("\n"), tuple(_decode(parents).split()), _decode(name), _decode(email),
                  int(stamp) if 0 < len(stamp) < 12 else timestamp(stamp), _decode(fields[-1]), _decode(note))


def count_commits(rev_args: Sequence[str], cwd: str | None = None, extra: Sequence[str] = ()) -> int:
    """How many commits the revisions select (for a progress bar's total)."""
    out = run(["rev-list", "--count", *extra, *_revision_tail(rev_args)], cwd)
    return int(out.strip() or b"0")



def _folder_log_args(rev_args: Sequence[str], folders: Sequence[str], extra: Sequence[str],
                     known: Sequence[str], every_commit: bool) -> list[str]:
    args = ["git", "log", "-z", "--format=%x01%H", "--raw", "--no-abbrev", "-M", "--diff-merges=first-parent",
            "--full-history", "--no-color", "--no-ext-diff", "--no-textconv", *extra]
    if every_commit:
        args.append("--sparse")  # every commit the walk reaches, those that change nothing there too
    if known:
        args.append("--ignore-missing")
    # the exclusions go first: a `--not` among the revisions must not turn them around
    return [*args, *_revision_tail([*(f"^{sha}" for sha in known), *rev_args]), "--", *folders]


def folder_changes(rev_args: Sequence[str], folders: Sequence[str], cwd: str | None = None,
                   extra: Sequence[str] = (), known: Sequence[str] = ()) -> Callable[[], bytes]:
    """The raw first-parent changes under `folders` of every commit the revisions select, from ONE
    `git log -z --raw` process: `\x01SHA\0` per commit that changed something there, then
    `:modes old new STATUS\0path\0[path\0]` per changed file (renames detected). `known` names
    commits whose whole ancestry the caller knows already: git leaves it out (and skips any
    that no longer exist).

    git starts now and is read by a thread, so that it walks the history while the caller's own
    log stream does; the function returned waits for the output (or raises git's error).
    """
    import threading

    proc = _open_log(_folder_log_args(rev_args, folders, extra, known, every_commit=False), cwd)
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.extend(proc.communicate()), daemon=True)
    reader.start()

    def output() -> bytes:
        reader.join()
        if proc.returncode != 0 or len(result) != 2:
            lines = _decode(result[1] if len(result) == 2 else b"").strip().splitlines()
            raise CtxlintError(f"git log failed: {lines[0].removeprefix('fatal: ') if lines else proc.returncode}")
        return result[0]

    return output


class FolderLog:
    """`folder_changes`' git log with every walked commit listed (`\x01SHA\0` even when it changed
    nothing there), read piece by piece as the caller's walk goes: a walk in the same order can
    take each commit's changes as git reaches it instead of waiting for the whole history."""

    __slots__ = ("_proc",)

    def __init__(self, rev_args: Sequence[str], folders: Sequence[str], cwd: str | None = None,
                 extra: Sequence[str] = ()) -> None:
        self._proc: subprocess.Popen[bytes] | None = _open_log(
            _folder_log_args(rev_args, folders, extra, (), every_commit=True), cwd)

    def read(self) -> bytes:
        """What git has written since the last read (waiting for some); b"" once git is done, which
        has then succeeded (else CtxlintError, as one line)."""
        proc = self._proc
        if proc is None:
            return b""
        stdout = proc.stdout
        assert isinstance(stdout, io.BufferedReader)
        data = stdout.read1(1 << 16)
        if not data:
            self._proc = None
            _close_log(proc)
        return data

    def stop(self) -> None:
        """Stop git, read or not."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _end_log(proc, completed=False)


class ObjectReader:
    """One `git cat-file --batch` process for a run: objects read by name (`SHA`, `REV:path`), one
    request at a time, so a long walk never starts a git process per commit."""

    def __init__(self, cwd: str | None = None) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._cwd = cwd

    def read(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object `name`, or None when it does not exist."""
        found = self.read_named(name)
        return (found[1], found[2]) if found is not None else None

    def read_named(self, name: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of the object `name`, or None when it does not exist."""
        if "\n" in name:
            return None
        proc = self._proc
        if proc is None:
            try:
                proc = self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self._cwd,
                                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                     stderr=subprocess.DEVNULL)
            except FileNotFoundError:
                raise CtxlintError("git is not installed or not on PATH") from None
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
        except OSError as exc:
            raise CtxlintError(f"git cat-file failed: {exc.strerror or exc}") from None
        if len(header) != 3:
            if not header:
                raise CtxlintError("git cat-file stopped")
            return None  # `NAME missing` or `NAME ambiguous`
        size = int(header[2])
        data = proc.stdout.read(size + 1)[:size]
        return header[0].decode("ascii", "replace"), header[1].decode("ascii", "replace"), data

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.close()
            except OSError:
                pass  # git already gone (killed, or it failed): nothing left to tell it
            proc.stdout.close()
            proc.wait()


def changed_paths(old: str, new: str, folders: Sequence[str], cwd: str | None = None) -> list[str]:
    """Repo-relative paths under `folders` that differ between commits `old` and `new`."""
    out = run(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", old, new, "--", *folders], cwd)
    return [_decode(p) for p in out.split(b"\0") if p]


def staged_paths(folders: Sequence[str], cwd: str | None = None, added_only: bool = False) -> list[str]:
    """Repo-relative paths under `folders` that the index changes relative to HEAD (what a commit
    being made adds, edits, renames or deletes there; with `added_only`, what it adds)."""
    filters = ["--diff-filter=A"] if added_only else []
    out = try_run(["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff", *filters, "--",
                   *folders], cwd)
    return [_decode(p) for p in (out or b"").split(b"\0") if p]
