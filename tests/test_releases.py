"""Release and version-bump commits are exempt in the forms release tools and people write;
dependency bumps are not; the audit counts releases apart; the exemption stays configurable."""

from __future__ import annotations

import json
import re

import pytest
from conftest import Repo, run_ctxlint
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.checks.protocol import CommitContext
from linter.config import Config, validate
from linter.engine import Linter
from linter.message import parse
from linter.releases import _DOTTED_MARK, _PREFIX, DEFAULT_RELEASE_PATTERN, FORMS, DefaultReleaseMatcher
from tests.audit.history import audit_report

RELEASES = [
    "Setting version to 2.0-rc1",
    "Preparing for a 0.5.1 bugfix release",
    "[maven-release-plugin] prepare release x-1.2",
    "[maven-release-plugin] prepare for next development iteration",
    "Next development version",
    "Update CHANGES for the 4.2 release",
    "Bump version to 3.1.0.dev0",
    "Release 1.2.3",
    "Prepare release 3.12.0",
    "Update changelog for 2.3 release",
    # relatives
    "release version 2.1.3",
    "Releasing v2.0.0-beta.1",
    "Prepare for release 3.8.",
    "Preparing 3.2 RC 1",
    "start version 2.2.1",
    "HEAD is 0.4dev",
    "trunk is now 2.2-dev",
    "Back to snapshot post tag",
    "Bump to next development version",
    "Updating version number to 3.0.1-SNAPSHOT",
    "Update POM version for Apache Commons Lang release 3.13.0",
    "Update download page in preparation for 3.6 release",
    "Release notes for 2.0",
    "chore(release): 1.2.3 [skip ci]",
    "chore(main): release 2.0.0",
    "[4.2.x] Bumped version for 4.2.5 release.",
    "[4.2.x] Post-release version bump.",
    "Bump version: 0.5.1 \u2192 0.6.0",
    "[Gradle Release Plugin] - new version commit:  'v1.2'",
    "(update) 3.9 -> 3.10-SNAPSHOT, post release",
    "v1.2.3",
    "Linux 6.1-rc3",
]
NOT_RELEASES = [
    "Bump junit from 5.9 to 5.10",
    "Bump version of junit to 5.10",
    "Update EasyMock to version 4.0.2",
    "update commons-parent to version 42",
    "Bump parent pom to 65",
    "jacoco: 0.8.2 -> 0.8.3, surefire: 2.22.1 -> 3.0.0-M3",
    "Release the connection when a request is cancelled",
    "Releasing resources in close()",
    "Release notes typo",
    "Update changes.xml for LANG-1127",
    "Fix release script for Windows",
    "Prepare the parser for unicode input",
    "Version 2.0 of the Lang specification",
    "Support Python 3.12",
    "Set the default timeout to 30 s",
    "Document Java version requirements for 3.2",
    "fix: release memory of 2.0 buffers",
    "Prepare for 3.11 site.",
    "Minor 3.0 updates",
]


def kinds(subject: str, cfg: Config | None = None) -> tuple[str, ...]:
    return Linter(cfg or Config()).exemptions(parse(subject + "\n"), CommitContext())


@pytest.mark.parametrize("subject", RELEASES)
def test_release_commits_are_exempt(subject: str) -> None:
    assert kinds(subject) == ("release",)


@pytest.mark.parametrize("subject", NOT_RELEASES)
def test_dependency_bumps_and_ordinary_work_are_not_releases(subject: str) -> None:
    assert kinds(subject) == ()


def test_release_exemption_is_configurable() -> None:
    assert kinds("Release 1.2.3", validate({"exempt": {"releases": False}}, "t")) == ()
    own = validate({"exempt": {"release-pattern": "^ship it"}}, "t")
    assert kinds("Ship it", own) == ("release",)
    assert kinds("Release 1.2.3", own) == ()


def test_release_commits_pass_the_gate_and_are_counted_apart_in_the_audit(repo: Repo) -> None:
    for subject in ("Setting version to 2.0-rc1", "Update CHANGES for the 4.2 release", "Next development version"):
        repo.commit(subject + "\n")
    repo.commit("Bump junit from 5.9 to 5.10\n")
    result = run_ctxlint("check-range", "HEAD", "--format", "json", cwd=repo.path)
    flagged = {f["subject"] for f in json.loads(result.stdout)["findings"]}
    assert flagged == {"Bump junit from 5.9 to 5.10"}
    report = audit_report(repo.path, "--no-cache")
    assert report["exempt"]["by_reason"]["release"] == 3


WORDS = ["release", "Release", "releasing", "version", "Version", "bump", "set", "Setting", "to", "for", "the",
         "next", "development", "dev", "snapshot", "prepare", "Preparing", "rc1", "RC", "start", "head", "is",
         "update", "changelog", "CHANGES", "notes", "[maven-release-plugin]", "chore(release):", "1.2", "v2.0.1",
         "3.1.0.dev0", "0.4dev", "2.0-rc1", "->", "junit", "from", "5.10", "LANG-12", "#12", "a", "x"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
def test_the_default_pattern_is_searched_form_by_form_with_the_same_answers(words: list[str]) -> None:
    """Built in, the pattern is tried one form at a time, each only on subjects holding what it
    needs: the answers must be the whole pattern's, and every form's needles must hold."""
    subject = " ".join(words)
    expected = bool(re.search(DEFAULT_RELEASE_PATTERN, subject, re.IGNORECASE))
    assert DefaultReleaseMatcher()(subject) == expected  # form by form
    many = DefaultReleaseMatcher()
    for _ in range(4):
        assert many(subject) == expected  # and with forms compiled by earlier subjects, as in a range
    lower = subject.lower()
    for needles, form in FORMS:
        if re.search(_PREFIX + "(?:" + form + ")", subject, re.IGNORECASE):
            dotted = re.search(r"[0-9]\.[0-9]", subject) is not None
            assert any(dotted if n == _DOTTED_MARK else n in lower for n in needles), (subject, form)


def test_release_subjects_are_matched_form_by_form_by_one_matcher_or_many() -> None:
    for subject in RELEASES:
        assert DefaultReleaseMatcher()(subject), subject
    for subject in NOT_RELEASES:
        assert not DefaultReleaseMatcher()(subject), subject
    matcher = DefaultReleaseMatcher()
    assert all(matcher(subject) for subject in RELEASES)
    assert not any(matcher(subject) for subject in NOT_RELEASES)
