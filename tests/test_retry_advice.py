"""The advice printed when a commit is rejected works as printed, after `git commit -v` too."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import Repo, run_ctxlint

SUBJECT = "Retry card payments on gateway timeouts"
REASON = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


def script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def git_commit(repo: Repo, args: list[str], editor: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_EDITOR": editor}
    return subprocess.run(["git", "commit", *args], cwd=repo.path, env=env, capture_output=True, text=True,
                          check=False)


@pytest.mark.parametrize("blocked", [False, True], ids=["saved-copy", "no-copy"])
@pytest.mark.parametrize("cleanup", [None, "strip", "scissors", "whitespace", "verbatim"])
def test_following_the_advice_after_commit_v_commits_no_diff(repo: Repo, tmp_path: Path,
                                                              cleanup: str | None, blocked: bool) -> None:
    if cleanup:
        repo.git("config", "commit.cleanup", cleanup)
    if blocked:
        # The copy cannot be written (as in a read-only .git): the advice must still work.
        (repo.path / ".git" / "CTXLINT_EDITMSG").mkdir()
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    repo.write("a.txt", "".join(f"line {i}\n" for i in range(20)))
    repo.git("add", "a.txt")
    (tmp_path / "typed.txt").write_text(f"{SUBJECT}\n\n{REASON}\n")
    # The user types a message without a ticket above git's comments and `-v`'s diff.
    typing = script(tmp_path / "type.sh", f'cat {tmp_path / "typed.txt"} "$1" > "$1.new" && mv "$1.new" "$1"\n'
                    f'cp "$1" {tmp_path / "after-editor"}\n')
    rejected = git_commit(repo, ["-v"], typing)
    said = rejected.stdout + rejected.stderr  # git hands a hook's output to stderr
    assert rejected.returncode == 1 and "CTX101" in said, said
    # The user's own file is never rewritten: still exactly what the editor left, diff and all.
    editmsg = repo.path / ".git" / "COMMIT_EDITMSG"
    assert editmsg.read_bytes() == (tmp_path / "after-editor").read_bytes()
    assert "diff --git" in editmsg.read_text()

    line = next(x for x in said.splitlines() if "retry with: " in x)
    command = shlex.split(line.split("retry with: ", 1)[1])
    assert command[:2] == ["git", "commit"] and ("COMMIT_EDITMSG" in line) == blocked
    # Following the advice literally, the user adds the ticket in the editor and saves.
    fixing = script(tmp_path / "fix.sh", "sed -i '1s/^/PAY-1: /' \"$1\"\n")
    retried = git_commit(repo, command[2:], fixing)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    stored = repo.git("log", "-1", "--format=%B")
    assert "diff --git" not in stored and ">8" not in stored
    assert stored.startswith(f"PAY-1: {SUBJECT}\n\n{REASON}\n")
    if cleanup in (None, "strip", "scissors"):
        assert stored == f"PAY-1: {SUBJECT}\n\n{REASON}\n\n"



@pytest.mark.parametrize("cleanup", ["whitespace", "verbatim"])
def test_commit_v_diff_is_not_judged_as_the_body(repo: Repo, tmp_path: Path, cleanup: str) -> None:
    # git cuts `-v`'s diff at the scissors line in every cleanup mode (builtin/commit.c: `verbose ||`),
    # so the hook must not read that diff as a body paragraph that says why.
    repo.git("config", "commit.cleanup", cleanup)
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    repo.write("a.txt", "".join(f"because the cache was stale {i}\n" for i in range(20)))
    repo.git("add", "a.txt")
    (tmp_path / "typed.txt").write_text("PAY-1: Rename the payment helper\n")
    # The user deletes git's comment lines (kept by these modes) but not the scissors line and diff.
    typing = script(tmp_path / "type.sh", f"{{ cat {tmp_path / 'typed.txt'}; echo; sed -n '/>8/,$p' \"$1\"; }}"
                    ' > "$1.new" && mv "$1.new" "$1"\n')
    rejected = git_commit(repo, ["-v"], typing)
    said = rejected.stdout + rejected.stderr
    assert rejected.returncode == 1 and "CTX201" in said, said
