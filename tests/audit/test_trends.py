"""Trends a team lead can read: a granularity that fits, quiet periods marked, cut tables said so."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.audit.history import DAY, audit_report, long_history, months_between
from tests.conftest import Repo, run_ctxlint


@pytest.fixture(scope="module")
def long_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    path = tmp_path_factory.mktemp("long") / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    return path, long_history(Repo(path))


def text(path: Path, *args: str, fmt: str = "text") -> str:
    proc = run_ctxlint("audit", "--format", fmt, *args, cwd=path, env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def trend_rows(out: str) -> list[str]:
    """The period labels of the text report's trend table, in order."""
    table = out.split("Trend by ", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^(\d{4}(?:-(?:Q\d|W\d\d|\d\d))?) ", table, re.MULTILINE)


# -- granularity -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_24_year_history_is_shown_by_year_with_every_year(long_repo: tuple[Path, list[int]]) -> None:
    path, stamps = long_repo
    out = text(path)
    assert "Trend by year" in out
    years = Counter(datetime.fromtimestamp(s, timezone.utc).year for s in stamps)
    assert trend_rows(out) == [str(y) for y in sorted(years)]
    # Each year's row counts what git counts for that year (the months summed).
    for year, count in years.items():
        assert re.search(rf"^{year} │ +{count} │", out, re.MULTILINE), year
    assert "--by quarter" in out  # says how to see more detail


@pytest.mark.slow
@pytest.mark.parametrize(
    ("years", "expected"), [(1, "month"), (3, "month"), (8, "quarter"), (24, "year")]
)
def test_auto_picks_the_finest_granularity_that_fits(repo: Repo, years: int, expected: str) -> None:
    long_history(repo, years=years, start=2010)  # 2010: a busy year first
    assert f"Trend by {expected}" in text(repo.path, "--no-cache")


def test_a_short_history_is_shown_by_week(repo: Repo) -> None:
    for day in range(0, 60, 3):
        stamp = datetime.fromtimestamp(1767225600 + day * DAY, timezone.utc)  # from 2026-01-01
        repo.commit(f"Fix {day}\n", date=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    out = text(repo.path, "--no-cache")
    assert "Trend by week" in out


@pytest.mark.slow
def test_quarters_sum_their_months(long_repo: tuple[Path, list[int]]) -> None:
    path, stamps = long_repo
    out = text(path, "--by", "quarter")
    quarters = Counter(
        f"{d.year}-Q{(d.month - 1) // 3 + 1}" for d in (datetime.fromtimestamp(s, timezone.utc) for s in stamps)
    )
    for quarter, count in list(quarters.items())[-10:]:
        assert re.search(rf"^{quarter} │ +{count} │", out, re.MULTILINE), quarter


# -- what is left out is said ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_cut_trend_says_how_much_is_shown(long_repo: tuple[Path, list[int]], fmt: str) -> None:
    path, stamps = long_repo
    total = months_between(stamps)
    out = text(path, "--by", "month", fmt=fmt).replace("\\", "")  # Markdown escapes are not the point
    assert f"Last 40 of {total} months shown; see --format html or json for all." in out
    if fmt == "text":
        rows = trend_rows(out)
        last = datetime.fromtimestamp(max(stamps), timezone.utc)
        assert len(rows) == 40 and rows[-1] == f"{last.year}-{last.month:02d}"


@pytest.mark.slow
def test_an_uncut_trend_says_nothing_about_cutting(long_repo: tuple[Path, list[int]]) -> None:
    path, _ = long_repo
    assert " shown; see" not in text(path, "--by", "year")


# -- quiet periods are marked ----------------------------------------------------------------------


@pytest.mark.slow
def test_low_volume_periods_are_bracketed_not_spikes(long_repo: tuple[Path, list[int]]) -> None:
    path, _ = long_repo
    out = text(path, "--by", "month")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^(\d{4}-\d\d) │.*$", out, re.MULTILINE)}
    busy = next(k for k, row in rows.items() if re.search(r"│ +15 │ +15 │", row))
    quiet = next(k for k, row in rows.items() if re.search(r"│ +1 │ +1 │", row))
    assert "(" not in rows[busy] and re.search(r"\d%", rows[busy])
    assert re.search(r"│ +\((?:100|0)\.0%\) │", rows[quiet]), rows[quiet]
    assert "Shares in brackets: fewer than 5 checked commits in that month" in out
    md = text(path, "--by", "month", fmt="markdown").replace("\\", "")
    quiet_md = next(line for line in md.splitlines() if line.startswith(f"| {quiet} |"))
    assert "(" in quiet_md and "█" not in quiet_md


@pytest.mark.slow
def test_the_json_report_is_unchanged_by_the_view(long_repo: tuple[Path, list[int]]) -> None:
    path, stamps = long_repo
    report: dict[str, Any] = audit_report(path)
    assert len(report["by_month"]) == len({datetime.fromtimestamp(s, timezone.utc).strftime("%Y-%m") for s in stamps})
    assert "by_year" not in report and "by_quarter" not in report


# -- the HTML chart --------------------------------------------------------------------------------


def axis(html: str) -> list[tuple[float, str]]:
    chart = html[html.index('<svg id="trend-chart"') :]
    chart = chart[: chart.index("</svg>")]
    found = re.findall(r'<text x="([\d.]+)" y="(\d+)" text-anchor="middle">([^<]+)</text>', chart)
    return [(float(x), label) for x, y, label in found if int(y) > 250]  # below the plot: the time axis


@pytest.mark.slow
@pytest.mark.parametrize("by", ["week", "month", "quarter", "year"])
def test_axis_labels_fall_on_round_periods_and_never_overlap(long_repo: tuple[Path, list[int]], by: str) -> None:
    path, _ = long_repo
    html = text(path, "--by", by, fmt="html")
    labels = axis(html)
    assert 4 <= len(labels) <= 24, labels
    for (x1, a), (x2, _b) in zip(labels, labels[1:]):
        assert x2 - x1 >= len(a) * 7 + 8, (a, _b)  # 11px text: about 7px a character
    if by != "year":
        assert all(re.fullmatch(r"\d{4}", label) for _, label in labels), labels  # years, not 2003-07


@pytest.mark.slow
def test_the_chart_breaks_its_lines_at_quiet_periods(long_repo: tuple[Path, list[int]]) -> None:
    path, _ = long_repo
    html = text(path, "--by", "month", fmt="html")
    chart = html[html.index('<svg id="trend-chart"') : html.index("</svg>", html.index('<svg id="trend-chart"'))]
    assert chart.count('class="bar low"') > 0 and chart.count('class="bar"') > 0
    # One line segment per busy stretch and series, never one line zig-zagging through it all.
    assert chart.count('class="series-both"') >= 3
    assert " shown; see" not in html  # 288 months fit the chart: nothing is cut
    weeks = text(path, "--by", "week", fmt="html")
    assert "Last 520 of" in weeks and "see --format json for all" in weeks


def test_the_html_missing_list_folds_what_is_below_the_top(repo: Repo) -> None:
    for i in range(30):
        repo.commit(f"wip {i}\n", date=f"2026-01-{i % 28 + 1:02d}T10:00:00Z")
    html = text(repo.path, "--no-cache", "--top", "5", fmt="html")
    visible = html.split('<table id="missing">', 1)[1].split("</table>", 1)[0]
    assert visible.count("<tr>") == 6  # the header and 5 rows
    assert "<summary>25 more listed</summary>" in html


def test_the_coverage_bar_labels_only_segments_wide_enough() -> None:
    from linter.report.audit_html import breakdown_svg

    # Two neighbouring 70-unit segments: "ticket and rationale 70" would run into "ticket only 70".
    svg = breakdown_svg({"with_both": 70, "with_ticket": 140, "with_rationale": 70, "checked": 1000, "exempt": 100})
    labels = [(float(x), t) for x, t in re.findall(r'<text x="([\d.]+)" y="52">([^<]+)</text>', svg)]
    assert labels and all(t not in ("ticket and rationale 70", "ticket only 70") for _, t in labels)
    for (x1, a), (x2, _b) in zip(labels, labels[1:]):
        assert x2 - x1 >= len(a) * 7, (a, _b)
