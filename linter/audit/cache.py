"""The audit's incremental cache: per-commit records under the git directory, written atomically,
and the plan of what a walk can take from it.

A run whose tips descend from the cached ones walks only the new commits and replays the rest
(`Plan`); everything read back is validated first, and any failure to read or write only costs
speed: the audit walks the history again or runs without saving.
"""

from __future__ import annotations

import errno
import hashlib
import marshal
import os
import re
import stat
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from linter import __version__, gitio
from linter.audit.aggregate import valid_state
from linter.audit.record import Record, dump_records, load_records
from linter.config import SCHEMA, Config
from linter.errors import CtxlintError

if TYPE_CHECKING:
    from linter.codeowners import Owners

#: Bumped whenever the files' layout changes; older caches are then ignored and rebuilt.
FORMAT = 3

#: Bumped when what a cached record or aggregate holds changes meaning (the subject's rule, the
#: missing list's rank), so that an older cache is not mixed into a newer report.
RECORD_VERSION = 2


def config_fingerprint(cfg: Config, extra: Sequence[str] = ()) -> str:
    """A hash of everything that changes a commit's outcome: effective config, rules, version, extras."""
    from linter.rulebook import catalogue

    parts: list[str] = [__version__, f"marshal{marshal.version}", sys.version.split()[0], *extra]
    for section, keys in SCHEMA.items():
        if section in ("rules", "audit"):
            continue
        for key in sorted(keys):
            value = cfg.get(key, section)
            if isinstance(value, re.Pattern):
                value = (value.pattern, value.flags)
            elif isinstance(value, list):
                value = [(v.pattern, v.flags) if isinstance(v, re.Pattern) else v for v in value]
            parts.append(f"{section}.{key}={value!r}")
    for rule in catalogue():
        parts.append(f"{rule.code}:{rule.name}:{rule.severity}:{cfg.severity_override(rule.code, rule.name)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class CacheError(Exception):
    """The cache cannot be used: a file does not validate or cannot be read (the audit rebuilds)."""


#: Cache files are named by us: a segment name never holds a path separator or starts with a dot.
_SEGMENT_NAME = re.compile(r"seg-[0-9]+-[0-9]+-[A-Za-z0-9_]+")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: A segment in `meta["segments"]`: (file name, size in bytes, number of records).
Segment = tuple[str, int, int]


def _open_regular(path: str) -> BinaryIO:
    """`path` opened for reading; a FIFO or device put in its place is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise CacheError(f"{os.path.basename(path)} is not a regular file")
    return os.fdopen(fd, "rb")


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _valid_meta(meta: object) -> str | None:
    """Why `meta` is not a cache index this version wrote, or None when it is one."""
    if not isinstance(meta, dict):
        return "the index is not a table"
    if meta.get("format") != FORMAT:
        return "the index has another format"
    tips, segments, count, notes = meta.get("tips"), meta.get("segments"), meta.get("count"), meta.get("notes")
    if not isinstance(tips, list) or not tips or not all(type(t) is str and _SHA.fullmatch(t) for t in tips):
        return "the index's tips are not commit ids"
    if not isinstance(segments, list) or not all(
        type(s) is tuple and len(s) == 3 and type(s[0]) is str and _SEGMENT_NAME.fullmatch(s[0])
        and _is_count(s[1]) and _is_count(s[2]) for s in segments
    ):
        return "the index's segment list is malformed"
    if len({s[0] for s in segments}) != len(segments):
        return "the index names a segment twice"
    if not _is_count(count) or count != sum(s[2] for s in segments):
        return "the index's record count does not match its segments"
    if not isinstance(notes, dict) or not all(
        type(k) is str and _SHA.fullmatch(k) and type(v) is str and _SHA.fullmatch(v) for k, v in notes.items()
    ):
        return "the index's notes are malformed"
    if not isinstance(meta.get("state"), dict):
        return "the index has no aggregate state"
    return None


class Cache:
    """Per-commit records under `<git dir>/ctxlint/audit/<key>/`, by walk, written atomically.

    `meta` names the walked tips, the record segments (newest first) and the aggregate state of
    the whole walk. A run whose tips descend from the cached ones walks only `new ^old` and adds
    one segment; anything else (another config, rules, version, CODEOWNERS, notes) is another key.

    Everything read back is checked before it is trusted: the index carries a digest of itself and
    the size and record count of each segment; each chunk of a segment carries a CRC of its time
    span, record count and bytes. A file that does not validate is reported by `load_meta` (None,
    with `problem` set) or by `records` (CacheError), and the caller walks the history again.
    """

    SEGMENTS_MAX = 16

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.meta_path = os.path.join(directory, "meta")
        #: Why the last `load_meta` found no usable index, when one was there; None otherwise.
        self.problem: str | None = None

    @classmethod
    def for_repository(cls, git_dir: str, key: str) -> Cache:
        base = os.path.join(git_dir, "ctxlint", "audit")
        _prune(base, keep=key)
        return cls(os.path.join(base, key[:32]))

    def load_meta(self) -> dict[str, Any] | None:
        """The index when it validates, else None (and `problem` says why, unless there was none)."""
        self.problem = None
        try:
            with _open_regular(self.meta_path) as handle:
                data = handle.read()
        except OSError:  # absent, or unreadable: writing it says whether the folder is usable
            return None
        except CacheError as exc:
            self.problem = str(exc)
            return None
        digest, payload = data[:_DIGEST_SIZE], data[_DIGEST_SIZE:]
        if len(data) <= _DIGEST_SIZE or hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != digest:
            self.problem = "the index is damaged (its digest does not match)"
            return None
        try:
            meta = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            self.problem = "the index cannot be decoded"
            return None
        self.problem = _valid_meta(meta)
        if self.problem is not None:
            return None
        for name, size, _count in meta["segments"]:
            try:
                info = os.stat(os.path.join(self.directory, name))
            except OSError:
                self.problem = f"segment {name} is missing"
                return None
            if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                self.problem = f"segment {name} has the wrong size (truncated or replaced)"
                return None
        return meta  # type: ignore[no-any-return]

    def records(
        self, meta: dict[str, Any], since: int | None = None, until: int | None = None
    ) -> Iterator[Record]:
        """The cached records in walk order; chunks wholly outside [since, until) are not decoded.

        Every chunk's CRC is checked, decoded or not (a damaged time span would skip a chunk that
        holds commits of the period), and each segment must hold the records the index says.
        """
        for name, size, count in meta["segments"]:
            try:
                with _open_regular(os.path.join(self.directory, name)) as handle:
                    yield from _segment_records(handle, name, size, count, since, until)
            except OSError as exc:
                raise CacheError(f"cannot read segment {name}: {exc.strerror}") from None

    def writer(self) -> SegmentWriter:
        os.makedirs(self.directory, exist_ok=True)
        return SegmentWriter(self.directory)

    def save_meta(self, meta: dict[str, Any]) -> None:
        meta["format"] = FORMAT
        payload = marshal.dumps(meta)
        _atomic_write(self.meta_path, hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload)
        keep = {s[0] for s in meta["segments"]} | {"meta"}
        for name in os.listdir(self.directory):
            if name not in keep and not name.startswith("."):
                _remove(os.path.join(self.directory, name))

    def compact(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Fold many small segments into one (streamed; memory stays flat)."""
        if len(meta["segments"]) <= self.SEGMENTS_MAX:
            return meta
        writer = self.writer()
        for rec in self.records(meta):
            writer.add(rec)
        segment = writer.close()
        if segment is None:
            raise OSError(errno.EIO, writer.error or "cannot write the cache")
        meta = dict(meta)
        meta["segments"] = [segment]
        return meta


_DIGEST_SIZE = 16


#: A chunk's frame: earliest and latest commit time, record count, CRC, blob length; the blob
#: (marshal) follows. Nothing is unmarshalled before its CRC matches: marshal trusts its input,
#: and a damaged length field could make it allocate gigabytes.
_FRAME = struct.Struct("<qqIII")


def _segment_records(
    handle: BinaryIO, name: str, size: int, count: int, since: int | None, until: int | None
) -> Iterator[Record]:
    seen = 0
    offset = 0
    while offset < size:
        header = handle.read(_FRAME.size)
        if len(header) != _FRAME.size:
            raise CacheError(f"segment {name} is truncated")
        low, high, number, crc, length = _FRAME.unpack(header)
        offset += _FRAME.size + length
        if offset > size:
            raise CacheError(f"segment {name} is damaged (a chunk runs past its end)")
        blob = handle.read(length)
        if len(blob) != length or _chunk_crc(low, high, number, blob) != crc:
            raise CacheError(f"segment {name} is damaged (a chunk's checksum does not match)")
        seen += number
        if (since is not None and high < since) or (until is not None and low >= until):
            continue
        try:
            records = load_records(blob, number)
        except ValueError as exc:
            raise CacheError(f"segment {name} {exc}") from None
        yield from records
    if handle.read(1) or seen != count:
        raise CacheError(f"segment {name} does not hold the {count} records the index names")


def _chunk_crc(low: int, high: int, number: int, blob: bytes) -> int:
    return zlib.crc32(blob, zlib.crc32(b"%d %d %d" % (low, high, number)))


class SegmentWriter:
    """Appends records in marshal chunks to a temp file; `close` renames it into place.

    A failed write (a full disk, a quota) does not stop the audit: the writer stops writing,
    removes its temp file and keeps the reason in `error`; `close` then returns None.
    """

    CHUNK = 2048

    def __init__(self, directory: str) -> None:
        fd, self.tmp = tempfile.mkstemp(prefix=".seg-", dir=directory)
        self.handle = os.fdopen(fd, "wb")
        self.chunk: list[Record] = []
        self.count = 0
        self.size = 0
        self.directory = directory
        #: Why writing failed (the OS's words), or None while all is well.
        self.error: str | None = None

    def add(self, rec: Record) -> None:
        self.chunk.append(rec)
        self.count += 1
        if len(self.chunk) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        # Each chunk carries its time span, so a period query can skip it without decoding it;
        # the walk is close to date order, so a recent period touches few chunks.
        chunk, self.chunk = self.chunk, []
        if self.error is not None:
            return
        stamps = [rec.timestamp for rec in chunk]
        blob = dump_records(chunk)
        low, high = min(stamps), max(stamps)
        header = _FRAME.pack(low, high, len(chunk), _chunk_crc(low, high, len(chunk), blob), len(blob))
        try:
            self.handle.write(header)
            self.handle.write(blob)
        except OSError as exc:
            self._fail(exc)
            return
        self.size += len(header) + len(blob)

    def _fail(self, exc: OSError) -> None:
        self.error = exc.strerror or str(exc)
        self.discard()

    def close(self) -> Segment | None:
        """Put the segment in place: (name, size, records), or None when writing failed."""
        if self.chunk:
            self._flush()
        if self.error is not None:
            return None
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            name = f"seg-{int(time.time() * 1000)}-{os.getpid()}-{os.path.basename(self.tmp)[5:]}"
            os.replace(self.tmp, os.path.join(self.directory, name))
        except OSError as exc:
            self._fail(exc)
            return None
        return (name, self.size, self.count)

    def discard(self) -> None:
        if not self.handle.closed:
            try:
                self.handle.close()
            except OSError:  # the buffered tail cannot be written either: it is dropped with the file
                pass
        _remove(self.tmp)


def _atomic_write(path: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _prune(base: str, keep: str, max_age_days: int = 30) -> None:
    """Drop cache folders of other keys (old configs, versions) unused for a month."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    limit = time.time() - max_age_days * 86400
    for name in names:
        folder = os.path.join(base, name)
        if name == keep[:32]:
            continue
        try:
            if os.path.getmtime(os.path.join(folder, "meta")) < limit:
                for item in os.listdir(folder):
                    _remove(os.path.join(folder, item))
                os.rmdir(folder)
        except OSError:
            continue


# -- the plan: what a walk takes from the cache ---------------------------------------------------


def mailmap_digest(root: str) -> str:
    """A hash of what maps author identities (`.mailmap`, `mailmap.file`, `mailmap.blob`).

    The log stream asks for `%aN <%aE>`, which git maps through these; cached records hold the
    mapped identities, so a changed mailmap must read history again, as a changed config does.
    """
    digest = hashlib.sha256()
    settings = gitio.config_values(["mailmap.file", "mailmap.blob"], root)
    for path in (os.path.join(root, ".mailmap"), settings.get("mailmap.file")):
        if path is None:
            continue
        path = os.path.join(root, os.path.expanduser(path))
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        if os.path.isfile(path):  # a regular file only: a FIFO would block the audit
            try:
                with open(path, "rb") as handle:
                    digest.update(handle.read(1 << 24))
            except OSError:
                digest.update(b"unreadable")
    blob = settings.get("mailmap.blob")
    if blob:
        found = gitio.try_run(["rev-parse", "--verify", "--quiet", "--end-of-options", blob], root)
        digest.update(b"blob\0" + blob.encode("utf-8", "surrogateescape") + b"\0" + (found or b""))
    return digest.hexdigest()


def cache_key(
    root: str,
    cfg: Config,
    names: Sequence[str],
    negatives: Sequence[str],
    owners: Owners | None,
    folder_depth: int,
    missing_limit: int,
) -> str:
    """The cache a walk of `names ^negatives` uses: one per everything that changes its records."""
    return config_fingerprint(
        cfg,
        [
            "names=" + " ".join(names),
            "not=" + " ".join(sorted(negatives)),
            f"owners={owners.digest if owners else ''}",
            f"depth={folder_depth}",
            f"missing={missing_limit}",
            f"records={RECORD_VERSION}",
            f"mailmap={mailmap_digest(root)}",
            "decisions=as-of-commit",  # CTX301 judged on the records closed before each commit
        ],
    )


class CacheInfo:
    """The report's `cache` section: what the run took from the cache, and what went wrong."""

    def __init__(self) -> None:
        self.used = False
        self.cached_commits = 0
        self.new_commits = 0
        self.relinted = 0
        #: What happened to the cache, said once (the command prints it); None when all went well.
        self.note: str | None = None

    def tell(self, text: str) -> None:
        if self.note is None:
            self.note = text

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "used": self.used,
            "cached_commits": self.cached_commits,
            "new_commits": self.new_commits,
            "relinted": self.relinted,
        }
        if self.note is not None:
            out["note"] = self.note
        return out


def _unwritable(cache: Cache, reason: str) -> str:
    return f"the audit cache cannot be written ({cache.directory}: {reason}); the audit ran without saving it"


class Plan:
    """What a walk to `tips` takes from the cache of `key`, and how it saves its own records.

    `meta` is the usable index (None: walk everything); `stale` the cached commits whose notes
    changed since, which the walk re-lints before it replays the cache.
    """

    def __init__(self, root: str, key: str, tips: list[str], read: bool) -> None:
        self.tips = tips
        self.cache: Cache | None = None
        self.meta: dict[str, Any] | None = None
        try:
            self.cache = Cache.for_repository(gitio.git_dir(root), key)
        except CtxlintError:  # the git directory cannot be read: no cache
            pass
        else:
            meta = self.cache.load_meta()
            if meta is not None:
                problem = valid_state(meta["state"], meta["count"])
                if problem is not None:
                    self.cache.problem, meta = f"the index's {problem}", None
            self.meta = meta if read else None
        self.notes = gitio.notes_map(root)
        if self.meta is not None and not all(
            any(gitio.is_ancestor(old, new, root) for new in tips) for old in self.meta["tips"]
        ):
            self.meta = None  # history was rewritten under the cached tips: start over
        self.stale: list[str] = []
        if self.meta is not None and self.cache is not None:
            cached_notes = self.meta.get("notes") or {}
            self.stale = sorted(
                c for c in cached_notes.keys() | self.notes.keys() if cached_notes.get(c) != self.notes.get(c)
            )

    @property
    def damage(self) -> str | None:
        """What was wrong with the cache found on disk, or None."""
        return self.cache.problem if self.cache is not None else None

    def writer(self, info: CacheInfo) -> SegmentWriter | None:
        """A writer for this walk's records, or None when the cache folder cannot be written."""
        if self.cache is None:
            return None
        try:
            return self.cache.writer()
        except OSError as exc:
            info.tell(_unwritable(self.cache, exc.strerror or str(exc)))
            return None

    def records(self, since: int | None = None, until: int | None = None) -> Iterator[Record]:
        assert self.cache is not None and self.meta is not None
        return self.cache.records(self.meta, since, until)

    def save(
        self, writer: SegmentWriter, segment: Segment | None, count: int, state: dict[str, Any], rebuilt: bool,
        info: CacheInfo,
    ) -> None:
        """Write the index of the walk: `segment` (`count` new records) before the cached ones."""
        cache, meta = self.cache, self.meta
        assert cache is not None
        if writer.error is not None:
            info.tell(_unwritable(cache, writer.error))
            return
        if segment is None and meta is not None and self.tips == meta["tips"] and self.notes == meta.get("notes"):
            return  # nothing changed
        if rebuilt or meta is None:
            segments = [segment] if segment else []
            stored = writer.count
        else:
            segments = [*([segment] if segment else []), *meta["segments"]]
            stored = count + meta["count"]
        new_meta = {"tips": self.tips, "segments": segments, "count": stored, "state": state, "notes": self.notes}
        try:
            cache.save_meta(cache.compact(new_meta))
        except OSError as exc:  # a read-only or full .git must not fail the audit
            info.tell(_unwritable(cache, exc.strerror or str(exc)))
