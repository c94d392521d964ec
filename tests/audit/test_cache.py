"""The incremental cache: a second run reads only new commits, and never changes a figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.audit.history import annotate_the_wip_commit, audit_report
from tests.conftest import Repo


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """Everything but what says how the report was made."""
    return {k: v for k, v in report.items() if k not in ("cache", "generated_at")}


def test_second_run_reads_only_new_commits(repo: Repo, history: dict[str, str]) -> None:
    cold = audit_report(repo.path)
    assert cold["cache"] == {"used": False, "cached_commits": 0, "new_commits": 9, "relinted": 0}
    assert list((repo.path / ".git" / "ctxlint" / "audit").iterdir())
    again = audit_report(repo.path)
    assert again["cache"] == {"used": True, "cached_commits": 9, "new_commits": 0, "relinted": 0}
    assert figures(again) == figures(cold)
    repo.commit(
        "Add the export retry\n\nRetries stop the nightly export failing on one slow shard.\n\nRefs: PAY-2\n",
        {"src/e.py": "x\n" * 6},
        date="2026-03-04T10:00:00Z",
    )
    repo.commit("wip again\n", {"lib/f.py": "y\n" * 30}, date="2026-03-05T10:00:00Z")
    warm = audit_report(repo.path)
    assert warm["cache"] == {"used": True, "cached_commits": 9, "new_commits": 2, "relinted": 0}
    assert figures(warm) == figures(audit_report(repo.path, "--no-cache"))
    assert warm["totals"]["commits"] == 11 and warm["totals"]["with_both"] == 3
    assert warm["missing"][0]["subject"] == "wip again"
    third = audit_report(repo.path)
    assert third["cache"] == {"used": True, "cached_commits": 11, "new_commits": 0, "relinted": 0}


def test_periods_and_ranges_from_the_cache_match_a_cold_run(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)  # fill the cache with the whole walk
    repo.commit("wip 2\n", date="2026-03-06T00:00:00Z")
    for args in (
        ["--since", "2026-02-01", "--until", "2026-03-01"],
        ["--since", "2026-03-01"],
        ["--until", "2026-02-01"],
    ):
        warm = audit_report(repo.path, *args)
        assert warm["cache"]["used"] is True
        assert figures(warm) == figures(audit_report(repo.path, "--no-cache", *args))


def test_config_change_invalidates(repo: Repo, history: dict[str, str]) -> None:
    first = audit_report(repo.path)
    assert first["totals"]["with_ticket"] == 3
    (repo.path / ".ctxlint.toml").write_text('project-keys = ["PAY"]\n')  # OPS-2 stops counting
    changed = audit_report(repo.path)
    assert changed["cache"]["used"] is False
    assert changed["totals"]["with_ticket"] == 2


def test_a_new_note_relints_only_that_commit(repo: Repo, history: dict[str, str]) -> None:
    assert audit_report(repo.path)["totals"]["with_both"] == 2
    annotate_the_wip_commit(repo.path, history["c4"])
    after = audit_report(repo.path)
    assert after["cache"] == {"used": True, "cached_commits": 9, "new_commits": 0, "relinted": 1}
    assert after["totals"]["with_both"] == 3
    assert figures(after) == figures(audit_report(repo.path, "--no-cache"))
    again = audit_report(repo.path)
    assert again["cache"]["relinted"] == 0 and figures(again) == figures(after)
    period = ["--since", "2026-02-01", "--until", "2026-03-01"]
    repo.git("notes", "--ref", "ctxlint", "remove", history["c4"])
    removed = audit_report(repo.path, *period)
    assert removed["cache"]["relinted"] == 1 and removed["totals"]["with_both"] == 0
    assert figures(removed) == figures(audit_report(repo.path, "--no-cache", *period))
    assert audit_report(repo.path)["totals"]["with_both"] == 2


def test_rewritten_history_starts_over(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)
    repo.git("reset", "-q", "--hard", history["c3"])
    report = audit_report(repo.path)
    assert report["cache"]["used"] is False
    assert report["totals"]["commits"] == 3


def test_corrupt_cache_is_ignored(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)
    for folder in (repo.path / ".git" / "ctxlint" / "audit").iterdir():
        (folder / "meta").write_bytes(b"\x00garbage")
    report = audit_report(repo.path)
    assert report["cache"]["used"] is False and report["totals"]["commits"] == 9
    assert audit_report(repo.path)["cache"]["used"] is True


def test_no_cache_writes_nothing(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path, "--no-cache")
    assert not (repo.path / ".git" / "ctxlint").exists()


def test_a_range_is_cached_apart_from_the_whole_history(repo: Repo, history: dict[str, str]) -> None:
    whole = audit_report(repo.path)
    ranged = f"{history['c2']}..main"
    first = audit_report(repo.path, ranged)
    assert first["cache"]["used"] is False and first["totals"]["commits"] == 7
    repo.commit("wip 3\n", date="2026-03-07T00:00:00Z")
    second = audit_report(repo.path, ranged)
    assert second["cache"] == {"used": True, "cached_commits": 7, "new_commits": 1, "relinted": 0}
    assert figures(second) == figures(audit_report(repo.path, "--no-cache", ranged))
    assert audit_report(repo.path)["cache"]["cached_commits"] == whole["totals"]["commits"]


def test_period_reads_skip_chunks_outside_the_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.audit.cache import Cache, SegmentWriter
    from linter.audit.record import Record

    monkeypatch.setattr(SegmentWriter, "CHUNK", 2)
    cache = Cache(str(tmp_path / "c"))
    writer = cache.writer()
    records = [Record(f"{i:040x}", 1000 - i * 10, "e", "n", 3, (), "", (), 1, (), (), "", ()) for i in range(7)]
    for rec in records:
        writer.add(rec)
    meta: dict[str, Any] = {"segments": [writer.close()]}
    assert list(cache.records(meta)) == records
    # stamps 1000, 990, ..., 940 in chunks of two: [1000, 990] [980, 970] [960, 950] [940]
    decoded = list(cache.records(meta, since=965, until=985))
    assert [r[1] for r in decoded] == [980, 970]  # only the one chunk that overlaps was read
    assert [r[1] for r in cache.records(meta, since=935, until=945)] == [940]
