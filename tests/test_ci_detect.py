"""linter.ci: reading the PR from GitHub event files, GitLab variables and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ci_support import (
    GOOD_BODY,
    GOOD_TITLE,
    github_env,
    github_merge_group_event,
    github_pr_event,
    gitlab_env,
)

from linter import ci
from linter.errors import CtxlintError

BASE = "a" * 40
HEAD = "b" * 40


@pytest.mark.parametrize("event_name", ["pull_request", "pull_request_target"])
def test_github_pull_request_events(tmp_path: Path, event_name: str) -> None:
    env = github_env(tmp_path, event_name, github_pr_event(BASE, HEAD, commits=3, fork=True))
    pr = ci.detect(env)
    assert (pr.provider, pr.event, pr.base, pr.head) == ("github", event_name, BASE, HEAD)
    assert pr.number == 42 and pr.label == "PR #42"
    assert pr.title == GOOD_TITLE and pr.has_text
    assert pr.from_fork and pr.commit_count == 3 and pr.author == "octocat"
    assert pr.url == "https://github.com/acme/shop/pull/42"


def test_pr_message_joins_title_and_body_and_drops_template_comments(tmp_path: Path) -> None:
    pr = ci.detect(github_env(tmp_path, "pull_request", github_pr_event(BASE, HEAD)))
    assert pr.message.startswith(GOOD_TITLE + "\n\n")
    assert "template" not in pr.message and "charged twice" in pr.message
    assert GOOD_BODY.strip().startswith("The gateway")


def test_null_body_is_an_empty_body(tmp_path: Path) -> None:
    pr = ci.detect(github_env(tmp_path, "pull_request", github_pr_event(BASE, HEAD, body=None)))
    assert pr.body == "" and pr.message == GOOD_TITLE + "\n"


def test_merge_group_has_no_pr_text(tmp_path: Path) -> None:
    pr = ci.detect(github_env(tmp_path, "merge_group", github_merge_group_event(BASE, HEAD)))
    assert (pr.base, pr.head, pr.event) == (BASE, HEAD, "merge_group")
    assert not pr.has_text and pr.number is None
    assert pr.base_ref == "main"
    assert any("no PR title or body" in n for n in pr.notes)


def test_github_push_event_is_refused_with_the_way_out(tmp_path: Path) -> None:
    env = github_env(tmp_path, "push", {"ref": "refs/heads/main", "before": BASE, "after": HEAD})
    with pytest.raises(CtxlintError, match=r"'push' is not a pull request.*check-range"):
        ci.detect(env)


def test_github_push_event_with_explicit_base_is_generic(tmp_path: Path) -> None:
    env = github_env(tmp_path, "push", {"ref": "refs/heads/main"})
    pr = ci.detect(env, ci.Overrides(base="origin/main"))
    assert (pr.provider, pr.base, pr.head, pr.title) == ("generic", "origin/main", "HEAD", None)


def test_broken_event_file_is_one_clear_error(tmp_path: Path) -> None:
    env = github_env(tmp_path, "pull_request", {})
    Path(env["GITHUB_EVENT_PATH"]).write_text("{not json", encoding="utf-8")
    with pytest.raises(CtxlintError, match="not valid JSON"):
        ci.detect(env)
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps({"pull_request": {"base": {"sha": "zzz"}}}))
    with pytest.raises(CtxlintError, match="no valid pull_request base sha"):
        ci.detect(env)
    env["GITHUB_EVENT_PATH"] = str(tmp_path / "missing.json")
    with pytest.raises(CtxlintError, match="cannot read"):
        ci.detect(env)


def test_gitlab_merge_request_pipeline() -> None:
    pr = ci.detect(gitlab_env(BASE, HEAD))
    assert (pr.provider, pr.base, pr.head, pr.number, pr.label) == ("gitlab", BASE, HEAD, 7, "MR !7")
    assert pr.title == GOOD_TITLE and pr.url == "https://gitlab.example.com/acme/shop/-/merge_requests/7"
    assert not pr.from_fork


def test_gitlab_merged_results_pipeline_uses_the_source_branch_sha() -> None:
    pr = ci.detect(gitlab_env(BASE, HEAD, merged_results=True))
    assert pr.head == HEAD  # not CI_COMMIT_SHA, the temporary merge commit
    assert pr.event == "merged_result"


def test_gitlab_truncated_description_and_fork_are_noted() -> None:
    env = gitlab_env(BASE, HEAD)
    env["CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED"] = "true"
    env["CI_MERGE_REQUEST_SOURCE_PROJECT_PATH"] = "mallory/shop"
    pr = ci.detect(env)
    assert pr.from_fork and any("truncated" in n for n in pr.notes)


def test_gitlab_branch_pipeline_is_refused() -> None:
    env = gitlab_env(BASE, HEAD)
    del env["CI_MERGE_REQUEST_IID"]
    with pytest.raises(CtxlintError, match="not a merge request pipeline"):
        ci.detect(env)


def test_generic_mode_needs_a_base() -> None:
    with pytest.raises(CtxlintError, match="--base"):
        ci.detect({})
    pr = ci.detect({}, ci.Overrides(base="main", title="T", body="B"))
    assert (pr.provider, pr.base, pr.head, pr.title, pr.body) == ("generic", "main", "HEAD", "T", "B")
    assert pr.has_text and pr.label == "pull request"


def test_flags_override_single_fields_of_the_ci(tmp_path: Path) -> None:
    env = github_env(tmp_path, "pull_request", github_pr_event(BASE, HEAD))
    pr = ci.detect(env, ci.Overrides(base="c" * 40, title="Other"))
    assert (pr.base, pr.head, pr.title, pr.number) == ("c" * 40, HEAD, "Other", 42)
    forced = ci.detect(env, ci.Overrides(base="main", provider="generic"))
    assert forced.provider == "generic" and forced.title is None


def test_fix_hint_names_each_ci_own_setting(tmp_path: Path) -> None:
    assert (
        "fetch-depth: 0"
        in ci.detect(github_env(tmp_path, "pull_request", github_pr_event(BASE, HEAD))).fix_hint()
    )
    assert "GIT_DEPTH: 0" in ci.detect(gitlab_env(BASE, HEAD)).fix_hint()
    assert "git fetch --deepen" in ci.detect({}, ci.Overrides(base="main")).fix_hint()
