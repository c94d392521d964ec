"""Malformed and hostile inputs: one clear line and exit 2 (or output that copes), never a
traceback, a hang or exit 1 for a broken tool. Driven through the real command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ci_support import GOOD, clean_env, github_env, github_pr_event, gitlab_env
from conftest import ROOT, Repo

import linter.range_lint
from linter.cli import main
from linter.report import github
from linter.report.outcome import Outcome
from tests.checks.test_reopening import RECORDS

#: Seconds a command may take on a tiny repository; a FIFO read blocks far longer (forever).
HANG = 20


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """ctxlint as a real process, failing the test (not hanging it) past HANG seconds."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    try:
        return subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, text=True,
                              env=full_env, timeout=HANG, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"ctxlint {' '.join(args)} hung for {HANG} s")


def one_line(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("ctxlint: "), proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


# -- an internal error exits 3 in one line -----------------------------------------------------------


def _crash(*_args: object, **_kwargs: object) -> object:
    raise ZeroDivisionError("the walk broke\non two lines")


def test_an_unexpected_exception_exits_3_in_one_line(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(GOOD.format(n=1))
    monkeypatch.chdir(repo.path)
    monkeypatch.setattr(linter.range_lint, "walk", _crash)
    monkeypatch.delenv("CTXLINT_DEBUG", raising=False)
    assert main(["check-range", "HEAD"]) == 3
    err = capsys.readouterr().err
    assert err == (
        "ctxlint: internal error: ZeroDivisionError: the walk broke on two lines; "
        "run with CTXLINT_DEBUG=1 for the traceback\n"
    )
    monkeypatch.setenv("CTXLINT_DEBUG", "1")
    assert main(["check-range", "HEAD"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "in _crash" in err
    assert err.endswith("ctxlint: internal error: ZeroDivisionError: the walk broke on two lines\n")
    # On GitHub the failure is an error annotation too: stderr alone is buried in the job's log.
    assert main(["check-range", "HEAD", "--format", "github", "--summary-file", ""]) == 3
    assert capsys.readouterr().out == (
        "::error title=ctxlint could not run::internal error: ZeroDivisionError: the walk broke on two lines\n"
    )


_FAULT = """
import runpy, sys
import linter.gitio
def fault(*args, **kwargs):
    raise OSError(5, "Input/output error")
linter.gitio.toplevel_and_shallow = fault
sys.argv = ["ctxlint", "check-range", "HEAD"]
"""


def test_python_dash_m_and_the_console_script_fail_alike(repo: Repo) -> None:
    """The same fault (a failing disk read, injected in the child) through both entry points."""
    script = Path(sys.executable).parent / "ctxlint"
    if not script.exists():
        pytest.skip("console script not installed")
    repo.commit(GOOD.format(n=1))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CTXLINT_DEBUG", None)
    results = []
    for start in (
        "runpy.run_module('linter', run_name='__main__')",
        f"runpy.run_path({str(script)!r}, run_name='__main__')",
    ):
        proc = subprocess.run([sys.executable, "-c", _FAULT + start], cwd=repo.path, capture_output=True, text=True,
                              env=env, timeout=HANG, check=False)
        results.append((proc.returncode, proc.stdout, proc.stderr))
    assert results[0] == results[1]
    assert results[0] == (
        3, "", "ctxlint: internal error: OSError: [Errno 5] Input/output error; "
        "run with CTXLINT_DEBUG=1 for the traceback\n",
    )


def test_a_full_disk_under_stdout_is_one_line_and_exit_2(repo: Repo) -> None:
    repo.commit(GOOD.format(n=1))
    for args in (["rules"], ["check-range", "HEAD", "--format", "json"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, "-m", "linter", *args], cwd=repo.path, stdout=full,
                                  stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                  timeout=HANG, check=False)
        assert (proc.returncode, proc.stderr) == (2, "ctxlint: cannot write the output: No space left on device\n")


def test_a_closed_stdout_is_one_line_and_exit_2_and_a_silent_run_passes(repo: Repo) -> None:
    # Started with stdout closed (`>&-`), Python has no sys.stdout at all: a run that writes there
    # says so on one line with exit 2 (it was an internal error, exit 3); a passing commit-msg hook,
    # which writes nothing there, passes.
    repo.commit(GOOD.format(n=1))
    message = repo.write("msg", GOOD.format(n=2))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args, expected in ((["rules"], 2), (["check-range", "HEAD", "--format", "json"], 2),
                           (["check-msg", str(message)], 0)):
        proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "linter", *args],
                              cwd=repo.path, stderr=subprocess.PIPE, text=True, env=env, timeout=HANG, check=False)
        said = "ctxlint: cannot write the output: standard output is closed\n" if expected else ""
        assert (proc.returncode, proc.stderr) == (expected, said), args


def test_a_closed_stderr_keeps_each_exit_code(repo: Repo) -> None:
    # Started with stderr closed (`2>&-`), the one-line error has nowhere to go, but the exit code
    # still says what happened: a missing revision is 2, not an AttributeError's 1 (findings).
    repo.commit(GOOD.format(n=1))
    message = repo.write("msg", GOOD.format(n=2))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args, expected in ((["check-range", "no-such-branch"], 2), (["check-msg", str(repo.path / "absent")], 2),
                           (["check-msg", str(message)], 0), (["check-range", "HEAD", "--format", "json"], 0)):
        proc = subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh", sys.executable, "-m", "linter", *args],
                              cwd=repo.path, stdout=subprocess.PIPE, text=True, env=env, timeout=HANG, check=False)
        assert proc.returncode == expected, (args, proc.stdout)
        if args[-1] == "json":
            assert '"findings": []' in proc.stdout


# -- config files ----------------------------------------------------------------------------------


def test_config_with_a_byte_that_is_not_utf8(repo: Repo) -> None:
    (repo.path / ".ctxlint.toml").write_bytes(b'project-keys = ["PAY"]\n# caf\xe9\n')
    repo.commit(GOOD.format(n=1))
    one_line(run("check-range", "HEAD", cwd=repo.path), 2, ".ctxlint.toml", "byte 0xe9 on line 2 is not UTF-8")


@pytest.mark.parametrize("nested", ["a = " + "[" * 50_000 + "]" * 50_000, "a = " + "{b = " * 50_000 + "}" * 50_000])
def test_config_nested_50000_deep(repo: Repo, nested: str) -> None:
    repo.write("pyproject.toml", "[tool.ctxlint]\n" + nested + "\n")
    repo.commit(GOOD.format(n=1))
    one_line(run("check-range", "HEAD", cwd=repo.path), 2, "pyproject.toml", "nested too deeply")


def test_config_that_is_a_fifo_a_device_or_a_folder(repo: Repo, tmp_path: Path) -> None:
    repo.commit(GOOD.format(n=1))
    message = repo.write(".git/MSG", GOOD.format(n=2))
    dotfile = repo.path / ".ctxlint.toml"
    os.mkfifo(dotfile)
    one_line(run("check-msg", str(message), cwd=repo.path), 2, ".ctxlint.toml", "a FIFO, not a regular file")
    dotfile.unlink()
    dotfile.mkdir()
    one_line(run("check-range", "HEAD", cwd=repo.path), 2, ".ctxlint.toml", "a directory")
    dotfile.rmdir()
    (repo.path / "pyproject.toml").symlink_to("/dev/zero")
    one_line(run("check-msg", str(message), cwd=repo.path), 2, "pyproject.toml", "a character device")
    os.mkfifo(tmp_path / "team.toml")
    one_line(run("--config", str(tmp_path / "team.toml"), "check-range", "HEAD", cwd=repo.path), 2, "team.toml",
             "FIFO")


# -- the CI event and the PR's text ---------------------------------------------------------------


def _pr(repo: Repo) -> tuple[str, str]:
    base = repo.commit(GOOD.format(n=1))
    repo.git("checkout", "-q", "-b", "feature")
    return base, repo.commit(GOOD.format(n=2))


def test_event_json_nested_100000_deep(repo: Repo, tmp_path: Path) -> None:
    base, head = _pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head))
    Path(env["GITHUB_EVENT_PATH"]).write_text('{"pull_request": ' + "[" * 100_000 + "]" * 100_000 + "}")
    one_line(run("ci", cwd=repo.path, env=env), 2, "GITHUB_EVENT_PATH", "event-pull_request.json", "nested too deeply")


def test_event_file_that_is_a_fifo(repo: Repo, tmp_path: Path) -> None:
    base, head = _pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head))
    fifo = tmp_path / "event.fifo"
    os.mkfifo(fifo)
    env["GITHUB_EVENT_PATH"] = str(fifo)
    one_line(run("ci", cwd=repo.path, env=env), 2, "GITHUB_EVENT_PATH", "a FIFO, not a regular file")


LONE = "\ud800"


def test_lone_surrogates_in_the_pr_text_in_every_format(repo: Repo, tmp_path: Path) -> None:
    """JSON may escape a lone surrogate ("\\ud800"); no UTF-8 output can hold one."""
    base, head = _pr(repo)
    event = github_pr_event(base, head, title=f"Retry {LONE} payments", body=f"Because {LONE} of reasons.")
    env = github_env(tmp_path, "pull_request", event)
    assert '"Retry \\ud800 payments"' in Path(env["GITHUB_EVENT_PATH"]).read_text()
    out = tmp_path / "out"
    files = {"--sarif-file": out / "r.sarif", "--junit-file": out / "r.xml", "--gitlab-file": out / "gl.json",
             "--json-file": out / "r.json"}
    for fmt in ("text", "json", "github", "gitlab", "sarif", "junit"):
        extra = [str(a) for pair in files.items() for a in pair] if fmt == "github" else []
        proc = subprocess.run(
            [sys.executable, "-m", "linter", "ci", "--format", fmt, *extra], cwd=repo.path, capture_output=True,
            env={**env, "PYTHONPATH": str(ROOT)}, timeout=HANG, check=False,
        )
        stdout, stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict: valid UTF-8
        assert proc.returncode == 1, (fmt, stderr)  # the title names no ticket: a finding, not a crash
        assert "Traceback" not in stderr and "internal error" not in stderr
        assert "Retry \ufffd payments" in stdout or "Retry \\ud800 payments" in stdout, (fmt, stdout)
        if fmt in ("json", "gitlab", "sarif"):
            json.loads(stdout)
        if fmt == "junit":
            ET.fromstring(stdout.split("\n", 1)[1])
    assert json.loads((out / "r.json").read_text("utf-8"))["pull_request"]["title"] == "Retry \ufffd payments"
    assert "\ufffd" in (out / "r.sarif").read_text("utf-8") and "\ufffd" in (out / "gl.json").read_text("utf-8")
    ET.parse(out / "r.xml")
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text("utf-8")
    assert summary.count("Retry \ufffd payments") >= 6  # once per run, replaced


def test_bytes_that_are_not_utf8_in_gitlab_variables_and_argv(repo: Repo, tmp_path: Path) -> None:
    base, head = _pr(repo)
    # os.environ and argv decode such bytes as lone surrogates (\udcff); the child gets the raw byte.
    env = gitlab_env(base, head, title="Retry \udcff payments", description="Because \udcfe reasons")
    proc = subprocess.run([sys.executable, "-m", "linter", "ci", "--format", "json"], cwd=repo.path,
                          capture_output=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=HANG, check=False)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["pull_request"]["title"] == "Retry \ufffd payments"
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "ci", "--base", base, "--title", "PAY-9: retry \udcff", "--format", "sarif"],
        cwd=repo.path, capture_output=True, env={**clean_env(), "PYTHONPATH": str(ROOT)}, timeout=HANG, check=False,
    )
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, proc.stderr
    json.loads(proc.stdout.decode("utf-8"))


@pytest.mark.slow
def test_step_summary_stays_under_githubs_limit() -> None:
    """A 256 KiB title of control characters grows fourfold when shown; the summary must not."""
    outcome = Outcome("ci", [], [], pr_label="PR #1", pr_number=1, pr_title="\x01" * 256 * 1024,
                      notes=["\x02" * 256 * 1024] * 8)
    text = github.summary(outcome)
    assert len(text.encode("utf-8")) <= github.SUMMARY_LIMIT
    assert "\u2026" in text


def test_step_summary_counts_what_the_step_already_wrote(tmp_path: Path) -> None:
    from linter.findings import Finding

    findings = [Finding("CTX101", "missing-ticket", "error", "m" * 300, commit=f"{i:040x}", subject="s" * 180)
                for i in range(4000)]
    path = tmp_path / "summary.md"
    path.write_text("x" * (github.SUMMARY_LIMIT - 200_000))
    github.append_summary(Outcome("ci", findings), str(path))
    size = path.stat().st_size
    assert github.SUMMARY_LIMIT - 200_000 < size <= github.SUMMARY_LIMIT
    assert "more findings left out" in path.read_text()


# -- files in the work tree that are not regular files ---------------------------------------------


def test_decision_folder_with_a_fifo_socket_device_folder_and_huge_file(repo: Repo, tmp_path: Path) -> None:
    repo.commit("Record decisions\n\nWhy: the team agreed.\n", RECORDS)
    adr = repo.path / "docs" / "adr"
    os.mkfifo(adr / "0002-fifo.md")
    (adr / "0003-zero.md").symlink_to("/dev/zero")
    (adr / "0004-folder.md").mkdir()  # a folder: searched as one, never read as a record
    listener = socket.socket(socket.AF_UNIX)
    try:
        os.chdir(adr)  # a short relative path: AF_UNIX paths are limited to ~100 bytes
        try:
            listener.bind("0005-socket.md")
        finally:
            os.chdir(ROOT)
        with open(adr / "0006-huge.md", "wb") as huge:
            huge.truncate(3 * 1024**3)  # sparse: 3 GiB that take no disk
        message = repo.write(".git/MSG", "Switch the job queue from PostgreSQL to Redis\n\nThe jobs table polling "
                             "now costs a third of the primary database's capacity at peak.\n\nRefs: OPS-1\n")
        commands = (["check-msg", str(message)], ["why", "job queue"], ["decisions"], ["decisions", "--format", "json"])
        for args in commands:
            proc = run(*args, cwd=repo.path)
            assert proc.returncode in (0, 1), (args, proc.stderr)
            assert "Traceback" not in proc.stderr
            skipped = [line for line in proc.stderr.splitlines() if line.startswith("ctxlint: skipped")]
            assert skipped == [
                "ctxlint: skipped docs/adr/0002-fifo.md: a FIFO, not a regular file",
                "ctxlint: skipped docs/adr/0003-zero.md: a character device, not a regular file",
                "ctxlint: skipped docs/adr/0005-socket.md: a socket, not a regular file",
                "ctxlint: skipped docs/adr/0006-huge.md: larger than 2 MiB (3 GiB)",
            ], (args, proc.stderr)
            assert "0001" in proc.stdout or "ADR-1" in proc.stdout or "CTX301" in proc.stdout, (args, proc.stdout)
    finally:
        listener.close()


def test_codeowners_that_is_a_fifo(repo: Repo) -> None:
    repo.commit(GOOD.format(n=1))
    (repo.path / ".github").mkdir()
    os.mkfifo(repo.path / ".github" / "CODEOWNERS")
    proc = run("audit", "--format", "json", "--no-cache", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    assert "ctxlint: skipped .github/CODEOWNERS: a FIFO, not a regular file" in proc.stderr
    assert json.loads(proc.stdout)["totals"]["commits"] == 1


def test_mailmap_that_is_a_fifo_does_not_block_the_audit(repo: Repo) -> None:
    """git itself opens .mailmap and would wait on a FIFO forever: the audit asks for unmapped authors."""
    repo.commit(GOOD.format(n=1))
    os.mkfifo(repo.path / ".mailmap")
    proc = run("audit", "--format", "json", "--no-cache", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    assert "ctxlint: skipped .mailmap: a FIFO, not a regular file; authors are shown as committed" in proc.stderr
    assert json.loads(proc.stdout)["totals"]["commits"] == 1


def test_a_message_file_may_be_a_pipe(repo: Repo) -> None:
    """Files named on the command line are the user's choice: `check-msg <(...)` works."""
    repo.commit(GOOD.format(n=1))
    proc = subprocess.run(["bash", "-c", f'{sys.executable} -m linter check-msg <(printf "fix\\n")'],
                          cwd=repo.path, capture_output=True, text=True, timeout=HANG, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1 and "CTX101" in proc.stdout, proc.stderr


# -- counts say what they count ----------------------------------------------------------------


def test_range_counts_checked_and_exempt_commits(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(GOOD.format(n=1))
    for n in (2, 3):
        repo.git("checkout", "-q", "-b", f"topic{n}", "main")
        repo.commit(GOOD.format(n=n))
        repo.git("checkout", "-q", "main")
        repo.git("merge", "-q", "--no-ff", "-m", f"Merge topic{n}", f"topic{n}")
    repo.commit("fixup! PAY-2: retry card payments on gateway timeouts\n")
    proc = run("check-range", f"{base}..HEAD", "--format", "json", "--sarif-file", str(tmp_path / "r.sarif"),
               cwd=repo.path, env=clean_env())
    assert proc.returncode == 0, proc.stderr
    assert "ctxlint: 2 commits checked, 2 merges exempt, 1 fixup exempt, 0 errors, 0 warnings" in proc.stderr
    data = json.loads(proc.stdout)
    assert (data["commits"], data["checked"], data["exempt"]) == (5, 2, {"merge": 2, "fixup": 1})
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["properties"] == {"commits": 5, "checked": 2,
                                                                "exempt": {"merge": 2, "fixup": 1}}
    head = repo.git("rev-parse", "HEAD").strip()
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, commits=5))
    proc = run("ci", "--format", "json", cwd=repo.path, env=env)
    data = json.loads(proc.stdout)
    assert (data["commits"], data["checked"], data["exempt"]) == (5, 2, {"merge": 2, "fixup": 1})
    assert "PR #42 title and body and 2 commits checked, 2 merges exempt, 1 fixup exempt" in proc.stderr
    assert "2 commits checked, 2 merges exempt" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
