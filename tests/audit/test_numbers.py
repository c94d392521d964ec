"""Every figure of the audit checked against a history whose numbers are known (tests/audit/history.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.audit.history import TRUTH, annotate_the_wip_commit, audit_report
from tests.conftest import Repo, git, run_ctxlint


def audit_json(cwd: Path, *args: str) -> dict[str, Any]:
    return audit_report(cwd, "--no-cache", *args)


def counts(bucket: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in bucket.items() if k not in ("name", "percent")}


def test_totals_match_the_truth(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    assert report["schema_version"] == 1
    assert counts(report["totals"]) == TRUTH["totals"]
    assert report["totals"]["percent"]["both"] == 40.0
    assert report["totals"]["percent"]["ticket"] == 60.0
    assert report["totals"]["percent"]["lines_both"] == round(100 * 14 / 42, 1)


@pytest.mark.parametrize("table", ["by_month", "by_author", "by_folder", "by_owner", "by_project"])
def test_breakdowns_match_the_truth(repo: Repo, history: dict[str, str], table: str) -> None:
    report = audit_json(repo.path)
    assert {k: counts(v) for k, v in report[table].items()} == TRUTH[table]


def test_weeks_are_iso_weeks_in_utc(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    for week, expected in TRUTH["by_week"].items():
        assert counts(report["by_week"][week]) == expected
    assert sum(b["commits"] for b in report["by_week"].values()) == 9


def test_authors_are_keyed_by_lowercased_email_with_their_name(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    assert report["by_author"]["bob@example.com"]["name"] == "Bob"
    # The newest commit's name wins: the merge was made as "Ada Lovelace", the older ones as "Ada".
    assert report["by_author"]["ada@example.com"]["name"] == "Ada Lovelace"


def test_exemptions_are_counted_with_skip_reasons(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    assert report["exempt"]["by_reason"] == TRUTH["exempt"]
    assert report["exempt"]["skip_reasons"] == [{"reason": "generated data refresh", "count": 1}]


def test_missing_lists_the_largest_first_and_caps(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    assert [m["sha"] for m in report["missing"]] == [history[k] for k in TRUTH["missing_order"]]
    assert report["missing_total"] == 3
    first = report["missing"][0]
    assert first["lines"] == 20 and first["lacks"] == ["ticket", "rationale"]
    assert first["subject"] == "wip" and first["email"] == "bob@example.com"
    assert first["date"] == "2026-02-10T12:00:00Z"
    assert report["missing"][1]["lacks"] == ["rationale"]
    capped = audit_json(repo.path, "--missing", "2")
    assert [m["sha"] for m in capped["missing"]] == [history["c4"], history["c2"]]
    assert capped["missing_total"] == 3


def test_since_and_until_are_day_boundaries_in_utc(repo: Repo, history: dict[str, str]) -> None:
    february = audit_json(repo.path, "--since", "2026-02-01", "--until", "2026-03-01")
    # c3 at 2026-02-01T00:00:00 is in; c2 one second earlier and c6 at 2026-03-01T00:00:00 are out.
    assert counts(february["totals"]) == TRUTH["by_month"]["2026-02"]
    assert list(february["by_month"]) == ["2026-02"]
    march = audit_json(repo.path, "--since", "2026-03-01")
    assert counts(march["totals"]) == TRUTH["by_month"]["2026-03"]
    assert march["period"]["since"] == "2026-03-01T00:00:00Z"
    january = audit_json(repo.path, "--until", "2026-02-01T00:00:00Z")
    assert counts(january["totals"]) == TRUTH["by_month"]["2026-01"]


def test_a_revision_range_audits_only_that_range(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path, f"{history['c2']}..{history['c4']}")
    assert report["totals"]["commits"] == 2
    assert report["totals"]["with_rationale"] == 1
    assert report["period"]["revisions"] == [f"{history['c2']}..{history['c4']}"]


def test_fail_under(repo: Repo, history: dict[str, str]) -> None:
    assert run_ctxlint("audit", "--fail-under", "40", cwd=repo.path).returncode == 0
    below = run_ctxlint("audit", "--fail-under", "41", "--format", "json", cwd=repo.path)
    assert below.returncode == 1
    assert "40.0% is below --fail-under 41%" in below.stderr
    assert json.loads(below.stdout)["totals"]["with_both"] == 2  # the report is still written


def test_output_file(repo: Repo, history: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    proc = run_ctxlint("audit", "--format", "json", "--output", str(target), cwd=repo.path)
    assert proc.returncode == 0 and proc.stdout == ""
    assert json.loads(target.read_text())["totals"]["commits"] == 9


def test_notes_add_context_after_the_fact(repo: Repo, history: dict[str, str]) -> None:
    wip = history["c4"]
    before = run_ctxlint("check-range", f"{wip}^..{wip}", cwd=repo.path)
    assert before.returncode == 1
    annotate_the_wip_commit(repo.path, wip)
    assert repo.git("notes", "--ref", "ctxlint", "show", wip) == (
        "Refs: OPS-9\nWhy: the retry loop hid timeouts from the on-call dashboard\n"
    )
    assert repo.git("rev-parse", "HEAD").strip() == history["merge"]  # no history rewrite
    after = run_ctxlint("check-range", f"{wip}^..{wip}", cwd=repo.path)
    assert after.returncode == 0, after.stdout
    report = audit_json(repo.path)
    assert report["totals"]["with_both"] == 3
    assert report["totals"]["lines_with_both"] == 34
    assert report["missing_total"] == 2
    assert "OPS" in report["by_project"]
    assert report["by_project"]["OPS"]["commits"] == 2


def test_a_note_with_only_a_ticket_keeps_the_rationale_missing(repo: Repo, history: dict[str, str]) -> None:
    proc = run_ctxlint("annotate", history["c3"], "--ticket", "ABC-77", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    report = audit_json(repo.path)
    assert report["totals"]["with_both"] == 3
    proc = run_ctxlint("annotate", history["c3"], "--ticket", "ABC-78", cwd=repo.path)
    assert proc.returncode == 2 and "already has a ctxlint note" in proc.stderr
    assert (
        run_ctxlint("annotate", history["c3"], "--ticket", "ABC-78", "--force", cwd=repo.path).returncode == 0
    )
    assert "ABC-78" in repo.git("notes", "--ref", "ctxlint", "show", history["c3"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ticket", "not a ticket"], "is not a ticket reference"),
        (["--why", "fix"], "--why is filler: 'fix'"),
        ([], "nothing to record"),
    ],
)
def test_annotate_rejects_empty_context(
    repo: Repo, history: dict[str, str], args: list[str], message: str
) -> None:
    proc = run_ctxlint("annotate", "HEAD", *args, cwd=repo.path)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_annotate_unknown_revision(repo: Repo, history: dict[str, str]) -> None:
    proc = run_ctxlint("annotate", "nope", "--ticket", "ABC-1", cwd=repo.path)
    assert proc.returncode == 2 and "not in this repository" in proc.stderr


def test_empty_repository_gives_an_empty_report(repo: Repo) -> None:
    report = audit_json(repo.path)
    assert report["totals"]["commits"] == 0
    assert report["totals"]["percent"]["both"] is None
    assert any("no commits" in w for w in report["warnings"])
    for fmt in ("text", "markdown", "html"):
        proc = run_ctxlint("audit", "--format", fmt, "--fail-under", "90", cwd=repo.path)
        assert proc.returncode == 0, proc.stderr


def test_bare_repository_is_one_clear_line(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--bare", "bare.git")
    proc = run_ctxlint("audit", cwd=tmp_path / "bare.git")
    assert proc.returncode == 2
    assert "bare repository" in proc.stderr and "Traceback" not in proc.stderr


def test_shallow_clone_is_audited_with_a_warning(repo: Repo, history: dict[str, str], tmp_path: Path) -> None:
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.path}", "shallow")
    report = audit_json(tmp_path / "shallow")
    assert report["repository"]["shallow"] is True
    assert any("shallow clone" in w for w in report["warnings"])
    assert report["totals"]["commits"] == 3  # the merge and its two parents at depth 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday-ish"], "--since 'yesterday-ish': expected a date"),
        (["--since", "2026-02-30"], "not a valid date"),
        (["--since", "2026-03-01", "--until", "2026-02-01"], "--since must be before --until"),
        (["nope..HEAD"], "revision 'nope' is not in this repository"),
    ],
)
def test_bad_input_is_one_clear_line(
    repo: Repo, history: dict[str, str], args: list[str], message: str
) -> None:
    proc = run_ctxlint("audit", *args, cwd=repo.path)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_relative_since(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path, "--since", "3 days ago")
    assert report["totals"]["commits"] == 0  # the history is dated 2026-01 to 2026-03


def test_findings_by_rule(repo: Repo, history: dict[str, str]) -> None:
    report = audit_json(repo.path)
    # c2 lacks a rationale, c3 a ticket, c4 both: CTX101 on c3 and c4, CTX201 on c2 and c4.
    assert report["by_rule"] == {"CTX101": 2, "CTX201": 2}
    text = run_ctxlint("audit", "--format", "markdown", cwd=repo.path).stdout
    assert "Findings by rule: CTX101 x2, CTX201 x2." in text


def test_negative_limits_are_refused(repo: Repo, history: dict[str, str]) -> None:
    proc = run_ctxlint("audit", "--top", "-1", cwd=repo.path)
    assert proc.returncode == 2 and "--top must be 0 or more" in proc.stderr
