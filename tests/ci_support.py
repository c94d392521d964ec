"""Helpers shared by the CI gate tests: PR branches in real repos, real-shaped event payloads."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

WHY = "The gateway drops idle connections after 30 s and customers were charged twice."
GOOD = "PAY-{n}: retry card payments on gateway timeouts\n\n" + WHY + "\n"
BAD = "fix stuff\n"
GOOD_TITLE = "PAY-7: retry card payments on gateway timeouts"
GOOD_BODY = WHY + "\r\n\r\n<!-- template: describe your change -->\r\n"

#: Variables a CI sets that would make these tests read the CI they run in instead of their own.
CI_PREFIXES = ("GITHUB_", "CI_", "GITLAB_", "RUNNER_")


def clean_env() -> dict[str, str]:
    """os.environ without any CI's variables (the tests set their own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(CI_PREFIXES) and k != "CI"}


def github_pr_event(
    base: str,
    head: str,
    *,
    title: str = GOOD_TITLE,
    body: str | None = GOOD_BODY,
    number: int = 42,
    commits: int | None = None,
    login: str = "octocat",
    fork: bool = False,
    action: str = "opened",
) -> dict[str, Any]:
    """A `pull_request` (or `pull_request_target`) payload in GitHub's shape, trimmed of URLs."""
    base_repo = {
        "id": 1,
        "name": "shop",
        "full_name": "acme/shop",
        "fork": False,
        "private": False,
        "owner": {"login": "acme", "type": "Organization"},
    }
    head_repo = (
        dict(base_repo, full_name="mallory/shop", fork=True, owner={"login": "mallory", "type": "User"})
        if fork
        else base_repo
    )
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "url": f"https://api.github.com/repos/acme/shop/pulls/{number}",
            "id": 1000 + number,
            "node_id": "PR_kwDOAAAB",
            "html_url": f"https://github.com/acme/shop/pull/{number}",
            "number": number,
            "state": "open",
            "locked": False,
            "title": title,
            "user": {"login": login, "id": 583231, "type": "Bot" if login.endswith("[bot]") else "User"},
            "body": body,
            "draft": False,
            "merged": False,
            "head": {
                "label": f"{head_repo['owner']['login']}:feature",
                "ref": "feature",
                "sha": head,
                "user": head_repo["owner"],
                "repo": head_repo,
            },
            "base": {
                "label": "acme:main",
                "ref": "main",
                "sha": base,
                "user": base_repo["owner"],
                "repo": base_repo,
            },
            "author_association": "CONTRIBUTOR",
            "commits": commits if commits is not None else 1,
            "additions": 10,
            "deletions": 2,
            "changed_files": 1,
        },
        "repository": base_repo,
        "sender": {"login": login, "type": "User"},
    }


def github_merge_group_event(base: str, head: str, message: str = "Merge queue head\n") -> dict[str, Any]:
    """A `merge_group` (checks_requested) payload in GitHub's shape."""
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-42-{base}",
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {
                "id": head,
                "tree_id": "0" * 40,
                "message": message,
                "timestamp": "2026-11-25T10:00:00Z",
                "author": {"name": "Ada", "email": "ada@example.com"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
        },
        "repository": {"id": 1, "full_name": "acme/shop"},
        "sender": {"login": "octocat"},
    }


def github_env(tmp: Path, event_name: str, payload: dict[str, Any]) -> dict[str, str]:
    """The variables a GitHub Actions step sees, with the payload written to the event file."""
    event = tmp / f"event-{event_name}.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    summary = tmp / "step-summary.md"
    env = clean_env()
    env.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_WORKSPACE": str(tmp),
        }
    )
    return env


def gitlab_env(
    base: str,
    head: str,
    *,
    title: str = GOOD_TITLE,
    description: str = GOOD_BODY,
    iid: int = 7,
    merged_results: bool = False,
    login: str = "ada",
) -> dict[str, str]:
    """A GitLab merge request pipeline's predefined variables."""
    env = clean_env()
    env.update(
        {
            "CI": "true",
            "GITLAB_CI": "true",
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_IID": str(iid),
            "CI_MERGE_REQUEST_ID": str(90000 + iid),
            "CI_MERGE_REQUEST_TITLE": title,
            "CI_MERGE_REQUEST_DESCRIPTION": description,
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature",
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_MERGE_REQUEST_PROJECT_PATH": "acme/shop",
            "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH": "acme/shop",
            "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.example.com/acme/shop",
            "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result" if merged_results else "detached",
            "GITLAB_USER_LOGIN": login,
        }
    )
    if merged_results:
        env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = head
        env["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"] = base
        env["CI_COMMIT_SHA"] = "f" * 40  # the temporary merged-result commit, not the MR head
    else:
        env["CI_COMMIT_SHA"] = head
    return env
