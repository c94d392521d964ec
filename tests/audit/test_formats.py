"""Every format shows hostile commit text as text; the JSON follows its schema; HTML renders in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.audit.chromium import ARTIFACTS, chromium_page, png_pixels
from tests.audit.history import HOSTILE_NAME, HOSTILE_PATH, HOSTILE_SUBJECT, build
from tests.conftest import ROOT, Repo, run_ctxlint

SCHEMA = json.loads((ROOT / "docs" / "audit.schema.json").read_text())


@pytest.fixture
def hostile(repo: Repo) -> Repo:
    build(repo, hostile=True)
    return repo


def render(repo: Repo, fmt: str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = run_ctxlint("audit", "--format", fmt, "--no-cache", *args, cwd=repo.path, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_json_keeps_the_text_exactly_and_follows_the_schema(hostile: Repo) -> None:
    import jsonschema

    report = json.loads(render(hostile, "json"))
    jsonschema.validate(report, SCHEMA)
    wip = report["missing"][0]
    assert wip["subject"] == HOSTILE_SUBJECT
    assert wip["author"] == HOSTILE_NAME
    assert "<img src=x onerror=alert(1)>|y/" in report["by_folder"]


def test_markdown_escapes_everything_from_commits(hostile: Repo) -> None:
    out = render(hostile, "markdown")
    assert not re.search(
        r"(?<!\\)<",
        out.replace("<details>", "")
        .replace("</details>", "")
        .replace("<summary>", "")
        .replace("</summary>", ""),
    )
    assert "\x1b" not in out
    assert r"\<img src=x onerror=alert\(1\)\>\|y/" in out
    assert r"\<script\>alert\(1\)\</script\>" in out
    assert r"\[bold\]B\[/bold\]" in out and r"\*\*x\*\*" in out and r"\x1b\[31mred" in out
    row = next(line for line in out.splitlines() if "script" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # | Commit | Date | Author | Subject | Lines | Lacks |
    author_row = next(line for line in out.splitlines() if line.startswith("| Bob"))
    assert len(re.findall(r"(?<!\\)\|", author_row)) == 8 and r"\&amp;" in author_row


@pytest.mark.parametrize("colour", [False, True])
def test_terminal_shows_markup_and_escapes_as_text(hostile: Repo, colour: bool) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "250"} if colour else {"COLUMNS": "250"}
    out = render(hostile, "text", env=env)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own styling, when colour is on
    assert "\x1b" not in plain  # the commit's ESC is shown as \x1b, never sent to the terminal
    assert "[bold]B[/bold]" in plain and "\\x1b[31mred" in plain
    assert "Bob [red]R[/red] | &amp; *y*" in plain
    assert "<script>alert(1)</script>" in plain


def test_html_escapes_everything_and_needs_nothing_external(hostile: Repo) -> None:
    out = render(hostile, "html")
    assert "<script" not in out.lower() and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;|y/" in out
    assert "Bob [red]R[/red] | &amp;amp; *y*" in out
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", out)
    assert "default-src 'none'" in out
    assert out.count('id="trend-chart"') == 1 and out.count('id="coverage-chart"') == 1


@pytest.mark.browser
def test_html_renders_in_headless_chromium(hostile: Repo, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    proc = run_ctxlint("audit", "--format", "html", "--output", str(page), "--by", "week", cwd=hostile.path)
    assert proc.returncode == 0, proc.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit-report.png"
    shot.unlink(missing_ok=True)
    html = chromium_page(page, tmp_path, shot, height=2000)
    assert '<svg id="trend-chart"' in html and '<svg id="coverage-chart"' in html
    trend = html[html.index('<svg id="trend-chart"') :]
    trend = trend[: trend.index("</svg>")]
    # W02 to W10, each with fewer than 5 checked commits: faded bars, hollow markers, no line.
    assert trend.count('class="bar') == 9 and trend.count('class="bar low"') == 9
    assert trend.count("<polyline") == 0 and trend.count('<circle class="low"') > 0
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>ctxlint audit: repo</title>" in html
    (ARTIFACTS / "audit-report.html").write_text(page.read_text())
    width, height, pixels, channels = png_pixels(shot)
    assert (width, height) == (1280, 2000)
    green = bytes((0x1A, 0x7F, 0x37))  # the "ticket and rationale" colour of both charts
    hits = sum(1 for i in range(0, len(pixels), channels) if pixels[i : i + 3] == green)
    assert hits > 2000, "the coverage chart's bars did not paint"


def test_hostile_path_in_folder_tables(hostile: Repo) -> None:
    assert HOSTILE_PATH.split("/")[0] + "/" in json.loads(render(hostile, "json"))["by_folder"]


_ACCEPTED = "# 1. Use PostgreSQL\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a database.\n"
_PROPOSED = "# 2. Adopt GraphQL\n\nDate: 2020-02-03\n\n## Status\n\nProposed\n\n## Context\n\nPartners ask for it.\n"


def test_every_format_says_what_decision_health_stands_on_and_when_nothing_is_wrong(repo: Repo) -> None:
    repo.commit("Record the database decision\n\nRefs: #1\nWhy: the team agreed on PostgreSQL.\n",
                {"docs/adr/0001-use-postgresql.md": _ACCEPTED})
    healthy = {fmt: render(repo, fmt) for fmt in ("text", "markdown", "html")}
    for fmt, out in healthy.items():
        assert "1 decision record, 1 closed" in out, fmt
        assert "No stale proposals, link problems or re-raised decisions." in out, fmt
    repo.commit("Propose GraphQL for partners\n\nRefs: #2\nWhy: three partners asked for it.\n",
                {"docs/adr/0002-adopt-graphql.md": _PROPOSED})
    for fmt in ("text", "markdown", "html"):
        out = render(repo, fmt)
        assert "2 decision records, 1 closed" in out, fmt
        assert "Adopt GraphQL" in out and "No stale proposals" not in out, fmt
