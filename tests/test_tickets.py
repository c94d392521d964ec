"""Ticket references per tracker, and the ticket a branch name carries."""

from __future__ import annotations

import time

import pytest
from conftest import Repo, run_ctxlint

from linter.checks.protocol import CommitContext
from linter.config import Config, validate
from linter.engine import lint
from linter.message import parse
from linter.regexguard import compile_user
from linter.tickets import TRACKERS, TicketMatcher, project_of
from tests.audit.history import audit_report

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
    "C#1 and F#2 are languages, not references",
    "version 1.2-3 and x-1",
    "PAY-0 is not a key and PAY-12abc is not either",
    "PAY-1.5 is a version",
    "Hello!1 is not a merge request",
    "lowercase pay-12 does not count",
])
def test_false_friends_are_not_tickets(text: str) -> None:
    assert found(text) == []






def test_find_dedupes_in_order() -> None:
    assert found("#2 PAY-14 #2 PAY-14 #3") == ["#2", "PAY-14", "#3"]


def test_remove_blanks_references() -> None:
    m = TicketMatcher()
    assert m.remove("see PAY-14 and #2 now").split() == ["see", "and", "now"]


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
    assert m.from_branch("wip/req-0042-x", compile_user(r"req-(\d{4})")[0]) == "0042"
    assert m.from_branch("wip/REQ0042-x", compile_user(r"REQ\d{4}")[0]) == "REQ0042"
    assert m.from_branch("feature/ABC-1-x", compile_user(r"REQ\d{4}")[0]) is None


def test_every_tracker_has_a_name() -> None:
    assert set(TRACKERS) == {"jira", "github", "gitlab", "linear", "azure", "bugzilla"}


def test_tracker_urls_name_keys_that_must_be_configured_projects() -> None:
    """With project-keys set, a Jira or Linear URL for another project is no ticket either."""
    matcher = TicketMatcher(project_keys=["PAY"])
    text = ("see https://acme.atlassian.net/browse/OPS-12, https://acme.atlassian.net/browse/PAY-3 "
            "and https://linear.app/acme/issue/ENG-4/retry")
    assert matcher.find(text) == ["https://acme.atlassian.net/browse/PAY-3"]
    assert TicketMatcher().find("https://acme.atlassian.net/browse/OPS-12") == [
        "https://acme.atlassian.net/browse/OPS-12"
    ]


# --- tickets as trackers write them (#12) -----------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # GitHub's documented autolinks
    ("Closes gh-1234", ["gh-1234"]),
    ("See GH-1234 for the report", ["GH-1234"]),
    ("Fixes octo-org/octo-repo#100", ["octo-org/octo-repo#100"]),
    ("include tox.ini in sdist\n\n#2531", ["#2531"]),
    ("Formatting fixes per\nhttps://patch-diff.githubusercontent.com/raw/apache/commons-lang/pull/128.diff",
     ["https://patch-diff.githubusercontent.com/raw/apache/commons-lang/pull/128"]),
    ("https://codeberg.org/forgejo/forgejo/issues/77", ["https://codeberg.org/forgejo/forgejo/issues/77"]),
    # in words, as people write them
    ("Fixing issue 5342: 'The double quote is missing'", ["issue 5342"]),
    ("make test strings 7-bit clean (bug 18836)", ["bug 18836"]),
    ("Fix issue 140", ["issue 140"]),
    ("fixes issue #12", ["#12"]),
    ("Different, simpler solution from PR 1326", ["PR 1326"]),
    ("Bug: 40021\nChange-Id: I8f2c", ["Bug: 40021"]),
    ("rolled back BUG#30929 pending opinions", ["BUG#30929"]),
    ("see pull request 77 and merge request 9", ["pull request 77", "merge request 9"]),
    # Bugzilla
    ("see http://issues.apache.org/bugzilla/show_bug.cgi?id=37385", ["http://issues.apache.org/bugzilla/show_bug.cgi?id=37385"]),
    # GitLab paths and merge requests
    ("group/sub/project!12 and group/project#3", ["group/sub/project!12", "group/project#3"]),
])
def test_references_as_trackers_and_people_write_them(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Read ISO8859-1 and UTF-8 input",
    "Hash with SHA-256, SHA-512 and AES-128",
    "I'm sorry Dave, HAL-9000 cannot do that",
    "Dates follow ISO-8601 and headers RFC-2616",
    "Build with JDK-8 and test on X86-64",
    "Use UTF-16 and CRC-32",
    "debug 12 times, tissue 3 and the issue 2.0 branch",
    "Python 3.12 issue tracker",
    "version 1.2.3-rc.4 and the bug-fix 5",
])
def test_encodings_standards_hashes_and_versions_are_not_tickets(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    # A key shaped like a version counts where a ticket is written: a subject's start, in brackets,
    # as a trailer's value, in a list of keys.
    ("ABC-1: set up the project", ["ABC-1"]),
    ("[OPS-7] retry the upload", ["OPS-7"]),
    ("Retry payments\n\nRefs: OPS-7, PAY-12", ["OPS-7", "PAY-12"]),
    ("Retry payments\n\nRefs: PAY-12, OPS-7", ["PAY-12", "OPS-7"]),
    ("Upgrade to JDK-8\n\nRefs: JDK-8", ["JDK-8"]),
    # in prose it is a version
    ("Upgrade to JDK-8", []),
])
def test_version_shaped_keys_count_where_tickets_are_written(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_configured_project_keys_always_count() -> None:
    assert found("Upgrade to JDK-8 and JDK-256", project_keys=["JDK"]) == ["JDK-8", "JDK-256"]
    cfg = validate({"project-keys": ["PAY"]}, "test")
    # A version or standard is not reported as another project's key, nor GitHub's GH-12.
    assert codes(f"PAY-412: decode ISO8859-1 on JDK-8\n\n{BODY}\n\nSee GH-12.\n", cfg) == []


@pytest.mark.parametrize(("subject", "expected"), [
    ("Merge pull request #12 from garenchan/bugfix-#2933", ["#12"]),
    ("Merge pull request #3 from user/feature-ABC-1", ["#3"]),
    ("Merge pull request #4 from octo/fix#12\n\nFixes #12", ["#4", "#12"]),
    ("Merge branch 'fix/#45-crash' into 'main'", []),
    ("Merge branch 'LANG-1411'", ["LANG-1411"]),  # a branch named for its ticket names it
    ("Merge remote-tracking branch 'origin/group/sub#2'", []),
])
def test_branch_names_in_merge_subjects_are_not_references(subject: str, expected: list[str]) -> None:
    assert found(subject) == expected


@pytest.mark.parametrize(("ticket", "project"), [
    ("LANG-1411", "LANG"), ("#12", "#"), ("!7", "!"), ("GH-12", "#"), ("gh-12", "#"), ("issue 140", "#"),
    ("bug 18836", "#"), ("AB#3", "AB#"), ("octo/repo#4", "octo/repo"), ("group/sub/project!5", "group/sub/project"),
    ("https://github.com/octo/repo/pull/8", "octo/repo"),
    ("https://patch-diff.githubusercontent.com/raw/apache/commons-lang/pull/128", "apache/commons-lang"),
    ("https://gitlab.com/g/sub/p/-/issues/5", "g/sub/p"), ("https://acme.atlassian.net/browse/PAY-9", "PAY"),
    ("https://dev.azure.com/org/proj/_workitems/edit/77", "AB#"),
    ("http://issues.apache.org/bugzilla/show_bug.cgi?id=37385", "issues.apache.org"),
])
def test_project_of_names_the_tracker_project(ticket: str, project: str) -> None:
    assert project_of(ticket) == project


def test_audit_project_table_shows_only_real_projects(repo: Repo) -> None:
    """Branch names, encodings and standards do not become projects in the audit."""
    repo.commit(f"Decode ISO8859-1 and UTF-8 names\n\n{BODY}\n\nCloses gh-12\n")
    repo.git("checkout", "-q", "-b", "bugfix-#2933")
    repo.commit(f"Hash with SHA-256 before HAL-9000 reads it\n\n{BODY}\n\nRefs: LANG-1411\n")
    repo.git("checkout", "-q", "main")
    repo.commit(f"Retry payments\n\n{BODY}\n\nFixes: #7\n")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #12 from garenchan/bugfix-#2933", "bugfix-#2933")
    report = audit_report(repo.path, "--no-cache")
    assert set(report["by_project"]) == {"#", "LANG"}
    assert report["by_project"]["#"]["commits"] == 3  # gh-12, #7 and the pull request's #12


# --- one long token: linear time on every command's path (#9) -------------------------------------

HOSTILE_TOKENS = {
    "gitlab-path": "a/" * 100_000 + "#x",
    "gitlab-bang": "a/" * 100_000 + "!x",
    "dotted-path": "a.a/" * 50_000 + "#1x",
    "urls": "http://a/-/issues/" * 11_000 + "x",
    "workitems": "https://x" * 22_000 + "/_workitems/edit/x",
    "keys": "ABC-1 " * 33_000,
    "words": "bug#" * 50_000,
    "merge-branches": "from !9000." * 18_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_TOKENS))
def test_a_200_kb_token_finishes_quickly_in_check_msg_and_check_range(repo: Repo, name: str) -> None:
    token = HOSTILE_TOKENS[name]
    assert len(token) >= 190_000
    message = f"Merge {token}\n\n{token}\n" if name == "merge-branches" else f"Retry {token}\n\n{token}\n"
    path = repo.write("msg.txt", message)
    repo.commit(message)
    for command in (["check-msg", str(path)], ["check-range", "HEAD"]):
        started = time.perf_counter()
        result = run_ctxlint(*command, cwd=repo.path)
        # Quadratic backtracking took minutes here; a generous bound, not a benchmark.
        assert time.perf_counter() - started < 5, command
        assert result.returncode in (0, 1, 2, 3), result.stderr
        assert "Traceback" not in result.stderr
