"""User regexes: the guard refuses patterns that backtrack badly and accepts ordinary ones.

(How slow the refused ones really are is measured in benchmarks, not timed here.)
"""

from __future__ import annotations

import pytest

from linter.regexguard import UnsafePattern, compile_safe

ACCEPTED = [
    r"[A-Z]+-\d+",
    r"\b[A-Z][A-Z0-9]+-\d+\b",
    r"(?i)ticket:?\s*#?\d+",
    r"https?://\S+/browse/\S+",
    r"v?\d+\.\d+(?:\.\d+)*$",
    r"(?:,\s*\w+)*",
    r"\w+-\w+-\w+",
    r"(?:-\w+)+",
]
REFUSED = [
    r"(a+)+$",
    r"(\w+\s?)+$",
    r"(aa|a)*b",
    r"(?:,.+)*x",
    r"(.*a){20}",
    r"(x+x+)+y",
    r"\S+/\S+/\d+",
    r"\d+\d+\d+y",
]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert compile_safe(pattern).pattern == pattern


@pytest.mark.parametrize("pattern", REFUSED)
def test_backtracking_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafePattern, match="backtrack catastrophically"):
        compile_safe(pattern)


def test_invalid_and_overlong_patterns_say_why() -> None:
    with pytest.raises(UnsafePattern, match="invalid regex"):
        compile_safe("[")
    with pytest.raises(UnsafePattern, match="longer than"):
        compile_safe("a" * 501)
