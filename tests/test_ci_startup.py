"""Start-up of the range commands: one command's run imports only its own module."""

from __future__ import annotations

import os
from pathlib import Path

from ci_support import GOOD, clean_env
from conftest import Repo, loaded_modules, run_ctxlint

from linter.cli import COMMANDS, _chosen_command


def imported_modules(*args: str, cwd: Path) -> set[str]:
    """The modules loaded once a real run of `ctxlint args` has finished."""
    return loaded_modules(*args, cwd=cwd, env=clean_env())[1]


def test_check_range_does_not_import_the_other_commands(repo: Repo) -> None:
    repo.commit(GOOD.format(n=1))
    modules = imported_modules("check-range", "HEAD", cwd=repo.path)
    assert "linter.commands.check_range" in modules
    others = {f"linter.commands.{m}" for name, (m, _) in COMMANDS.items() if name != "check-range"}
    assert not modules & others
    assert "linter.ci" not in modules


def test_the_command_is_found_after_global_options(repo: Repo) -> None:
    assert _chosen_command(["-C", "check-range", "ci"]) == "ci"
    assert _chosen_command(["--config", "x.toml", "check-range", "HEAD"]) == "check-range"
    assert _chosen_command(["--version"]) is None and _chosen_command(["nope"]) is None
    repo.commit(GOOD.format(n=1))
    proc = run_ctxlint("-C", str(repo.path), "check-range", "HEAD", cwd=os.getcwd(), env=clean_env())
    assert proc.returncode == 0, proc.stderr


def test_help_still_lists_every_command(tmp_path: Path) -> None:
    proc = run_ctxlint("--help", cwd=tmp_path)
    assert all(name in proc.stdout for name in COMMANDS)
    proc = run_ctxlint("ci", "--help", cwd=tmp_path)
    assert "--deepen" in proc.stdout and "--sarif-file" in proc.stdout
    proc = run_ctxlint("bogus", cwd=tmp_path)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


ADR = """# 1. Use PostgreSQL as the job queue

Date: 2024-03-01

## Status

Accepted

## Context

Jobs were lost when the Redis queue restarted.

## Decision

Keep jobs in a PostgreSQL table.
"""


def test_the_commit_msg_hook_imports_neither_typing_nor_the_range_machinery(repo: Repo) -> None:
    """`typing` alone was some 8% of the hook's own time (it only served type checking); a hook
    in a repository that keeps decision records runs the reopened-topic check as well."""
    repo.commit(GOOD.format(n=1), files={"docs/adr/0001-use-postgresql-as-the-job-queue.md": ADR})
    message = repo.write(".git/COMMIT_EDITMSG", GOOD.format(n=2))
    unwanted = {"typing", "linter.fanout", "linter.history", "multiprocessing", "tomllib"}
    for run in ("first (the decision index is built)", "second (warm)"):
        modules = imported_modules("check-msg", str(message), cwd=repo.path)
        assert "linter.checks.reopening" in modules, run  # the decision check did run
        assert not modules & unwanted, (run, sorted(modules & unwanted))
