"""Rule implementations, one module per family, registered by code.

A check takes the parsed message, the commit context and the config, and yields the text of
each problem it sees. The engine turns those into findings with the rule's severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from linter.config import Config
from linter.message import Message

#: The exemption kinds a rule can be lifted by.
EXEMPTIONS = ("merge", "revert", "fixup", "bot", "release")


class CommitContext:
    """What is known about the commit besides its message."""

    __slots__ = ("author", "decisions", "parents", "sha", "source", "timestamp")

    def __init__(self, sha: str | None = None, author: str = "", parents: int = 1, source: str = "commit",
                 timestamp: int | None = None, decisions: frozenset[str] | None = None) -> None:
        self.sha = sha
        self.author = author
        self.parents = parents
        self.source = source
        #: When the commit was made (seconds since the epoch); None for one being written now.
        self.timestamp = timestamp
        #: For a commit from history: the paths of the decision records closed before it (and not
        #: changed by it), the only ones it can re-raise; None when that is not known.
        self.decisions = decisions


class Problem(str):
    """A check's message that also names the decision record it is about (`Finding.decision`)."""

    decision: str | None

    def __new__(cls, text: str, decision: str | None = None) -> Problem:
        obj = super().__new__(cls, text)
        obj.decision = decision
        return obj


CheckFunction = Callable[[Message, CommitContext, Config], Iterable[str]]
#: Whether a check can say anything at all under a config, in the current repository.
ActiveFunction = Callable[[Config], bool]


class Check:
    """A registered check, with what it needs before it can find anything.

    `needs` names a Message attribute (`trailers`, `decode_errors`, ...) that is empty or false on
    every message the check would pass; `active` says once per run, from the config and the
    repository, whether the check can find anything there at all. Both only let the engine skip
    calls that would yield nothing: they never change a verdict.
    """

    __slots__ = ("active", "code", "exempt_by", "function", "needs")

    def __init__(self, code: str, function: CheckFunction, exempt_by: tuple[str, ...],
                 needs: str | None = None, active: ActiveFunction | None = None) -> None:
        self.code = code
        self.function = function
        self.exempt_by = exempt_by
        self.needs = needs
        self.active = active


REGISTRY: dict[str, Check] = {}


def check(code: str, exempt_by: tuple[str, ...] = EXEMPTIONS, *, needs: str | None = None,
          active: ActiveFunction | None = None) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under a rule code, with the exemptions that lift it (and,
    optionally, the message attribute it `needs` and the test of whether it is `active`)."""

    def register(function: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"duplicate check for {code}")
        if needs is not None and needs not in Message.__slots__:
            raise ValueError(f"{code}: a message has no attribute {needs!r}")
        REGISTRY[code] = Check(code, function, exempt_by, needs, active)
        return function

    return register


def message_checks() -> dict[str, Check]:
    """All checks that read a commit message, imported on first use."""
    from linter.checks import decisions, hygiene, rationale, tickets  # noqa: F401

    return REGISTRY
