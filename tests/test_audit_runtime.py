"""How the audit runs: the lint pool gives what one process gives; the progress bar only on a TTY."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from audit_history import build
from conftest import ROOT, Repo, run_ctxlint

from linter import audit, gitio
from linter.config import Config


def test_pool_and_single_process_agree(repo: Repo) -> None:
    build(repo)
    for i in range(12):
        repo.commit(f"Change {i}\n\nRefs: ABC-{i + 1}\n")

    def outcomes(workers: int) -> list[tuple[str, audit.LintOutcome]]:
        stream = gitio.iter_log_stats(["HEAD"], str(repo.path))
        return [(c.sha, o) for c, _, o in audit.lint_stream(stream, Config(), workers, batch=2)]

    single = outcomes(1)
    assert len(single) == 21
    assert outcomes(2) == single


def test_progress_bar_only_when_stderr_is_a_terminal(repo: Repo) -> None:
    build(repo)
    piped = run_ctxlint("audit", "--format", "json", cwd=repo.path)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", "audit", "--format", "json", "--no-cache"],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate()
    os.close(leader)
    assert proc.returncode == 0
    assert b"reading history" in b"".join(chunks)
    assert b"reading history" not in out and out.startswith(b"{")
    quiet = subprocess.run(
        [sys.executable, "-m", "linter", "audit", "--no-progress", "--format", "json"],
        cwd=repo.path,
        capture_output=True,
        env=env,
        check=False,
    )
    assert quiet.stderr == b""
