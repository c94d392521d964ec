"""The range path was sped up (benchmarks/bench_range.py); these pin that it finds exactly what the
straightforward versions found: ticket search and the engine loop, on the shared corpus and on
generated text."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.checks import CommitContext, message_checks
from linter.config import Config, validate
from linter.engine import exemptions, lint, severity_of, skip_reason
from linter.findings import Finding
from linter.message import parse
from linter.tickets import _BUILTIN, _KEY, TicketMatcher

ROOT = Path(__file__).resolve().parent.parent


def corpus() -> list[str]:
    base = Path(os.environ.get("CTXLINT_CORPORA", ROOT.parent / "shared" / "corpora"))
    path = base / "commit-messages.txt"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["message"] for line in handle if line.strip()]


def reference_find(matcher: TicketMatcher, text: str) -> list[str]:
    """The original search: every non-key pattern as one alternation over the whole text."""
    others: list[str] = []
    for tracker in matcher.trackers:
        for pattern in _BUILTIN.get(tracker, ()):
            if pattern != _KEY and pattern not in others:
                others.append(pattern)
    found: list[tuple[int, str]] = []
    if "jira" in matcher.trackers or "linear" in matcher.trackers:
        for m in re.finditer(_KEY, text):
            if matcher._key_ok(m.group(1)):
                found.append((m.start(), m.group(0)))
    if others:
        found.extend((m.start(), m.group(0)) for m in re.finditer("|".join(f"(?:{p})" for p in others), text))
    found.sort()
    seen: list[str] = []
    for _, ref in found:
        if ref not in seen:
            seen.append(ref)
    return seen


MATCHERS = [TicketMatcher(), TicketMatcher(["github"]), TicketMatcher(["gitlab", "azure"]),
            TicketMatcher(["jira"], ["PAY"])]

TRICKY = [
    "see owner/repo#12, group/sub/proj!34 and https://gitlab.com/g/p/-/issues/5#note_1",
    "x#1 &#2 /#3 (#4) #0 AB#77 ab#7 https://dev.azure.com/o/p/_workitems/edit/9",
    "https://github.com/o/r/pull/3#issuecomment-1 https://github.com/o/r/issues/4",
    "https://jira.example.com/browse/PAY-1\thttps://linear.app/acme/issue/ENG-12\u00a0#9",
    "a!1 b/c!2 !3\r\n#5\x0b#6 http://x/-/merge_requests/7!8 [#9](https://x/y/z/pulls/10)",
]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_ticket_search_matches_the_reference_on_tricky_text(matcher: TicketMatcher) -> None:
    for text in TRICKY:
        assert matcher.find(text) == reference_find(matcher, text), text


@pytest.mark.skipif(not corpus(), reason="shared corpus not present")
@pytest.mark.parametrize("matcher", MATCHERS)
def test_ticket_search_matches_the_reference_on_the_corpus(matcher: TicketMatcher) -> None:
    for text in corpus():
        assert matcher.find(text) == reference_find(matcher, text), text


ALPHABET = st.sampled_from(list("aZ09_-./#!:&@ \n\t\r\u00a0") + ["://", "http", "https://", "AB#", "/-/issues/",
                                                                   "/pull/", "/browse/", "PAY-", "linear.app/"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_ticket_search_matches_the_reference_on_generated_text(text: str) -> None:
    for matcher in MATCHERS:
        assert matcher.find(text) == reference_find(matcher, text)


def reference_lint(text: str, ctx: CommitContext, cfg: Config) -> list[Finding]:
    """The original engine loop: every check, then its severity looked up."""
    msg = parse(text, comment_char=None)
    applied = exemptions(msg, ctx, cfg)
    skipped = skip_reason(msg, cfg)
    if skipped:
        applied = (*applied, "skip")
    findings = []
    for code, entry in sorted(message_checks().items()):
        if skipped and entry.exempt_by:
            continue
        if any(kind in entry.exempt_by for kind in applied):
            continue
        problems = list(entry.function(msg, ctx, cfg))
        name, severity = severity_of(code, cfg)
        if severity == "off":
            continue
        findings.extend(Finding(code, name, severity, p, commit=ctx.sha, subject=msg.subject or None)
                        for p in problems)
    return findings


CONFIGS = [Config(), validate({"rules": {"CTX201": "off", "missing-ticket": "warning"},
                               "exempt": {"bots": False}, "project-keys": ["LANG"]}, "test")]


@pytest.mark.skipif(not corpus(), reason="shared corpus not present")
def test_engine_matches_the_reference_loop_on_the_corpus() -> None:
    messages = corpus()[:1500] + [
        "fixup! x\n", "Revert \"x\"\n\nThis reverts commit 0123456789abcdef.\n", "x\n\nCtxlint-Skip: hotfix\n",
        "x\n\nCtxlint-Skip:\n",
    ]
    for cfg in CONFIGS:
        for i, text in enumerate(messages):
            ctx = CommitContext(sha=f"{i:040x}", author="dependabot[bot] <x>" if i % 7 == 0 else "Dev <d@x>",
                                parents=2 if i % 11 == 0 else 1, source="history")
            got = lint(parse(text, comment_char=None), ctx, cfg).findings
            assert got == reference_lint(text, ctx, cfg), text
