"""Run the regexes a config file carries on RE2, whose matching time is linear in the text.

Python's `re` backtracks and has no timeout: `(?=(a+)+$)`, `(.*a){9}b` or `\\w+\\w+!` take
minutes on one line, and no static check finds every such pattern (lookarounds, bounded repeats
and alternations all hide them). Under `pull_request` the PR's own config is read, so these
patterns are written by strangers. RE2 runs any pattern it accepts in time linear in the text; it
refuses backreferences and lookarounds, which are reported here with the construct named. It is
imported only when a config carries a pattern, so the commit-msg hook of a project without one
never pays for it. The built-in patterns are reviewed and stay on `re`. Why RE2 and these limits:
docs/adr/0007-regex-engine-for-user-patterns.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from linter import TYPE_CHECKING
from linter.regexcache import regex

if TYPE_CHECKING:
    from typing import Any, Protocol

    class _Compiled(Protocol):
        """A compiled pattern of RE2 or `re`: both answer these two, each with its own match type."""

        def search(self, text: str, /) -> Any: ...

        def finditer(self, text: str, /) -> Iterator[Any]: ...

#: Characters in one pattern: room for the default release pattern, not for a program.
MAX_PATTERN_LENGTH = 4000
#: Patterns in one list (ticket-patterns, bot-authors).
MAX_PATTERNS = 100
#: RE2 instructions that the patterns of one config key may compile to, together. Matching costs
#: up to (text length x program size) when RE2's DFA gives up on a pattern built for that, so this
#: bounds a hostile pattern on a hostile 256 KiB message to about two seconds (see the ADR).
MAX_PROGRAM_SIZE = 2000
#: The same for patterns matched against one line of at most 1 KiB (a subject, an author, a
#: branch name): a 1 KiB line costs at most ~40 ms even at this size.
MAX_LINE_PROGRAM_SIZE = 10000
#: Matches taken from one pattern in one text: the references of a message, not every character.
MAX_MATCHES = 1000


class UnsafePattern(ValueError):
    """The pattern is invalid, or RE2 cannot run it."""


class Regex:
    """A compiled pattern, from RE2 (a user's) or `re` (a built-in default), with the few ways
    ctxlint asks it things."""

    __slots__ = ("_compiled", "engine", "ignore_case", "matches", "pattern")

    def __init__(self, compiled: _Compiled, pattern: str, ignore_case: bool, engine: str) -> None:
        self._compiled = compiled
        self.pattern = pattern
        self.ignore_case = ignore_case
        self.engine = engine
        #: Whether the pattern matches anywhere in a text (a match object or None): the engine's
        #: own method, bound once, because exemptions ask it for every commit of a range.
        self.matches: Callable[[str], object] = compiled.search

    def __repr__(self) -> str:
        # Stable across runs: the audit cache's key is made from the config's reprs.
        return f"Regex({self.pattern!r}, ignore_case={self.ignore_case}, engine={self.engine!r})"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the non-empty matches in `text`, at most MAX_MATCHES of them."""
        found: list[tuple[int, int]] = []
        for m in self._compiled.finditer(text):
            start, end = m.span()
            if end > start:
                found.append((start, end))
                if len(found) >= MAX_MATCHES:
                    break
        return found

    def first(self, text: str) -> str | None:
        """The first match's group 1 when the pattern has one and it took part, else the match."""
        m = self._compiled.search(text)
        if m is None:
            return None
        groups = m.groups()
        chosen = groups[0] if groups and groups[0] else m.group(0)
        return str(chosen)


class _Deferred:
    """A built-in pattern compiled on first use: a large one takes milliseconds to compile, which
    the commit-msg hook would pay on every commit that never needs it."""

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = regex(self._pattern, self._flags)
        return self._compiled

    def search(self, text: str, /) -> re.Match[str] | None:
        return self._get().search(text)

    def finditer(self, text: str, /) -> Iterator[re.Match[str]]:
        return self._get().finditer(text)


def builtin(pattern: str, ignore_case: bool = False, matches: Callable[[str], object] | None = None) -> Regex:
    """A reviewed built-in pattern, on `re` (no RE2 import on the hook's path). `matches`, when
    given, answers `matches` in its place (the same answers, found faster), and the pattern
    itself is compiled only if something else asks it."""
    flags = re.IGNORECASE if ignore_case else 0
    if matches is None:
        return Regex(regex(pattern, flags), pattern, ignore_case, "re")
    deferred = Regex(_Deferred(pattern, flags), pattern, ignore_case, "re")
    deferred.matches = matches
    return deferred


#: What RE2 cannot run, as `re`'s parser names it, and how to say so to a user.
_UNSUPPORTED = {
    "GROUPREF": "a backreference such as \\1 or (?P=name)",
    "GROUPREF_EXISTS": "a conditional group such as (?(1)...)",
    "ATOMIC_GROUP": "an atomic group (?>...)",
    "POSSESSIVE_REPEAT": "a possessive repeat such as a*+",
}
_LOOKAROUNDS = {
    ("ASSERT", 1): "a lookahead (?=...)",
    ("ASSERT", -1): "a lookbehind (?<=...)",
    ("ASSERT_NOT", 1): "a negative lookahead (?!...)",
    ("ASSERT_NOT", -1): "a negative lookbehind (?<!...)",
}


def _unsupported_construct(pattern: str) -> str | None:
    """The construct of `pattern` that RE2 lacks, named for the user, if `re` can parse it."""
    try:
        try:  # Python 3.11+
            import re._parser as parser  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # pragma: no cover - Python 3.9 and 3.10
            import sre_parse as parser  # type: ignore[no-redef,unused-ignore]
        tree = parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        items = getattr(node, "data", node)
        if not isinstance(items, (list, tuple)):
            continue
        for item in items:
            if isinstance(item, tuple) and len(item) == 2:
                op, arg = str(item[0]), item[1]
                if op in _UNSUPPORTED:
                    return _UNSUPPORTED[op]
                if op in ("ASSERT", "ASSERT_NOT") and isinstance(arg, tuple):
                    return _LOOKAROUNDS.get((op, arg[0]), "a lookaround")
            stack.append(item)
    if getattr(getattr(tree, "state", None), "flags", 0) & re.VERBOSE:
        return "verbose mode (?x)"
    if re.search(r"(?<!\\)(?:\\\\)*\\Z", pattern):
        return "\\Z (\\z is the end of the text)"
    return None


def _reason(pattern: str, error: str) -> str:
    construct = _unsupported_construct(pattern)
    if construct:
        return f"RE2 cannot run {construct}; rewrite the pattern without it"
    if "pattern too large" in error:
        return "pattern too large for RE2"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regex: {exc}"
    return f"RE2 cannot run this pattern: {error}"


def compile_user(pattern: str, ignore_case: bool = False, budget: int = MAX_PROGRAM_SIZE) -> tuple[Regex, int]:
    """Compile a user's pattern on RE2; (the pattern, its program size). Raises UnsafePattern with
    a one-line reason when the pattern is too long, invalid, or uses what RE2 cannot run.

    The pattern matches within one line, as it would line by line: `^` and `$` mark line ends and
    nothing matches a line break. `budget` is what is left of MAX_PROGRAM_SIZE for its key.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    import re2  # only when a config carries a pattern: it costs the hook ~10 ms to load

    options = re2.Options()
    options.never_nl = True
    options.log_errors = False  # RE2 would print its own complaint on stderr
    options.case_sensitive = not ignore_case
    try:
        compiled = re2.compile(f"(?m){pattern}", options)
    except re2.error as exc:
        raise UnsafePattern(_reason(pattern, _text(exc))) from None
    size = int(compiled.programsize)
    if size > budget:
        raise UnsafePattern(f"pattern too large for RE2: {size} instructions, where the key's patterns "
                            f"have {budget} left")
    return Regex(compiled, pattern, ignore_case, "re2"), size


def compile_user_list(patterns: list[str], ignore_case: bool = False, budget: int = MAX_PROGRAM_SIZE) -> list[Regex]:
    """Compile a key's list of patterns within one program budget (see compile_user)."""
    if len(patterns) > MAX_PATTERNS:
        raise UnsafePattern(f"more than {MAX_PATTERNS} patterns")
    compiled: list[Regex] = []
    left = budget
    for index, pattern in enumerate(patterns):
        try:
            regex, size = compile_user(pattern, ignore_case, left)
        except UnsafePattern as exc:
            raise UnsafePattern(f"pattern {index + 1} ({_short(pattern)}): {exc}") from None
        compiled.append(regex)
        left -= size
    return compiled


def _text(exc: BaseException) -> str:
    message = exc.args[0] if exc.args else str(exc)
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _short(pattern: str) -> str:
    return repr(pattern if len(pattern) <= 40 else pattern[:37] + "...")
