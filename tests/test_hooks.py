"""The developer-machine hooks, driven by real git: the pre-commit framework, plain hooks, every source."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Repo, git, run_ctxlint

SUBJECT = "Retry card payments on gateway timeouts"
REASON = "The gateway drops idle connections after thirty seconds, so customers were charged twice."
GOOD = f"PAY-1: {SUBJECT}\n\n{REASON}\n"
BAD = "fix stuff\n"
BRANCH = "feature/ABC-123-retry"
ZERO = "0" * 40


@pytest.fixture(autouse=True)
def _no_inherited_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_EDITOR=":" tells ctxlint that git keeps comment lines; a developer's own must not leak in."""
    monkeypatch.delenv("GIT_EDITOR", raising=False)


def run_git(path: Path, *args: str, env: dict[str, str] | None = None,
            input: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Real git whose failure is an answer, not a test error (hooks may reject)."""
    full = {**os.environ, **(env or {})}
    return subprocess.run(["git", *args], cwd=path, env=full, input=input, capture_output=True,
                          text=not isinstance(input, bytes), check=False)


def last_message(repo: Repo) -> str:
    """The stored message of HEAD, exactly (`--format` adds one newline of its own)."""
    return repo.git("log", "-1", "--format=%B")[:-1]


def stage(repo: Repo, name: str = "a.txt") -> None:
    path = repo.path / name
    path.write_text(path.read_text() + "x\n" if path.exists() else "x\n")
    repo.git("add", name)


def editor(tmp: Path, prepend: str | None = None) -> str:
    """A GIT_EDITOR that records what it was given (ctx-editor) and optionally writes a message on top."""
    script = tmp / f"editor-{abs(hash(prepend))}.sh"
    lines = ["#!/bin/sh", 'cp "$1" .git/ctx-editor']
    if prepend is not None:
        (tmp / "prepend.txt").write_text(prepend)
        lines.append(f'cat {tmp / "prepend.txt"} "$1" > "$1.new" && mv "$1.new" "$1"')
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def remote(repo: Repo, tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    return bare


# --- (b) plain git hooks from `ctxlint install-hooks` ------------------------------------------

def test_install_hooks_then_real_commits_pass_and_fail(repo: Repo) -> None:
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    for name in ("commit-msg", "prepare-commit-msg", "pre-push"):
        hook = repo.path / ".git" / "hooks" / name
        assert os.access(hook, os.X_OK)
    stage(repo)
    bad = run_git(repo.path, "commit", "-q", "-m", "fix stuff")
    assert bad.returncode != 0
    assert "CTX101" in bad.stdout + bad.stderr
    assert run_git(repo.path, "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing committed
    good = run_git(repo.path, "commit", "-q", "-m", f"PAY-1: {SUBJECT}", "-m", REASON)
    assert good.returncode == 0, good.stdout + good.stderr
    assert last_message(repo) == GOOD


def test_install_hooks_honours_core_hooks_path(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", "team-hooks")
    result = run_ctxlint("install-hooks", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert (repo.path / "team-hooks" / "commit-msg").exists()
    assert not (repo.path / ".git" / "hooks" / "commit-msg").exists()
    stage(repo)
    assert run_git(repo.path, "commit", "-q", "-m", "fix stuff").returncode != 0
    # From a subdirectory too: the hooks folder is relative to the top level, not the cwd.
    sub = repo.path / "src"
    sub.mkdir()
    assert run_ctxlint("install-hooks", cwd=sub).returncode == 0
    assert not (sub / "team-hooks").exists()


FOREIGN = "#!/bin/sh\necho foreign-{name} \"$@\" >> .git/foreign.log\n{extra}exit 0\n"


def foreign_hook(repo: Repo, name: str, extra: str = "") -> Path:
    hook = repo.path / ".git" / "hooks" / name
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(FOREIGN.format(name=name, extra=extra))
    hook.chmod(0o755)
    return hook


def test_existing_foreign_hook_is_refused_untouched(repo: Repo) -> None:
    hook = foreign_hook(repo, "pre-push")
    before = hook.read_bytes()
    result = run_ctxlint("install-hooks", cwd=repo.path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--chain" in result.stderr and "Traceback" not in result.stderr
    assert hook.read_bytes() == before
    # All or nothing: the hooks that were free were not installed either.
    assert not (repo.path / ".git" / "hooks" / "commit-msg").exists()


def test_chain_runs_both_and_uninstall_restores(repo: Repo, remote: Path) -> None:
    hooks = {name: foreign_hook(repo, name, 'cat > .git/foreign-stdin\n' if name == "pre-push" else "")
             for name in ("commit-msg", "pre-push")}
    originals = {name: hook.read_bytes() for name, hook in hooks.items()}
    result = run_ctxlint("install-hooks", "--chain", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert (repo.path / ".git" / "hooks" / "commit-msg.local").read_bytes() == originals["commit-msg"]
    # Installing again is a no-op for ctxlint's own hooks, never a double chain.
    assert run_ctxlint("install-hooks", "--chain", cwd=repo.path).returncode == 0
    assert (repo.path / ".git" / "hooks" / "commit-msg.local").read_bytes() == originals["commit-msg"]

    stage(repo)
    bad = run_git(repo.path, "commit", "-q", "-m", "fix stuff")
    assert bad.returncode != 0 and "CTX101" in bad.stdout + bad.stderr
    assert "foreign-commit-msg" in (repo.path / ".git" / "foreign.log").read_text()
    assert run_git(repo.path, "commit", "-q", "-m", f"PAY-1: {SUBJECT}", "-m", REASON).returncode == 0

    pushed = run_git(repo.path, "push", "-q", "origin", "main")
    assert pushed.returncode == 0, pushed.stderr
    log = (repo.path / ".git" / "foreign.log").read_text()
    assert f"foreign-pre-push origin {remote}" in log
    head = repo.git("rev-parse", "HEAD").strip()
    foreign_stdin = (repo.path / ".git" / "foreign-stdin").read_text()
    assert f"refs/heads/main {head} refs/heads/main {ZERO}" in foreign_stdin

    # The pre-push stdin reached ctxlint too: a bad commit on a new branch is refused.
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit(BAD)
    refused = run_git(repo.path, "push", "-q", "origin", "topic")
    assert refused.returncode != 0
    assert "CTX101" in refused.stdout + refused.stderr

    assert run_ctxlint("install-hooks", "--uninstall", cwd=repo.path).returncode == 0
    for name, hook in hooks.items():
        assert hook.read_bytes() == originals[name]
        assert not Path(f"{hook}.local").exists()
    assert not (repo.path / ".git" / "hooks" / "prepare-commit-msg").exists()


def test_chain_refuses_when_local_exists(repo: Repo) -> None:
    hook = foreign_hook(repo, "commit-msg")
    Path(f"{hook}.local").write_text("#!/bin/sh\n")
    result = run_ctxlint("install-hooks", "--chain", cwd=repo.path)
    assert result.returncode == 2 and ".local" in result.stderr
    assert hook.read_text() == FOREIGN.format(name="commit-msg", extra="")


def test_chained_hook_failure_stops_the_commit(repo: Repo) -> None:
    foreign_hook(repo, "commit-msg", "exit 3\n")
    assert run_ctxlint("install-hooks", "--chain", cwd=repo.path).returncode == 0
    stage(repo)
    assert run_git(repo.path, "commit", "-q", "-m", f"PAY-1: {SUBJECT}", "-m", REASON).returncode != 0


# --- (c) prepare-commit-msg on every commit source ---------------------------------------------

RECORD_BEFORE = '#!/bin/sh\ncp "$1" .git/ctx-before\necho "$2 $3" > .git/ctx-source\n'
RECORD_AFTER = '#!/bin/sh\ncp "$1" .git/ctx-after\n'


@pytest.fixture
def recorded(repo: Repo) -> Repo:
    """ctxlint's hooks chained after recorders: ctx-before is what git gave prepare-commit-msg,
    ctx-after what commit-msg saw (prepare's output, plus the editor's changes if one ran)."""
    repo.commit(GOOD)
    hooks = repo.path / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for name, text in (("prepare-commit-msg", RECORD_BEFORE), ("commit-msg", RECORD_AFTER)):
        (hooks / name).write_text(text)
        (hooks / name).chmod(0o755)
    assert run_ctxlint("install-hooks", "--chain", cwd=repo.path).returncode == 0
    repo.git("checkout", "-q", "-b", BRANCH)
    return repo


def recorded_file(repo: Repo, name: str) -> bytes:
    return (repo.path / ".git" / f"ctx-{name}").read_bytes()


def source(repo: Repo) -> str:
    return recorded_file(repo, "source").decode().strip()


def test_source_none_editor_gets_ticket_and_prompt(recorded: Repo, tmp_path: Path) -> None:
    stage(recorded)
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT}\n\n{REASON}\n")}
    result = run_git(recorded.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == ""
    given = recorded_file(recorded, "editor").decode()
    assert given.count("Refs: ABC-123") == 1
    assert "# ctxlint: say why" in given
    assert "# Please enter the commit message" in given  # git's own lines kept
    assert last_message(recorded) == f"{SUBJECT}\n\n{REASON}\n\nRefs: ABC-123\n"
    # A second run on what the editor saw changes nothing.
    again = recorded.path / "again"
    again.write_text(given)
    assert run_ctxlint("prepare-msg", str(again), cwd=recorded.path).returncode == 0
    assert again.read_text() == given


def test_source_none_with_true_editor_is_refused_by_commit_msg(recorded: Repo) -> None:
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", env={"GIT_EDITOR": "true"})
    assert result.returncode != 0  # only "Refs: ABC-123" is left: no rationale
    assert "CTX201" in result.stdout + result.stderr
    assert recorded_file(recorded, "after").decode().startswith("\n\nRefs: ABC-123\n# ctxlint:")


def test_source_message_without_ticket_gets_the_trailer(recorded: Repo) -> None:
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "-m", SUBJECT, "-m", REASON)
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == "message"
    assert last_message(recorded) == f"{SUBJECT}\n\n{REASON}\n\nRefs: ABC-123\n"
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before") + b"\nRefs: ABC-123\n"


def test_source_message_joins_an_existing_trailer_block(recorded: Repo) -> None:
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "-m", SUBJECT, "-m", REASON, "-m", "Reviewed-by: B <b@x>")
    assert result.returncode == 0, result.stdout + result.stderr
    assert last_message(recorded).endswith("\n\nReviewed-by: B <b@x>\nRefs: ABC-123\n")


def test_source_message_with_a_ticket_is_byte_identical(recorded: Repo) -> None:
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "-m", f"PAY-9: {SUBJECT}", "-m", REASON)
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before")


def test_source_file_keeps_non_utf8_bytes(recorded: Repo, tmp_path: Path) -> None:
    stage(recorded)
    message = tmp_path / "msg.txt"
    raw = f"Caf\u00e9 {SUBJECT}\n\n{REASON} R\u00e9sum\u00e9.\n".encode("latin-1")
    message.write_bytes(raw)
    result = run_git(recorded.path, "commit", "-q", "-F", str(message))
    assert result.returncode == 0, result.stdout + result.stderr  # CTX902 is a warning
    assert source(recorded) == "message"
    after = recorded_file(recorded, "after")
    assert after == raw + b"\nRefs: ABC-123\n"
    stored = run_git(recorded.path, "cat-file", "commit", "HEAD", input=None)
    assert "Refs: ABC-123" in stored.stdout


def test_source_file_with_a_ticket_is_byte_identical(recorded: Repo, tmp_path: Path) -> None:
    stage(recorded)
    message = tmp_path / "msg.txt"
    message.write_text(f"{SUBJECT}\n\n{REASON}\n\nRefs: #77\n")
    assert run_git(recorded.path, "commit", "-q", "-F", str(message)).returncode == 0
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before")


def test_source_template_is_untouched(recorded: Repo, tmp_path: Path) -> None:
    stage(recorded)
    template = tmp_path / "template.txt"
    template.write_text("\n# Ticket:\n# Why:\n")
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT}\n\n{REASON}\n\nRefs: PAY-3\n")}
    result = run_git(recorded.path, "commit", "-q", "-t", str(template), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == "template"
    assert recorded_file(recorded, "editor") == recorded_file(recorded, "before")
    assert "#" not in last_message(recorded)


def test_source_merge_is_untouched(recorded: Repo) -> None:
    recorded.git("checkout", "-q", "-b", "other", "main")
    recorded.commit(GOOD.replace("PAY-1", "PAY-2"))
    recorded.git("checkout", "-q", BRANCH)
    recorded.commit(GOOD.replace("PAY-1", "PAY-3"))
    result = run_git(recorded.path, "merge", "-q", "--no-ff", "other")
    assert result.returncode == 0, result.stdout + result.stderr  # merges are exempt
    assert source(recorded) == "merge"
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before")
    assert "Refs: ABC-123" not in last_message(recorded)


def test_source_squash_is_untouched(recorded: Repo, tmp_path: Path) -> None:
    recorded.git("checkout", "-q", "-b", "other", "main")
    recorded.commit(GOOD.replace("PAY-1", "PAY-2"))
    recorded.git("checkout", "-q", BRANCH)
    assert run_git(recorded.path, "merge", "-q", "--squash", "other").returncode == 0
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT}\n\n{REASON}\n\n")}
    result = run_git(recorded.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == "squash"
    assert recorded_file(recorded, "editor") == recorded_file(recorded, "before")
    final = last_message(recorded)
    assert "Squashed commit of the following" in final and "ABC-123" not in final


def test_source_commit_amend_and_reuse_are_untouched(recorded: Repo, tmp_path: Path) -> None:
    recorded.commit(GOOD.replace("PAY-1", "PAY-4"))
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "--amend", "--no-edit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == "commit HEAD"  # what git passes for --amend
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before")

    stage(recorded)
    amended = recorded.git("rev-parse", "HEAD").strip()
    result = run_git(recorded.path, "commit", "-q", "-c", amended, env={"GIT_EDITOR": editor(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert source(recorded) == f"commit {amended}"
    assert recorded_file(recorded, "editor") == recorded_file(recorded, "before")
    assert "Refs: ABC-123" not in last_message(recorded)


def test_prepare_is_idempotent_and_keeps_bytes(repo: Repo) -> None:
    repo.commit(GOOD)
    repo.git("checkout", "-q", "-b", BRANCH)
    path = repo.path / "msg"
    raw = b"Caf\xe9 retry\r\n\r\nBody \xff line\r\n"
    path.write_bytes(raw)
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    once = path.read_bytes()
    assert once == raw + b"\r\nRefs: ABC-123\r\n"
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    assert path.read_bytes() == once


def test_prepare_subject_prefix_placement(repo: Repo) -> None:
    repo.commit(GOOD)
    repo.git("checkout", "-q", "-b", BRANCH)
    repo.write(".ctxlint.toml", 'ticket-placement = "subject-prefix"\n')
    path = repo.write("msg", f"{SUBJECT}\n\n{REASON}\n")
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    assert path.read_text() == f"ABC-123: {SUBJECT}\n\n{REASON}\n"
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    assert path.read_text() == f"ABC-123: {SUBJECT}\n\n{REASON}\n"


def test_prepare_on_a_branch_without_ticket_or_detached(repo: Repo) -> None:
    repo.commit(GOOD)
    path = repo.write("msg", f"{SUBJECT}\n")
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    assert path.read_text() == f"{SUBJECT}\n"
    repo.git("checkout", "-q", "--detach")
    assert run_ctxlint("prepare-msg", str(path), "message", cwd=repo.path).returncode == 0
    assert path.read_text() == f"{SUBJECT}\n"


def test_prepare_with_custom_comment_char(repo: Repo, tmp_path: Path) -> None:
    repo.git("config", "core.commentChar", ";")
    repo.commit(GOOD)
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    repo.git("checkout", "-q", "-b", BRANCH)
    stage(repo)
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT}\n\n{REASON}\n")}
    result = run_git(repo.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    given = (repo.path / ".git" / "ctx-editor").read_text()
    assert "\n; ctxlint: say why" in given
    assert last_message(repo) == f"{SUBJECT}\n\n{REASON}\n\nRefs: ABC-123\n"


# --- (d) pre-push: stdin lines and pre-commit's environment ------------------------------------

@pytest.fixture
def pushed(repo: Repo, remote: Path) -> dict[str, str]:
    """main on the remote holds a bad commit; `topic` adds one good and one bad commit locally."""
    shas = {"root": repo.commit(GOOD), "old_bad": repo.commit(BAD)}
    repo.git("push", "-q", "origin", "main")
    repo.git("checkout", "-q", "-b", "topic")
    shas["good"] = repo.commit(GOOD.replace("PAY-1", "PAY-2"))
    shas["bad"] = repo.commit("wip\n")
    return shas


def pre_push(repo: Repo, stdin: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_ctxlint("pre-push", "origin", str(repo.path.parent / "remote.git"), cwd=repo.path, input=stdin,
                       env=env)


def test_pre_push_new_branch_lints_only_what_the_remote_lacks(repo: Repo, pushed: dict[str, str]) -> None:
    result = pre_push(repo, f"refs/heads/topic {pushed['bad']} refs/heads/topic {ZERO}\n")
    assert result.returncode == 1
    assert pushed["bad"][:10] in result.stdout
    assert pushed["old_bad"][:10] not in result.stdout  # already on the remote: not ours to judge
    assert "2 commits" in result.stdout
    ok = pre_push(repo, f"refs/heads/topic {pushed['good']} refs/heads/topic {ZERO}\n")
    assert ok.returncode == 0, ok.stdout


def test_pre_push_existing_branch_lints_the_new_range(repo: Repo, pushed: dict[str, str]) -> None:
    stdin = f"refs/heads/topic {pushed['bad']} refs/heads/topic {pushed['good']}\n"
    result = pre_push(repo, stdin)
    assert result.returncode == 1
    assert "1 commit " in result.stdout and pushed["bad"][:10] in result.stdout
    # A commit of the range that a remote already holds (on main) was judged when it got there.
    same = pre_push(repo, f"refs/heads/topic {pushed['good']} refs/heads/topic {pushed['root']}\n")
    assert same.returncode == 0 and pushed["old_bad"][:10] not in same.stdout, same.stdout
    assert "1 commit to push is already on" in same.stderr


def test_pre_push_deletion_and_empty_push(repo: Repo, pushed: dict[str, str]) -> None:
    deletion = pre_push(repo, f"(delete) {ZERO} refs/heads/old {pushed['old_bad']}\n")
    assert deletion.returncode == 0 and deletion.stdout == ""


def test_pre_push_unknown_remote_sha(repo: Repo, pushed: dict[str, str]) -> None:
    unknown = "1234567890abcdef1234567890abcdef12345678"
    result = pre_push(repo, f"refs/heads/topic {pushed['bad']} refs/heads/topic {unknown}\n")
    assert result.returncode == 1
    assert pushed["old_bad"][:10] not in result.stdout and pushed["bad"][:10] in result.stdout


def test_pre_push_several_refs_dedupe(repo: Repo, pushed: dict[str, str]) -> None:
    stdin = (f"refs/heads/topic {pushed['bad']} refs/heads/topic {ZERO}\n"
             f"refs/heads/topic2 {pushed['bad']} refs/heads/topic2 {ZERO}\n")
    result = pre_push(repo, stdin)
    assert result.returncode == 1 and "2 commits" in result.stdout


def test_pre_push_from_pre_commit_environment(repo: Repo, pushed: dict[str, str]) -> None:
    env = {"PRE_COMMIT_FROM_REF": pushed["old_bad"], "PRE_COMMIT_TO_REF": pushed["good"]}
    assert run_ctxlint("pre-push", cwd=repo.path, input="", env=env).returncode == 0
    env["PRE_COMMIT_TO_REF"] = pushed["bad"]
    result = run_ctxlint("pre-push", cwd=repo.path, input="", env=env)
    assert result.returncode == 1 and pushed["old_bad"][:10] not in result.stdout
    # pre-commit leaves FROM_REF out for a branch that starts at the root: what the remote lacks.
    env = {"PRE_COMMIT_TO_REF": pushed["bad"], "PRE_COMMIT_REMOTE_NAME": "origin"}
    result = run_ctxlint("pre-push", cwd=repo.path, input="", env=env)
    assert result.returncode == 1 and pushed["old_bad"][:10] not in result.stdout


def test_pre_push_outside_a_repository(tmp_path: Path) -> None:
    result = run_ctxlint("pre-push", "origin", "x", cwd=tmp_path, input="")
    assert result.returncode == 2 and result.stderr.count("\n") == 1


# --- (a) the real pre-commit framework driving .pre-commit-hooks.yaml ---------------------------

@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: the hook venv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit_exe() -> str:
    exe = Path(sys.executable).parent / "pre-commit"
    if not exe.exists():
        pytest.skip("pre-commit is not installed in this environment")
    return str(exe)


@pytest.fixture
def framework_repo(repo: Repo, hook_source: tuple[Path, str], pre_commit_home: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    snap, sha = hook_source
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    repo.write(".pre-commit-config.yaml", f"""repos:
-   repo: {snap}
    rev: {sha}
    hooks:
    -   id: ctxlint
    -   id: ctxlint-prepare
    -   id: ctxlint-pre-push
""")
    repo.commit(GOOD, {".pre-commit-config.yaml": (repo.path / ".pre-commit-config.yaml").read_text()})
    install = subprocess.run(
        [pre_commit_exe(), "install", "--hook-type", "commit-msg", "--hook-type", "prepare-commit-msg",
         "--hook-type", "pre-push"], cwd=repo.path, capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    yield repo


@pytest.mark.slow
def test_pre_commit_try_repo_commit_msg(repo: Repo, hook_source: tuple[Path, str], pre_commit_home: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    snap, _ = hook_source
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    bad = repo.write("bad.txt", BAD)
    result = subprocess.run(
        [pre_commit_exe(), "try-repo", str(snap), "ctxlint", "--hook-stage", "commit-msg",
         "--commit-msg-filename", str(bad)], cwd=repo.path, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CTX101" in result.stdout and "CTX201" in result.stdout


@pytest.mark.slow
def test_pre_commit_framework_all_three_stages(framework_repo: Repo, remote: Path, tmp_path: Path) -> None:
    repo = framework_repo
    # commit-msg: a bad message is refused, a good one passes.
    stage(repo)
    bad = run_git(repo.path, "commit", "-q", "-m", "fix stuff")
    assert bad.returncode != 0
    assert "CTX101" in bad.stdout + bad.stderr
    good = run_git(repo.path, "commit", "-q", "-m", f"PAY-5: {SUBJECT}", "-m", REASON)
    assert good.returncode == 0, good.stdout + good.stderr
    # A bad commit that reached main anyway (--no-verify) and the remote.
    repo.commit(BAD)
    assert run_git(repo.path, "push", "-q", "--no-verify", "origin", "main").returncode == 0

    # prepare-commit-msg: the ticket comes from the branch name, for -m and for the editor.
    repo.git("checkout", "-q", "-b", BRANCH)
    stage(repo)
    result = run_git(repo.path, "commit", "-q", "-m", SUBJECT, "-m", REASON)
    assert result.returncode == 0, result.stdout + result.stderr
    assert last_message(repo) == f"{SUBJECT}\n\n{REASON}\n\nRefs: ABC-123\n"
    stage(repo)
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT} again\n\n{REASON}\n")}
    result = run_git(repo.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# ctxlint: say why" in (repo.path / ".git" / "ctx-editor").read_text()
    assert last_message(repo) == f"{SUBJECT} again\n\n{REASON}\n\nRefs: ABC-123\n"

    # pre-push: a new branch of good commits passes although main on the remote holds a bad one.
    pushed = run_git(repo.path, "push", "-q", "origin", BRANCH)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    # ...and a bad commit on a new branch is refused.
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("wip\n")
    refused = run_git(repo.path, "push", "-q", "origin", "topic")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "CTX101" in output and "1 commit " in output


def test_message_lines_starting_with_hash_are_kept_without_an_editor(recorded: Repo) -> None:
    """`git commit -m` keeps '#' lines (cleanup=whitespace); git tells hooks so with GIT_EDITOR=:."""
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "-m", f"#412 {SUBJECT}", "-m", REASON)
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorded_file(recorded, "after") == recorded_file(recorded, "before")
    assert last_message(recorded) == f"#412 {SUBJECT}\n\n{REASON}\n"


def test_hash_lines_are_comments_when_the_editor_runs(recorded: Repo, tmp_path: Path) -> None:
    stage(recorded)
    env = {"GIT_EDITOR": editor(tmp_path, f"{SUBJECT}\n#412 is only in a comment\n\n{REASON}\n")}
    result = run_git(recorded.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert last_message(recorded) == f"{SUBJECT}\n\n{REASON}\n\nRefs: ABC-123\n"


def test_pre_push_in_a_sha256_repository(tmp_path: Path) -> None:
    """The null id is 64 zeros there: a deletion must not be read as a range."""
    work, bare = tmp_path / "work", tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--object-format=sha256", "-b", "main", str(work))
    git(tmp_path, "init", "-q", "--bare", "--object-format=sha256", str(bare))
    repo = Repo(work)
    repo.commit(GOOD)
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main", "main:old")
    assert run_ctxlint("install-hooks", cwd=work).returncode == 0
    deleted = run_git(work, "push", "-q", "origin", ":old")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit(BAD)
    refused = run_git(work, "push", "-q", "origin", "topic")
    assert refused.returncode != 0 and "CTX101" in refused.stdout + refused.stderr
    assert "1 commit " in refused.stdout + refused.stderr


# --- prepare as a function: properties over odd messages ---------------------------------------

def test_subject_prefix_never_turns_the_subject_into_a_comment() -> None:
    from linter.commands.prepare_msg import prepare
    from linter.config import validate

    cfg = validate({"ticket-placement": "subject-prefix"}, "test")
    out = prepare("", None, "12-fix-login", cfg, None)
    assert "\n\nRefs: #12\n" in "\n" + out
    assert not any(line.startswith("#12") for line in out.split("\n"))
    assert prepare(out, None, "12-fix-login", cfg, None) == out
    assert prepare("", None, BRANCH, cfg, None).startswith("ABC-123: ")


def test_auto_comment_char_survives_crlf() -> None:
    from linter.commands.prepare_msg import prepare
    from linter.config import Config
    from linter.message import SCISSORS, detect_comment_char

    text = f"\r\n: {SCISSORS}\r\ndiff\r\n"  # `git commit -v --no-status`: the scissors is the only clue
    assert detect_comment_char(text, "auto") == ":"
    out = prepare(text, None, BRANCH, Config(), "auto")
    assert "\r\n: ctxlint: say why" in out
    assert prepare(out, None, BRANCH, Config(), "auto") == out


def _prepare_property() -> object:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from linter.commands.prepare_msg import prepare
    from linter.config import validate
    from linter.message import SCISSORS

    lines = st.sampled_from(["", "Subject", "# comment", "; c", f": {SCISSORS}", f"# {SCISSORS}", "Refs: X-1",
                             "Signed-off-by: A", "#12 fix", "  indented", "\r", "Why: x"])
    messages = st.lists(st.one_of(lines, st.text(max_size=15)), max_size=12).map("\n".join)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=st.one_of(messages, messages.map(lambda t: t.replace("\n", "\r\n"))),
           source=st.sampled_from([None, "message"]),
           branch=st.sampled_from([None, BRANCH, "12-fix", "main"]),
           placement=st.sampled_from(["trailer", "subject-prefix"]),
           configured=st.sampled_from([None, "#", ";", "auto"]))
    def check(text: str, source: str | None, branch: str | None, placement: str,
              configured: str | None) -> None:
        cfg = validate({"ticket-placement": placement}, "test")
        out = prepare(text, source, branch, cfg, configured)
        assert prepare(out, source, branch, cfg, configured) == out  # idempotent
        remaining = iter(out.replace("\r\n", "\n").split("\n"))
        for line in (x for x in text.replace("\r\n", "\n").split("\n") if x.strip()):
            assert any(new == line or new.endswith(": " + line) for new in remaining), line  # only adds

    return check


test_prepare_only_adds_and_is_idempotent = _prepare_property()


def test_pre_push_to_a_url_lints_from_where_the_branch_leaves(repo: Repo, pushed: dict[str, str]) -> None:
    """`git push <url>` passes the URL as the remote name; it has no remote-tracking refs."""
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    url = str(repo.path.parent / "remote.git")
    refused = run_git(repo.path, "push", "-q", url, "topic")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and pushed["bad"][:10] in output
    assert pushed["old_bad"][:10] not in output and "2 commits" in output


def test_prepare_without_editor_keeps_hash_lines_as_text() -> None:
    from linter.commands.prepare_msg import prepare
    from linter.config import Config

    text = f"#412 {SUBJECT}\n\n{REASON}\n"
    assert prepare(text, "message", BRANCH, Config(), None, editor=False) == text
    # With an editor the '#412' line is a comment git will strip, so the branch's ticket is added.
    assert "Refs: ABC-123" in prepare(text, "message", BRANCH, Config(), None, editor=True)


def test_pre_push_root_push_under_pre_commit_lints_the_pushed_branch(repo: Repo,
                                                                   pushed: dict[str, str]) -> None:
    """For a push that includes a root commit pre-commit sets no FROM/TO refs, only the local branch."""
    repo.git("checkout", "-q", "main")  # HEAD has nothing to push; topic does
    env = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic", "PRE_COMMIT_REMOTE_NAME": "origin"}
    result = run_ctxlint("pre-push", cwd=repo.path, input="", env=env)
    assert result.returncode == 1 and pushed["bad"][:10] in result.stdout
    assert pushed["old_bad"][:10] not in result.stdout


def test_prepare_keeps_a_line_ending_in_a_lone_cr() -> None:
    """Found by hypothesis: an added LF after a lone CR turned `0\\r` into a CRLF-ended `0`."""
    from linter.commands.prepare_msg import prepare
    from linter.config import Config

    out = prepare("0\r", None, None, Config(), None)
    assert out.startswith("0\r") and out.replace("\r\n", "\n").split("\n")[0] == "0\r"
    assert prepare(out, None, None, Config(), None) == out


def test_commit_cleanup_whitespace_keeps_hash_lines_and_gets_no_prompt(recorded: Repo, tmp_path: Path) -> None:
    """commit.cleanup=whitespace: git keeps `#` lines even with an editor, so a `#412` line is a
    ticket, not a comment, and a prompt written as comments would land in the commit."""
    recorded.git("config", "commit.cleanup", "whitespace")
    stage(recorded)
    env = {"GIT_EDITOR": editor(tmp_path, "Retry payments on gateway timeouts\n\n#412 " + REASON + "\n")}
    result = run_git(recorded.path, "commit", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    stored = last_message(recorded)
    assert "#412 " in stored
    assert "ctxlint:" not in stored


def test_commit_cleanup_strip_applies_to_message_commits_too(recorded: Repo) -> None:
    """commit.cleanup=strip drops `#` lines even from `-m`: a ticket only there does not count."""
    recorded.git("config", "commit.cleanup", "strip")
    recorded.git("checkout", "-q", "-b", "no-ticket-here")
    stage(recorded)
    result = run_git(recorded.path, "commit", "-q", "-m", "Retry payments on gateway timeouts", "-m",
                     "#412", "-m", REASON)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CTX101" in result.stdout + result.stderr


# --- pre-push to a new remote: only what no remote has yet ---------------------------------------

@pytest.fixture
def published(repo: Repo, remote: Path, tmp_path: Path) -> tuple[Repo, Path, list[str]]:
    """A history of 25 commits without context already on origin, and a new, empty remote."""
    old = [repo.commit(f"old change {i}\n") for i in range(25)]
    repo.git("push", "-q", "origin", "main")
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "init", "-q", "--bare", str(mirror))
    repo.git("remote", "add", "mirror", str(mirror))
    return repo, mirror, old


def test_push_to_a_new_remote_lints_only_what_no_remote_has(published: tuple[Repo, Path, list[str]]) -> None:
    repo, mirror, old = published
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    quiet = run_git(repo.path, "push", "mirror", "main")
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "25 commits to push are already on origin" in quiet.stderr and "CTX101" not in quiet.stderr
    # New work is still judged, alone: one bad commit of 27.
    repo.commit(GOOD)
    bad = repo.commit(BAD)
    repo.git("remote", "add", "second", str(mirror.parent / "second.git"))
    git(mirror.parent, "init", "-q", "--bare", "second.git")
    refused = run_git(repo.path, "push", "second", "main")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "problems in 2 commits" in output, output
    assert all(sha[:10] not in output for sha in old)
    assert "27 commits" not in output and f"{bad[:10]}" in output


def test_pre_push_advice_is_ctxlint_annotate_and_works_as_printed(published: tuple[Repo, Path, list[str]]) -> None:
    repo, _mirror, _old = published
    assert run_ctxlint("install-hooks", cwd=repo.path).returncode == 0
    bad = repo.commit(f"{SUBJECT}\n\n{REASON}\n")  # a rationale, but no ticket
    refused = run_git(repo.path, "push", "origin", "main")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "git notes" not in output.replace("refs/notes", "")
    command = next(line.strip() for line in output.splitlines() if line.strip().startswith("ctxlint annotate"))
    assert command == f"ctxlint annotate {bad[:12]} --ticket ABC-123"
    # Followed as printed (ABC-123 is a key this configuration accepts), the push goes through.
    args = shlex.split(command)[1:]
    assert run_ctxlint(*args, cwd=repo.path).returncode == 0
    again = run_git(repo.path, "push", "origin", "main")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.slow
def test_pre_push_under_the_framework_skips_what_another_remote_has(
        framework_repo: Repo, remote: Path, tmp_path: Path) -> None:
    repo = framework_repo
    for i in range(12):
        repo.commit(f"old change {i}\n")
    assert run_git(repo.path, "push", "-q", "--no-verify", "origin", "main").returncode == 0
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "init", "-q", "--bare", str(mirror))
    repo.git("remote", "add", "mirror", str(mirror))
    pushed = run_git(repo.path, "push", "mirror", "main")
    output = pushed.stdout + pushed.stderr
    assert pushed.returncode == 0 and "CTX101" not in output, output
    repo.commit("wip\n")
    refused = run_git(repo.path, "push", "mirror", "main")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "problems in 1 commit " in output, output
