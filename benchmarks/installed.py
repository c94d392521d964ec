"""The throw-away venv the process benchmarks run ctxlint from: this checkout installed as a wheel
would be (compiled .pyc, no editable finder), as pre-commit or a CI step installs it.

A development venv's editable install adds an import hook to every interpreter start (some 15 ms
here), a cost no user of a released ctxlint pays; timing it would measure the checkout, not the tool.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _corpora() -> Path:
    """$CTXLINT_CORPORA, else the first `shared/corpora` beside the checkout or one of its parents
    (a worktree sits a level deeper than the main checkout), else where it would be beside it."""
    if os.environ.get("CTXLINT_CORPORA"):
        return Path(os.environ["CTXLINT_CORPORA"])
    return next((p / "shared" / "corpora" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
                ROOT.parent / "shared" / "corpora")


#: The shared corpora, for every benchmark that reads them (`_corpora`).
CORPORA = _corpora()
#: A real team's decision log (52 records, adr-paas): the hook's and the range's scenario of a
#: repository that keeps ADRs.
ADR_RECORDS = CORPORA / "decisions" / "adr-paas" / "decisions"
VENV = Path(os.environ.get("CTXLINT_BENCH_VENV", Path(tempfile.gettempdir()) / "ctxlint-bench-venv"))


def ensure_venv(anchors: list[str] | None = None) -> Path:
    """The venv's python, with this checkout (re)installed when its sources changed, and the
    `anchors` (other linters to compare with) installed when missing."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / "ctxlint-source-mtime"
    sources = [ROOT / "pyproject.toml", *(ROOT / "linter").rglob("*.py"), *(ROOT / "rules").glob("*.toml")]
    newest = str(max(p.stat().st_mtime for p in sources))
    if not stamp.exists() or stamp.read_text() != newest:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
                       check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
        stamp.write_text(newest)
    missing = [a for a in anchors or () if not (VENV / "bin" / a).exists()]
    if missing:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *missing], check=False)
    return python


def run_env() -> dict[str, str]:
    """The environment the timed commands run in: bytecode cached as an installed package has it
    (a PYTHONDONTWRITEBYTECODE left in the environment would make no difference to a wheel's
    compiled files, but PYTHONPATH could shadow the installed package with this checkout)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
