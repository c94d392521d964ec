"""The command line: exit codes, JSON, hostile text, one-line errors, the hot path.

Most tests call `main()` in this process (the `cli` fixture); those about the process itself (the
console script, start-up imports) start one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, Repo, git, run_ctxlint, run_in_process

import linter

GOOD = ("PAY-1: retry card payments on gateway timeouts\n\n"
        "The gateway drops idle connections after thirty seconds, so customers were charged twice.\n")
HOSTILE = "[bold]loud[/] [link=http://x]click[/link] \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07x"


@pytest.fixture(autouse=True)
def _no_inherited_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_EDITOR=":" tells ctxlint that git keeps comment lines; a developer's own must not leak in."""
    monkeypatch.delenv("GIT_EDITOR", raising=False)

SCHEMA = {
    "type": "object",
    "required": ["findings"],
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "severity", "message", "commit"],
                "properties": {
                    "code": {"type": "string", "pattern": "^CTX[0-9]{3}$"},
                    "severity": {"enum": ["error", "warning"]},
                    "message": {"type": "string", "minLength": 1},
                    "commit": {"type": ["string", "null"]},
                },
            },
        },
    },
}


def one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ctxlint: "), result.stderr
    assert needle in result.stderr, result.stderr


def test_exit_codes(repo: Repo) -> None:
    good = repo.write("good", GOOD)
    assert run_in_process("check-msg", str(good), cwd=repo.path).returncode == 0
    warning = repo.write("warn", GOOD.replace("PAY-1", "PAY-1 PYA-2"))
    repo.write(".ctxlint.toml", 'project-keys = ["PAY"]\n')
    warned = run_in_process("check-msg", str(warning), cwd=repo.path)
    assert warned.returncode == 0 and "CTX102" in warned.stdout  # warnings only: still 0
    bad = repo.write("bad", "fix\n")
    assert run_in_process("check-msg", str(bad), cwd=repo.path).returncode == 1
    assert run_in_process("check-msg", "--format", "yaml", str(bad), cwd=repo.path).returncode == 2
    assert run_in_process("no-such-command", cwd=repo.path).returncode == 2
    assert run_in_process(cwd=repo.path).returncode == 2


def test_empty_message_is_left_to_git(repo: Repo) -> None:
    empty = repo.write("empty", "\n# only a comment\n\n")
    result = run_in_process("check-msg", str(empty), cwd=repo.path)
    assert result.returncode == 0 and result.stdout == ""
    result = run_in_process("check-msg", "--format", "json", str(empty), cwd=repo.path)
    assert result.returncode == 0 and json.loads(result.stdout) == {"findings": []}


def test_json_schema_for_check_msg_and_check_range(repo: Repo) -> None:
    bad = repo.write("bad", "fix\n")
    result = run_in_process("check-msg", "--format", "json", str(bad), cwd=repo.path)
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert {f["code"] for f in data["findings"]} == {"CTX101", "CTX201"}
    assert all(f["commit"] is None for f in data["findings"])

    sha = repo.commit("fix\n")
    repo.commit(GOOD)
    result = run_in_process("check-range", "--format", "json", "HEAD", cwd=repo.path)
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert result.returncode == 1
    assert {f["commit"] for f in data["findings"]} == {sha}
    clean = json.loads(run_in_process("check-msg", "--format", "json", str(repo.write("g", GOOD)),
                                   cwd=repo.path).stdout)
    assert clean == {"findings": []}


def _assert_literal(output: str) -> None:
    assert "[bold]loud[/]" in output
    assert "[link=http://x]click[/link]" in output
    assert "\\x1b[31mred" in output  # shown visibly, not executed
    assert "\x1b[31mred" not in output
    assert "\x1b]8;" not in output  # no hyperlink escape reached the terminal
    assert "\x07" not in output


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}])
def test_hostile_commit_text_is_shown_literally(repo: Repo, env: dict[str, str]) -> None:
    repo.commit(f"{HOSTILE}\n")
    result = run_in_process("check-range", "HEAD", cwd=repo.path, env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    _assert_literal(result.stdout)
    if env == {"FORCE_COLOR": "1"}:
        assert "\x1b[" in result.stdout  # rich did colour it
    else:
        assert "\x1b" not in result.stdout


def test_hostile_text_in_errors_is_escaped(repo: Repo) -> None:
    result = run_in_process("check-msg", f"missing{HOSTILE}\nsecond line", cwd=repo.path)
    one_line_error(result, "no such message file")
    _assert_literal(result.stderr)


def test_hostile_ticket_key_in_findings(repo: Repo) -> None:
    repo.write(".ctxlint.toml", 'project-keys = ["PAY"]\n')
    path = repo.write("msg", "[bold]OPS-12[/]: \x1b[2Jretry\n\nWhy: the gateway drops idle connections\n")
    for env in ({}, {"FORCE_COLOR": "1"}):
        result = run_in_process("check-msg", str(path), cwd=repo.path, env=env)
        assert result.returncode == 1 and "OPS-12" in result.stdout
        assert "\x1b[2J" not in result.stdout


def test_version(tmp_path: Path) -> None:
    result = run_in_process("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"ctxlint {linter.__version__}"


def test_missing_file_and_directory(repo: Repo) -> None:
    one_line_error(run_in_process("check-msg", "nope.txt", cwd=repo.path), "nope.txt: no such message file")
    one_line_error(run_in_process("check-msg", str(repo.path), cwd=repo.path), "is a directory")


def test_check_range_in_a_bare_repository(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    one_line_error(run_in_process("check-range", "HEAD", cwd=bare), "bare repository")


def test_check_range_without_commits_and_outside_a_repo(repo: Repo, tmp_path: Path) -> None:
    one_line_error(run_in_process("check-range", "HEAD", cwd=repo.path), "this repository has no commits")
    one_line_error(run_in_process("check-range", "main..HEAD", cwd=repo.path), "this repository has no commits")
    repo.commit(GOOD)
    one_line_error(run_in_process("check-range", "nope..HEAD", cwd=repo.path), "'nope' is not in this repository")
    outside = tmp_path / "plain"
    outside.mkdir()
    one_line_error(run_in_process("check-range", "HEAD", cwd=outside), "not a git repository")


def test_check_range_reports_gits_own_error_when_history_is_broken(repo: Repo) -> None:
    """Every revision resolves but git log cannot walk past a missing parent: git's reason is shown,
    not the warning git prints because no commit has a ctxlint note yet."""
    first = repo.commit(GOOD)
    repo.commit(GOOD)
    (repo.path / ".git" / "objects" / first[:2] / first[2:]).unlink()
    result = run_in_process("check-range", "HEAD", cwd=repo.path)
    one_line_error(result, "git log failed")
    assert "notes ref" not in result.stderr


def test_check_range_refuses_options_as_ranges(repo: Repo) -> None:
    repo.commit(GOOD)
    target = repo.path / "written-by-git"
    result = run_in_process("check-range", "--", f"--output={target}", cwd=repo.path)
    one_line_error(result, "is not a revision range")
    assert not target.exists()


def test_check_range_counts_on_stderr(repo: Repo) -> None:
    repo.commit(GOOD)
    repo.commit("fix\n")
    result = run_in_process("check-range", "HEAD~1..HEAD", cwd=repo.path)
    assert result.returncode == 1
    assert "1 commit checked, 2 errors, 0 warnings" in result.stderr


def test_dash_c_option(repo: Repo, tmp_path: Path) -> None:
    repo.commit("fix\n")
    assert run_in_process("-C", str(repo.path), "check-range", "HEAD", cwd=tmp_path).returncode == 1
    one_line_error(run_in_process("-C", str(tmp_path / "nope"), "rules", cwd=tmp_path), "-C")


def test_python_dash_m_and_console_script_agree(repo: Repo) -> None:
    script = Path(sys.executable).parent / "ctxlint"
    if not script.exists():
        pytest.skip("console script not installed")
    bad = repo.write("bad", "fix\n")
    a = run_ctxlint("check-msg", str(bad), cwd=repo.path)
    b = subprocess.run([str(script), "check-msg", str(bad)], cwd=repo.path, capture_output=True, text=True,
                       check=False)
    assert (a.returncode, a.stdout) == (b.returncode, b.stdout)


def test_a_process_leaves_with_its_output_written_and_its_exit_handlers_run(repo: Repo, tmp_path: Path) -> None:
    # The process ends without the interpreter's teardown (cli._leave): what the teardown would do
    # that matters must still happen. A long JSON report fills many buffers, and the regex cache
    # is written by an exit handler.
    for n in range(40):
        repo.commit(f"fix {n}\n")
    cache = tmp_path / "cache"
    proc = run_ctxlint("check-range", "HEAD", "--format", "json", cwd=repo.path,
                       env={"CTXLINT_CACHE_DIR": str(cache)})
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert {f["commit"] for f in findings} == set(git(repo.path, "rev-list", "HEAD").split())
    assert list(cache.glob("regex-*.marshal")), "the exit handler that saves the regex cache did not run"


def test_a_thread_still_running_at_the_end_is_waited_for(repo: Repo) -> None:
    # A non-daemon thread would be joined by the interpreter's exit; ending the process at once
    # would cut it off, so the usual exit is taken then.
    code = ("import sys, threading, time\n"
            "from linter.cli import main\n"
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True))).start()\n"
            "sys.argv = ['ctxlint', 'rules']\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo.path, capture_output=True, text=True,
                          env={**_env(), "PYTHONPATH": str(ROOT)}, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("thread done")


FORBIDDEN_ON_HOT_PATH = ("rich", "git", "argparse", "tomllib", "tomli", "json", "dataclasses")


def _imported_modules(cwd: Path, path: Path) -> set[str]:
    code = f"from linter.cli import main; raise SystemExit(main(['check-msg', {str(path)!r}]))"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=cwd, capture_output=True,
                          text=True, env={**_env(), "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s+(\S.*)$", line)
        if match:
            names.add(match.group(1).strip())
    assert names, proc.stderr
    return names


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_hot_path_imports_stay_small(repo: Repo) -> None:
    path = repo.write(".git/COMMIT_EDITMSG", GOOD)
    names = _imported_modules(repo.path, path)
    assert "linter.commands.check_msg" in names
    leaked = sorted(n for n in names if n.split(".")[0] in FORBIDDEN_ON_HOT_PATH)
    assert not leaked, f"imported on the commit-msg hot path: {leaked}"


def test_hot_path_with_a_pyproject_that_is_not_ours(repo: Repo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n')
    path = repo.write(".git/COMMIT_EDITMSG", GOOD)
    names = _imported_modules(repo.path, path)
    assert not {"tomllib", "tomli"} & names
