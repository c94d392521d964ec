"""The engine (linter/engine.py): one `Linter` per run finds exactly what the straightforward loop
finds (every check, every exemption test, every severity looked up on each message), on messages
built here from parts (tests/messages.py) and on the shared corpus when it is present; and it asks
a check only what can change a verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from messages import CONTEXTS, message_texts, sample_messages

from linter.checks import message_checks
from linter.checks.protocol import CommitContext
from linter.config import Config, validate
from linter.engine import Linter, lint
from linter.findings import Finding
from linter.message import MAX_MESSAGE_BYTES, Message, parse


@pytest.fixture(autouse=True, scope="module")
def outside_any_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Lint from an empty folder: this checkout's own decision records must not decide what CTX301
    says (the test with records builds its own repository)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("outside"))
        yield


def parsed(text: str) -> Message:
    """The message as a walk over history reads it (history.lint_commit)."""
    return parse(text[:MAX_MESSAGE_BYTES], None, decode_errors="\ufffd" in text,
                 truncated=len(text) > MAX_MESSAGE_BYTES)


def reference_lint(text: str, ctx: CommitContext, cfg: Config) -> list[Finding]:
    """The original engine loop: every check, then its severity looked up."""
    msg = parsed(text)
    linter = Linter(cfg)
    applied = linter.exemptions(msg, ctx)
    skipped = linter.skip_reason(msg)
    if skipped:
        applied = (*applied, "skip")
    findings = []
    for code, entry in sorted(message_checks().items()):
        if skipped and entry.exempt_by:
            continue
        if any(kind in entry.exempt_by for kind in applied):
            continue
        problems = list(entry.function(msg, ctx, cfg))
        name, severity = cfg.rule_severity(code)
        if severity == "off":
            continue
        findings.extend(
            Finding(code, name, severity, p, commit=ctx.sha, subject=msg.subject or None,
                    decision=getattr(p, "decision", None))
            for p in problems
        )
    return findings


CONFIGS = [
    Config(),
    validate(
        {
            "rules": {"CTX201": "off", "missing-ticket": "warning"},
            "exempt": {"bots": False},
            "project-keys": ["LANG"],
        },
        "test",
    ),
    validate(
        {
            "rationale-in-subject": False,
            "rationale-trailers": ["Reason"],
            "low-information": ["tidy the queue", "per review"],
            "skip-trailer": "Signed-off-by",
            "trackers": ["jira", "azure"],
            "exempt": {"releases": False, "fixups": False, "merges": False},
            "rules": {"CTX901": "warning", "low-information-rationale": "off"},
        },
        "test",
    ),
]


def assert_engine_matches_the_reference(texts: list[str]) -> tuple[set[str], set[str]]:
    """Lint each text under every config and context, by the engine (one Linter per config, as a
    run builds it) and by the reference; return the rule codes and exemptions seen."""
    codes: set[str] = set()
    kinds: set[str] = set()
    for cfg in CONFIGS:
        linter = Linter(cfg)
        for i, text in enumerate(texts):
            author, parents = CONTEXTS[i % len(CONTEXTS)]
            ctx = CommitContext(f"{i:040x}", author, parents, "history")
            result = linter.lint(parsed(text), ctx)
            assert result.findings == reference_lint(text, ctx, cfg), text
            codes.update(f.code for f in result.findings)
            kinds.update(result.exemptions)
    return codes, kinds


def test_engine_matches_the_reference_loop_on_messages() -> None:
    codes, kinds = assert_engine_matches_the_reference(sample_messages(corpus_limit=1500))
    # The messages exercise every rule on a message (CTX301 has its own test below) and every exemption.
    assert codes == {code for code in message_checks() if code != "CTX301"}
    assert kinds == {"merge", "revert", "fixup", "bot", "release", "skip"}


@settings(max_examples=200, deadline=None)
@given(st.lists(message_texts(), min_size=1, max_size=6))
def test_engine_matches_the_reference_loop_on_drawn_messages(texts: list[str]) -> None:
    assert_engine_matches_the_reference(texts)


def test_a_check_registered_after_the_first_lint_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-message `lint` builds its Linter from the checks registered at that time."""
    import linter.rulebook as rulebook
    from linter.checks.protocol import REGISTRY, check

    cfg = Config()
    msg = "PAY-1: retry payments\n\nThe gateway drops idle connections after 30 s, charging twice.\n"
    ctx = CommitContext(sha="a" * 40, source="history")
    assert lint(parse(msg, comment_char=None), ctx, cfg).findings == []
    late = rulebook.Rule("CTX999", "late-check", "warning", "s", "r", [], "message")
    rules = (*rulebook.catalogue(), late)
    monkeypatch.setattr(rulebook, "catalogue", lambda: rules)

    @check("CTX999")
    def always(m: object, c: object, k: object) -> list[str]:
        return ["late check"]

    try:
        found = lint(parse(msg, comment_char=None), ctx, cfg).findings
        assert [(f.code, f.message) for f in found] == [("CTX999", "late check")]
    finally:
        REGISTRY.pop("CTX999", None)


def test_a_check_needing_an_unknown_message_attribute_is_refused() -> None:
    from linter.checks.protocol import check

    with pytest.raises(ValueError, match="no attribute 'trailer'"):
        check("CTX998", needs="trailer")(lambda m, c, k: [])


def test_checks_are_asked_only_when_active_and_when_the_message_has_what_they_need() -> None:
    from linter.checks.protocol import REGISTRY, check
    from linter.engine import Linter

    calls: list[str] = []

    @check("CTX996", active=lambda cfg: False)
    def never(m: object, c: object, k: object) -> list[str]:
        calls.append("inactive")
        return []

    @check("CTX997", needs="trailers")
    def with_trailers(m: object, c: object, k: object) -> list[str]:
        calls.append("trailers")
        return []

    try:
        linter = Linter(Config())
        ctx = CommitContext(sha="a" * 40, source="history")
        linter.lint(parse("Fix the login\n\nThe session expired too early for some users.\n", None), ctx)
        assert calls == []
        linter.lint(parse("Fix the login\n\nThe session expired too early.\n\nRefs: #4\n", None), ctx)
        assert calls == ["trailers"]
    finally:
        REGISTRY.pop("CTX996", None)
        REGISTRY.pop("CTX997", None)


ADR = """# 1. Use PostgreSQL as the job queue

Date: 2025-03-02

## Status

Accepted

## Context

Jobs need a durable queue; Redis and RabbitMQ were considered as the job queue.

## Decision

Keep jobs in a PostgreSQL table with SELECT ... FOR UPDATE SKIP LOCKED polling.

## Consequences

No second datastore to run.
"""


def test_engine_matches_the_reference_loop_where_decision_records_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With records present the reopened-decision check is active: same findings as every check run."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs" / "adr").mkdir(parents=True)
    (tmp_path / "docs" / "adr" / "0001-use-postgresql-as-the-job-queue.md").write_text(ADR)
    monkeypatch.chdir(tmp_path)
    messages = [
        "Switch the job queue from PostgreSQL to Redis\n\nThe polling loads the primary database.\n",
        "Fix the login form\n\nThe session expired too early for some users.\n\nRefs: #4\n",
        "Move the job queue to Redis\n\nReopens: ADR-1\nWhy: polling now costs a third of the database.\n",
    ]
    found = set()
    for cfg in CONFIGS:
        for i, text in enumerate(messages):
            ctx = CommitContext(sha=f"{i:040x}", source="history")
            got = lint(parse(text, comment_char=None), ctx, cfg).findings
            assert got == reference_lint(text, ctx, cfg), text
            found.update(f.code for f in got)
    assert "CTX301" in found  # the records were really read


def test_an_exempt_commit_is_judged_only_when_its_verdicts_are_read() -> None:
    """check-range never reads a result's tickets or rationale verdict, and no check runs on an
    exempt commit: a bot's long release notes must not be judged for nothing. Read, they are
    what a direct judgement says."""
    from linter.checks.rationale import assess
    from linter.checks.tickets import found_tickets

    cfg = Config()
    msg = parse("Bump requests from 2.31.0 to 2.32.0\n\nBumps requests (#12). Fixes a crash on empty input.\n", None)
    result = lint(msg, CommitContext("0" * 40, "dependabot[bot] <support@github.com>", 1, "history"), cfg)
    assert "bot" in result.exemptions
    assert msg.rationale_verdict is None and msg.tickets_found is None
    assert result.has_rationale == (assess(msg, cfg)[0] == "ok")
    assert result.tickets == tuple(found_tickets(msg, cfg)) == ("#12",)
