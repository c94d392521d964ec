"""The compiled-regex cache: the same patterns as `re.compile`, without compiling on the next run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from linter import regexcache

PATTERNS = [
    (r"\bADR[- ]?\d+\b", re.IGNORECASE),
    (r"(?P<key>[A-Z][A-Z0-9_]{1,14})-(?P<number>[1-9][0-9]*)", 0),
    (r"^[ \t]*(?:[<>].*|[\w-]+-by:.*)$", re.MULTILINE),
    (r"([A-Z](?<![A-Za-z0-9_./-][A-Z])[A-Z0-9_]{1,14})-([1-9][0-9]{0,8})(?![A-Za-z0-9_-]|\.[0-9])", 0),
    (r"(?i:[bipmt](?<![\w-][bipmt])(?:ug|ssue|r)s?[ \t]?)([1-9][0-9]*)", 0),
    ("[\x00-\x08\u202a-\u202e\ud800-\udfff]", 0),
    (r"caf\u00e9|na\u00efve|stra\u00dfe", re.IGNORECASE),
    (r"(a|b)(?(1)c|d)", 0),
]
TEXTS = ["Refs: ADR-7 and adr 12", "PAY-412 fixes LANG-1411 (#12)", "> quoted\nSigned-off-by: x",
         "Bug 18836, issue 5342, PR 7", "CAFÉ NAÏVE STRASSE", "ac bd", "x\u202ey"]


def run_python(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CTXLINT_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          check=True)


#: A process that compiles PATTERNS through the cache and says how many `re` had to compile itself.
PROBE = f"""
    import re, re._compiler as compiler
    calls = []
    real = compiler.compile
    compiler.compile = lambda p, flags=0: (calls.append(p), real(p, flags))[1]
    from linter.regexcache import regex
    for pattern, flags in {PATTERNS!r}:
        compiled = regex(pattern, flags)
        assert compiled == re.compile(pattern, flags), pattern
        assert compiled.groupindex == re.compile(pattern, flags).groupindex
        for text in {TEXTS!r}:
            assert [m.span() for m in compiled.finditer(text)] == [m.span() for m in re.finditer(pattern, text, flags)]
    print(len([p for p in calls if isinstance(p, str)]))
"""


def test_a_second_run_compiles_nothing_and_matches_the_same(tmp_path: Path) -> None:
    first = run_python(PROBE, tmp_path)
    # the first run compiles each pattern (and once more to prove the program it keeps)
    assert int(first.stdout) >= len(PATTERNS)
    assert len(list(tmp_path.glob("regex-*.marshal"))) == 1
    second = run_python(PROBE, tmp_path)
    # re.compile in the asserts compiles each pattern once more; regex() itself compiled nothing
    assert int(second.stdout) == len(PATTERNS)


def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path: Path) -> None:
    run_python(PROBE, tmp_path)
    (cache_file,) = tmp_path.glob("regex-*.marshal")
    cache_file.write_bytes(b"\x00not marshal at all")
    run_python(PROBE, tmp_path)
    import marshal

    # a readable file whose programs are garbage: the engine refuses them, `re` compiles instead
    cache_file.write_bytes(marshal.dumps({(p, int(f)): (int(f), b"\xff" * 8, 0, {}, (None,)) for p, f in PATTERNS}))
    result = run_python(PROBE, tmp_path)
    assert int(result.stdout) >= len(PATTERNS)


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    result = run_python(PROBE, blocked / "cache")
    assert int(result.stdout) >= len(PATTERNS)


def test_in_process_patterns_are_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"unique-to-this-test-\d+"
    first = regexcache.regex(pattern, re.IGNORECASE)
    assert regexcache.regex(pattern, re.IGNORECASE) is first
    assert regexcache.regex(pattern, int(re.IGNORECASE)) is first
    assert regexcache.regex(pattern) is not first
    assert first.search("UNIQUE-TO-THIS-TEST-42")
