"""The audit's incremental cache: per-commit records under the git directory, written atomically.

Kept apart from the audit itself so that the walk reads as history -> records -> aggregates.
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

from linter import __version__
from linter.config import SCHEMA, Config

#: Bumped whenever the files' layout changes; older caches are then ignored and rebuilt.
FORMAT = 3

if TYPE_CHECKING:
    from linter.audit import Record


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
_RECORD_WIDTH = 13


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
            records = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            raise CacheError(f"segment {name} is damaged") from None
        if type(records) is not list or len(records) != number or not all(
            type(r) is tuple and len(r) == _RECORD_WIDTH for r in records
        ):
            raise CacheError(f"segment {name} holds malformed records")
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
        stamps = [rec[1] for rec in chunk]
        blob = marshal.dumps(chunk)
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
