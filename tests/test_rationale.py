"""Rationale recorded: a reason in the body, a Why trailer, a decision link or a causal subject."""

from __future__ import annotations

import pytest

from linter.checks import CommitContext
from linter.checks.rationale import assess
from linter.config import Config, validate
from linter.engine import lint
from linter.message import parse

REASON = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


def codes(message: str, cfg: Config | None = None) -> list[str]:
    return [f.code for f in lint(parse(message), CommitContext(), cfg or Config()).findings]


def how(message: str, cfg: Config | None = None) -> tuple[str, str]:
    return assess(parse(message), cfg or Config())


def test_body_paragraph_with_a_reason_counts() -> None:
    assert how(f"PAY-1: retry payments\n\n{REASON}\n") == ("ok", "body")
    assert codes(f"PAY-1: retry payments\n\n{REASON}\n") == []


def test_no_body_is_missing() -> None:
    assert how("PAY-1: retry payments\n")[0] == "missing"
    assert codes("PAY-1: retry payments\n") == ["CTX201"]


@pytest.mark.parametrize("key", ["Why", "Rationale", "Reason", "why"])
def test_rationale_trailers(key: str) -> None:
    message = f"PAY-1: retry payments\n\n{key}: idle connections are dropped by the gateway\n"
    assert how(message) == ("ok", "trailer")


def test_custom_rationale_trailer() -> None:
    cfg = validate({"rationale-trailers": ["Motivation"]}, "test")
    message = "PAY-1: retry payments\n\nMotivation: idle connections are dropped by the gateway\n"
    assert how(message, cfg) == ("ok", "trailer")
    assert codes(message.replace("Motivation", "Why"), cfg) == ["CTX201"]  # Why: is just a trailer now


@pytest.mark.parametrize("link", ["Implements ADR-0007.", "See ADR 12.", "Decided in docs/adr/0007-queue.md",
                                  "per decisions/retry-policy.md"])
def test_decision_links(link: str) -> None:
    assert how(f"PAY-1: switch the queue to at-least-once delivery\n\n{link}\n") == ("ok", "decision record")


@pytest.mark.parametrize("subject", [
    "PAY-1: retry payments because the gateway drops idle connections",
    "PAY-1: pin urllib3 to avoid the proxy regression",
    "PAY-1: add an index so that the audit query stays under a second",
])
def test_causal_subject_counts(subject: str) -> None:
    assert how(subject + "\n") == ("ok", "subject")


def test_causal_word_alone_is_not_enough() -> None:
    assert how("PAY-1: because\n")[0] == "missing"


@pytest.mark.parametrize("body", [
    "See ticket.", "see the ticket", "As discussed.", "Per review.", "fix", "WIP", "wip", "Fixed.",
    "as discussed offline", "Addressed review comments.", "See PAY-1.", "Context in https://example.com/thread/1",
    "See ticket for details.",
])
def test_low_information_phrases_are_no_rationale(body: str) -> None:
    message = f"PAY-1: retry payments\n\n{body}\n"
    assert how(message)[0] == "weak", body
    assert codes(message) == ["CTX202"]


@pytest.mark.parametrize("value", ["see ticket", "as discussed", "per review", "fix", "wip"])
def test_low_information_trailer(value: str) -> None:
    assert codes(f"PAY-1: retry payments\n\nWhy: {value}\n") == ["CTX202"]


def test_phrase_followed_by_a_real_reason_counts() -> None:
    message = ("PAY-1: retry payments\n\nAs discussed with the gateway vendor, their load balancer drops "
               "idle connections after 30 s.\n")
    assert codes(message) == []


def test_restating_the_subject_is_no_rationale() -> None:
    message = "PAY-1: retry card payments on gateway timeouts\n\nRetry card payments on gateway timeouts.\n"
    status, detail = how(message)
    assert status == "weak"
    assert "repeats the subject" in detail


def test_min_words_is_configurable() -> None:
    message = "PAY-1: retry payments\n\nGateway drops idle sockets.\n"
    assert codes(message) == ["CTX202"]  # 4 words < 5
    assert codes(message, validate({"rationale-min-words": 3}, "test")) == []
    assert codes(f"PAY-1: retry payments\n\n{REASON}\n", validate({"rationale-min-words": 40}, "test")) == [
        "CTX202"
    ]


def test_custom_low_information_phrases() -> None:
    message = "PAY-1: retry payments\n\nPer the architecture council.\n"
    cfg = validate({"low-information": ["per the architecture council"], "rationale-min-words": 2}, "test")
    assert codes(message, validate({"rationale-min-words": 2}, "test")) == []
    assert codes(message, cfg) == ["CTX202"]


def test_trailer_block_is_not_taken_for_a_body() -> None:
    assert how("PAY-1: retry payments\n\nRefs: PAY-1\nReviewed-by: Someone Else <s@e>\n")[0] == "missing"


def test_second_paragraph_may_carry_the_reason() -> None:
    assert how(f"PAY-1: retry payments\n\nSee ticket.\n\n{REASON}\n") == ("ok", "body")


def test_severity_off_and_warning() -> None:
    assert codes("PAY-1: retry payments\n", validate({"rules": {"missing-rationale": "off"}}, "t")) == []
    result = lint(parse("PAY-1: retry payments\n"), CommitContext(),
                  validate({"rules": {"CTX201": "warning"}}, "t"))
    assert [(f.code, f.severity) for f in result.findings] == [("CTX201", "warning")]


@pytest.mark.parametrize(("message", "ctx", "kind"), [
    ("Merge branch 'x' into main\n", CommitContext(parents=2), "merge"),
    ("Revert \"x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n", CommitContext(),
     "revert"),
    ("fixup! PAY-1: retry payments\n", CommitContext(), "fixup"),
    ("Bump urllib3 from 1 to 2\n", CommitContext(author="dependabot[bot] <x@y>"), "bot"),
    ("chore(release): 1.2.3\n", CommitContext(), "release"),
])
def test_exemptions(message: str, ctx: CommitContext, kind: str) -> None:
    result = lint(parse(message), ctx, Config())
    assert kind in result.exemptions
    assert result.findings == []
    off = validate({"exempt": {{"merge": "merges", "revert": "reverts", "fixup": "fixups", "bot": "bots",
                                 "release": "releases"}[kind]: False}}, "t")
    assert lint(parse(message), ctx, off).findings != []


def test_merge_subject_alone_is_not_exempt() -> None:
    assert codes("Merge branch 'x' into main\n") == ["CTX101", "CTX201"]


def test_skip_trailer_needs_a_reason() -> None:
    assert codes("Import tables\n\nCtxlint-Skip: generated data, refreshed yearly\n") == []
    assert codes("Import tables\n\nCtxlint-Skip:\n") == ["CTX101", "CTX201", "CTX901"]
