"""How the audit runs: the lint pool gives what one process gives; the progress bar only on a TTY."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from linter import gitio
from linter.audit.pool import lint_stream
from linter.audit.record import Outcome, folder_of
from linter.config import Config
from tests.audit.history import build
from tests.conftest import ROOT, Repo, run_ctxlint


def test_pool_and_single_process_agree(repo: Repo) -> None:
    build(repo)
    for i in range(12):
        repo.commit(f"Change {i}\n\nRefs: ABC-{i + 1}\n")

    def outcomes(workers: int) -> list[tuple[str, Outcome]]:
        stream = gitio.iter_log_stats(["HEAD"], str(repo.path))
        return [(c.sha, o) for c, _, o in lint_stream(stream, Config(), workers, batch=2)]

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


def test_decision_health_reports_stale_proposals_and_link_problems(repo: Repo) -> None:
    repo.commit(
        "Record decisions\n\nRefs: #5\nWhy: the audit should show how the decision log holds up.\n",
        {
            "docs/adr/0001-use-postgresql.md": "# 1. Use PostgreSQL\n\nDate: 2025-01-02\n\n## Status\n\n"
            "Superseded by [9. Use Redis](0009-use-redis.md)\n\n## Context\n\nJobs need a queue.\n",
            "docs/adr/0002-try-canary-releases.md": "# 2. Try canary releases\n\nDate: 2020-01-01\n\n"
            "## Status\n\nProposed\n\n## Context\n\nReleases break too often.\n",
            "docs/adr/0003-adopt-graphql.md": "# 3. Adopt GraphQL\n\nDate: 2025-03-01\n\n## Status\n\n"
            "Accepted\n\n## Context\n\nPartners asked.\n",
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "linter", "audit", "--no-progress", "--no-cache", "--format", "json"],
        cwd=repo.path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    section = json.loads(result.stdout)["decisions"]
    assert section["available"] is True
    assert (section["records"], section["closed"]) == (3, 2)
    assert [(p["id"], p["status"]) for p in section["stale_proposals"]] == [("ADR-2", "proposed")]
    assert section["stale_proposals"][0]["age_days"] > 90
    broken = section["link_problems"]
    assert [(b["id"], b["kind"]) for b in broken] == [("ADR-1", "broken supersede link")]
    assert "0009" in broken[0]["problem"]
    assert "broken_chains" not in section


def test_decision_health_without_records_says_so(repo: Repo) -> None:
    from linter.audit.decisions import decision_health
    from linter.config import Config

    section = decision_health(str(repo.path), Config())
    assert section["available"] is False and "no decision records" in section["note"]


def test_folder_depth(repo: Repo) -> None:
    repo.commit("deep\n", {"src/api/v1/a.py": "x\n", "top.txt": "y\n"})
    shallow = folder_of("src/api/v1/a.py", 1), folder_of("src/api/v1/a.py", 2)
    assert shallow == ("src/", "src/api/")
    assert folder_of("a/b.py", 3) == "a/" and folder_of("top.txt", 2) == "(root)"
    (repo.path / ".ctxlint.toml").write_text("[audit]\nfolder-depth = 2\n")
    proc = run_ctxlint("audit", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    import json

    assert set(json.loads(proc.stdout)["by_folder"]) == {"src/api/", "(root)"}
