"""The topic index's cache on disk: written, reused, invalidated, rebuilt, shared by processes."""

from __future__ import annotations

import json
import os
import threading

import pytest

from linter.decisions import cache as index_cache
from tests.checks.test_reopening import RECORDS
from tests.conftest import Repo
from tests.decisions.conftest import paths


def test_cache_is_written_reused_and_invalidated_by_content(adr_repo: Repo) -> None:
    root = str(adr_repo.path)
    first = index_cache.load(root, paths(adr_repo), "docs/adr")
    cache = adr_repo.path / ".git" / "ctxlint" / "decisions-index.marshal"
    assert cache.exists()
    stamp = cache.stat().st_mtime_ns
    again = index_cache.load(root, paths(adr_repo), "docs/adr")
    assert cache.stat().st_mtime_ns == stamp  # warm: nothing rewritten
    assert [e.path for e in again.entries] == [e.path for e in first.entries]
    # Changing a record's content changes what the index answers.
    adr_repo.write(
        "docs/adr/0002-deploy-with-blue-green-releases.md",
        RECORDS["docs/adr/0002-deploy-with-blue-green-releases.md"].replace("blue-green", "canary"),
    )
    changed = index_cache.load(root, paths(adr_repo), "docs/adr")
    assert changed.search("canary releases")[0].entry.path.endswith("0002-deploy-with-blue-green-releases.md")
    # A new record appears; a removed one disappears.
    adr_repo.write("docs/adr/0005-use-feature-flags.md", "# 5. Use feature flags\n\n## Status\n\nAccepted\n")
    os.remove(adr_repo.path / "docs/adr/0004-move-logs-to-loki.md")
    now = index_cache.load(root, paths(adr_repo), "docs/adr")
    assert sorted(e.id for e in now.entries) == ["ADR-1", "ADR-2", "ADR-3", "ADR-5"]


def test_corrupt_cache_is_rebuilt(adr_repo: Repo) -> None:
    root = str(adr_repo.path)
    index_cache.load(root, paths(adr_repo), "docs/adr")
    for name in ("decisions-index.marshal", "decisions-terms.marshal"):
        (adr_repo.path / ".git" / "ctxlint" / name).write_bytes(b"\x00garbage")
    rebuilt = index_cache.load(root, paths(adr_repo), "docs/adr")
    assert len(rebuilt.entries) == 4
    assert index_cache.load(root, paths(adr_repo), "docs/adr").search("job queue")[0].entry.id == "ADR-1"


def test_concurrent_builds_leave_a_whole_cache(adr_repo: Repo) -> None:
    root = str(adr_repo.path)
    errors: list[BaseException] = []

    def build() -> None:
        try:
            for _ in range(5):
                index_cache.rebuild(root, paths(adr_repo), key="docs/adr")
                assert len(index_cache.load(root, paths(adr_repo), "docs/adr").entries) == 4
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    leftovers = [n for n in os.listdir(adr_repo.path / ".git" / "ctxlint") if n.startswith(".tmp-")]
    assert leftovers == []


def test_concurrent_hook_processes(adr_repo: Repo) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    msg = adr_repo.write(
        "MSG",
        "Switch the job queue from PostgreSQL to Redis\n\nPolling the jobs table "
        "loads the primary.\n\nRefs: OPS-1\n",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "linter", "check-msg", "--format", "json", str(msg)],
            cwd=adr_repo.path,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outs = [p.communicate()[0] for p in procs]
    for out in outs:
        assert [f["code"] for f in json.loads(out)["findings"]] == ["CTX301"]


def test_a_renamed_copy_gets_its_own_number(adr_repo: Repo) -> None:
    root = str(adr_repo.path)
    index_cache.load(root, paths(adr_repo), "docs/adr")
    text = (adr_repo.path / "docs/adr/0002-deploy-with-blue-green-releases.md").read_text()
    adr_repo.write("docs/adr/0007-deploy-with-blue-green-releases.md", text)
    ids = sorted(e.id for e in index_cache.load(root, paths(adr_repo), "docs/adr").entries)
    assert ids == ["ADR-1", "ADR-2", "ADR-3", "ADR-4", "ADR-7"]


def test_a_run_finds_the_records_once_and_the_next_run_sees_them_changed(adr_repo: Repo,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A history walk asks for the index for every commit it checks: within one run (one config)
    # the folders are found and the records stat-ed once; a new run reads them as they are then.
    from linter import config
    from linter.decisions import discover

    calls = []
    real = discover.record_stamps
    monkeypatch.setattr(discover, "record_stamps", lambda *a: calls.append(a) or real(*a))
    root = str(adr_repo.path)
    cfg = config.load(root, None)
    first = [index_cache.repository_index(root, cfg) for _ in range(50)]
    assert len(calls) == 1 and all(index is first[0] for index in first)
    assert first[0] is not None and len(first[0].entries) == 4
    adr_repo.write("docs/adr/0005-use-feature-flags.md", "# 5. Use feature flags\n\n## Status\n\nAccepted\n")
    assert len(index_cache.repository_index(root, cfg).entries) == 4  # the run reads what was there
    later = index_cache.repository_index(root, config.load(root, None))
    assert len(calls) == 2 and sorted(e.id for e in later.entries) == ["ADR-1", "ADR-2", "ADR-3", "ADR-4", "ADR-5"]
