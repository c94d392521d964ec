"""Ticket references per tracker, and the ticket a branch name carries."""

from __future__ import annotations

import re

import pytest

from linter.checks import CommitContext
from linter.config import Config, validate
from linter.engine import lint
from linter.message import parse
from linter.tickets import TRACKERS, TicketMatcher

BODY = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


def found(text: str, **kwargs: object) -> list[str]:
    return TicketMatcher(**kwargs).find(text)  # type: ignore[arg-type]


def codes(message: str, cfg: Config | None = None) -> list[str]:
    return [f.code for f in lint(parse(message), CommitContext(), cfg or Config()).findings]


@pytest.mark.parametrize(("text", "expected"), [
    # Jira-style keys
    ("PAY-412: retry payments", ["PAY-412"]),
    ("Refs: OPS-7, PAY-12.", ["OPS-7", "PAY-12"]),
    ("(PAY_OPS-3)", ["PAY_OPS-3"]),
    ("https://acme.atlassian.net/browse/PAY-9", ["https://acme.atlassian.net/browse/PAY-9"]),
    # GitHub
    ("Fixes #123", ["#123"]),
    ("see octo/repo#45 for the report", ["octo/repo#45"]),
    ("https://github.com/octo/repo/issues/7", ["https://github.com/octo/repo/issues/7"]),
    ("https://github.com/octo/repo/pull/8", ["https://github.com/octo/repo/pull/8"]),
    # GitLab
    ("group/project#1", ["group/project#1"]),
    ("group/sub/project#2", ["group/sub/project#2"]),
    ("Merged in !12", ["!12"]),
    ("group/project!34", ["group/project!34"]),
    ("https://gitlab.com/g/p/-/issues/5", ["https://gitlab.com/g/p/-/issues/5"]),
    ("https://gitlab.com/g/p/-/merge_requests/6", ["https://gitlab.com/g/p/-/merge_requests/6"]),
    # Linear
    ("ENG-42 tidy the queue", ["ENG-42"]),
    ("https://linear.app/acme/issue/ENG-42/tidy", ["https://linear.app/acme/issue/ENG-42"]),
    # Azure Boards
    ("AB#123 retry payments", ["AB#123"]),
    ("https://dev.azure.com/org/proj/_workitems/edit/77", ["https://dev.azure.com/org/proj/_workitems/edit/77"]),
])
def test_every_tracker_form_is_found(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Decode input as UTF-8 everywhere",
    "Hash with SHA-256 instead",
    "Dates are ISO-8601 strings",
    "Serve HTTP-2 and TLS-13",
    "Fix CVE-2024 style warnings",
    "html entity &#123; in the template",
    "C#1 and issue#12 are not references",
    "version 1.2-3 and x-1",
    "PAY-0 is not a key and PAY-12abc is not either",
    "PAY-1.5 is a version",
    "Hello!1 is not a merge request",
    "lowercase pay-12 does not count",
])
def test_false_friends_are_not_tickets(text: str) -> None:
    assert found(text) == []


def test_project_keys_restrict_and_unknown_keys_warn() -> None:
    assert found("PYA-12 and PAY-12", project_keys=["PAY"]) == ["PAY-12"]
    assert found("UTF-8 counts when it is a configured key", project_keys=["UTF"]) == ["UTF-8"]
    cfg = validate({"project-keys": ["PAY"]}, "test")
    assert codes(f"PYA-412: retry payments\n\n{BODY}\n", cfg) == ["CTX101", "CTX102"]
    assert codes(f"PAY-412: retry payments\n\n{BODY}\n", cfg) == []
    # False friends are not reported as someone else's project either.
    assert codes(f"PAY-412: decode UTF-8 payloads\n\n{BODY}\n", cfg) == []


def test_trackers_setting_limits_the_forms() -> None:
    assert found("#12 and ABC-1", trackers=["github"]) == ["#12"]
    assert found("#12 and ABC-1", trackers=["jira"]) == ["ABC-1"]
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
    assert codes(f"Retry payments\n\n{BODY} See PAY-1.\n") == []
    assert codes(f"Retry payments\n\n{BODY}\n\nRefs: #9\n") == []
    assert codes(f"Retry payments\n\n{BODY}\n") == ["CTX101"]


def test_find_dedupes_in_order() -> None:
    assert found("#2 PAY-1 #2 PAY-1 #3") == ["#2", "PAY-1", "#3"]


def test_remove_blanks_references() -> None:
    m = TicketMatcher()
    assert m.remove("see PAY-1 and #2 now").split() == ["see", "and", "now"]


# --- branch names -----------------------------------------------------------------------------

@pytest.mark.parametrize(("branch", "expected"), [
    ("feature/ABC-123-retry", "ABC-123"),
    ("ABC-123", "ABC-123"),
    ("bugfix/OPS-7_fix", "OPS-7"),
    ("123-fix-login", "#123"),
    ("fix/issue-45-crash", "#45"),
    ("users/ada/gh-9", "#9"),
    ("main", None),
    ("feature/abc-123-retry", None),  # lowercase counts only with configured project keys
    ("feature/UTF-8-support", None),
    ("release/2.0", None),
])
def test_ticket_from_branch(branch: str, expected: str | None) -> None:
    assert TicketMatcher().from_branch(branch) == expected


def test_lowercase_branch_key_with_project_keys() -> None:
    m = TicketMatcher(project_keys=["ABC"])
    assert m.from_branch("feature/abc-123-retry") == "ABC-123"
    assert m.from_branch("feature/xyz-123-retry") is None


def test_azure_branch() -> None:
    assert TicketMatcher(trackers=["azure"]).from_branch("ab123-retry") == "AB#123"


def test_branch_pattern_takes_group_one_or_the_match() -> None:
    m = TicketMatcher()
    assert m.from_branch("wip/req-0042-x", re.compile(r"req-(\d{4})")) == "0042"
    assert m.from_branch("wip/REQ0042-x", re.compile(r"REQ\d{4}")) == "REQ0042"
    assert m.from_branch("feature/ABC-1-x", re.compile(r"REQ\d{4}")) is None


def test_every_tracker_has_a_name() -> None:
    assert set(TRACKERS) == {"jira", "github", "gitlab", "linear", "azure"}


def test_tracker_urls_name_keys_that_must_be_configured_projects() -> None:
    """With project-keys set, a Jira or Linear URL for another project is no ticket either."""
    matcher = TicketMatcher(project_keys=["PAY"])
    text = ("see https://acme.atlassian.net/browse/OPS-12, https://acme.atlassian.net/browse/PAY-3 "
            "and https://linear.app/acme/issue/ENG-4/retry")
    assert matcher.find(text) == ["https://acme.atlassian.net/browse/PAY-3"]
    assert TicketMatcher().find("https://acme.atlassian.net/browse/OPS-12") == [
        "https://acme.atlassian.net/browse/OPS-12"
    ]
