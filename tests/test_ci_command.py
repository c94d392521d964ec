"""`ctxlint ci` end to end: real repositories with real PR branches, real-shaped CI environments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ci_support import BAD, GOOD, clean_env, github_env, github_merge_group_event, github_pr_event, gitlab_env
from conftest import Repo, git, run_in_process


def make_pr(repo: Repo, messages: list[str]) -> tuple[str, str]:
    """main with one commit, a `feature` branch with `messages` on top; returns (base, head)."""
    base = repo.commit(GOOD.format(n=1))
    repo.git("checkout", "-q", "-b", "feature")
    head = base
    for message in messages:
        head = repo.commit(message)
    return base, head


def ci_json(repo: Repo, env: dict[str, str], *args: str) -> tuple[int, dict[str, object], str]:
    proc = run_in_process("ci", "--format", "json", *args, cwd=repo.path, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def codes(data: dict[str, object]) -> list[tuple[str | None, str]]:
    findings = data["findings"]
    assert isinstance(findings, list)
    return sorted((f["commit"], f["code"]) for f in findings)


def test_github_pr_both_policy_lints_title_and_every_commit(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [GOOD.format(n=2), BAD])
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, commits=2))
    code, data, err = ci_json(repo, env)
    assert code == 1
    assert codes(data) == [(head, "CTX101"), (head, "CTX201")]  # the PR text and the good commit pass
    assert data["commits"] == 2 and data["policy"] == "both"
    pr = data["pull_request"]
    assert isinstance(pr, dict) and pr["text_checked"] and pr["head"] == head
    assert "PR #42 title and body and 2 commits checked" in err


def test_bad_pr_title_fails_even_when_commits_pass(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [GOOD.format(n=2), GOOD.format(n=3)])
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, title="Update stuff", body=""))
    code, data, _ = ci_json(repo, env)
    assert code == 1 and codes(data) == [(None, "CTX101"), (None, "CTX201")]
    code, data, _ = ci_json(repo, env, "--policy", "commits")
    assert code == 0 and codes(data) == []


def test_pr_policy_ignores_commits_but_says_so(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [BAD, BAD])
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, commits=2))
    repo.write(".ctxlint.toml", '[ci]\npolicy = "pr"\n')
    code, data, err = ci_json(repo, env)
    assert code == 0 and codes(data) == []
    assert data["policy"] == "pr"
    assert "4 findings on individual commits not reported" in err


def test_one_commit_pr_checks_the_commit_in_pr_policy(repo: Repo, tmp_path: Path) -> None:
    """GitHub squash-merges a one-commit PR with the commit's message, not the PR title."""
    base, head = make_pr(repo, [BAD])
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head))
    code, data, err = ci_json(repo, env, "--policy", "pr")
    assert code == 1 and codes(data) == [(head, "CTX101"), (head, "CTX201")]
    assert "exactly one commit" in err and "commit's message" in err and "checked too" in err


def test_merge_group_lints_the_queued_commits_only(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [GOOD.format(n=2), BAD])
    env = github_env(tmp_path, "merge_group", github_merge_group_event(base, head))
    code, data, err = ci_json(repo, env, "--policy", "pr")
    assert code == 1 and codes(data) == [(head, "CTX101"), (head, "CTX201")]
    assert "merge_group events carry no PR title or body" in err
    pr = data["pull_request"]
    assert isinstance(pr, dict) and not pr["text_checked"]


def test_pull_request_target_with_pr_objects_fetched_but_not_checked_out(repo: Repo, tmp_path: Path) -> None:
    """The workflow checks out the base; the PR's commits arrive as objects only, as from a fork."""
    base, head = make_pr(repo, [BAD])
    upstream = tmp_path / "upstream"
    repo.git("checkout", "-q", "main")
    repo.git("update-ref", "refs/pull/42/head", head)
    repo.git("branch", "-q", "-D", "feature")
    repo.git("clone", "-q", f"file://{repo.path}", str(upstream))  # file://: only reachable objects
    env = github_env(tmp_path, "pull_request_target", github_pr_event(base, head, fork=True))
    proc = run_in_process("ci", cwd=upstream, env=env)
    assert proc.returncode == 2
    assert "head commit" in proc.stderr and "git fetch origin refs/pull/42/head" in proc.stderr
    Repo(upstream).git("fetch", "-q", "origin", "refs/pull/42/head")
    before = sorted(p.name for p in upstream.iterdir())
    code, data, _ = ci_json(Repo(upstream), env)
    assert code == 1 and codes(data) == [(head, "CTX101"), (head, "CTX201")]
    assert sorted(p.name for p in upstream.iterdir()) == before  # nothing checked out or written
    assert Repo(upstream).git("rev-parse", "HEAD").strip() == base
    pr = data["pull_request"]
    assert isinstance(pr, dict) and pr["from_fork"]


def test_gitlab_merge_request_pipeline(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [GOOD.format(n=2)])
    code, data, _ = ci_json(repo, gitlab_env(base, head))
    assert code == 0 and data["commits"] == 1
    code, data, _ = ci_json(repo, gitlab_env(base, head, title="WIP", description="", merged_results=True))
    assert code == 1 and codes(data) == [(None, "CTX101"), (None, "CTX201")]


def test_generic_mode_with_title_and_body_file(repo: Repo, tmp_path: Path) -> None:
    make_pr(repo, [GOOD.format(n=2)])
    body = tmp_path / "body.md"
    body.write_text("The gateway drops idle connections after 30 s and customers were charged twice.\n")
    code, data, _ = ci_json(
        repo, clean_env(), "--base", "main", "--title", "PAY-9: retry payments", "--body-file", str(body)
    )
    assert code == 0 and data["commits"] == 1
    code, data, _ = ci_json(
        repo, clean_env(), "--base", "main", "--title", "retry payments", "--body-file", str(body)
    )
    assert code == 1 and codes(data) == [(None, "CTX101")]


def test_outside_ci_without_base_is_a_usage_error(repo: Repo) -> None:
    make_pr(repo, [GOOD.format(n=2)])
    proc = run_in_process("ci", cwd=repo.path, env=clean_env())
    assert proc.returncode == 2 and "--base" in proc.stderr and "Traceback" not in proc.stderr


def test_empty_range_is_reported_not_passed(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(GOOD.format(n=1))
    env = github_env(tmp_path, "pull_request", github_pr_event(base, base))
    proc = run_in_process("ci", cwd=repo.path, env=env)
    assert proc.returncode == 2
    assert "has no commits between base" in proc.stderr and "--allow-empty" in proc.stderr
    code, data, err = ci_json(repo, env, "--allow-empty")
    assert code == 0 and data["commits"] == 0 and "only its text was checked" in err


def test_detached_head_and_merge_commits_in_the_range(repo: Repo, tmp_path: Path) -> None:
    make_pr(repo, [GOOD.format(n=2)])
    repo.git("checkout", "-q", "main")
    main_tip = repo.commit(GOOD.format(n=3))
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "main")  # "Merge branch 'main' into feature"
    head = repo.commit(GOOD.format(n=4))
    repo.git("checkout", "-q", "--detach", head)
    env = github_env(tmp_path, "pull_request", github_pr_event(main_tip, head, commits=3))
    code, data, _ = ci_json(repo, env)
    # the merge is exempt by its two parents; main's own commit is not the PR's
    assert code == 0 and data["commits"] == 3
    assert main_tip not in [c for c, _ in codes(data)]
    proc = run_in_process("ci", "--format", "junit", cwd=repo.path, env=env)
    assert "exempt: merge" in proc.stdout


def test_base_that_is_not_an_ancestor_after_a_force_push(repo: Repo, tmp_path: Path) -> None:
    base, old_head = make_pr(repo, [BAD])
    repo.git("checkout", "-q", "main")
    new_base = repo.commit(GOOD.format(n=5))
    repo.git("checkout", "-q", "feature")
    repo.git("reset", "-q", "--hard", base)
    head = repo.commit(GOOD.format(n=6))  # force-pushed: the bad commit is gone
    env = github_env(tmp_path, "pull_request", github_pr_event(new_base, head))
    code, data, err = ci_json(repo, env)
    assert code == 0 and data["commits"] == 1
    assert "not an ancestor" in err
    assert old_head not in json.dumps(data)


def test_unrelated_histories_are_refused(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(GOOD.format(n=1))
    repo.git("checkout", "-q", "--orphan", "other")
    head = repo.commit(GOOD.format(n=2))
    proc = run_in_process("ci", "--base", base, "--head", head, cwd=repo.path, env=clean_env())
    assert proc.returncode == 2 and "share no history" in proc.stderr


def test_bot_pr_is_exempt_by_author(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo, [])
    head = repo.commit("Bump requests from 2.31.0 to 2.32.0\n", author="dependabot[bot] <support@github.com>")
    env = github_env(
        tmp_path,
        "pull_request",
        github_pr_event(
            base, head, title="Bump requests from 2.31.0 to 2.32.0", body="", login="dependabot[bot]"
        ),
    )
    code, data, _ = ci_json(repo, env)
    assert code == 0 and codes(data) == []


def test_subject_revert_is_not_a_real_revert(repo: Repo, tmp_path: Path) -> None:
    base, bad = make_pr(repo, [BAD])
    real = repo.commit(f'Revert "fix stuff"\n\nThis reverts commit {bad}.\n')
    fake = repo.commit("Revert the cache change\n")
    fixup = repo.commit(f"fixup! {BAD}")
    env = github_env(tmp_path, "pull_request", github_pr_event(base, fixup, commits=4))
    _, data, _ = ci_json(repo, env)
    flagged = {c for c, _ in codes(data)}
    assert real not in flagged and fixup not in flagged  # exempt: a real revert, a fixup
    assert fake in flagged and bad in flagged  # a subject starting with "Revert" is not a revert
    proc = run_in_process("ci", "--format", "junit", cwd=repo.path, env=env)
    assert "exempt: revert" in proc.stdout and "exempt: fixup" in proc.stdout


@pytest.mark.parametrize(
    "title",
    [
        "PAY-1: ok\n::error::forged annotation",
        "PAY-1: ok%0A::set-output name=x::y",
        "PAY-1: ok\r\n::add-mask::secret",
        "PAY-1: $(touch pwned) `touch pwned2` ; touch pwned3",
    ],
)
def test_crafted_pr_title_cannot_inject_workflow_commands(repo: Repo, tmp_path: Path, title: str) -> None:
    base, head = make_pr(repo, [GOOD.format(n=2)])
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, title=title, body="x"))
    proc = run_in_process("ci", "--format", "github", cwd=repo.path, env=env)
    assert proc.returncode == 1
    markers = ("forged annotation", "set-output", "add-mask", "touch pwned")
    assert any(m in proc.stdout for m in markers)  # the title is shown ...
    for line in proc.stdout.splitlines():
        if line.startswith("::"):
            assert line.startswith(("::error title=", "::warning title=", "::notice title=")), line
        if any(m in line for m in markers):  # ... but never where the runner reads a command
            assert line.startswith(("::error title=", "::warning title=", "PR #42: ")), line
    if "%0A" in title:
        assert "%250A::set-output" in proc.stdout
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "PR \\#42" in summary or "PR \\\\#42" in summary or "#42" in summary
    assert not any(line.startswith("::") for line in summary.splitlines())
    assert not list(tmp_path.rglob("pwned*")) and not list(repo.path.glob("pwned*"))


def test_github_checkout_of_the_pr_merge_ref(repo: Repo, tmp_path: Path) -> None:
    """actions/checkout on pull_request checks out refs/pull/N/merge, detached; the PR's commits
    are its second parent's side, and the temporary merge commit itself is not linted."""
    base, head = make_pr(repo, [GOOD.format(n=2), BAD])
    repo.git("checkout", "-q", "--detach", base)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge abc into def", head)
    repo.git("update-ref", "refs/pull/42/merge", "HEAD")
    repo.git("checkout", "-q", "main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--no-checkout", f"file://{repo.path}", str(work))
    clone = Repo(work)
    clone.git("fetch", "-q", "origin", "+refs/pull/42/merge:refs/remotes/pull/42/merge")
    clone.git("checkout", "-q", "--detach", "refs/remotes/pull/42/merge")
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, commits=2))
    code, data, _ = ci_json(clone, env)
    assert code == 1 and data["commits"] == 2
    assert codes(data) == [(head, "CTX101"), (head, "CTX201")]
