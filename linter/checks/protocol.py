"""The check protocol, one for every rule on a commit message, and the registry of checks by code:

    @check("CTX123", exempt_by=EXEMPTIONS, needs=None, active=None)
    def what_it_finds(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
        if <the message passes>:
            return ()
        return (f"what is wrong and how to fix it",)

- A check is a plain function of the parsed message, the commit context and the config. It
  returns the text of each problem it sees, as a tuple or list: `()` when the message passes (most
  do, and an empty tuple costs nothing where a generator costs a frame per commit of a range). A
  problem about a decision record is a `Problem(text, decision=path)`. The engine
  (`linter.engine.Linter`) turns each text into a finding with the rule's name and severity; a
  check never prints, never reads the severity, and never decides exemptions.
- The rule itself is a TOML file in `rules/` with the same code (summary, rationale, examples);
  tests/test_catalogue.py pairs every check with its rule and runs the examples.
- `exempt_by`: the exemption kinds that lift the rule (merge, revert, fixup, bot, release; all by
  default). A rule with `exempt_by=()` is about the input itself and holds even under a skip trailer.
- `needs`: a `Message` attribute (`trailers`, `decode_errors`, ...) that is empty or false on every
  message the check passes: the engine skips the call when it is.
- `active(cfg)`: whether the check can find anything at all under this config, in this repository
  (project keys set, decision records present). Asked once per run; an inactive check is dropped.
- `prepare(cfg)`, in place of `active`: the function to call for this run's commits, with what it
  would otherwise look up for every commit already at hand (the repository's decision records),
  or None where the check cannot find anything. Asked once per run, like `active`; the registered
  function stays the check's meaning, and the prepared one must give the same verdicts.
- A value derived from the config alone (a hint naming the configured trailer, a phrase index) is
  computed by a function decorated with `linter.config.per_config`: once per run, not per commit.
- A new module of checks is imported in `linter.checks.message_checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


#: The check protocol: (message, context, config) -> the problems' texts, () when it passes.
CheckFunction = Callable[[Message, CommitContext, Config], Sequence[str]]
#: Whether a check can say anything at all under a config, in the current repository.
ActiveFunction = Callable[[Config], bool]
#: The check function for one run under a config, in the current repository (None: inactive there).
PrepareFunction = Callable[[Config], "CheckFunction | None"]


class Check:
    """A registered check, with what it needs before it can find anything.

    `needs` names a Message attribute (`trailers`, `decode_errors`, ...) that is empty or false on
    every message the check would pass; `active` says once per run, from the config and the
    repository, whether the check can find anything there at all. Both only let the engine skip
    calls that would yield nothing: they never change a verdict.
    """

    __slots__ = ("active", "code", "exempt_by", "function", "needs", "prepare")

    def __init__(self, code: str, function: CheckFunction, exempt_by: tuple[str, ...],
                 needs: str | None = None, active: ActiveFunction | None = None,
                 prepare: PrepareFunction | None = None) -> None:
        self.code = code
        self.function = function
        self.exempt_by = exempt_by
        self.needs = needs
        self.active = active
        self.prepare = prepare

    def run_with(self, cfg: Config) -> CheckFunction | None:
        """The function a run under `cfg` calls for each commit, or None when the check is inactive."""
        if self.prepare is not None:
            return self.prepare(cfg)
        if self.active is not None and not self.active(cfg):
            return None
        return self.function


REGISTRY: dict[str, Check] = {}


def check(code: str, exempt_by: tuple[str, ...] = EXEMPTIONS, *, needs: str | None = None,
          active: ActiveFunction | None = None,
          prepare: PrepareFunction | None = None) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under a rule code, with the exemptions that lift it (and,
    optionally, the message attribute it `needs` and the test of whether it is `active`, or how
    to `prepare` it for a run)."""

    def register(function: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"duplicate check for {code}")
        if needs is not None and needs not in Message.__slots__:
            raise ValueError(f"{code}: a message has no attribute {needs!r}")
        REGISTRY[code] = Check(code, function, exempt_by, needs, active, prepare)
        return function

    return register
