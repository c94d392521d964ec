"""Shared fixtures: real git repositories in temp dirs, isolated from the user's own git setup."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Compiled regular expressions are cached per user (linter.regexcache): the suite keeps its own
# cache, shared by its in-process runs and the ctxlint processes it starts, never the user's.
os.environ.setdefault("CTXLINT_CACHE_DIR", str(Path(tempfile.mkdtemp(prefix="ctxlint-test-cache-"))))


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets an empty HOME, no system config and an empty template dir.

    Without this a developer's own hooks, templates or commit.gpgsign would leak into the tests.
    """
    home = tmp_path_factory.mktemp("home")
    template = tmp_path_factory.mktemp("template")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(template))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Lovelace")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Ada Lovelace")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "NO_COLOR", "FORCE_COLOR",
                 "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY",
                 "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    yield


def git(repo: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run real git in `repo` and return its stdout; fail the test on error."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run(
        ["git", *args], cwd=repo, input=input, capture_output=True, text=True, env=full_env, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


class Repo:
    """A real git repository in a temp dir, with helpers to make commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._counter = 0

    def git(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
        return git(self.path, *args, input=input, env=env)

    def write(self, name: str, content: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str, files: dict[str, str] | None = None, *,
               author: str | None = None, date: str | None = None, allow_empty: bool = False) -> str:
        """Commit `files` (or a fresh file) with `message` verbatim; return the new sha."""
        if files is None:
            self._counter += 1
            files = {f"file{self._counter}.txt": f"change {self._counter}\n"}
        for name, content in files.items():
            self.write(name, content)
        self.git("add", "-A")
        args = ["commit", "-q", "--cleanup=verbatim", "--no-verify", "-F", "-"]
        if allow_empty:
            args.append("--allow-empty")
        if author:
            args += ["--author", author]
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
        self.git(*args, input=message, env=env)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return Repo(path)


def run_ctxlint(*args: str, cwd: Path | str, input: str | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run this checkout's ctxlint as a real process (`python -m linter`)."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "linter", *args], cwd=cwd, input=input, capture_output=True, text=True,
        env=full_env, check=False,
    )


_LIST_MODULES = """
import sys
from linter.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("MODULES", " ".join(sorted(sys.modules)))
"""


def loaded_modules(*args: str, cwd: Path | str, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """(stdout, modules loaded) once a real process has run `ctxlint args` to its end: for tests
    of what a command imports (the hook's path, one command's start-up)."""
    full_env = dict(os.environ if env is None else env, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", _LIST_MODULES, *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, check=False)
    output, listed, modules = proc.stdout.rpartition("MODULES ")
    assert listed, f"the run ended before listing its modules: {proc.stderr[-2000:]}"
    return output, set(modules.split())


@pytest.fixture
def ctxlint() -> object:
    return run_ctxlint


def run_in_process(*args: str, cwd: Path | str, input: str | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`run_ctxlint`'s twin that calls `linter.cli.main` in this process: the same arguments and
    result, without the some 100 ms of a new interpreter. For tests of what a command prints and
    returns; a test about the process itself (start-up imports, the console script, how the
    interpreter encodes stdout, a hook that git starts) uses run_ctxlint. argparse's exits (usage
    errors, --version, --help) become the exit code, as they would in a process."""
    from linter.cli import main

    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env or {})
        os.chdir(cwd)
        sys.stdin = io.StringIO(input or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:  # `-C` moves the process, and a command may set variables: neither may leak
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["ctxlint", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed snapshot of this checkout's working tree (what try-repo would use), and its sha.

    pre-commit clones a repository at a rev; uncommitted edits in the checkout must be tested
    too, so the tracked and untracked-but-not-ignored files are copied and committed.
    """
    snap = tmp_path_factory.mktemp("hook-source") / "ctxlint"
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            dest = snap / name.decode()
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(snap.parent)}
    commands = (["init", "-q", "-b", "main"], ["add", "-A"],
                ["commit", "-q", "--no-verify", "-m", "snapshot"])
    for args in commands:
        subprocess.run(["git", *args], cwd=snap, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=snap, env=env, check=True, capture_output=True,
                         text=True).stdout.strip()
    return snap, sha


def corpora_dir() -> Path:
    """Where the shared corpora are: `$CTXLINT_CORPORA`, else `shared/corpora` beside the checkout
    (or beside a parent folder, for a git worktree kept below the checkout's parent)."""
    env = os.environ.get("CTXLINT_CORPORA")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return ROOT.parent / "shared" / "corpora"


def corpus_messages() -> list[str]:
    """The raw messages of the shared commit corpus, or [] when it is not present."""
    import json

    path = corpora_dir() / "commit-messages.txt"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["message"] for line in handle if line.strip()]
