"""Compiled regular expressions kept across runs: `regex(pattern, flags)` is `re.compile`, minus the compiling.

`re.compile` parses a pattern in pure Python before the C engine sees it: the commit-msg hook
compiles some 40 patterns per commit, which took a third of its own time, and a range check
compiles some 300. Each compiled program (the list of opcodes the C engine runs) is written once
to a cache file of this user's, and a later run hands it straight to the engine.

Only what the running interpreter proves is kept: a program is cached only when the pattern
built from it compares equal to the one `re.compile` gives for the same text and flags (a
pattern's equality covers its text, flags and program). The file is per interpreter build and
engine version (`sys.version`, `_sre.MAGIC`), so no other Python ever reads it. Any surprise —
no cache folder, a read-only home, a corrupt file, an interpreter whose internals differ — falls
back to `re.compile`: the cache can make a run faster, never different.

The folder is `$CTXLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/ctxlint`, else `~/.cache/ctxlint`.
"""

from __future__ import annotations

import os
import re
import sys

from linter import TYPE_CHECKING

if TYPE_CHECKING:
    #: A compiled program as `_sre.compile` takes it: (flags of the compiled pattern, program as
    #: 4-byte words, groups - 1, group index, index group).
    Program = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
#: (pattern, flags) -> its program, as read from the file and added this run.
_programs: dict[tuple[str, int], Program] | None = None
_added = False
#: Where this process read the programs, and writes them back (fixed at the first read).
_path: str | None = None
#: The patterns compiled in this process, by (pattern, flags): a call per use costs a dict lookup.
_live: dict[tuple[str, int], re.Pattern[str]] = {}
#: More entries than this and the file is started afresh (patterns built from changing input).
_MAX_ENTRIES = 4000


def regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cached program when there is one."""
    live = _live.get((pattern, flags))  # a RegexFlag hashes and compares as its number
    if live is None:
        live = _live[(pattern, flags)] = _compile(pattern, int(flags))
    return live


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    global _programs
    if _programs is None:
        _programs = _load()
    known = _programs.get((pattern, flags))
    if known is not None:
        try:
            import _sre  # type: ignore[import-not-found]

            final_flags, program, groups, groupindex, indexgroup = known
            compiled: re.Pattern[str] = _sre.compile(pattern, final_flags, memoryview(program).cast("I").tolist(),
                                                     groups, groupindex, indexgroup)
            return compiled
        except Exception:  # an entry this interpreter does not take: compile it as usual
            del _programs[(pattern, flags)]
    compiled = re.compile(pattern, flags)
    _remember(pattern, flags, compiled)
    return compiled


def _remember(pattern: str, flags: int, compiled: re.Pattern[str]) -> None:
    """Cache the program of `compiled`, rebuilt the way `re` builds it, if it proves equal."""
    global _added
    assert _programs is not None
    try:
        import _sre
        from array import array
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = (flags | parsed.state.flags, array("I", code).tobytes(), parsed.state.groups - 1, groupindex,
                 tuple(indexgroup))
        rebuilt = _sre.compile(pattern, entry[0], list(code), entry[2], groupindex, entry[4])
        if rebuilt != compiled or rebuilt.groupindex != compiled.groupindex:
            return
    except Exception:  # internals that differ from what this expects: no cache for this pattern
        return
    if len(_programs) >= _MAX_ENTRIES:
        _programs.clear()
    _programs[(pattern, flags)] = entry
    if not _added:
        _added = True
        import atexit

        atexit.register(_save)


def _cache_file() -> str | None:
    folder = os.environ.get("CTXLINT_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        if base.startswith("~"):
            return None  # no home to keep it in
        folder = os.path.join(base, "ctxlint")
    try:
        import _sre

        magic = _sre.MAGIC
    except (ImportError, AttributeError):
        return None
    tag = f"{sys.implementation.name}-{sys.hexversion:x}-{magic}-{_build_tag()}"
    return os.path.join(folder, f"regex-{tag}.marshal")


def _build_tag() -> str:
    """The interpreter build, in a file name's characters (two builds of one version may differ)."""
    import zlib

    return f"{zlib.crc32(sys.version.encode()):08x}"


def _load() -> dict[tuple[str, int], Program]:
    global _path
    from linter.cachefile import read

    path = _path = _cache_file()
    data = read(path) if path is not None else None
    return data if type(data) is dict else {}


def _save() -> None:
    """Write the programs, old and new, at exit (a forked worker leaves without it)."""
    path = _path
    if path is None or not _programs:
        return
    from linter.cachefile import write_atomically

    write_atomically(path, _programs)
