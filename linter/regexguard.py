"""Compile user-supplied regular expressions, refusing those that can backtrack catastrophically.

Python's `re` has no timeout, so a pattern such as `(a+)+$` in a config file could hang every
commit. Patterns are parsed and rejected when an unbounded repeat contains another unbounded
repeat, or repeats an alternation whose branches can match the same text; inputs are capped in
length where the patterns run (see `tickets.MAX_CUSTOM_LINE`).
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found,unused-ignore]
    from re._constants import MAXREPEAT  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.9 and 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef,unused-ignore]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef,unused-ignore]

MAX_PATTERN_LENGTH = 500

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class UnsafePattern(ValueError):
    """The pattern is invalid or too slow to run on untrusted text."""


def _items(tree: object) -> list[tuple[object, object]]:
    data = getattr(tree, "data", tree)
    return list(data) if isinstance(data, list) else []


def _first_chars(tree: object) -> set[str] | None:
    """Literal characters a subpattern can start with, or None when it could start with anything."""
    for op, av in _items(tree):
        name = str(op)
        if name == "LITERAL" and isinstance(av, int):
            return {chr(av)}
        if name in ("AT",):
            continue
        if name == "SUBPATTERN" and isinstance(av, tuple):
            return _first_chars(av[-1])
        return None
    return set()


def _has_unbounded(tree: object) -> bool:
    for op, av in _items(tree):
        name = str(op)
        if name in _REPEATS and isinstance(av, tuple):
            if av[1] == MAXREPEAT or av[1] > 1000:
                return True
            if _has_unbounded(av[2]):
                return True
        elif name == "SUBPATTERN" and isinstance(av, tuple):
            if _has_unbounded(av[-1]):
                return True
        elif name == "BRANCH" and isinstance(av, tuple):
            if any(_has_unbounded(b) for b in av[1]):
                return True
    return False


def _check(tree: object) -> str | None:
    for op, av in _items(tree):
        name = str(op)
        if name in _REPEATS and isinstance(av, tuple):
            body = av[2]
            unbounded = av[1] == MAXREPEAT or av[1] > 1000
            if name != "POSSESSIVE_REPEAT" and not unbounded and av[1] >= 10 and _has_unbounded(body):
                return "a group repeated many times contains an unbounded repeat, e.g. (.*a){20}"
            if unbounded and name != "POSSESSIVE_REPEAT":
                if _has_unbounded(body):
                    return "a repeated group contains another unbounded repeat, e.g. (a+)+"
                for inner_op, inner_av in _items(body):
                    target = inner_av[-1] if str(inner_op) == "SUBPATTERN" else None
                    branch = _items(target) if target is not None else [(inner_op, inner_av)]
                    for b_op, b_av in branch:
                        if str(b_op) == "BRANCH" and isinstance(b_av, tuple):
                            starts = [_first_chars(b) for b in b_av[1]]
                            if any(s is None for s in starts):
                                return "a repeated alternation has a branch that can start with anything"
                            # `(aa|a)*` parses as `(a(?:a|))*`: an empty branch lets each repeat
                            # split the same text in two ways, which is exponential all the same.
                            if any(not s for s in starts):
                                return "a repeated alternation has an empty branch, e.g. (aa|a)*"
                            seen: set[str] = set()
                            for s in starts:
                                assert s is not None
                                if s & seen:
                                    return "a repeated alternation has branches that match the same text"
                                seen |= s
            problem = _check(body)
            if problem:
                return problem
        elif name == "SUBPATTERN" and isinstance(av, tuple):
            problem = _check(av[-1])
            if problem:
                return problem
        elif name == "BRANCH" and isinstance(av, tuple):
            for b in av[1]:
                problem = _check(b)
                if problem:
                    return problem
    return None


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile `pattern`, raising UnsafePattern with a one-line reason when it is unusable."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = re.compile(pattern, flags)
        tree = _sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise UnsafePattern(f"invalid regex: {exc}") from None
    problem = _check(tree)
    if problem:
        raise UnsafePattern(f"regex may backtrack catastrophically: {problem}")
    return compiled
