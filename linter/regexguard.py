"""Compile user-supplied regular expressions, refusing those that can backtrack catastrophically.

Python's `re` has no timeout, so a pattern such as `(a+)+$` in a config file could hang every
commit. Patterns are parsed and rejected when an unbounded repeat contains another unbounded
repeat, or repeats an alternation whose branches can match the same text; inputs are capped in
length where the patterns run (see `tickets.MAX_CUSTOM_LINE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

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


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


_CATEGORY_TESTS: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": _is_word,
    "CATEGORY_NOT_WORD": lambda c: not _is_word(c),
}


def _item_matches(op: object, av: object, ch: str) -> bool:
    """Whether a single-character item can match `ch` (True when unsure)."""
    name = str(op)
    if name == "LITERAL" and isinstance(av, int):
        return chr(av) == ch
    if name == "NOT_LITERAL" and isinstance(av, int):
        return chr(av) != ch
    if name == "IN" and isinstance(av, list):
        negate = False
        hit = False
        for sub_op, sub_av in av:
            sub = str(sub_op)
            if sub == "NEGATE":
                negate = True
            elif sub == "LITERAL" and isinstance(sub_av, int):
                hit = hit or chr(sub_av) == ch
            elif sub == "RANGE" and isinstance(sub_av, tuple):
                hit = hit or sub_av[0] <= ord(ch) <= sub_av[1]
            elif sub == "CATEGORY" and str(sub_av) in _CATEGORY_TESTS:
                hit = hit or _CATEGORY_TESTS[str(sub_av)](ch)
            else:
                return True
        return hit != negate
    return True


def _unbounded_items_avoid(tree: object, ch: str) -> bool:
    """True when no unbounded repeat inside `tree` can consume `ch`."""
    for op, av in _items(tree):
        name = str(op)
        if name in _REPEATS and isinstance(av, tuple):
            if av[1] == MAXREPEAT or av[1] > 1000:
                inner = _items(av[2])
                if len(inner) != 1 or _item_matches(inner[0][0], inner[0][1], ch):
                    return False
            elif not _unbounded_items_avoid(av[2], ch):
                return False
        elif name == "SUBPATTERN" and isinstance(av, tuple):
            if not _unbounded_items_avoid(av[-1], ch):
                return False
        elif name == "BRANCH" and isinstance(av, tuple):
            if not all(_unbounded_items_avoid(b, ch) for b in av[1]):
                return False
    return True


def _separated(body: object) -> bool:
    """A repeated body that starts with a literal no inner repeat can eat, e.g. (?:\\.\\d+)*: linear."""
    items = _items(body)
    if len(items) == 1 and str(items[0][0]) == "SUBPATTERN" and isinstance(items[0][1], tuple):
        items = _items(items[0][1][-1])
    if not items or str(items[0][0]) != "LITERAL" or not isinstance(items[0][1], int):
        return False
    return _unbounded_items_avoid(body, chr(items[0][1]))


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
                if _has_unbounded(body) and not _separated(body):
                    return "a repeated group contains another unbounded repeat, e.g. (a+)+"
                for inner_op, inner_av in _items(body):
                    is_group = str(inner_op) == "SUBPATTERN" and isinstance(inner_av, tuple)
                    target = inner_av[-1] if is_group and isinstance(inner_av, tuple) else None
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


_SAMPLE = [chr(c) for c in range(32, 127)] + ["\t", "\u00e9", "\u4e2d"]


def _sample_set(op: object, av: object) -> frozenset[str]:
    return frozenset(c for c in _SAMPLE if _item_matches(op, av, c))


def _walk_run(tree: object, run: list[frozenset[str]]) -> str | None:
    """Follow a sequence, keeping the run of unbounded repeats that nothing mandatory separates."""
    for op, av in _items(tree):
        name = str(op)
        if name in _REPEATS and isinstance(av, tuple):
            if not (av[1] == MAXREPEAT or av[1] > 1000):
                continue
            if _separated(av[2]):
                run.clear()  # each round starts with a literal the run cannot eat: linear
                continue
            inner = _items(av[2])
            run.append(_sample_set(*inner[0]) if len(inner) == 1 else frozenset(_SAMPLE))
            for char in _SAMPLE:
                if sum(1 for matched in run if char in matched) >= 3:
                    return (f"three unbounded repeats in a row can all match {char!r} with nothing between "
                            "them to pin them down, e.g. \\S+/\\S+/\\d+")
        elif name in ("LITERAL", "IN", "NOT_LITERAL", "ANY"):
            needed = _sample_set(op, av)
            if not any(needed & matched for matched in run):
                run.clear()  # a character none of the repeats can take separates them
        elif name == "SUBPATTERN" and isinstance(av, tuple):
            problem = _walk_run(av[-1], run)
            if problem:
                return problem
        elif name == "BRANCH" and isinstance(av, tuple):
            for branch in av[1]:
                problem = _walk_run(branch, list(run))
                if problem:
                    return problem
    return None


def _chained_repeats(tree: object) -> str | None:
    """Three or more unbounded repeats that can all eat the same character, with nothing mandatory
    between them that they cannot eat, backtrack polynomially (n^3 and worse): `\\S+/\\S+/\\d+`
    takes seconds on one long line even with the line length capped."""
    return _walk_run(tree, [])


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile `pattern`, raising UnsafePattern with a one-line reason when it is unusable."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = re.compile(pattern, flags)
        tree = _sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise UnsafePattern(f"invalid regex: {exc}") from None
    problem = _check(tree) or _chained_repeats(tree)
    if problem:
        raise UnsafePattern(f"regex may backtrack catastrophically: {problem}")
    return compiled
