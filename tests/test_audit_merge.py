"""`ctxlint audit merge`: per-repository JSON reports combined into one organisation report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from audit_history import TRUTH, build
from conftest import Repo, git, run_ctxlint


@pytest.fixture
def reports(repo: Repo, tmp_path: Path) -> tuple[Path, Path]:
    build(repo)
    other = Repo(tmp_path / "billing")
    other.path.mkdir()
    git(other.path, "init", "-q", "-b", "main")
    other.commit(
        "Add invoices\n\nAccounting needs invoices in PDF because email clients mangle HTML.\n\n"
        "Refs: PAY-3\n",
        {"pdf/a.py": "x\n" * 8},
        author="Ada <ada@example.com>",
        date="2026-01-10T10:00:00Z",
    )
    other.commit(
        "quick fix\n", {"pdf/b.py": "y\n" * 50}, author="Dan <dan@example.com>", date="2026-04-01T10:00:00Z"
    )
    a, b = tmp_path / "app.json", tmp_path / "billing.json"
    for cwd, target, name in ((repo.path, a, "repo"), (other.path, b, None)):
        named = ["--name", name] if name else []
        proc = run_ctxlint("audit", "--format", "json", "--output", str(target), *named, cwd=cwd)
        assert proc.returncode == 0, proc.stderr
    return a, b


def merged(tmp_path: Path, *files: Path, args: tuple[str, ...] = ()) -> dict[str, Any]:
    proc = run_ctxlint("audit", "merge", *map(str, files), "--format", "json", *args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_totals_rows_and_authors_are_combined(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = merged(tmp_path, *reports)
    truth = TRUTH["totals"]
    assert org["totals"]["commits"] == truth["commits"] + 2
    assert org["totals"]["checked"] == truth["checked"] + 2
    assert org["totals"]["with_both"] == truth["with_both"] + 1
    assert org["totals"]["lines_checked"] == truth["lines_checked"] + 58
    assert org["totals"]["percent"]["both"] == round(100 * 3 / 7, 1)
    rows = {r["name"]: r for r in org["repositories"]}
    assert set(rows) == {"repo", "billing"}
    assert rows["billing"]["checked"] == 2 and rows["billing"]["percent"]["both"] == 50.0
    assert rows["repo"]["with_both"] == 2
    assert (
        org["by_author"]["ada@example.com"]["commits"] == TRUTH["by_author"]["ada@example.com"]["commits"] + 1
    )
    assert org["by_month"]["2026-01"]["commits"] == 3 and org["by_month"]["2026-04"]["commits"] == 1
    assert "billing:pdf/" in org["by_folder"] and "repo:src/" in org["by_folder"]
    assert org["by_project"]["PAY"]["commits"] == 2
    assert org["missing_total"] == 4
    assert [(m["repository"], m["lines"]) for m in org["missing"]][:2] == [("billing", 50), ("repo", 20)]
    assert org["exempt"]["by_reason"]["merge"] == 1


def test_every_format_and_fail_under(reports: tuple[Path, Path], tmp_path: Path) -> None:
    for fmt in ("text", "markdown", "html"):
        proc = run_ctxlint("audit", "merge", *map(str, reports), "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "billing" in proc.stdout
    assert (
        "| billing |"
        in run_ctxlint("audit", "merge", *map(str, reports), "--format", "markdown", cwd=tmp_path).stdout
    )
    low = run_ctxlint("audit", "merge", *map(str, reports), "--fail-under", "50", cwd=tmp_path)
    assert low.returncode == 1


def test_merged_report_follows_the_schema(reports: tuple[Path, Path], tmp_path: Path) -> None:
    import jsonschema
    from conftest import ROOT

    jsonschema.validate(
        merged(tmp_path, *reports), json.loads((ROOT / "docs" / "audit.schema.json").read_text())
    )


def test_same_name_twice_keeps_two_rows(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = merged(tmp_path, reports[0], reports[0])
    assert [r["name"] for r in org["repositories"]] == ["repo", "repo (2)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"schema_version": 99}', "not a ctxlint audit JSON report"),
        ("[1, 2]", "not a ctxlint audit JSON report"),
    ],
)
def test_bad_inputs_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    proc = run_ctxlint("audit", "merge", str(bad), cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_and_no_file(tmp_path: Path) -> None:
    proc = run_ctxlint("audit", "merge", str(tmp_path / "nope.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "cannot read" in proc.stderr
    proc = run_ctxlint("audit", "merge", cwd=tmp_path)
    assert proc.returncode == 2 and "give the JSON reports" in proc.stderr


def test_a_merged_report_is_not_merged_again(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = tmp_path / "org.json"
    org.write_text(json.dumps(merged(tmp_path, *reports)))
    proc = run_ctxlint("audit", "merge", str(org), cwd=tmp_path)
    assert proc.returncode == 2 and "already a merged report" in proc.stderr
