"""Under the pre-commit framework, decision warnings reach the person committing and the commit
still succeeds: real pre-commit, hooks installed from this repository's .pre-commit-hooks.yaml,
real `git commit`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checks.test_reopening import RECORDS
from tests.conftest import Repo

REOPENING = (
    "PAY-7: Switch the job queue from PostgreSQL to Redis\n\n"
    "The jobs table polling loads the primary database, so background jobs slow down checkout.\n"
)
ORDINARY = "PAY-8: Retry card payments on gateway timeouts\n\nThe gateway drops idle connections after 30 s.\n"
GRAPHQL_AGAIN = """---
status: proposed
date: 2026-11-20
---
# GraphQL for the public API, again

## Context and Problem Statement

Partners ask again for a GraphQL endpoint for the public API instead of REST with OpenAPI.
"""

#: The first test installs ctxlint into pre-commit's own environment (half a minute).
pytestmark = pytest.mark.slow


@pytest.fixture
def framework(repo: Repo, hook_source: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory,
              monkeypatch: pytest.MonkeyPatch) -> Repo:
    exe = Path(sys.executable).parent / "pre-commit"
    if not exe.exists():
        pytest.skip("pre-commit is not installed in this environment")
    snap, sha = hook_source
    home = Path(os.environ.get("CTXLINT_TEST_PRE_COMMIT_HOME") or tmp_path_factory.getbasetemp() / "pc-home")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    monkeypatch.delenv("GIT_EDITOR", raising=False)
    config = f"repos:\n-   repo: {snap}\n    rev: {sha}\n    hooks:\n    -   id: ctxlint\n" \
        "    -   id: ctxlint-decisions\n"
    repo.commit("PAY-1: Record the team's decisions\n\nThe team agreed on these after the outage review.\n",
                {**RECORDS, ".pre-commit-config.yaml": config})
    install = subprocess.run([str(exe), "install", "--hook-type", "commit-msg", "--hook-type", "pre-commit"],
                             cwd=repo.path, capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    return repo


def commit(repo: Repo, message: str, files: dict[str, str]) -> tuple[str, str]:
    """(the output `git commit` shows, the new HEAD's subject) after a real commit through the hooks."""
    for name, text in files.items():
        repo.write(name, text)
    repo.git("add", "-A")
    before = repo.git("rev-parse", "HEAD").strip()
    proc = subprocess.run(["git", "commit", "-F", "-"], cwd=repo.path, input=message, capture_output=True,
                          text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert repo.git("rev-parse", "HEAD").strip() != before
    return output, repo.git("log", "-1", "--format=%s").strip()


def test_a_re_raised_decision_is_shown_and_the_commit_made(framework: Repo) -> None:
    output, subject = commit(framework, REOPENING, {"queue.txt": "redis\n"})
    assert subject == REOPENING.splitlines()[0]
    assert "CTX301" in output and "ADR-1" in output and "Use PostgreSQL as the job queue" in output


def test_a_new_record_re_raising_a_rejected_one_is_shown_and_the_commit_made(framework: Repo) -> None:
    path = "docs/adr/0005-graphql-for-the-public-api-again.md"
    output, _ = commit(framework, "PAY-9: Propose GraphQL for the public API again\n\n"
                       "It was rejected because we lacked query cost limits; those now exist.\n", {path: GRAPHQL_AGAIN})
    assert "CTX301" in output and "ADR-3" in output and path in output


def test_an_ordinary_commit_shows_no_warning(framework: Repo) -> None:
    output, _ = commit(framework, ORDINARY, {"pay.txt": "retry\n"})
    assert "CTX3" not in output and "warning" not in output
