"""Which decision records had been decided when a commit from history was made.

A commit can only re-raise a decision that was closed before it: a record present in the commit's
ancestry with a closed status there, and not one the commit itself adds or edits. Asking git for
each commit's tree would start a process per commit; instead a walk reads, once per run:

- ONE `git log --raw` stream of the decision folders over the same revisions as the walk, which
  names the few commits that changed a record and what they changed against their first parent;
- the tree of the decision folders at the first commit of the walk (and at the second parent of a
  merge, which no first-parent diff reaches), through ONE `git cat-file --batch` process;
- each record version's bytes through that same process, parsed once for its status; statuses are
  cached under the git directory by blob id, since a blob's content never changes.

A commit's changes never change either: they are cached under the git directory too, with the walk
tips whose whole ancestry they cover, and the next walk's stream leaves those tips' ancestry out.
Checking the same branch again, or after a few new commits, walks only the new commits. A walk
with nothing cached reads the stream as git writes it, every commit listed, so that its first
commits are answered while git is still walking the rest.

Walking newest first, the records at a commit's first parent are the records at the commit with
that commit's changes undone, so most commits cost a dictionary lookup. A commit reached in any
other order (a `--no-walk` list, a batch in another process) has its tree read instead: slower,
never wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from linter import gitio
from linter.decisions import is_closed
from linter.decisions.discover import is_record_name
from linter.errors import CtxlintError
from linter.regexcache import regex

#: Bump when the parser reads statuses differently: cached statuses are then read again.
_STATUS_TAG = "statuses-1"
_STATUS_FILE = "decision-statuses.marshal"
#: Bump when what counts as a record file, or how changes are read, differs: the history is then read
#: again. ctxlint's version and Python's are part of the tag too (ADR 5): a cache is only read by the
#: release and interpreter that wrote it.
_HISTORY_FORMAT = "history-1"
_HISTORY_FILE = "decision-history.marshal"
#: A revision that names one commit to walk back from (`main`, `HEAD~3`, `origin/main`, a sha); not
#: a range, an exclusion (`^A`, `A^!`), a parent list (`A^@`) or a search (`:/text`).
_ONE_COMMIT = r"[A-Za-z0-9_][A-Za-z0-9_./@{}~+-]*"
#: Walk tips whose whole ancestry the history cache covers, newest last; older ones are dropped
#: (a later tip covers what they did when it descends from them).
_MAX_KNOWN_TIPS = 8
#: Record files in a subfolder this deep below a decision folder still count (as discover does).
_MAX_TREE_DEPTH = 4

#: path at that commit -> (blob id, the path the record has at the walk's tip)
Files = dict[str, tuple[str, str]]


class _State:
    """The records present at one commit; shared by every commit that changed none of them."""

    __slots__ = ("closed", "files")

    def __init__(self, files: Files) -> None:
        self.files = files
        self.closed: frozenset[str] | None = None


class Change:
    """One record file a commit changed against its first parent (`old` / `new` path, None when absent)."""

    __slots__ = ("new", "new_blob", "old", "old_blob")

    def __init__(self, old: str | None, old_blob: str, new: str | None, new_blob: str) -> None:
        self.old = old
        self.old_blob = old_blob
        self.new = new
        self.new_blob = new_blob


def parse_changes(data: bytes) -> dict[str, list[Change]]:
    """sha -> the file changes of that commit, from `gitio.folder_changes` output."""
    return {sha: changes for sha, changes in parse_commits(data) if changes}


def parse_commits(data: bytes) -> list[tuple[str, list[Change]]]:
    """Each commit of `gitio.folder_changes` or `gitio.FolderLog` output in git's order, with its
    file changes (none for a commit `FolderLog` lists that changed nothing there)."""
    out: list[tuple[str, list[Change]]] = []
    parts = data.split(b"\0")
    current: list[Change] | None = None
    i = 0
    while i < len(parts):
        part = parts[i].lstrip(b"\n")
        i += 1
        if part[:1] == b"\x01":
            current = []
            out.append((part[1:].decode("ascii", "replace"), current))
            continue
        if part[:1] != b":" or current is None:
            continue
        meta = part[1:].split()
        if len(meta) < 5 or i >= len(parts):
            continue
        old_blob, new_blob, status = meta[2].decode(), meta[3].decode(), meta[4][:1]
        first = parts[i].decode("utf-8", "surrogateescape")
        i += 1
        second = None
        if status in (b"R", b"C") and i < len(parts):
            second = parts[i].decode("utf-8", "surrogateescape")
            i += 1
        if status == b"A":
            change = Change(None, old_blob, first, new_blob)
        elif status == b"D":
            change = Change(first, old_blob, None, new_blob)
        elif status == b"R" and second is not None:
            change = Change(first, old_blob, second, new_blob)
        elif status == b"C" and second is not None:
            change = Change(None, old_blob, second, new_blob)  # a copy: the original is untouched
        else:
            change = Change(first, old_blob, first, new_blob)
        current.append(change)
    return out


class Timeline:
    """Per commit of a walk: the paths (as at the walk's tip) of the records closed before it."""

    def __init__(self, root: str, folders: Sequence[str], changes: dict[str, list[Change]],
                 reader: gitio.ObjectReader | None = None) -> None:
        self.root = root
        self.folders = [f.strip("/") for f in folders]
        self.changes = changes
        self._reader = reader or gitio.ObjectReader(root)
        self._pending: dict[str, _State] = {}
        self._statuses: dict[str, str | None] = {}
        self._statuses_loaded = False
        self._statuses_added = False
        self.trees_read = 0
        #: commits whose changes this run's stream read (not the cache)
        self.changes_read = 0
        self.failed = False
        #: waits for the decision folders' log (of_walk), read on first use
        self._source: Callable[[], bytes] | None = None
        #: the cached changes of earlier walks (of_walk), and whether this walk's tip joins them
        self._history: _History | None = None
        self._may_cover = False
        #: the decision folders' log read as the walk goes (of_walk, when nothing was kept)
        self._stream: _Stream | None = None
        #: the walk's first commit: its tip, which the kept history covers once all is read
        self._tip: str | None = None
        #: folder tree id -> the state it holds
        self._trees: dict[str, _State] = {}

    @classmethod
    def of_walk(cls, root: str, folders: Sequence[str], revisions: Sequence[str],
                extra: Sequence[str] = ()) -> Timeline:
        """The timeline of the commits `git log <extra> <revisions>` selects (one git log stream).

        A commit's changes never change, so they are kept under the git directory with the walk
        tips whose whole ancestry they cover (`_History`): the stream then reads only the commits
        those tips do not reach, and a walk from a tip read before starts no history walk at all.
        """
        timeline = cls(root, folders, {})
        history = timeline._history = _History.load(root, timeline.folders)
        # `--no-walk` lists commits; an exclusion would make it a range and walk their ancestry.
        known = history.tips if history is not None and "--no-walk" not in extra else []
        if known:  # git walks only what the tips do not reach: little, read whole
            timeline._source = gitio.folder_changes(revisions, folders, root, extra, known)
        else:  # the whole walk: its changes are taken as git reaches each commit (`_Stream`)
            timeline._stream = _Stream(gitio.FolderLog(revisions, folders, root, extra), timeline._records_only)
        # One revision, no limits: the walk's first commit is that revision, and the stream read
        # all of its ancestry that the cache did not cover.
        timeline._may_cover = (
            history is not None and not extra and len(revisions) == 1
            and ".." not in revisions[0] and regex(_ONE_COMMIT).fullmatch(revisions[0]) is not None
        )
        return timeline

    def _load_changes(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            self.changes = {sha: self._records_only(found) for sha, found in parse_changes(source()).items()}
            self.changes_read = len(self.changes)
            if self._history is not None:
                self._history.learn(self.changes)
                self.changes = self._history.changes

    # -- per commit ------------------------------------------------------------------------

    def closed_before(self, sha: str, parents: Sequence[str]) -> frozenset[str] | None:
        """Tip paths of the records closed at `sha` that `sha` neither adds, edits nor removes;
        None once git could not answer (the walk then goes on with the records' dates alone).

        Call it newest first, in the walk's order, for the cheap path; any order is correct.
        """
        if self.failed:
            return None
        try:
            return self._closed_before(sha, parents)
        except (CtxlintError, OSError, ValueError):
            self.failed = True
            return None

    def _closed_before(self, sha: str, parents: Sequence[str]) -> frozenset[str]:
        if self._tip is None:
            self._tip = sha
        if self._source is not None:
            self._load_changes()
        state = self._pending.pop(sha, None)
        if state is None:
            state = self._read_tree(sha)
        changes = self._stream.changes_of(sha) if self._stream is not None else self.changes.get(sha, ())
        if parents and parents[0] not in self._pending:
            self._pending[parents[0]] = self._undo(state, changes) if changes else state
        closed = state.closed
        if closed is None:
            closed = state.closed = frozenset(
                ident for blob, ident in state.files.values() if is_closed(self.status(blob))
            )
        if not changes:
            return closed
        touched = set()
        for change in changes:
            for path in (change.old, change.new):
                if path is not None and path in state.files:
                    touched.add(state.files[path][1])
                elif path is not None:
                    touched.add(path)
        return closed - touched

    def _undo(self, state: _State, changes: Iterable[Change]) -> _State:
        """The records at the first parent: `state` with the commit's changes undone."""
        files = dict(state.files)
        for change in changes:
            ident = None
            if change.new is not None:
                gone = files.pop(change.new, None)
                ident = gone[1] if gone else change.new
            if change.old is not None and self._is_record(change.old):
                files[change.old] = (change.old_blob, ident or change.old)
        return _State(files)

    # -- reading git objects ---------------------------------------------------------------

    def _read_tree(self, sha: str) -> _State:
        """The records at commit `sha`, read from its tree (one cat-file request per folder).

        Commits on either side of a merge mostly hold the same folder tree: a tree seen before
        gives the same state object back, parsed and judged once.
        """
        self.trees_read += 1
        width = len(sha) // 2
        if len(self.folders) == 1:
            found = self._reader.read_named(f"{sha}:{self.folders[0]}")
            if found is None or found[1] != "tree":
                return _State({})
            known = self._trees.get(found[0])
            if known is None:
                files: Files = {}
                self._walk_tree(found[2], self.folders[0], files, 0, width)
                known = self._trees[found[0]] = _State(files)
            return known
        files = {}
        for folder in self.folders:
            named = self._reader.read_named(f"{sha}:{folder}")
            if named is not None and named[1] == "tree":
                self._walk_tree(named[2], folder, files, 0, width)
        return _State(files)

    def _walk_tree(self, data: bytes, prefix: str, files: Files, depth: int, width: int) -> None:
        pos = 0
        while pos < len(data):
            space = data.index(b" ", pos)
            nul = data.index(b"\0", space)
            mode = data[pos:space]
            entry = data[space + 1 : nul].decode("utf-8", "surrogateescape")
            oid = data[nul + 1 : nul + 1 + width].hex()
            pos = nul + 1 + width
            path = f"{prefix}/{entry}"
            if mode == b"40000":
                if depth < _MAX_TREE_DEPTH and not entry.startswith((".", "_")) and entry != "templates":
                    sub = self._reader.read(oid)
                    if sub is not None and sub[0] == "tree":
                        self._walk_tree(sub[1], path, files, depth + 1, width)
            elif mode.startswith(b"100") and self._is_record(path):
                files[path] = (oid, path)

    def _records_only(self, changes: list[Change]) -> list[Change]:
        """The changes that touch a record file, on either side."""
        return [c for c in changes if self._is_record(c.old) or self._is_record(c.new)]

    def _is_record(self, path: str | None) -> bool:
        if path is None:
            return False
        for folder in self.folders:
            if path.startswith(folder + "/"):
                parts = path[len(folder) + 1 :].split("/")
                return is_record_name(parts[-1]) and not any(
                    p.startswith((".", "_")) or p == "templates" for p in parts[:-1]
                )
        return False

    def status(self, blob: str) -> str | None:
        """The status written in a record version (None: none written), parsed once per blob id."""
        if not self._statuses_loaded:
            self._load_statuses()
        if blob in self._statuses:
            return self._statuses[blob]
        from linter.decisions.records import parse

        found = self._reader.read(blob)
        status = parse("record.md", found[1]).status if found and found[0] == "blob" else None
        self._statuses[blob] = status
        self._statuses_added = True
        return status

    def _cache_path(self) -> str | None:
        from linter.cachefile import folder

        cache_folder = folder(self.root)
        return os.path.join(cache_folder, _STATUS_FILE) if cache_folder else None

    def _load_statuses(self) -> None:
        self._statuses_loaded = True
        path = self._cache_path()
        if path is None:
            return
        from linter.cachefile import read

        data = read(path)
        if isinstance(data, dict) and data.get("tag") == _STATUS_TAG and isinstance(data.get("by_blob"), dict):
            self._statuses = {
                str(k): v for k, v in data["by_blob"].items() if v is None or isinstance(v, str)
            }

    def close(self) -> None:
        """Stop the git processes and keep the statuses and changes read this run for the next one."""
        self._reader.close()
        complete = self._source is None and not self.failed
        if self._stream is not None:
            complete = complete and self._stream.ended  # a walk stopped early read only part of it
            self.changes_read = len(self._stream.changed)
            if complete and self._history is not None:
                self._history.learn(self._stream.changed)
            self._stream.stop()
        if self._history is not None and complete:
            if self._may_cover and self._tip is not None:
                self._history.covers(self._tip)
            self._history.save()
        if self._statuses_added:
            path = self._cache_path()
            if path is not None:
                from linter.cachefile import write_atomically

                write_atomically(path, {"tag": _STATUS_TAG, "by_blob": self._statuses})
            self._statuses_added = False


class _Stream:
    """The decision folders' log (`gitio.FolderLog`, every walked commit listed) read as a walk in
    the same order asks for each commit's changes: the walk starts at once instead of waiting for
    git to walk all of the history. Each answer is checked against the commit git listed next; a
    walk that differs (another order, a commit the log lacks) has the rest of the log read whole
    and looked up, which is always right."""

    def __init__(self, log: gitio.FolderLog, keep: Callable[[list[Change]], list[Change]]) -> None:
        from collections import deque

        self._log = log
        self._keep = keep
        self._buffer = b""
        self._ready: deque[tuple[str, list[Change]]] = deque()
        #: every commit looked up by sha, once the walk and the log went apart
        self._rest: dict[str, list[Change]] | None = None
        self.ended = False
        #: sha -> record changes, for the commits that changed a record
        self.changed: dict[str, list[Change]] = {}

    def changes_of(self, sha: str) -> list[Change]:
        if self._rest is None:
            while not self._ready and not self.ended:
                self._fill()
            if self._ready and self._ready[0][0] == sha:
                return self._ready.popleft()[1]
            while not self.ended:
                self._fill()
            self._rest = dict(self._ready)
            self._ready.clear()
        return self._rest.get(sha, [])

    def _fill(self) -> None:
        data = self._log.read()
        if data:
            self._buffer += data
            cut = self._buffer.rfind(b"\0\x01") + 1  # the last commit may not be whole yet
            if cut <= 0:
                return
            whole, self._buffer = self._buffer[:cut], self._buffer[cut:]
        else:
            whole, self._buffer = self._buffer, b""
            self.ended = True
        for sha, found in parse_commits(whole):
            changes = self._keep(found) if found else found
            if changes:
                self.changed[sha] = changes
            self._ready.append((sha, changes))

    def stop(self) -> None:
        self._log.stop()


class _History:
    """The record changes of every commit reachable from a few walk tips, kept under the git
    directory between runs: what the decision folders' stream would read again for those commits.

    Sound because a commit's first-parent changes depend on the commit alone, and a tip is listed
    only once a stream has read all of its ancestry that the earlier tips did not cover. A shallow
    clone keeps no such cache: deepening it adds ancestry to a tip that was read whole.
    """

    __slots__ = ("changes", "dirty", "folders", "path", "tips")

    def __init__(self, path: str, folders: list[str]) -> None:
        self.path = path
        self.folders = folders
        self.tips: list[str] = []
        self.changes: dict[str, list[Change]] = {}
        self.dirty = False

    @classmethod
    def load(cls, root: str, folders: list[str]) -> _History | None:
        """The cache of the repository at `root` for these folders (empty when there is none yet or
        it was kept for other folders); None where it cannot be trusted or kept."""
        from linter.cachefile import folder, read

        cache_folder = folder(root)
        if cache_folder is None or _is_shallow(os.path.dirname(cache_folder)):
            return None
        history = cls(os.path.join(cache_folder, _HISTORY_FILE), folders)
        data = read(history.path)
        if (isinstance(data, dict) and data.get("tag") == _history_tag() and data.get("folders") == folders
                and isinstance(data.get("tips"), list) and isinstance(data.get("changes"), dict)):
            changes = data["changes"]
            if all(isinstance(sha, str) and isinstance(found, list) and all(map(_is_change, found))
                   for sha, found in changes.items()):
                history.changes = {sha: [Change(*change) for change in found] for sha, found in changes.items()}
                history.tips = [tip for tip in data["tips"] if isinstance(tip, str) and len(tip) in (40, 64)]
        return history

    def learn(self, changes: dict[str, list[Change]]) -> None:
        """Add the changes a stream read (those of commits the tips did not reach)."""
        if changes:
            self.changes = {**self.changes, **changes}
            self.dirty = True

    def covers(self, tip: str) -> None:
        """Note that the changes now held cover the whole ancestry of `tip`."""
        if tip not in self.tips:
            self.tips = [*self.tips, tip][-_MAX_KNOWN_TIPS:]
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        from linter.cachefile import write_atomically

        write_atomically(self.path, {
            "tag": _history_tag(),
            "folders": self.folders,
            "tips": self.tips,
            "changes": {sha: [(c.old, c.old_blob, c.new, c.new_blob) for c in found]
                        for sha, found in self.changes.items()},
        })
        self.dirty = False


def _is_change(item: object) -> bool:
    """Whether a kept change is what `_History.save` writes: (old path or None, old blob, new path
    or None, new blob). Anything else means the file is not ours to trust."""
    return (type(item) is tuple and len(item) == 4 and isinstance(item[1], str) and isinstance(item[3], str)
            and all(path is None or isinstance(path, str) for path in (item[0], item[2])))


def _history_tag() -> str:
    import sys

    from linter import __version__

    return f"{_HISTORY_FORMAT}:{__version__}:{sys.version_info[0]}.{sys.version_info[1]}"


def _is_shallow(git_dir: str) -> bool:
    """Whether the repository is a shallow clone: its `shallow` file, in the common git directory
    that a linked worktree's `commondir` names."""
    common = git_dir
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = os.path.join(git_dir, handle.read().strip())
    except OSError:
        pass
    return os.path.exists(os.path.join(common, "shallow"))
