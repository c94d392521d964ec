"""What ships for CI: the composite GitHub Action, the GitLab template and the docs stay honest."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import yaml

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
    """Run the gate step's script with a stand-in `ctxlint` that records its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ctxlint"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGS_OUT"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    hostile = '$(touch pwned); `touch pwned2`"; touch pwned3'
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
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
