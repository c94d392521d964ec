"""Every command finds the repository as git does: GIT_DIR/GIT_WORK_TREE from elsewhere, and a
repository git refuses for its owner (safe.directory) reported in git's words with the fix."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import Repo, run_in_process

RECORD = """# 1. Use PostgreSQL for billing

Date: 2024-03-01

## Status

Accepted

## Context

Billing needs transactions across invoices and payments.

## Decision

We store billing data in PostgreSQL.

## Consequences

One more database to run.
"""
GOOD = ("PAY-1: Retry card payments on gateway timeouts\n\n"
        "The gateway drops idle connections after thirty seconds, so customers were charged twice.\n")


@pytest.fixture
def billing(repo: Repo) -> Repo:
    repo.commit(GOOD, {"docs/adr/0001-use-postgresql-for-billing.md": RECORD})
    return repo


def elsewhere(repo: Repo, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    outside = tmp_path / "outside"
    outside.mkdir()
    return outside, {"GIT_DIR": str(repo.path / ".git"), "GIT_WORK_TREE": str(repo.path)}


def test_every_command_honours_git_dir_and_work_tree(billing: Repo, tmp_path: Path) -> None:
    outside, env = elsewhere(billing, tmp_path)
    listed = run_in_process("decisions", "--format", "json", cwd=outside, env=env)
    assert listed.returncode == 0, listed.stderr
    assert [d["id"] for d in json.loads(listed.stdout)["decisions"]] == ["ADR-1"]
    why = run_in_process("why", "--format", "json", "billing", "database", cwd=outside, env=env)
    assert why.returncode == 0, why.stderr
    assert json.loads(why.stdout)["matches"][0]["id"] == "ADR-1"
    checked = run_in_process("check-decisions", str(billing.path / "docs/adr/0001-use-postgresql-for-billing.md"),
                          cwd=outside, env=env)
    assert checked.returncode == 0, checked.stderr
    for args in (["check-range", "HEAD"], ["audit", "--format", "json"]):
        result = run_in_process(*args, cwd=outside, env=env)
        assert result.returncode == 0, (args, result.stderr)


def test_config_follows_git_work_tree_on_the_hook_path(billing: Repo, tmp_path: Path) -> None:
    """check-msg reads the config of the repository git names, not of the folder it runs in."""
    billing.commit(GOOD, {".ctxlint.toml": "[rules]\nmissing-ticket = \"off\"\n"})
    outside, env = elsewhere(billing, tmp_path)
    message = outside / "msg"
    message.write_text("Retry card payments on gateway timeouts\n\n"
                       "The gateway drops idle connections after thirty seconds, so customers were charged twice.\n")
    result = run_in_process("check-msg", str(message), cwd=outside, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_git_dir_that_is_no_repository_says_what_git_says(tmp_path: Path) -> None:
    result = run_in_process("decisions", cwd=tmp_path, env={"GIT_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "not a git repository" in result.stderr and "nowhere" in result.stderr


OWNED_ELSEWHERE = [["check-range", "HEAD"], ["audit"], ["decisions"], ["why", "billing"],
                   ["pre-push", "origin", "x"], ["annotate", "HEAD", "--ticket", "ABC-1"], ["install-hooks"],
                   ["init"], ["ci", "--base", "HEAD", "--head", "HEAD"]]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_repository_owned_by_another_user_is_explained_with_the_fix(billing: Repo) -> None:
    subprocess.run(["chown", "-R", "nobody", str(billing.path)], check=True)
    try:
        for args in OWNED_ELSEWHERE:
            result = run_in_process(*args, cwd=billing.path, input="")
            said = result.stderr
            assert result.returncode == 2 and said.count("\n") == 1, (args, said)
            assert "dubious ownership" in said and "not a git repository" not in said, (args, said)
            assert f"git config --global --add safe.directory {billing.path}" in said, (args, said)
        # The fix, as printed, works.
        fix = said.split("if you trust it: ", 1)[1].split(" (", 1)[0].strip()
        subprocess.run(shlex.split(fix), check=True)
        assert run_in_process("check-range", "HEAD", cwd=billing.path).returncode == 0
    finally:
        subprocess.run(["chown", "-R", str(os.getuid()), str(billing.path)], check=True)
