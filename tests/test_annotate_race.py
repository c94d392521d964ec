"""Two `ctxlint annotate` at once never lose a note: real processes, a forced race and a loop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, Repo, run_ctxlint

NOTES = "refs/notes/ctxlint"
WHY = "the gateway drops idle connections after thirty seconds"


def note(repo: Repo, sha: str) -> str | None:
    proc = subprocess.run(["git", "notes", f"--ref={NOTES}", "show", sha], cwd=repo.path, capture_output=True,
                          text=True, check=False)
    return proc.stdout if proc.returncode == 0 else None


def start(repo: Repo, sha: str, ticket: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "linter", "annotate", sha, "--ticket", ticket, "--why", WHY],
                            cwd=repo.path, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def gate(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `git` first on PATH that holds the notes ref's compare-and-swap until `<gate>.open` exists:
    the other writer gets in between, every time."""
    real = shutil.which("git")
    assert real
    folder = tmp_path / "gated-bin"
    folder.mkdir()
    gate = tmp_path / "gate"
    script = folder / "git"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = update-ref ] && [ "$2" = {NOTES} ]; then\n'
        f'    touch "{gate}.waiting"\n'
        f'    while [ ! -e "{gate}.open" ]; do sleep 0.02; done\n'
        "fi\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, gate


def held_at_the_swap(repo: Repo, sha: str, ticket: str, gate: tuple[dict[str, str], Path]) -> subprocess.Popen[str]:
    env, path = gate
    proc = start(repo, sha, ticket, env)
    deadline = time.monotonic() + 30
    while not Path(f"{path}.waiting").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def test_a_race_on_two_commits_keeps_both_notes(repo: Repo, gate: tuple[dict[str, str], Path]) -> None:
    first, second = repo.commit("one\n"), repo.commit("two\n")
    held = held_at_the_swap(repo, first, "ABC-1", gate)
    other = run_ctxlint("annotate", second, "--ticket", "ABC-2", "--why", WHY, cwd=repo.path)
    assert other.returncode == 0, other.stderr
    Path(f"{gate[1]}.open").touch()
    _out, err = held.communicate(timeout=60)
    assert held.returncode == 0, err
    assert "ABC-1" in (note(repo, first) or "") and "ABC-2" in (note(repo, second) or "")
    assert not repo.git("for-each-ref", f"{NOTES}-pending").strip()  # no scratch ref left behind


def test_a_race_on_one_commit_refuses_the_loser_clearly(repo: Repo, gate: tuple[dict[str, str], Path]) -> None:
    sha = repo.commit("one\n")
    held = held_at_the_swap(repo, sha, "ABC-1", gate)
    other = run_ctxlint("annotate", sha, "--ticket", "ABC-2", "--why", WHY, cwd=repo.path)
    assert other.returncode == 0, other.stderr
    Path(f"{gate[1]}.open").touch()
    _out, err = held.communicate(timeout=60)
    assert held.returncode == 2 and "changed while" in err and err.count("\n") == 1, err
    assert "ABC-2" in (note(repo, sha) or "")


def test_forced_replace_never_overwrites_a_note_it_did_not_see(repo: Repo,
                                                              gate: tuple[dict[str, str], Path]) -> None:
    sha = repo.commit("one\n")
    assert run_ctxlint("annotate", sha, "--ticket", "ABC-1", cwd=repo.path).returncode == 0
    env, path = gate
    forced = subprocess.Popen([sys.executable, "-m", "linter", "annotate", sha, "--ticket", "ABC-3", "--force"],
                              cwd=repo.path, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not Path(f"{path}.waiting").exists():
        assert forced.poll() is None, forced.communicate()
        time.sleep(0.02)
    assert run_ctxlint("annotate", sha, "--ticket", "ABC-2", "--force", cwd=repo.path).returncode == 0
    Path(f"{path}.open").touch()
    _out, err = forced.communicate(timeout=60)
    assert forced.returncode == 2 and "changed while" in err
    assert "ABC-2" in (note(repo, sha) or "")


@pytest.mark.slow
def test_free_running_writers_never_lose_a_note(repo: Repo) -> None:
    shas = [repo.commit(f"c{i}\n") for i in range(12)]
    for round_ in range(6):
        a, b = shas[2 * round_], shas[2 * round_ + 1]
        procs = [start(repo, a, f"ABC-{round_ + 1}1"), start(repo, b, f"ABC-{round_ + 1}2"),
                 start(repo, a, f"ABC-{round_ + 1}3")]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        codes = [p.returncode for p in procs]
        assert codes[1] == 0, errors
        assert f"ABC-{round_ + 1}2" in (note(repo, b) or "")
        # Two writers on one commit: one note stands, and only its writer said it succeeded.
        on_a = note(repo, a) or ""
        winners = [t for t, code in ((f"ABC-{round_ + 1}1", codes[0]), (f"ABC-{round_ + 1}3", codes[2])) if code == 0]
        assert winners == [t for t in (f"ABC-{round_ + 1}1", f"ABC-{round_ + 1}3") if t in on_a]
        assert len(winners) == 1 and sorted(codes[::2]) == [0, 2]
