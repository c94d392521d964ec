"""Plain git hooks that never break a commit: isolated from the repository's code, quoted for
sh, and never taking over a hook that is not exactly ctxlint's. Driven by real `git commit`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Repo, run_in_process

SUBJECT = "Retry card payments on gateway timeouts"
REASON = "The gateway drops idle connections after thirty seconds, so customers were charged twice."
#: The commit-msg shim ctxlint 0.1 wrote (interpreter in double quotes): still recognised as ours.
EARLIER_SHIM = (Path(__file__).parent / "data" / "hook-commit-msg-0.1").read_text()


@pytest.fixture(autouse=True)
def _no_inherited_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIT_EDITOR", raising=False)


def commit(repo: Repo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    (repo.path / "a.txt").write_text((repo.path / "a.txt").read_text() + "x\n"
                                     if (repo.path / "a.txt").exists() else "x\n")
    subprocess.run(["git", "add", "a.txt"], cwd=repo.path, check=True)
    return subprocess.run(["git", "commit", "-q", *args], cwd=repo.path, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=False)


def hook(repo: Repo, name: str) -> Path:
    return repo.path / ".git" / "hooks" / name


# --- the repository's own code never runs ----------------------------------------------------

HOSTILE_FILES = {
    # Each would be imported by `python -c` from the repository's root, and leaves a trace if so.
    "linter/__init__.py": "open('ran-linter-package', 'w').close()\nraise RuntimeError('repository code ran')\n",
    "linter/cli.py": "raise RuntimeError('repository code ran')\n",
    "sitecustomize.py": "open('ran-sitecustomize', 'w').close()\nraise RuntimeError('repository code ran')\n",
    "usercustomize.py": "open('ran-usercustomize', 'w').close()\nraise RuntimeError('repository code ran')\n",
}


def test_hooks_never_import_the_repositorys_code(repo: Repo) -> None:
    assert run_in_process("install-hooks", cwd=repo.path).returncode == 0
    for name, text in HOSTILE_FILES.items():
        repo.write(name, text)
    bad = commit(repo, "-m", "fix stuff", env={"PYTHONPATH": ".", "PYTHONSTARTUP": "sitecustomize.py"})
    assert bad.returncode == 1 and "CTX101" in bad.stdout + bad.stderr, bad.stdout + bad.stderr
    good = commit(repo, "-m", f"PAY-1: {SUBJECT}", "-m", REASON, env={"PYTHONPATH": "."})
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Traceback" not in bad.stderr + good.stderr
    assert not list(repo.path.glob("ran-*"))


def test_a_top_level_linter_module_is_not_imported_either(repo: Repo) -> None:
    assert run_in_process("install-hooks", cwd=repo.path).returncode == 0
    repo.write("linter.py", "open('ran-linter-module', 'w').close()\nraise SystemExit(9)\n")
    good = commit(repo, "-m", f"PAY-1: {SUBJECT}", "-m", REASON)
    assert good.returncode == 0, good.stdout + good.stderr
    assert not (repo.path / "ran-linter-module").exists()


def test_no_verify_commits_even_when_prepare_msg_fails(repo: Repo) -> None:
    """--no-verify skips commit-msg but never prepare-commit-msg: ctxlint's failure there must not
    stand between the user and the commit."""
    assert run_in_process("install-hooks", cwd=repo.path).returncode == 0
    repo.write(".ctxlint.toml", "trackers = 'not a list'\n")
    result = commit(repo, "--no-verify", "-m", "wip")
    assert result.returncode == 0, result.stderr
    assert "prepare-commit-msg failed" in result.stderr and "Traceback" not in result.stderr
    assert subprocess.run(["git", "log", "-1", "--format=%s"], cwd=repo.path, capture_output=True,
                          text=True, check=True).stdout == "wip\n"


# --- the interpreter's path is data, never shell code ----------------------------------------

WEIRD_DIR = "we\"ird 'py' $(touch PWNED-subst) `touch PWNED-tick` $HOME ${IFS}x; touch PWNED-semi"


def test_an_interpreter_path_with_shell_syntax_runs_no_command(repo: Repo, tmp_path: Path) -> None:
    folder = tmp_path / WEIRD_DIR
    folder.mkdir()
    python = folder / "python3"
    python.symlink_to(os.path.realpath(sys.executable))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    installed = subprocess.run([str(python), "-m", "linter", "install-hooks"], cwd=repo.path, env=env,
                               capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    assert str(python) in subprocess.run(["sh", "-c", '. "$1" >/dev/null 2>&1; echo "$CTXLINT_PYTHON"',
                                          "sh", "/dev/stdin"], input=_settings(hook(repo, "commit-msg")),
                                         cwd=tmp_path, capture_output=True, text=True, check=False).stdout
    # No ctxlint anywhere else: only the interpreter named in the hook can lint the message.
    bare_path = {"PATH": "/usr/bin:/bin"}
    bad = commit(repo, "-m", "fix stuff", env=bare_path)
    assert bad.returncode == 1 and "CTX101" in bad.stdout + bad.stderr, bad.stdout + bad.stderr
    good = commit(repo, "-m", f"PAY-1: {SUBJECT}", "-m", REASON, env=bare_path)
    assert good.returncode == 0, good.stderr
    for where in (repo.path, tmp_path, folder, Path.home()):
        assert not list(where.glob("PWNED*")), where


def _settings(path: Path) -> str:
    """Only the two assignment lines of a shim, to evaluate them in a shell of their own."""
    return "".join(line for line in path.read_text().splitlines(keepends=True) if line.startswith("CTXLINT_"))


# --- only ctxlint's own hooks are ctxlint's -------------------------------------------------

MENTIONS_MARKER = {
    "marker on the second line": "#!/bin/sh\n# ctxlint-managed-hook: commit-msg\n./my-checks \"$1\"\n",
    "marker further down": "#!/bin/sh\n# based on the hook that had '# ctxlint-managed-hook:' in it\nexit 0\n",
}


@pytest.mark.parametrize("text", list(MENTIONS_MARKER.values()), ids=list(MENTIONS_MARKER))
def test_a_users_hook_that_mentions_the_marker_is_never_replaced(repo: Repo, text: str) -> None:
    target = hook(repo, "commit-msg")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    refused = run_in_process("install-hooks", "--hook", "commit-msg", cwd=repo.path)
    assert refused.returncode == 2 and "not ctxlint's" in refused.stderr
    assert target.read_text() == text
    removed = run_in_process("install-hooks", "--uninstall", cwd=repo.path)
    assert removed.returncode == 0 and "left" in removed.stdout
    assert target.read_text() == text
    # --chain keeps it, runs it, and gives it back untouched.
    assert run_in_process("install-hooks", "--hook", "commit-msg", "--chain", cwd=repo.path).returncode == 0
    assert Path(f"{target}.local").read_text() == text
    assert run_in_process("install-hooks", "--uninstall", cwd=repo.path).returncode == 0
    assert target.read_text() == text and not Path(f"{target}.local").exists()


def test_an_edited_shim_is_the_users_now(repo: Repo) -> None:
    assert run_in_process("install-hooks", "--hook", "commit-msg", cwd=repo.path).returncode == 0
    target = hook(repo, "commit-msg")
    edited = target.read_text() + "echo my addition\n"
    target.write_text(edited)
    assert run_in_process("install-hooks", "--hook", "commit-msg", cwd=repo.path).returncode == 2
    assert run_in_process("install-hooks", "--uninstall", cwd=repo.path).returncode == 0
    assert target.read_text() == edited


def test_an_earlier_versions_shim_is_upgraded_and_removed(repo: Repo) -> None:
    target = hook(repo, "commit-msg")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(EARLIER_SHIM.replace("@CTXLINT_PYTHON@", "/opt/old/bin/python3"))
    assert run_in_process("install-hooks", "--hook", "commit-msg", cwd=repo.path).returncode == 0
    assert " -I -c " in target.read_text()
    target.write_text(EARLIER_SHIM.replace("@CTXLINT_PYTHON@", "/opt/old/bin/python3"))
    result = run_in_process("install-hooks", "--uninstall", cwd=repo.path)
    assert result.returncode == 0 and not target.exists(), result.stdout
