"""The package stays typed (mypy --strict) and lint-clean (ruff), as pyproject.toml configures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_strict_passes_on_the_package() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes_on_package_tests_and_benchmarks() -> None:
    result = run("ruff", "check", "linter", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
