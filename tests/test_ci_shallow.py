"""Shallow clones, as CI makes them: a missing base or merge base is one line with the fix, exit 2;
`--deepen` fetches what is missing (objects only) in bounded rounds. Never a silent pass."""

from __future__ import annotations

import json
from pathlib import Path

from ci_support import BAD, GOOD, clean_env, github_env, github_pr_event, gitlab_env
from conftest import Repo, git, run_in_process


def origin_with_pr(repo: Repo, main_commits: int = 5, pr_commits: int = 3) -> tuple[str, str, str]:
    """(fork point, main tip, feature tip): main moves on after the PR branches off."""
    for n in range(main_commits):
        repo.commit(GOOD.format(n=n + 1))
    fork_point = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    for n in range(pr_commits - 1):
        repo.commit(GOOD.format(n=100 + n))
    head = repo.commit(BAD)
    repo.git("checkout", "-q", "main")
    for n in range(main_commits):
        repo.commit(GOOD.format(n=200 + n))
    main_tip = repo.git("rev-parse", "HEAD").strip()
    return fork_point, main_tip, head


def shallow_clone(repo: Repo, dest: Path, *extra: str) -> Repo:
    git(dest.parent, "clone", "-q", "--depth", "1", *extra, f"file://{repo.path}", str(dest))
    return Repo(dest)


def test_missing_base_in_a_depth_1_clone_names_the_fix(repo: Repo, tmp_path: Path) -> None:
    _, main_tip, head = origin_with_pr(repo)
    clone = shallow_clone(repo, tmp_path / "clone", "--branch", "feature")
    env = github_env(tmp_path, "pull_request", github_pr_event(main_tip, head, commits=3))
    proc = run_in_process("ci", cwd=clone.path, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "base commit" in proc.stderr and "shallow clone" in proc.stderr and "fetch-depth: 0" in proc.stderr


def test_missing_merge_base_names_the_fix_per_ci(repo: Repo, tmp_path: Path) -> None:
    _, main_tip, head = origin_with_pr(repo)
    clone = shallow_clone(repo, tmp_path / "clone", "--no-single-branch")
    assert clone.git("cat-file", "-t", main_tip).strip() == "commit"
    proc = run_in_process("ci", cwd=clone.path, env=gitlab_env(main_tip, head))
    assert proc.returncode == 2
    assert "merge base" in proc.stderr and "GIT_DEPTH: 0" in proc.stderr


def test_check_range_refuses_a_range_cut_by_the_shallow_boundary(repo: Repo, tmp_path: Path) -> None:
    origin_with_pr(repo)
    clone = shallow_clone(repo, tmp_path / "clone", "--no-single-branch")
    proc = run_in_process("check-range", "origin/main..origin/feature", cwd=clone.path, env=clean_env())
    assert proc.returncode == 2 and "merge base" in proc.stderr and "fetch-depth: 0" in proc.stderr
    proc = run_in_process("check-range", "origin/nope..origin/feature", cwd=clone.path, env=clean_env())
    assert proc.returncode == 2 and "shallow clone" in proc.stderr


def test_deepen_fetches_until_the_merge_base_appears(repo: Repo, tmp_path: Path) -> None:
    fork_point, main_tip, head = origin_with_pr(repo, main_commits=60, pr_commits=3)
    clone = shallow_clone(repo, tmp_path / "clone", "--branch", "feature")
    env = github_env(tmp_path, "pull_request", github_pr_event(main_tip, head, commits=3))
    proc = run_in_process("ci", "--deepen", "--format", "json", cwd=clone.path, env=env)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["commits"] == 3  # exactly the PR's commits, not the history below the boundary
    assert [f["commit"] for f in data["findings"]] == [head, head]
    assert "fetched" in proc.stderr and "deepened" in proc.stderr
    assert clone.git("merge-base", main_tip, head).strip() == fork_point
    assert clone.git("status", "--porcelain").strip() == ""  # nothing checked out or changed


def test_deepen_without_a_remote_is_a_clear_error(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(GOOD.format(n=1))
    env = github_env(tmp_path, "pull_request", github_pr_event("c" * 40, base))
    proc = run_in_process("ci", "--deepen", cwd=repo.path, env=env)
    assert proc.returncode == 2 and "needs a remote" in proc.stderr


def test_full_clone_passes_the_same_pr(repo: Repo, tmp_path: Path) -> None:
    _, main_tip, head = origin_with_pr(repo)
    full = tmp_path / "full"
    git(tmp_path, "clone", "-q", "--no-single-branch", f"file://{repo.path}", str(full))
    env = github_env(tmp_path, "pull_request", github_pr_event(main_tip, head, commits=3))
    proc = run_in_process("ci", "--format", "json", cwd=full, env=env)
    assert proc.returncode == 1 and json.loads(proc.stdout)["commits"] == 3


def test_fork_pr_under_pull_request_target_with_deepen(repo: Repo, tmp_path: Path) -> None:
    """A fork's commits exist upstream only under refs/pull/N/head; the workflow checked out the
    base branch at depth 1. --deepen fetches the PR's commits as objects, checks nothing out."""
    for n in range(3):
        repo.commit(GOOD.format(n=n + 1))
    base = repo.git("rev-parse", "HEAD").strip()
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", f"file://{repo.path}", str(fork))
    fork_repo = Repo(fork)
    fork_repo.commit(GOOD.format(n=50), {"fork-a.txt": "a\n"})
    head = fork_repo.commit(BAD, {"fork-b.txt": "b\n"})
    repo.git("fetch", "-q", str(fork), f"+{head}:refs/pull/42/head")  # what GitHub does for a fork PR
    clone = shallow_clone(repo, tmp_path / "clone")  # actions/checkout of the base, depth 1
    env = github_env(tmp_path, "pull_request_target", github_pr_event(base, head, commits=2, fork=True))
    proc = run_in_process("ci", cwd=clone.path, env=env)
    assert proc.returncode == 2 and "refs/pull/42/head" in proc.stderr
    proc = run_in_process("ci", "--deepen", "--format", "json", cwd=clone.path, env=env)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["commits"] == 2 and data["pull_request"]["from_fork"]
    assert {f["commit"] for f in data["findings"]} == {head}
    assert clone.git("rev-parse", "HEAD").strip() == base  # still the base: the PR was never checked out
    assert not (clone.path / "fork-a.txt").exists()
