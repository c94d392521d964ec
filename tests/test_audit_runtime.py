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


def test_decision_health_hook_point(monkeypatch: object) -> None:
    import types

    from linter.audit_decisions import decision_health

    section = decision_health(".")
    assert section["available"] is False and section["stale_proposals"] == []
    monkeypatch.setitem(sys.modules, "linter.decisions", types.ModuleType("linter.decisions"))  # type: ignore[attr-defined]
    connected = decision_health(".")
    assert connected["available"] is False and "not connected" in connected["note"]


def test_folder_depth(repo: Repo) -> None:
    repo.commit("deep\n", {"src/api/v1/a.py": "x\n", "top.txt": "y\n"})
    shallow = audit.folder_of("src/api/v1/a.py", 1), audit.folder_of("src/api/v1/a.py", 2)
    assert shallow == ("src/", "src/api/")
    assert audit.folder_of("a/b.py", 3) == "a/" and audit.folder_of("top.txt", 2) == "(root)"
    (repo.path / ".ctxlint.toml").write_text("[audit]\nfolder-depth = 2\n")
    proc = run_ctxlint("audit", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    import json

    assert set(json.loads(proc.stdout)["by_folder"]) == {"src/api/", "(root)"}
