"""Fixtures of the decision tests: a repository holding four decision records."""

from __future__ import annotations

import pytest

from linter.config import validate
from linter.decisions import discover
from linter.decisions.cache import _LOADED
from tests.checks.test_reopening import RECORDS
from tests.conftest import Repo


@pytest.fixture
def adr_repo(repo: Repo) -> Repo:
    repo.commit("Record decisions\n\nWhy: the team agreed on these.\n", RECORDS)
    _LOADED.clear()
    return repo


def paths(repo: Repo) -> list[str]:
    return discover.record_paths(str(repo.path), validate({}, "t"))
