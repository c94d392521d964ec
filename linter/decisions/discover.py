"""Where a repository keeps its decision records, found with a few `stat` calls.

This module is imported on the commit hook's path: it must stay free of the parser and the index,
so that a repository without records pays nothing but the checks below.
"""

from __future__ import annotations

import os
import re
import stat

from linter.config import Config, per_config
from linter.regexcache import regex

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


#: Folder names that say they hold decisions: `decisions`, `architecture_decision_records`,
#: `decision-log`, `adr`, `adrs`, `adr-records`, ...
_DECISION_FOLDER = regex(r"decision|^adrs?$|^adrs?[-_ ]", re.IGNORECASE)
#: Record file names that identify a decision log by themselves: `ADR001-title.md`,
#: `adr-0001-title.md`, `0001-title.md`, `0001-title.html.md`.
_NUMBERED_RECORD = regex(
    r"^(?:adr|dr|decision)?[-_ ]?\d{1,6}(?:[-_. ].*)?\.(?:md|markdown)$", re.IGNORECASE
)
#: Folders never searched: dependencies, build output, environments. Hidden folders are skipped too.
_SKIP_FOLDERS = frozenset(
    "node_modules vendor third_party third-party build dist target out venv env site-packages "
    "bower_components __pycache__ coverage htmlcov".split()
)
#: How deep below the root a decision folder is looked for (`docs/architecture/decisions` is 3), and
#: how many folders one search reads at most, so that a huge tree costs a bounded time. A warm
#: lookup stats every folder above that depth, so one level more would multiply its cost.
SEARCH_DEPTH = 3
SEARCH_LIMIT = 2000
#: Below this many folders, or entries listed, a listing costs less than reading a cache would
#: (and a small repository without records then gets no cache file at all).
CACHE_FROM = 150
CACHE_FROM_ENTRIES = 3000
_CACHE_FILE = "decision-folders.marshal"
_CACHE_TAG = "folders-1"


def folders(root: str, cfg: Config) -> list[str]:
    """The repo-relative decision folders: the configured ones that exist, else the first usual one
    (doc/adr, docs/decisions, ...), else every folder at most SEARCH_DEPTH levels deep whose name says it
    holds decisions (`*decision*`, `adr`, `adrs`) and which holds a numbered record (`ADR001-x.md`,
    `0001-x.md`). Looked up once per run and config."""
    known = _found(cfg)
    found = known.get(root)
    if found is None:
        found = known[root] = _folders(root, cfg)
    return list(found)


@per_config
def _found(cfg: Config) -> dict[str, list[str]]:
    """root -> its decision folders under this config"""
    return {}


def _folders(root: str, cfg: Config) -> list[str]:
    configured = cfg.strings("paths", "decisions")
    if configured:
        return [p.strip("/") for p in configured if os.path.isdir(os.path.join(root, p))]
    for candidate in DEFAULT_FOLDERS:
        if os.path.isdir(os.path.join(root, candidate)):
            return [candidate]
    return search(root)


def search(root: str) -> list[str]:
    """Decision folders found by name within SEARCH_DEPTH levels of `root`, sorted.

    The result is cached under the git directory with the modification time of every folder whose
    listing decided it: a folder created or renamed anywhere in the searched levels changes its
    parent's time, so a warm lookup costs one `stat` per searched folder and no listing.
    """
    from linter.cachefile import folder, read

    cache_folder = folder(root)
    cache = os.path.join(cache_folder, _CACHE_FILE) if cache_folder else None
    if cache is not None:
        try:
            data = read(cache)
            if isinstance(data, dict) and data.get("tag") == _CACHE_TAG and data.get("root") == root:
                stamps, found = data.get("stamps"), data.get("found")
                if isinstance(stamps, dict) and isinstance(found, list) and _unchanged(root, stamps):
                    return [str(f) for f in found]
        except (OSError, EOFError, ValueError, TypeError):
            pass
    found, stamps, entries = _scan(root)
    if cache is not None and (len(stamps) >= CACHE_FROM or entries >= CACHE_FROM_ENTRIES):
        from linter.cachefile import write_atomically

        write_atomically(cache, {"tag": _CACHE_TAG, "root": root, "stamps": stamps, "found": found})
    return found


def _unchanged(root: str, stamps: dict[object, object]) -> bool:
    for rel, stamp in stamps.items():
        try:
            if os.stat(os.path.join(root, str(rel))).st_mtime_ns != stamp:
                return False
        except OSError:
            return False
    return True


def _scan(root: str) -> tuple[list[str], dict[str, int], int]:
    """(decision folders, mtime of every folder listed, entries read) from a breadth-first,
    bounded listing."""
    found: list[str] = []
    stamps: dict[str, int] = {}
    level = [""]
    listed = entries = 0
    for depth in range(1, SEARCH_DEPTH + 1):
        below: list[str] = []
        for rel in level:
            if listed >= SEARCH_LIMIT:
                break
            listed += 1
            path = os.path.join(root, rel) if rel else root
            try:
                stamps[rel or "."] = os.stat(path).st_mtime_ns
                with os.scandir(path) as items:
                    every = list(items)
                entries += len(every)
                names = [i.name for i in every if i.is_dir(follow_symlinks=False)]
            except OSError:
                continue
            for name in names:
                if name.startswith(".") or name.lower() in _SKIP_FOLDERS:
                    continue
                child = f"{rel}/{name}" if rel else name
                if _DECISION_FOLDER.search(name):
                    holds, stamp = _holds_numbered_records(os.path.join(root, child))
                    if stamp is not None:
                        stamps[child] = stamp
                    if holds:
                        found.append(child)
                        continue  # records live here; what is below belongs to this log
                if depth < SEARCH_DEPTH:
                    below.append(child)
        level = below
        if not level:
            break
    return sorted(found), stamps, entries


def _holds_numbered_records(path: str) -> tuple[bool, int | None]:
    try:
        stamp = os.stat(path).st_mtime_ns
        with os.scandir(path) as items:
            return any(_NUMBERED_RECORD.match(i.name) for i in items), stamp
    except OSError:
        return False, None


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
