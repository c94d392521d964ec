"""The README stays true: its set-up commands, rule table and config reference match the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Repo, git

from linter import __version__
from linter.commands.rules import markdown_table
from linter.config import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)


def test_readme_has_exactly_two_setup_commands_audit_then_tests() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands), "each set-up command is one line"
    assert commands[0].endswith("ctxlint audit")
    assert "pytest" in commands[1]


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_rule_table_matches_the_catalogue() -> None:
    block = README.split("<!-- rules-table", 1)[1].split("<!-- /rules-table -->", 1)[0]
    table = "\n".join(line for line in block.splitlines() if line.startswith("|"))
    assert table == markdown_table()


def test_every_config_key_is_documented() -> None:
    for section, keys in SCHEMA.items():
        for key in keys:
            if key == "*":
                continue
            name = f"{section}.{key}" if section else key
            assert f"`{name}`" in README, f"config key {name} is missing from the README"


# -- snippets name a release that the release steps make ----------------------------------------

#: Files whose snippets install ctxlint; docs/releasing.md talks about versions and is left out.
SNIPPET_FILES = ("README.md", "docs/ci.md", "docs/audit.md", "docs/decisions.md", "ci/gitlab-ctxlint.yml")
#: A version pinned in a snippet: `rev: v1.2.3`, `ctxlint@v1.2.3`, `<where you host ctxlint>.git@v1.2.3`.
PINNED = re.compile(r"(?:rev:\s*|ctxlint>?(?:\.git)?@)(v?[0-9][\w.]*)")


def pinned_versions(root: Path) -> list[tuple[str, str]]:
    return [(name, found) for name in SNIPPET_FILES for found in PINNED.findall((root / name).read_text("utf-8"))]


def test_every_snippet_names_the_current_release_tag() -> None:
    pins = pinned_versions(ROOT)
    assert len(pins) >= 12, pins
    assert {version for _, version in pins} == {f"v{__version__}"}, pins
    assert "rev: <" not in README and "@<" not in README  # no pin left for the reader to guess


def test_no_snippet_installs_ctxlint_from_pypi() -> None:
    """ctxlint is not on PyPI: `pip install ctxlint` would install whatever another party put there."""
    for name in SNIPPET_FILES:
        text = (ROOT / name).read_text("utf-8")
        assert not re.search(r"pip install (?:-\S+ )*['\"]?ctxlint\b(?![./@\w-])", text), name
    assert 'CTXLINT_PACKAGE: ""' in (ROOT / "ci" / "gitlab-ctxlint.yml").read_text("utf-8")


def readme_pre_commit_config() -> dict[str, Any]:
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL) if "# .pre-commit-config.yaml" in b)
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


def test_readme_pre_commit_snippet_names_the_hooks_the_repository_provides() -> None:
    provided = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    config = readme_pre_commit_config()
    (repo,) = config["repos"]
    assert repo["rev"] == f"v{__version__}"
    named = [hook["id"] for hook in repo["hooks"]]
    assert named and set(named) <= set(provided), named
    stages = {stage for name in named for stage in provided[name]["stages"]}
    assert stages <= set(config["default_install_hook_types"])  # `pre-commit install` installs them all


def test_release_steps_move_every_snippet_and_the_release_commit_passes(tmp_path: Path) -> None:
    """Follow docs/releasing.md: its bump command, then its commit message, on a copy."""
    steps = (ROOT / "docs" / "releasing.md").read_text("utf-8")
    bump = next(b for b in re.findall(r"```(?:bash|sh)\n(.*?)```", steps, re.DOTALL) if "sed -i" in b)
    commit = re.search(r'git commit -am "([^"]+)"', steps)
    assert commit and "git tag -a vX.Y.Z" in steps and "git push origin main vX.Y.Z" in steps
    for name in SNIPPET_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    script = bump.replace("X.Y.Z", "9.10.11")
    assert f"old={__version__}" in script, "the bump command must start from the current version"
    subprocess.run(["bash", "-c", script], cwd=tmp_path, check=True)
    assert {version for _, version in pinned_versions(tmp_path)} == {"v9.10.11"}
    message = tmp_path / "MSG"
    message.write_text(commit.group(1).replace("X.Y.Z", "9.10.11") + "\n")
    check = subprocess.run([sys.executable, "-m", "linter", "check-msg", str(message)], cwd=ROOT, capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr


@pytest.mark.slow
def test_readme_pre_commit_snippet_runs_once_the_release_is_tagged(tmp_path: Path, repo: Repo) -> None:
    """The README's snippet as written, with only the host replaced by a clone tagged as the
    release steps say: the real pre-commit framework resolves `rev:` and runs the hook."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed in this environment")
    source = tmp_path / "ctxlint"
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "Release"],
                 ["tag", "-a", f"v{__version__}", "-m", f"ctxlint {__version__}"]):
        git(source, *args)
    snippet = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL) if "# .pre-commit-config.yaml" in b)
    config = re.sub(r"repo: \S+", f"repo: {source}", snippet, count=1)
    repo.write(".pre-commit-config.yaml", config)
    repo.commit("PAY-1: add the hooks\n\nEvery commit should name its ticket and say why it was made.\n")
    bad = repo.write("bad-message", "fix stuff\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    run = subprocess.run([str(pre_commit), "run", "ctxlint", "--hook-stage", "commit-msg", "--commit-msg-filename",
                          str(bad)], cwd=repo.path, capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 1 and "CTX101" in run.stdout, run.stdout + run.stderr
