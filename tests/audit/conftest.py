"""Fixtures shared by the audit tests."""

from __future__ import annotations

import pytest

from tests.audit.history import build
from tests.conftest import Repo


@pytest.fixture
def history(repo: Repo) -> dict[str, str]:
    """The small known history of `tests.audit.history.build`, committed into `repo`."""
    return build(repo)
