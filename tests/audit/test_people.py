"""Who and what the audit names: authors through .mailmap, git's subject, the missing list's order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.audit.history import audit_report
from tests.conftest import ROOT, Repo, run_ctxlint

WHY = "\n\nThe retry loop hid gateway timeouts from on-call, so alerts never fired.\n"


def two_addresses(repo: Repo) -> None:
    """Ada commits under her old address, then her new one; Bob once."""
    repo.commit("Add export" + WHY, author="Ada <ada@old.example>", date="2026-01-05T10:00:00Z")
    repo.commit("Tune export" + WHY, author="Ada Lovelace <ada@new.example>", date="2026-01-06T10:00:00Z")
    repo.commit("Fix docs" + WHY, author="Bob <bob@example.com>", date="2026-01-07T10:00:00Z")


def authors(report: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {email: (row["name"], row["commits"]) for email, row in report["by_author"].items()}


@pytest.mark.parametrize("cached", [False, True])
def test_mailmap_makes_one_author_of_two_addresses(repo: Repo, cached: bool) -> None:
    two_addresses(repo)
    args = () if cached else ("--no-cache",)
    before = audit_report(repo.path, *args)
    assert set(authors(before)) == {"ada@old.example", "ada@new.example", "bob@example.com"}
    # The mailmap arrives after a first (cached) run: the cache must not keep the old identities.
    repo.write(".mailmap", "Ada Lovelace <ada@new.example> <ada@old.example>\n")
    after = audit_report(repo.path, *args)
    assert authors(after) == {"ada@new.example": ("Ada Lovelace", 2), "bob@example.com": ("Bob", 1)}
    # As `git shortlog -se` counts them.
    shortlog = repo.git("shortlog", "-se", "HEAD")
    assert "2\tAda Lovelace <ada@new.example>" in shortlog


def test_a_mailmap_file_from_git_config_counts_too(repo: Repo, tmp_path: Any) -> None:
    two_addresses(repo)
    assert len(audit_report(repo.path)["by_author"]) == 3
    mailmap = tmp_path / "people.mailmap"
    mailmap.write_text("Ada Lovelace <ada@new.example> <ada@old.example>\n")
    repo.git("config", "mailmap.file", str(mailmap))
    assert len(audit_report(repo.path)["by_author"]) == 2
    mailmap.write_text("")  # the same setting, another content
    assert len(audit_report(repo.path)["by_author"]) == 3


def test_a_fifo_named_mailmap_is_not_read(repo: Repo) -> None:
    import os
    import subprocess
    import sys

    two_addresses(repo)
    os.mkfifo(repo.path / ".mailmap")  # git log itself would block on it; the cache key must not
    code = "import sys; from linter.audit.cache import mailmap_digest; print(mailmap_digest(sys.argv[1]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(repo.path)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=str(ROOT),
        check=False,
    )
    assert proc.returncode == 0 and len(proc.stdout.strip()) == 64, proc.stderr


# -- subjects --------------------------------------------------------------------------------------


def test_a_message_that_starts_blank_still_has_its_subject(repo: Repo) -> None:
    sha = repo.commit("\n\n  \nFix the export\ntimeout path\n\nmore text\n", date="2026-01-05T10:00:00Z")
    # What git itself calls the subject: the first paragraph after blank lines, joined by spaces.
    assert repo.git("log", "-1", "--format=%s", sha).strip() == "Fix the export timeout path"
    report = audit_report(repo.path, "--no-cache")
    assert report["missing"][0]["subject"] == "Fix the export timeout path"
    for fmt in ("text", "markdown", "html"):
        out = run_ctxlint("audit", "--format", fmt, "--no-cache", cwd=repo.path, env={"COLUMNS": "200"})
        assert "Fix the export timeout path" in out.stdout, fmt


def test_subject_of_follows_git() -> None:
    from linter.audit.record import subject_of

    assert subject_of("") == ""
    assert subject_of("\n \n\t\n") == ""
    assert subject_of("one\ntwo  \n\nbody\n") == "one two"
    assert subject_of("\r\nWindows line\r\n") == "Windows line"


# -- the missing list ------------------------------------------------------------------------------


def lines(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(n))


def history_with_an_old_import(repo: Repo) -> dict[str, str]:
    return {
        "import": repo.commit("Import the old tree\n", {"vendor/a.txt": lines(5000)}, date="2002-03-01T10:00:00Z"),
        "mid": repo.commit("Rework billing\n", {"src/b.py": lines(500)}, date="2025-01-10T10:00:00Z"),
        "recent": repo.commit("Tweak retry\n", {"src/c.py": lines(20)}, date="2026-01-10T10:00:00Z"),
    }


def test_missing_ranks_recent_work_above_ancient_imports(repo: Repo) -> None:
    shas = history_with_an_old_import(repo)
    report = audit_report(repo.path, "--no-cache")
    assert [m["sha"] for m in report["missing"]] == [shas["mid"], shas["recent"], shas["import"]]
    assert report["missing_order"] == {"by": "lines", "half_life_days": 365}
    out = run_ctxlint("audit", "--format", "markdown", "--no-cache", cwd=repo.path).stdout
    assert "### Commits missing context (3, largest and most recent first)" in out
    capped = audit_report(repo.path, "--no-cache", "--missing", "2")
    assert shas["import"] not in [m["sha"] for m in capped["missing"]]


def test_missing_rank_survives_the_cache_and_new_commits(repo: Repo) -> None:
    shas = history_with_an_old_import(repo)
    audit_report(repo.path, "--missing", "2")  # fills the cache
    shas["new"] = repo.commit("Add a flag\n", {"src/d.py": lines(30)}, date="2026-02-10T10:00:00Z")
    warm = audit_report(repo.path, "--missing", "2")
    assert warm["cache"]["used"] and warm["cache"]["new_commits"] == 1
    assert [m["sha"] for m in warm["missing"]] == [shas["mid"], shas["new"]]
    period = audit_report(repo.path, "--missing", "2", "--since", "2002-01-01")
    assert [m["sha"] for m in period["missing"]] == [shas["mid"], shas["new"]]


def test_missing_rank_does_not_depend_on_the_day_of_the_report() -> None:
    from linter.audit.aggregate import missing_rank

    year = 365 * 86400
    # 1,000 changed lines a year older weigh as 500 lines.
    assert missing_rank(999, 0) == pytest.approx(missing_rank(499, year))
    assert missing_rank(40_000, 0) < missing_rank(30, 24 * year)
def test_the_text_report_points_at_likely_aliases(repo: Repo) -> None:
    repo.commit("Add export\n", author="Jani Kraner <jani@kraner.dev>", date="2026-01-05T10:00:00Z")
    repo.commit("Tune export\n", author="Jani Kraner <jani@work.example>", date="2026-01-06T10:00:00Z")
    repo.commit("Fix docs\n", author="Bob <bob@example.com>", date="2026-01-07T10:00:00Z")
    for fmt in ("text", "markdown", "html"):
        proc = run_ctxlint("audit", "--format", fmt, "--no-cache", cwd=repo.path, env={"COLUMNS": "200"})
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.replace("\\", "")  # Markdown's escapes
        assert "Jani Kraner (2 addresses)" in out and ".mailmap" in out, fmt
        assert "Bob (" not in out


