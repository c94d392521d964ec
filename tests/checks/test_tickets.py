"""CTX101 and CTX102 as the rules report them: a ticket anywhere in the message, the trackers and
project keys the config names, its own patterns. How references are found is tests/test_tickets.py."""

from __future__ import annotations

from linter.checks.protocol import CommitContext
from linter.config import Config, validate
from linter.engine import lint
from linter.message import parse
from linter.tickets import TicketMatcher

BODY = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


def found(text: str, **kwargs: object) -> list[str]:
    return TicketMatcher(**kwargs).find(text)  # type: ignore[arg-type]


def codes(message: str, cfg: Config | None = None) -> list[str]:
    return [f.code for f in lint(parse(message), CommitContext(), cfg or Config()).findings]


def test_project_keys_restrict_and_unknown_keys_warn() -> None:
    assert found("PYA-12 and PAY-12", project_keys=["PAY"]) == ["PAY-12"]
    assert found("UTF-8 counts when it is a configured key", project_keys=["UTF"]) == ["UTF-8"]
    cfg = validate({"project-keys": ["PAY"]}, "test")
    assert codes(f"PYA-412: retry payments\n\n{BODY}\n", cfg) == ["CTX101", "CTX102"]
    assert codes(f"PAY-412: retry payments\n\n{BODY}\n", cfg) == []
    # False friends are not reported as someone else's project either.
    assert codes(f"PAY-412: decode UTF-8 payloads\n\n{BODY}\n", cfg) == []


def test_trackers_setting_limits_the_forms() -> None:
    assert found("#12 and ABC-12", trackers=["github"]) == ["#12"]
    assert found("#12 and ABC-12", trackers=["jira"]) == ["ABC-12"]
    assert found("AB#5", trackers=["github"]) == []
    cfg = validate({"trackers": ["azure"]}, "test")
    assert codes(f"Fix #12 retry\n\n{BODY}\n", cfg) == ["CTX101"]
    assert codes(f"AB#12 retry payments\n\n{BODY}\n", cfg) == []


def test_custom_ticket_patterns() -> None:
    cfg = validate({"trackers": [], "ticket-patterns": [r"\bREQ\d{4}\b"]}, "test")
    assert cfg.tickets.find("implements REQ0042 and PAY-1") == ["REQ0042"]
    assert codes(f"REQ0042 retry payments\n\n{BODY}\n", cfg) == []
    assert codes(f"PAY-1 retry payments\n\n{BODY}\n", cfg) == ["CTX101"]


def test_ticket_in_body_or_trailer_counts() -> None:
    assert codes(f"Retry payments\n\n{BODY} See PAY-14.\n") == []
    assert codes(f"Retry payments\n\n{BODY}\n\nRefs: #9\n") == []
    assert codes(f"Retry payments\n\n{BODY}\n") == ["CTX101"]
