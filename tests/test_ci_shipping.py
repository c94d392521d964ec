"""What ships for CI: the composite GitHub Action, the GitLab template and the docs stay honest."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_support import BAD, GOOD, clean_env, github_env, github_pr_event
from conftest import Repo, git

from linter.cli import _parser

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> dict[str, object]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def gate_step() -> dict[str, object]:
    steps = load("action.yml")["runs"]["steps"]  # type: ignore[index]
    return next(s for s in steps if "ctxlint" in str(s.get("run", "")) and "ci" in str(s.get("run", "")))


def test_action_is_composite_and_installs_itself() -> None:
    action = load("action.yml")
    runs = action["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    install = runs["steps"][1]
    assert install["env"]["CTXLINT_ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$CTXLINT_ACTION_PATH"' in install["run"]
    assert "args+=(ci --format github)" in str(gate_step()["run"])


def test_action_never_interpolates_expressions_into_shell() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert "github.event" not in text.replace("github.event.*", "")
    for step in load("action.yml")["runs"]["steps"]:  # type: ignore[index]
        assert "${{" not in str(step.get("run", "")), step


def test_action_script_passes_hostile_inputs_as_data(tmp_path: Path) -> None:
    """Run the gate step's script with a stand-in `ctxlint` (in the action's own virtual
    environment, not on PATH) that records its arguments."""
    bin_dir = tmp_path / "ctxlint-venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "ctxlint"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGS_OUT"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    hostile = '$(touch pwned); `touch pwned2`"; touch pwned3'
    env = dict(
        os.environ,
        RUNNER_TEMP=str(tmp_path),
        ARGS_OUT=str(tmp_path / "args"),
        CTXLINT_POLICY=hostile,
        CTXLINT_CONFIG="",
        CTXLINT_DEEPEN="true",
        CTXLINT_SARIF="out dir/x.sarif",
        CTXLINT_JUNIT="",
    )
    subprocess.run(["bash", "-e", "-c", str(gate_step()["run"])], cwd=tmp_path, env=env, check=True)
    args = (tmp_path / "args").read_text().splitlines()
    assert args == [
        "ci",
        "--format",
        "github",
        "--policy",
        hostile,
        "--deepen",
        "--sarif-file",
        "out dir/x.sarif",
    ]
    assert not list(tmp_path.glob("pwned*"))


def _step(name: str) -> str:
    steps = load("action.yml")["runs"]["steps"]  # type: ignore[index]
    return str(next(s for s in steps if s["name"] == name)["run"])


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # How GitHub runs a composite action's `shell: bash` step.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.slow
def test_action_installs_into_its_own_venv_and_puts_errors_where_people_look(repo: Repo, tmp_path: Path) -> None:
    """The install and gate steps' scripts, run as the runner would, with GITHUB_* files in tmp."""
    assert load("action.yml")["runs"]["steps"][0]["with"]["update-environment"] is False  # type: ignore[index]
    action = tmp_path / "action"  # a copy: building in place would leave build/ in the checkout
    shutil.copytree(ROOT, action, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info",
                                                                "__pycache__", ".*_cache", "benchmarks", "tests"))
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    github_files = {name: tmp_path / name.lower() for name in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT")}
    env = dict(clean_env(), RUNNER_TEMP=str(runner_temp), CTXLINT_ACTION_PATH=str(action),
               CTXLINT_PYTHON=sys.executable, **{k: str(v) for k, v in github_files.items()})
    install = _bash(_step("Install ctxlint from this action"), tmp_path, env)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (runner_temp / "ctxlint-venv" / "bin" / "ctxlint").exists()
    assert not any(f.exists() and f.read_text() for f in github_files.values())  # the job's env and PATH untouched

    # A pull request, and the clone actions/checkout makes by default: one commit deep.
    base = repo.commit(GOOD.format(n=1))
    repo.commit(GOOD.format(n=2))
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit(BAD)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(clone))
    gate_env = github_env(tmp_path, "pull_request", github_pr_event(base, head))
    gate_env.update(RUNNER_TEMP=str(runner_temp), CTXLINT_POLICY="", CTXLINT_CONFIG="", CTXLINT_DEEPEN="false",
                    CTXLINT_SARIF="", CTXLINT_JUNIT="")
    summary = Path(gate_env["GITHUB_STEP_SUMMARY"])
    gate = _step("Run the ctxlint gate")

    shallow = _bash(gate, clone, gate_env)
    assert shallow.returncode == 2, shallow.stdout + shallow.stderr
    assert "Traceback" not in shallow.stderr
    annotation = [line for line in shallow.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotation) == 1 and "shallow clone" in annotation[0] and "fetch-depth: 0" in annotation[0]
    assert "## ctxlint could not run" in summary.read_text() and "fetch-depth: 0" in summary.read_text()

    summary.unlink()
    (clone / ".ctxlint.toml").write_text('project-key = ["PAY"]\n')
    config = _bash(gate, clone, dict(gate_env, CTXLINT_DEEPEN="true"))
    assert config.returncode == 2 and "::error title=ctxlint could not run::" in config.stdout
    assert "did you mean 'project-keys'" in config.stdout and "did you mean 'project-keys'" in summary.read_text()

    summary.unlink()
    (clone / ".ctxlint.toml").unlink()
    gated = _bash(gate, clone, dict(gate_env, CTXLINT_DEEPEN="true"))
    assert gated.returncode == 1, gated.stdout + gated.stderr  # the BAD commit: a finding, not an error
    assert "::error title=CTX101" in gated.stdout and "## ctxlint: 2 errors" in summary.read_text()


def test_gitlab_template_wires_code_quality_and_junit() -> None:
    template = load("ci/gitlab-ctxlint.yml")
    job = template["ctxlint"]
    assert isinstance(job, dict)
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = " ".join(job["script"])
    reports = job["artifacts"]["reports"]
    assert f"--gitlab-file {reports['codequality']}" in script
    assert f"--junit-file {reports['junit']}" in script
    assert job["artifacts"]["when"] == "always"  # the report matters most when the job fails
    assert job["variables"]["GIT_DEPTH"] == "0"


def _options(command: str) -> set[str]:
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # type: ignore[attr-defined]
    return {o for a in sub.choices[command]._actions for o in a.option_strings if o.startswith("--")} - {
        "--help"
    }


def test_docs_mention_every_option_and_key() -> None:
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for command in ("ci", "check-range"):
        assert f"ctxlint {command}" in docs
        for option in _options(command):
            assert f"`{option}" in docs, f"{command} {option} is not documented"
    assert "[tool.ctxlint.ci]" in docs and re.search(r"`policy`", docs)
    for fmt in ("text", "json", "github", "gitlab", "sarif", "junit"):
        assert f"`{fmt}`" in docs
    assert "fetch-depth: 0" in docs and "GIT_DEPTH" in docs and "pull_request_target" in docs
