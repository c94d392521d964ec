"""lint(message, context, config) -> Result: exemptions first, then every enabled check."""

from __future__ import annotations

import re

from linter.checks import CommitContext, message_checks
from linter.config import Config
from linter.findings import Finding, Result
from linter.message import Message

_REVERT = re.compile(r"^This reverts commit [0-9a-f]{7,64}\b", re.MULTILINE)
_FIXUP_PREFIXES = ("fixup! ", "squash! ", "amend! ")


def exemptions(msg: Message, ctx: CommitContext, cfg: Config) -> tuple[str, ...]:
    """The exemption kinds that apply to this commit, as configured."""
    found: list[str] = []
    if ctx.parents > 1 and cfg.flag("merges", "exempt"):
        found.append("merge")
    if cfg.flag("reverts", "exempt") and _REVERT.search(msg.body):
        found.append("revert")
    if cfg.flag("fixups", "exempt") and msg.subject.startswith(_FIXUP_PREFIXES):
        found.append("fixup")
    if ctx.author and cfg.flag("bots", "exempt"):
        if any(p.search(ctx.author) for p in cfg.patterns("bot-authors", "exempt")):
            found.append("bot")
    if cfg.flag("releases", "exempt"):
        release = cfg.pattern("release-pattern", "exempt")
        if release is not None and release.search(msg.subject[:1024]):
            found.append("release")
    return tuple(found)


def skip_reason(msg: Message, cfg: Config) -> str | None:
    """The reason given by the skip trailer, if the message carries one with a reason."""
    for value in msg.trailer_values(cfg.text("skip-trailer")):
        if value.strip():
            return value.strip()
    return None


def severity_of(code: str, cfg: Config) -> tuple[str, str]:
    """(name, severity) of a rule: the config's override, else the catalogue's default."""
    from linter.rulebook import rule

    entry = rule(code)
    return entry.name, cfg.severity_override(code, entry.name) or entry.severity


def lint(msg: Message, ctx: CommitContext, cfg: Config) -> Result:
    """Every finding for one message, with the exemptions and skip that applied."""
    applied = exemptions(msg, ctx, cfg)
    skipped = skip_reason(msg, cfg)
    if skipped:
        applied = (*applied, "skip")
    findings: list[Finding] = []
    for code, entry in sorted(message_checks().items()):
        if skipped and entry.exempt_by:
            continue
        if any(kind in entry.exempt_by for kind in applied):
            continue
        problems = list(entry.function(msg, ctx, cfg))
        if not problems:
            continue
        name, severity = severity_of(code, cfg)
        if severity == "off":
            continue
        for text in problems:
            findings.append(Finding(code, name, severity, str(text), commit=ctx.sha, subject=msg.subject or None,
                                    decision=getattr(text, "decision", None)))
    tickets = tuple(cfg.tickets.find(msg.text))
    from linter.checks.rationale import assess

    has_rationale = assess(msg, cfg)[0] == "ok"
    return Result(findings, applied, skipped, tickets, has_rationale)
