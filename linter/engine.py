"""lint(message, context, config) -> Result: exemptions first, then every enabled check."""

from __future__ import annotations

import re
from functools import partial

from linter.checks import REGISTRY, Check, CheckFunction, CommitContext, message_checks
from linter.checks.rationale import assess
from linter.checks.tickets import found_tickets
from linter.config import Config
from linter.findings import Finding, Result
from linter.message import Message

_REVERT = re.compile(r"^This reverts commit [0-9a-f]{7,64}\b", re.MULTILINE)
_FIXUP_PREFIXES = ("fixup! ", "squash! ", "amend! ")


class _Plan:
    """What the config decides once for every message: the checks to run with their names and
    severities, and the exemptions in force. A range of 10,000 commits asks it 10,000 times."""

    __slots__ = (
        "_severities",
        "bot_patterns",
        "bots",
        "checks",
        "fixups",
        "known_authors",
        "merges",
        "registered",
        "release",
        "reverts",
        "skip_key",
    )

    def __init__(self, cfg: Config) -> None:
        self.merges = cfg.flag("merges", "exempt")
        self.reverts = cfg.flag("reverts", "exempt")
        self.fixups = cfg.flag("fixups", "exempt")
        self.bots = cfg.flag("bots", "exempt")
        self.bot_patterns = cfg.patterns("bot-authors", "exempt")
        self.release = cfg.pattern("release-pattern", "exempt") if cfg.flag("releases", "exempt") else None
        self.skip_key = cfg.text("skip-trailer")
        #: author -> is a bot; a history has far fewer authors than commits
        self.known_authors: dict[str, bool] = {}
        self._severities: dict[str, tuple[str, str]] = {}
        self.checks: list[tuple[str, Check]] = []
        registry = message_checks()
        self.registered = len(registry)  # a check registered later makes a new plan
        # The rule catalogue (TOML files) is read only when the config overrides severities (it was
        # read to validate them anyway) or once a finding needs describing: a passing commit on the
        # hook's hot path never pays for it.
        overrides = cfg.has_rule_overrides
        for code, entry in sorted(registry.items()):
            if overrides and self.severity(code, cfg)[1] == "off":
                continue  # an "off" rule's findings would be dropped: skip the work
            self.checks.append((code, entry))

    def severity(self, code: str, cfg: Config) -> tuple[str, str]:
        """(name, severity) of a rule under this config, looked up once."""
        known = self._severities.get(code)
        if known is None:
            known = self._severities[code] = severity_of(code, cfg)
        return known

    def is_bot(self, author: str) -> bool:
        known = self.known_authors.get(author)
        if known is None:
            known = self.known_authors[author] = any(p.matches(author[:1024]) for p in self.bot_patterns)
        return known


def _plan(cfg: Config) -> _Plan:
    plan = cfg.memo.get("engine-plan")
    if not isinstance(plan, _Plan) or plan.registered != len(REGISTRY):
        plan = cfg.memo["engine-plan"] = _Plan(cfg)
    return plan


def exemptions(msg: Message, ctx: CommitContext, cfg: Config) -> tuple[str, ...]:
    """The exemption kinds that apply to this commit, as configured."""
    return _exemptions(msg, ctx, _plan(cfg))


def _exemptions(msg: Message, ctx: CommitContext, plan: _Plan) -> tuple[str, ...]:
    # Built up as a tuple: most commits have none, and () costs nothing to return.
    found: tuple[str, ...] = ()
    if ctx.parents > 1 and plan.merges:
        found += ("merge",)
    if plan.reverts and "This reverts commit " in msg.body and _REVERT.search(msg.body):
        found += ("revert",)
    if plan.fixups and msg.subject.startswith(_FIXUP_PREFIXES):
        found += ("fixup",)
    if ctx.author and plan.bots and plan.is_bot(ctx.author):
        found += ("bot",)
    if plan.release is not None and plan.release.matches(msg.subject[:1024]):
        found += ("release",)
    return found


def skip_reason(msg: Message, cfg: Config) -> str | None:
    """The reason given by the skip trailer, if the message carries one with a reason."""
    return _skip_reason(msg, cfg.text("skip-trailer"))


def _skip_reason(msg: Message, key: str) -> str | None:
    for value in msg.trailer_values(key):
        if value.strip():
            return value.strip()
    return None


def severity_of(code: str, cfg: Config) -> tuple[str, str]:
    """(name, severity) of a rule: the config's override, else the catalogue's default."""
    from linter.rulebook import essentials

    name, default = essentials(code)
    return name, cfg.severity_override(code, name) or default


class Linter:
    """The engine bound to one config for one run (a hook call, a range, an audit).

    Checks that cannot find anything here (`Check.active`: no project keys, no decision records)
    are dropped once, at the start; a check whose message attribute (`Check.needs`) is empty is
    skipped per message. Neither changes a verdict, only what is asked. Build one per run: a
    check's `active` test reads the repository as it is when the run starts.
    """

    __slots__ = ("_cfg", "_checks", "_plan", "_runnable")

    def __init__(self, cfg: Config) -> None:
        self._cfg = cfg
        self._plan = plan = _plan(cfg)
        self._checks = [
            (code, entry.function, entry.needs, entry.exempt_by)
            for code, entry in plan.checks
            if entry.active is None or entry.active(cfg)
        ]
        #: (exemptions applied, skipped) -> the checks that still run. A range has a handful of
        #: such pairs (most commits: none), so the exemption tests run once per pair, not per check
        #: of every commit.
        self._runnable: dict[tuple[tuple[str, ...], bool], list[tuple[str, CheckFunction, str | None]]] = {}

    def _runnable_for(self, applied: tuple[str, ...], skipped: bool) -> list[tuple[str, CheckFunction, str | None]]:
        runnable = self._runnable[applied, skipped] = [
            (code, function, needs)
            for code, function, needs, exempt_by in self._checks
            if not (skipped and exempt_by) and not any(kind in exempt_by for kind in applied)
        ]
        return runnable

    def lint(self, msg: Message, ctx: CommitContext) -> Result:
        """Every finding for one message, with the exemptions and skip that applied."""
        cfg = self._cfg
        applied = _exemptions(msg, ctx, self._plan)
        skipped = _skip_reason(msg, self._plan.skip_key) if msg.trailers else None
        if skipped:
            applied = (*applied, "skip")
        findings: list[Finding] = []
        subject = msg.subject or None
        sha = ctx.sha
        runnable = self._runnable.get((applied, bool(skipped)))
        if runnable is None:
            runnable = self._runnable_for(applied, bool(skipped))
        for code, function, needs in runnable:
            if needs is not None and not getattr(msg, needs):
                continue
            for text in function(msg, ctx, cfg):
                name, severity = self._plan.severity(code, cfg)
                if severity == "off":
                    break
                decision = None
                if type(text) is not str:  # a Problem naming a decision record (a plain str is the rule)
                    decision = getattr(text, "decision", None)
                    text = str(text)
                findings.append(Finding(code, name, severity, text, sha, subject, None, None, decision))
        return Result(findings, applied, skipped, verdicts=partial(_verdicts, msg, cfg))


def _verdicts(msg: Message, cfg: Config) -> tuple[tuple[str, ...], bool]:
    """(the message's tickets, whether it says why): shared with CTX101 and CTX201/202 when they ran."""
    return tuple(found_tickets(msg, cfg)), assess(msg, cfg)[0] == "ok"


def lint(msg: Message, ctx: CommitContext, cfg: Config) -> Result:
    """Every finding for one message, with the exemptions and skip that applied (one message:
    a run over many builds one `Linter` and asks it for each)."""
    return Linter(cfg).lint(msg, ctx)
