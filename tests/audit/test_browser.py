"""The HTML report of a long history, as headless Chromium draws it: readable, short, self-contained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.audit.chromium import ARTIFACTS, chromium_page, png_pixels
from tests.audit.history import long_history, months_between
from tests.conftest import Repo, run_ctxlint


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("by", ["auto", "month"])
def test_a_24_year_history_reads_well_in_chromium(repo: Repo, tmp_path: Path, by: str) -> None:
    stamps = long_history(repo)
    for i in range(60):  # a long missing list
        repo.commit(f"wip {i}\n", date=f"2025-06-{i % 28 + 1:02d}T10:00:00Z")
    page = tmp_path / "audit.html"
    proc = run_ctxlint("audit", "--format", "html", "--by", by, "--output", str(page), cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"audit-long-{by}.png"
    shot.unlink(missing_ok=True)
    html = chromium_page(page, tmp_path, shot)
    chart = html[html.index('<svg id="trend-chart"') :]
    chart = chart[: chart.index("</svg>")]
    bars = chart.count('class="bar')
    assert bars == (24 if by == "auto" else months_between(stamps))  # 2002 to 2025: every period is drawn
    assert "Trend by year" in html if by == "auto" else "Trend by month" in html
    # The missing list shows 20 rows and folds the other 30; nothing is fetched from anywhere.
    assert html.split('<table id="missing">', 1)[1].split("</table>", 1)[0].count("<tr>") == 21
    assert "<summary>30 more listed</summary>" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    width, height, pixels, channels = png_pixels(shot, max_rows=1000)
    assert (width, height) == (1280, 1000)
    grey = bytes((0xD0, 0xD7, 0xDE))  # checked-commit bars
    green = bytes((0x1A, 0x7F, 0x37))  # the "both" share line (and the coverage bar)
    colours = [pixels[i : i + 3] for i in range(0, len(pixels), channels)]
    assert colours.count(grey) > 3000, "the trend's bars did not paint"
    assert colours.count(green) > 2000, "the charts' green did not paint"
