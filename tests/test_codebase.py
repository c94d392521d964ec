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


def test_every_package_folder_ships_in_the_wheel() -> None:
    """pyproject.toml lists the packages by hand (rules/ and hooks/ are mapped into the package), so a
    new subpackage left off the list installs from a checkout (editable) and breaks every real install
    with ModuleNotFoundError, as `linter/audit/` once did."""
    from linter.tomlfile import parse_toml

    pyproject = parse_toml((ROOT / "pyproject.toml").read_text(encoding="utf-8"), "pyproject.toml")
    listed = set(pyproject["tool"]["setuptools"]["packages"])  # type: ignore[index]
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "linter").rglob("__init__.py")
    }
    assert folders <= listed, f"missing from [tool.setuptools] packages: {sorted(folders - listed)}"
