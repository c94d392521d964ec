"""Decision folders are found without configuration, cheaply, wherever a team keeps them."""

from __future__ import annotations

import json
import os

import pytest

from linter.config import validate
from linter.decisions import discover
from tests.conftest import Repo, run_ctxlint

RECORD = "# ADR001: Manifest management\n\n## Status\n\nAccepted\n\n## Context\n\nManifests.\n"


def found(repo: Repo, config: dict[str, object] | None = None) -> list[str]:
    return discover.folders(str(repo.path), validate(config or {}, "t"))


@pytest.mark.parametrize(
    "path",
    [
        "source/architecture_decision_records/ADR001-manifest-management.html.md",
        "adrs/adr-0001-use-kafka.md",
        "architecture/decisions/0001-use-kafka.md",
        "docs/design/decision-log/0001-use-kafka.md",
        "handbook/engineering/adr/ADR-12-use-kafka.markdown",
    ],
)
def test_a_folder_named_for_decisions_is_found(repo: Repo, path: str) -> None:
    repo.write(path, RECORD)
    assert found(repo) == [os.path.dirname(path)]


def test_history_paas_layout_is_listed_without_configuration(repo: Repo) -> None:
    repo.write("source/architecture_decision_records/ADR001-manifest-management.html.md", RECORD)
    repo.write("source/architecture_decision_records/images/adr001.svg", "<svg/>")
    result = run_ctxlint("decisions", "--format", "json", cwd=repo.path)
    rows = json.loads(result.stdout)["decisions"]
    assert [(r["id"], r["title"], r["status"]) for r in rows] == [("ADR-1", "Manifest management", "accepted")]


@pytest.mark.parametrize(
    "path",
    [
        "node_modules/some-lib/adr/0001-x.md",  # a dependency's records are not ours
        ".github/adr/0001-x.md",
        "src/decisions/engine.md",  # named for decisions, but holds no numbered record
        "a/b/c/adr/0001-x.md",  # deeper than the search goes
    ],
)
def test_what_is_not_a_decision_folder(repo: Repo, path: str) -> None:
    repo.write(path, RECORD)
    assert found(repo) == []


def test_usual_and_configured_folders_win(repo: Repo) -> None:
    repo.write("tools/adr/0001-x.md", RECORD)
    repo.write("records/0001-x.md", RECORD)
    assert found(repo) == ["tools/adr"]
    assert found(repo, {"decisions": {"paths": ["records"]}}) == ["records"]
    repo.write("docs/adr/0001-x.md", RECORD)
    assert found(repo) == ["docs/adr"]


def test_a_large_tree_is_searched_once_and_changes_are_seen(repo: Repo) -> None:
    for i in range(discover.CACHE_FROM + 10):
        (repo.path / "pkg" / f"m{i}").mkdir(parents=True)
    assert found(repo) == []
    cache = repo.path / ".git" / "ctxlint" / "decision-folders.marshal"
    assert cache.is_file()
    stamp = cache.stat().st_mtime_ns
    assert found(repo) == [] and cache.stat().st_mtime_ns == stamp  # read, not rewritten
    repo.write("pkg/m7/adr/0001-x.md", RECORD)
    assert found(repo) == ["pkg/m7/adr"]


def test_a_few_huge_folders_are_cached_too(repo: Repo) -> None:
    for i in range(discover.CACHE_FROM_ENTRIES):
        (repo.path / f"f{i}.txt").write_text("")
    assert found(repo) == []
    assert (repo.path / ".git" / "ctxlint" / "decision-folders.marshal").is_file()


def test_a_fifo_among_the_records_is_skipped(repo: Repo) -> None:
    repo.write("docs/adr/0001-x.md", RECORD)
    os.mkfifo(repo.path / "docs" / "adr" / "0002-pipe.md")
    assert discover.record_paths(str(repo.path), validate({}, "t")) == ["docs/adr/0001-x.md"]
    from linter import files

    # Said once, by the command that looked (and taken here, so no later command in this process says it).
    assert ("docs/adr/0002-pipe.md", "a FIFO, not a regular file") in files.take_skipped()
