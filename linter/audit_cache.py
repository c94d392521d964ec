"""The audit's incremental cache: per-commit records under the git directory, written atomically.

Kept apart from the audit itself so that the walk reads as history -> records -> aggregates.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from linter import __version__
from linter.config import SCHEMA, Config

#: Bumped whenever the files' layout changes; older caches are then ignored and rebuilt.
FORMAT = 2

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


class Cache:
    """Per-commit records under `<git dir>/ctxlint/audit/<key>/`, by walk, written atomically.

    `meta` names the walked tips, the record segments (newest first) and the aggregate state of
    the whole walk. A run whose tips descend from the cached ones walks only `new ^old` and adds
    one segment; anything else (another config, rules, version, CODEOWNERS, notes) is another key.
    """

    SEGMENTS_MAX = 16

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.meta_path = os.path.join(directory, "meta")

    @classmethod
    def for_repository(cls, git_dir: str, key: str) -> Cache:
        base = os.path.join(git_dir, "ctxlint", "audit")
        _prune(base, keep=key)
        return cls(os.path.join(base, key[:32]))

    def load_meta(self) -> dict[str, Any] | None:
        try:
            with open(self.meta_path, "rb") as handle:
                meta = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            return None
        segments = meta.get("segments")
        if not isinstance(segments, list) or not all(
            os.path.isfile(os.path.join(self.directory, s)) for s in segments
        ):
            return None
        return meta

    def records(
        self, meta: dict[str, Any], since: int | None = None, until: int | None = None
    ) -> Iterator[Record]:
        """The cached records in walk order; chunks wholly outside [since, until) are not decoded."""
        for name in meta["segments"]:
            with open(os.path.join(self.directory, name), "rb") as handle:
                while True:
                    try:
                        low, high, blob = marshal.load(handle)
                    except EOFError:
                        break
                    if (since is not None and high < since) or (until is not None and low >= until):
                        continue
                    yield from marshal.loads(blob)

    def writer(self) -> SegmentWriter:
        os.makedirs(self.directory, exist_ok=True)
        return SegmentWriter(self.directory)

    def save_meta(self, meta: dict[str, Any]) -> None:
        meta["format"] = FORMAT
        _atomic_write(self.meta_path, marshal.dumps(meta))
        keep = set(meta["segments"]) | {"meta"}
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
        meta = dict(meta)
        meta["segments"] = [writer.close()]
        return meta


class SegmentWriter:
    """Appends records in marshal chunks to a temp file; `close` renames it into place."""

    CHUNK = 2048

    def __init__(self, directory: str) -> None:
        fd, self.tmp = tempfile.mkstemp(prefix=".seg-", dir=directory)
        self.handle = os.fdopen(fd, "wb")
        self.chunk: list[Record] = []
        self.count = 0
        self.directory = directory

    def add(self, rec: Record) -> None:
        self.chunk.append(rec)
        self.count += 1
        if len(self.chunk) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        # Each chunk carries its time span, so a period query can skip it without decoding it;
        # the walk is close to date order, so a recent period touches few chunks.
        stamps = [rec[1] for rec in self.chunk]
        marshal.dump((min(stamps), max(stamps), marshal.dumps(self.chunk)), self.handle)
        self.chunk = []

    def close(self) -> str:
        if self.chunk:
            self._flush()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        name = f"seg-{int(time.time() * 1000)}-{os.getpid()}-{os.path.basename(self.tmp)[5:]}"
        os.replace(self.tmp, os.path.join(self.directory, name))
        return name

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
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
