"""The topic index's cache under the git directory, and the index of a repository's records.

Per-term impacts (the BM25 contribution of a term to a record) do not depend on the query, so
they are computed once and cached under the git directory; a query then only sums the postings
of its own terms. Two files are written, each atomically (temp file + os.replace) so that two
hooks running at once never see half a file:
- `ctxlint/decisions-terms.marshal`: each record's analysed terms keyed by the SHA-1 of its
  bytes, so a rebuild re-reads only records whose content changed;
- `ctxlint/decisions-index.marshal`: the postings and record metadata, stamped with each file's
  (mtime, size, digest), so a warm check costs one `stat` per record and one file read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from linter.cachefile import folder as cache_dir
from linter.cachefile import read, write_atomically
from linter.config import Config, per_config
from linter.decisions.index import Entry, Index
from linter.decisions.terms import analyse

#: Bump when analysis or scoring changes: old caches are then ignored and rebuilt.
FORMAT = 15

_INDEX_FILE = "decisions-index.marshal"
_TERMS_FILE = "decisions-terms.marshal"


def _tag(key: str) -> str:
    # marshal's format may change between Python versions: a cache is only read by the one that wrote it.
    return f"{FORMAT}:{sys.version_info[0]}.{sys.version_info[1]}:{key}"


def _stamp(root: str, paths: Sequence[str]) -> dict[str, tuple[int, int]]:
    stamps: dict[str, tuple[int, int]] = {}
    for rel in paths:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            continue
        stamps[rel] = (st.st_mtime_ns, st.st_size)
    return stamps


def load(root: str, paths: Sequence[str], key: str = "", stamps: dict[str, tuple[int, int]] | None = None) -> Index:
    """The index of the records at `paths` (repo-relative), from the cache when it is current.

    Records whose (mtime, size) changed are re-read and hashed; those whose content hash is
    unchanged reuse their analysed terms; only new content is analysed. `key` names anything
    else the index depends on (the configured folders), so a config change rebuilds it.
    """
    folder = cache_dir(root)
    stamps = stamps if stamps is not None else _stamp(root, paths)
    tag = _tag(key)
    index_path = os.path.join(folder, _INDEX_FILE) if folder else None
    if index_path:
        cached = read(index_path)
        if isinstance(cached, dict) and cached.get("tag") == tag:
            files = cached.get("files")
            if (
                isinstance(files, dict)
                and len(files) == len(stamps)
                and all(isinstance(files.get(p), tuple) and files[p][:2] == s for p, s in stamps.items())
            ):
                try:
                    return Index.load(cached, files)
                except (KeyError, TypeError, ValueError):
                    pass
    return rebuild(root, paths, stamps, key)


def rebuild(root: str, paths: Sequence[str], stamps: dict[str, tuple[int, int]] | None = None, key: str = "") -> Index:
    """Build the index, reusing analysed terms for unchanged content, and write both cache files."""
    folder = cache_dir(root)
    stamps = stamps if stamps is not None else _stamp(root, paths)
    tag = _tag(key)
    terms_path = os.path.join(folder, _TERMS_FILE) if folder else None
    known: dict[str, object] = {}
    if terms_path:
        cached = read(terms_path)
        if isinstance(cached, dict) and cached.get("tag") == _tag("") and isinstance(cached.get("by_digest"), dict):
            known = cached["by_digest"]
    analysed: list[tuple[Entry, dict[str, float], dict[str, float], int]] = []
    files: dict[str, tuple[int, int, str]] = {}
    fresh: dict[str, object] = {}
    for rel in sorted(stamps):
        try:
            with open(os.path.join(root, rel), "rb") as handle:
                data = handle.read(2 * 1024 * 1024)
        except OSError:
            continue
        import hashlib

        digest = hashlib.sha1(data).hexdigest()
        hit = known.get(digest)
        item: tuple[Entry, dict[str, float], dict[str, float], int] | None = None
        if isinstance(hit, tuple) and len(hit) == 4:
            try:
                meta, title, body, length = hit
                entry = Entry.load(meta)
                # The same content under another name (a renumbered copy) is another record: its
                # number comes from the file name, so it is parsed again.
                if entry.path == rel:
                    item = (entry, title, body, int(length))
            except (TypeError, ValueError):
                item = None
        if item is None:
            from linter.decisions.records import parse

            record = parse(rel, data)
            item = (Entry.of(record), *analyse(record))
        analysed.append(item)
        fresh[digest] = (item[0].dump(), item[1], item[2], item[3])
        files[rel] = (*stamps[rel], digest)
    index = Index.build(analysed, files)
    if folder:
        if fresh.keys() != known.keys() and terms_path:
            write_atomically(terms_path, {"tag": _tag(""), "by_digest": fresh})
        write_atomically(os.path.join(folder, _INDEX_FILE), {"tag": tag, "files": files, **index.dump()})
    return index


#: Per process: (root, folders) -> (the records' stamps, their index). A history walk asks for
#: every commit; the stamps (path -> mtime, size) must be equal, not merely as many, for the index
#: to be reused: a record replaced by another is as many records.
_LOADED: dict[tuple[str, str], tuple[dict[str, tuple[int, int]], Index]] = {}


@per_config
def _this_run(cfg: Config) -> dict[str, Index | None]:
    """root -> the index this run found there. A run loads its config once and reads its records
    as they are when it starts: a history walk asks for the index for every commit it checks, and
    finding the folders and stat-ing every record each time was a quarter of the walk (0.15 s of
    CPU over history-paas's 1,417 commits and 53 records)."""
    return {}


def repository_index(root: str, cfg: Config) -> Index | None:
    """The index of the repository's records: cached on disk; within a run (one config) found
    once; across the runs of one process, reused while the records' stamps are the same."""
    found = _this_run(cfg)
    if root not in found:
        found[root] = _index_now(root, cfg)
    return found[root]


def _index_now(root: str, cfg: Config) -> Index | None:
    from linter.decisions import discover

    folders = discover.folders(root, cfg)
    if not folders:
        return None
    key = "|".join(folders)
    stamps = discover.record_stamps(root, cfg)
    cached = _LOADED.get((root, key))
    if cached is not None and cached[0] == stamps:
        return cached[1]
    index = load(root, sorted(stamps), key, stamps)
    _LOADED[(root, key)] = (stamps, index)
    return index
