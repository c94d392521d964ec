"""One `Linter` per run: what the config decides, settled once; then `lint(message, context)` for
every message of the run, exemptions first, then every check that can still find something."""

from __future__ import annotations

import re
from functools import partial

from linter.checks import message_checks
from linter.checks.protocol import CheckFunction, CommitContext
from linter.checks.rationale import assess
from linter.checks.tickets import found_tickets
from linter.config import Config
from linter.findings import Finding, Result
from linter.message import Message
from linter.regexcache import regex

_REVERT = regex(r"^This reverts commit [0-9a-f]{7,64}\b", re.MULTILINE)
_FIXUP_PREFIXES = ("fixup! ", "squash! ", "amend! ")


class Linter:
    """The engine bound to one config for one run (a hook call, a range, an audit).

    Built once, it settles what the config says for every message: the exemptions in force, the
    checks to run, and each rule's name and severity. A check that cannot find anything here
    (`Check.active`: no project keys, no decision records) or whose rule is "off" is dropped at the
    start; a check whose message attribute (`Check.needs`) is empty is skipped per message. None of
    this changes a verdict, only what is asked. Build one per run: a check's `active` test reads
    the repository as it is when the run starts, and a range of 10,000 commits asks the rest
    10,000 times.
    """

    __slots__ = (
        "_authors",
        "_bot_patterns",
        "_bots",
        "_checks",
        "_fixups",
        "_merges",
        "_release",
        "_reverts",
        "_runnable",
        "_severities",
        "_skip_key",
        "_unexempt",
        "cfg",
    )

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._merges = cfg.flag("merges", "exempt")
        self._reverts = cfg.flag("reverts", "exempt")
        self._fixups = cfg.flag("fixups", "exempt")
        self._bots = cfg.flag("bots", "exempt")
        self._bot_patterns = cfg.patterns("bot-authors", "exempt")
        self._release = cfg.pattern("release-pattern", "exempt") if cfg.flag("releases", "exempt") else None
        self._skip_key = cfg.text("skip-trailer")
        #: author -> is a bot; a history has far fewer authors than commits
        self._authors: dict[str, bool] = {}
        #: code -> (name, severity), looked up when the rule first finds something
        self._severities: dict[str, tuple[str, str]] = {}
        # The rule catalogue (TOML files) is read only when the config overrides severities (it was
        # read to validate them anyway) or once a finding needs describing: a passing commit on the
        # hook's hot path never pays for it.
        overrides = cfg.has_rule_overrides
        self._checks = []
        for code, entry in sorted(message_checks().items()):
            if overrides and self.severity(code)[1] == "off":
                continue  # its findings would be dropped
            function = entry.run_with(cfg)
            if function is not None:
                self._checks.append((code, function, entry.needs, entry.exempt_by))
        #: (exemptions applied, skipped) -> the checks that still run. A range has a handful of
        #: such pairs (most commits: none), so the exemption tests run once per pair, not per check
        #: of every commit.
        self._runnable: dict[tuple[tuple[str, ...], bool], list[tuple[str, CheckFunction, str | None]]] = {}
        #: the checks of a commit nothing exempts (most commits), without the lookup
        self._unexempt = self._runnable_for((), False)

    def severity(self, code: str) -> tuple[str, str]:
        """(name, severity) of a rule under this run's config."""
        known = self._severities.get(code)
        if known is None:
            known = self._severities[code] = self.cfg.rule_severity(code)
        return known

    def exemptions(self, msg: Message, ctx: CommitContext) -> tuple[str, ...]:
        """The exemption kinds that apply to this commit, as configured."""
        # Built up as a tuple: most commits have none, and () costs nothing to return.
        found: tuple[str, ...] = ()
        if ctx.parents > 1 and self._merges:
            found += ("merge",)
        if self._reverts and "This reverts commit " in msg.body and _REVERT.search(msg.body):
            found += ("revert",)
        if self._fixups and msg.subject.startswith(_FIXUP_PREFIXES):
            found += ("fixup",)
        if ctx.author and self._bots and self._is_bot(ctx.author):
            found += ("bot",)
        if self._release is not None and self._release.matches(msg.subject[:1024]):
            found += ("release",)
        return found

    def _is_bot(self, author: str) -> bool:
        known = self._authors.get(author)
        if known is None:
            known = self._authors[author] = any(p.matches(author[:1024]) for p in self._bot_patterns)
        return known

    def skip_reason(self, msg: Message) -> str | None:
        """The reason given by the skip trailer, if the message carries one with a reason."""
        for value in msg.trailer_values(self._skip_key):
            if value.strip():
                return value.strip()
        return None

    def _runnable_for(self, applied: tuple[str, ...], skipped: bool) -> list[tuple[str, CheckFunction, str | None]]:
        runnable = self._runnable[applied, skipped] = [
            (code, function, needs)
            for code, function, needs, exempt_by in self._checks
            if not (skipped and exempt_by) and not any(kind in exempt_by for kind in applied)
        ]
        return runnable

    def lint(self, msg: Message, ctx: CommitContext) -> Result:
        """Every finding for one message, with the exemptions and skip that applied."""
        cfg = self.cfg
        applied = self.exemptions(msg, ctx)
        skipped = self.skip_reason(msg) if msg.trailers else None
        if skipped:
            applied = (*applied, "skip")
        findings: list[Finding] = []
        subject = msg.subject or None
        sha = ctx.sha
        # most commits: nothing exempts them, and their checks need no lookup
        runnable = self._unexempt if not applied else self._runnable.get((applied, bool(skipped)))
        if runnable is None:
            runnable = self._runnable_for(applied, bool(skipped))
        severities = self._severities
        for code, function, needs in runnable:
            if needs is not None and not getattr(msg, needs):
                continue
            for text in function(msg, ctx, cfg):
                name, severity = severities.get(code) or self.severity(code)
                if severity == "off":
                    break
                decision = None
                if type(text) is not str:  # a Problem naming a decision record (a plain str is the rule)
                    decision = getattr(text, "decision", None)
                    text = str(text)
                findings.append(Finding(code, name, severity, text, sha, subject, None, None, decision))
        return Result(findings, applied, skipped, partial(_verdicts, msg, cfg))


def _verdicts(msg: Message, cfg: Config) -> tuple[tuple[str, ...], bool]:
    """(the message's tickets, whether it says why): shared with CTX101 and CTX201/202 when they ran."""
    return tuple(found_tickets(msg, cfg)), assess(msg, cfg)[0] == "ok"


def lint(msg: Message, ctx: CommitContext, cfg: Config) -> Result:
    """Every finding for one message, with the exemptions and skip that applied (one message:
    a run over many builds one `Linter` and asks it for each)."""
    return Linter(cfg).lint(msg, ctx)
