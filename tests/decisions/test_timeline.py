"""A commit from history re-raises only decisions closed before it: records in its ancestry with a
closed status there, less those it adds or edits. Real repositories, real merges and renames."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from linter import gitio
from linter.decisions import is_closed
from linter.decisions.records import parse
from linter.decisions.timeline import Timeline
from tests.conftest import ROOT, Repo, run_ctxlint

FOLDER = "docs/adr"
QUEUE_PATH = f"{FOLDER}/0001-use-postgresql-as-the-job-queue.md"


def queue(status: str) -> str:
    return f"""# 1. Use PostgreSQL as the job queue

Date: 2020-03-02

## Status

{status}

## Context

Background jobs need a queue. Redis and RabbitMQ were considered, but each adds a service to run,
monitor and back up, and jobs must commit atomically with the rows they change.

## Decision

We keep the job queue in a PostgreSQL table polled with SELECT ... FOR UPDATE SKIP LOCKED.
"""


OTHER = "# 2. Deploy with blue-green releases\n\nDate: 2020-04-11\n\n## Status\n\nAccepted\n\n" \
    "## Context\n\nRolling updates broke sessions.\n"
REOPEN = "Switch the job queue from PostgreSQL to Redis\n\nThe jobs table polling loads the primary database.\n\n" \
    "Refs: #9\n"


def flagged(repo: Repo, *args: str) -> set[str]:
    result = run_ctxlint("check-range", "--format", "json", *args, "HEAD", cwd=repo.path)
    assert result.returncode in (0, 1), result.stderr
    return {f["commit"] for f in json.loads(result.stdout)["findings"] if f["code"] == "CTX301"}


def test_only_records_closed_before_the_commit_count(repo: Repo) -> None:
    dates = iter(f"2021-01-{day:02d}T12:00:00" for day in range(1, 30))
    repo.commit("Start\n\nRefs: #1\nWhy: the project needs a first commit.\n", {f"{FOLDER}/0002-deploy.md": OTHER},
                date=next(dates))
    before = repo.commit(REOPEN, date=next(dates))
    adding = repo.commit(REOPEN, {QUEUE_PATH: queue("Proposed")}, date=next(dates))
    while_proposed = repo.commit(REOPEN, date=next(dates))
    accepting = repo.commit(REOPEN, {QUEUE_PATH: queue("Accepted")}, date=next(dates))
    after = repo.commit(REOPEN, date=next(dates))
    editing = repo.commit(REOPEN, {QUEUE_PATH: queue("Accepted") + "\nMore context.\n"}, date=next(dates))
    later = repo.commit(REOPEN, date=next(dates))
    found = flagged(repo)
    assert after in found and later in found
    assert not found & {before, adding, while_proposed, accepting, editing}


def test_a_branch_that_never_saw_the_record_is_not_flagged(repo: Repo) -> None:
    base = repo.commit("Start\n\nRefs: #1\nWhy: the project needs a first commit.\n",
                       {f"{FOLDER}/0002-deploy.md": OTHER}, date="2021-01-01T12:00:00")
    repo.commit("Record the queue decision\n\nRefs: #2\nWhy: the team agreed.\n", {QUEUE_PATH: queue("Accepted")},
                date="2021-01-02T12:00:00")
    repo.git("checkout", "-q", "-b", "side", base)
    # Made after the record in time, but on a branch that forked before it.
    side = repo.commit(REOPEN, date="2021-01-05T12:00:00")
    repo.git("checkout", "-q", "main")
    on_main = repo.commit(REOPEN, date="2021-01-06T12:00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge side\n\nRefs: #3\nWhy: bring the side work in.", "side",
             env={"GIT_AUTHOR_DATE": "2021-01-07T12:00:00", "GIT_COMMITTER_DATE": "2021-01-07T12:00:00"})
    found = flagged(repo)
    assert on_main in found
    assert side not in found


def test_a_renamed_record_counts_under_its_new_name(repo: Repo) -> None:
    old = f"{FOLDER}/0001-queue.md"
    repo.commit("Record the queue decision\n\nRefs: #2\nWhy: the team agreed.\n",
                {old: queue("Accepted"), f"{FOLDER}/0002-deploy.md": OTHER}, date="2021-01-02T12:00:00")
    between = repo.commit(REOPEN, date="2021-01-03T12:00:00")
    repo.git("mv", old, QUEUE_PATH)
    repo.commit("Rename the queue record\n\nRefs: #4\nWhy: names say what they decide.\n", {},
                date="2021-01-04T12:00:00")
    assert between in flagged(repo)


def test_the_audit_counts_by_the_same_rule(repo: Repo) -> None:
    repo.commit(REOPEN, {f"{FOLDER}/0002-deploy.md": OTHER}, date="2021-01-01T12:00:00")
    repo.commit(REOPEN, {QUEUE_PATH: queue("Accepted")}, date="2021-01-02T12:00:00")
    repo.commit(REOPEN, date="2021-01-03T12:00:00")
    result = run_ctxlint("audit", "--no-progress", "--no-cache", "--format", "json", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["by_rule"].get("CTX301") == 1


def brute_force(repo: Repo, sha: str, parents: list[str]) -> frozenset[str]:
    """What git itself says: records closed at the first parent that the commit does not touch."""
    if not parents:
        return frozenset()
    touched = set(repo.git("diff-tree", "-r", "--name-only", "--no-commit-id", "--no-renames", parents[0], sha,
                           "--", FOLDER).split())
    closed = set()
    for line in repo.git("ls-tree", "-r", sha, "--", f"{FOLDER}/").splitlines():
        meta, path = line.split("\t", 1)
        if path in touched:
            continue
        blob = meta.split()[2]
        data = subprocess.run(["git", "cat-file", "blob", blob], cwd=repo.path, capture_output=True,
                              check=True).stdout
        if is_closed(parse(path, data).status):
            closed.add(path)
    return frozenset(closed)


def test_every_commit_matches_what_git_says_with_one_tree_read_per_line_of_history(repo: Repo) -> None:
    statuses = ["Proposed", "Accepted", "Rejected", "Superseded by ADR-9", "Pending"]
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    for i in range(12):
        files = {f"{FOLDER}/{10 + i:04d}-topic-{i}.md": queue(statuses[i % len(statuses)])}
        if i % 3 == 0:
            files[QUEUE_PATH] = queue(statuses[(i // 3) % len(statuses)])
        repo.commit(f"Step {i}\n", files)
        if i == 5:
            repo.git("checkout", "-q", "-b", "side", "HEAD~2")
            repo.commit("Side work\n", {f"{FOLDER}/0100-side.md": queue("Accepted")})
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    timeline = Timeline.of_walk(str(repo.path), [FOLDER], ["HEAD"])
    try:
        for commit in gitio.iter_log(["HEAD"], str(repo.path)):
            got = timeline.closed_before(commit.sha, commit.parents)
            assert got == brute_force(repo, commit.sha, list(commit.parents)), commit.sha
        # the tip, and the side branch reached only through the merge's second parent
        assert timeline.trees_read == 2
    finally:
        timeline.close()


def test_a_commit_being_made_never_re_raises_the_record_it_stages(repo: Repo) -> None:
    repo.commit("Record the queue decision\n\nRefs: #2\nWhy: the team agreed.\n",
                {QUEUE_PATH: queue("Accepted"), f"{FOLDER}/0002-deploy.md": OTHER})
    message = repo.write("MSG", REOPEN)
    plain = run_ctxlint("check-msg", str(message), cwd=repo.path)
    assert "CTX301" in plain.stdout + plain.stderr
    repo.write(QUEUE_PATH, queue("Superseded by ADR-3"))
    repo.git("add", QUEUE_PATH)
    staged = run_ctxlint("check-msg", str(message), cwd=repo.path)
    assert "CTX301" not in staged.stdout + staged.stderr


def test_a_pull_request_never_re_raises_the_record_it_adds(repo: Repo, tmp_path: Path) -> None:
    from tests.ci_support import clean_env

    base = repo.commit("Start\n\nRefs: #1\nWhy: the project needs a first commit.\n",
                       {f"{FOLDER}/0002-deploy.md": OTHER})
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit("Record the queue decision\n\nRefs: #2\nWhy: the team agreed on it.\n",
                       {QUEUE_PATH: queue("Accepted")})
    body = tmp_path / "body.md"
    title, text = REOPEN.split("\n\n", 1)
    body.write_text(text)

    def pr_flags(base: str, head: str) -> list[str]:
        result = run_ctxlint("ci", "--format", "json", "--base", base, "--head", head, "--title", title,
                             "--body-file", str(body), cwd=repo.path, env=clean_env())
        assert result.returncode in (0, 1), result.stderr
        return [f["code"] for f in json.loads(result.stdout)["findings"] if f["commit"] is None]

    assert "CTX301" not in pr_flags(base, head)
    # The same text in a later pull request, once the record is on the base, re-raises it.
    repo.git("checkout", "-q", "-b", "later")
    later = repo.commit("Tidy the queue notes\n\nRefs: #3\nWhy: the notes were out of date.\n")
    assert "CTX301" in pr_flags(head, later)


def test_a_git_that_stops_answering_leaves_the_walk_to_the_dates(repo: Repo) -> None:
    repo.commit("Start\n", {QUEUE_PATH: queue("Accepted"), f"{FOLDER}/0002-deploy.md": OTHER})
    repo.commit("Next\n")
    timeline = Timeline.of_walk(str(repo.path), [FOLDER], ["HEAD"])
    commits = list(gitio.iter_log(["HEAD"], str(repo.path)))
    assert timeline.closed_before(commits[0].sha, commits[0].parents) == {QUEUE_PATH, f"{FOLDER}/0002-deploy.md"}
    process = timeline._reader._proc
    assert process is not None
    process.kill()
    process.wait()
    # A commit reached out of order needs a tree read, which now fails: no answer, no exception,
    # and none from then on.
    timeline._pending.clear()
    assert timeline.closed_before(commits[1].sha, commits[1].parents) is None
    assert timeline.closed_before(commits[0].sha, commits[0].parents) is None
    timeline.close()


# --- the history cache: a commit's changes never change ----------------------------------------

def walk(repo: Repo, *revisions: str, extra: tuple[str, ...] = ()) -> tuple[Timeline, dict[str, frozenset[str] | None]]:
    """A Timeline over the walk `git log <extra> <revisions>`, asked about every commit in order."""
    timeline = Timeline.of_walk(str(repo.path), [FOLDER], list(revisions), extra)
    try:
        found = {c.sha: timeline.closed_before(c.sha, c.parents)
                 for c in gitio.iter_log(list(revisions), str(repo.path), extra)}
    finally:
        timeline.close()
    return timeline, found


def decisions_history(repo: Repo, steps: int, start: int = 0) -> None:
    """Commits that add, accept, reject and edit records, with a merge of a side branch."""
    statuses = ["Proposed", "Accepted", "Rejected", "Superseded by ADR-9", "Accepted"]
    for i in range(start, start + steps):
        files = {f"{FOLDER}/{10 + i:04d}-topic-{i}.md": queue(statuses[i % len(statuses)])}
        if i % 3 == 0:
            files[QUEUE_PATH] = queue(statuses[(i // 3) % len(statuses)])
        repo.commit(f"Step {i}\n", files)
        repo.commit(f"Ordinary work {i}\n")
        if i == start + 2:
            repo.git("checkout", "-q", "-b", f"side{i}", "HEAD~3")
            repo.commit("Side work\n", {f"{FOLDER}/{100 + i:04d}-side.md": queue("Accepted")})
            repo.git("checkout", "-q", "main")
            repo.git("merge", "-q", "--no-ff", "-m", "Merge side", f"side{i}")


def agrees_with_git(repo: Repo, found: dict[str, frozenset[str] | None]) -> None:
    for commit in gitio.iter_log(["HEAD"], str(repo.path)):
        assert found[commit.sha] == brute_force(repo, commit.sha, list(commit.parents)), commit.sha


def test_a_second_walk_takes_the_changes_from_the_cache_and_still_agrees_with_git(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 8)
    first, cold = walk(repo, "HEAD")
    assert first.changes_read > 0
    second, warm = walk(repo, "HEAD")
    assert second.changes_read == 0  # the stream had nothing left to read
    assert warm == cold
    agrees_with_git(repo, warm)


def test_only_the_commits_added_since_are_read_again(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 4)
    walk(repo, "main")
    decisions_history(repo, 4, start=4)  # 4 of the new commits change records, 4 do not
    timeline, found = walk(repo, "main")
    # and the side branch's commit, and the merge that brings its record to main
    assert timeline.changes_read == 4 + 2
    agrees_with_git(repo, found)
    (repo.path / ".git" / "ctxlint" / "decision-history.marshal").unlink()
    assert walk(repo, "main")[1] == found


def test_a_renamed_record_keeps_its_name_through_the_cache(repo: Repo) -> None:
    old = f"{FOLDER}/0001-queue.md"
    repo.commit("Record\n", {old: queue("Accepted"), f"{FOLDER}/0002-deploy.md": OTHER})
    between = repo.commit("Between\n")
    walk(repo, "HEAD")
    repo.git("mv", old, QUEUE_PATH)
    repo.commit("Rename the queue record\n", {})
    repo.commit("After\n")
    timeline, found = walk(repo, "HEAD")
    assert timeline.changes_read == 1
    assert QUEUE_PATH in (found[between] or ())
    (repo.path / ".git" / "ctxlint" / "decision-history.marshal").unlink()
    assert walk(repo, "HEAD")[1] == found


def test_a_range_reads_what_the_cache_lacks_and_does_not_extend_it(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 6)
    timeline, found = walk(repo, "HEAD~4..HEAD")
    assert timeline.changes_read > 0
    # the range did not read the ancestry of HEAD~4: HEAD is not a tip the cache covers
    assert walk(repo, "HEAD")[0].changes_read > 0
    # now it is, and the same range reads nothing
    again = walk(repo, "HEAD~4..HEAD")
    assert again[0].changes_read == 0 and again[1] == found


def test_a_cached_tip_that_no_longer_exists_is_left_out(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 3)
    walk(repo, "HEAD")
    # history rewritten and the old tip pruned, as after a force-push and a gc
    repo.git("reset", "-q", "--hard", "HEAD~3")
    repo.commit("Rewritten\n", {QUEUE_PATH: queue("Rejected")})
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    timeline, found = walk(repo, "HEAD")
    assert not timeline.failed
    agrees_with_git(repo, found)


def test_a_shallow_clone_keeps_no_history(repo: Repo, tmp_path: Path) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 4)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "3", f"file://{repo.path}", str(clone)], check=True)
    timeline = Timeline.of_walk(str(clone), [FOLDER], ["HEAD"])
    for commit in gitio.iter_log(["HEAD"], str(clone)):
        timeline.closed_before(commit.sha, commit.parents)
    timeline.close()
    assert not (clone / ".git" / "ctxlint" / "decision-history.marshal").exists()


def test_a_cache_kept_for_other_folders_or_damaged_is_read_again(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 3)
    found = walk(repo, "HEAD")[1]
    other = Timeline.of_walk(str(repo.path), [FOLDER, "docs/decisions"], ["HEAD"])
    for commit in gitio.iter_log(["HEAD"], str(repo.path)):
        other.closed_before(commit.sha, commit.parents)
    other.close()
    assert other.changes_read > 0
    (repo.path / ".git" / "ctxlint" / "decision-history.marshal").write_bytes(b"\x00garbage")
    timeline, again = walk(repo, "HEAD")
    assert timeline.changes_read > 0 and again == found
    # written by another release (or Python): read again, not trusted
    import marshal

    cache = repo.path / ".git" / "ctxlint" / "decision-history.marshal"
    kept = marshal.loads(cache.read_bytes())
    assert walk(repo, "HEAD")[0].changes_read == 0
    cache.write_bytes(marshal.dumps({**kept, "tag": kept["tag"].replace(":", ":0.0.1-other:", 1)}))
    assert walk(repo, "HEAD")[0].changes_read > 0
    # ours in every field but one change's path, a number: not trusted, not a crash
    some = next(iter(kept["changes"]))
    bad = {**kept["changes"], some: [(7, "0" * 40, QUEUE_PATH, "1" * 40)]}
    cache.write_bytes(marshal.dumps({**kept, "changes": bad}))
    timeline, again = walk(repo, "HEAD")
    assert timeline.changes_read > 0 and again == found


def test_a_walk_in_another_order_than_the_log_still_gets_every_answer(repo: Repo) -> None:
    # A first walk takes each commit's changes as git lists them; asked in another order (oldest
    # first here), the timeline notices at once and looks the rest up whole.
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 6)
    timeline = Timeline.of_walk(str(repo.path), [FOLDER], ["HEAD"])
    try:
        found = {c.sha: timeline.closed_before(c.sha, c.parents)
                 for c in gitio.iter_log(["HEAD"], str(repo.path), ["--reverse"])}
    finally:
        timeline.close()
    agrees_with_git(repo, found)


def test_a_walk_stopped_early_keeps_no_history(repo: Repo) -> None:
    repo.commit("Start\n", {f"{FOLDER}/0002-deploy.md": OTHER})
    decisions_history(repo, 6)
    timeline = Timeline.of_walk(str(repo.path), [FOLDER], ["HEAD"])
    for commit, _ in zip(gitio.iter_log(["HEAD"], str(repo.path)), range(3)):
        timeline.closed_before(commit.sha, commit.parents)
    timeline.close()
    after, found = walk(repo, "HEAD")
    assert after.changes_read > 0  # nothing was kept from the partial walk: all of it is read
    agrees_with_git(repo, found)


def test_a_fifo_in_place_of_a_cache_file_is_rebuilt_not_waited_on(repo: Repo) -> None:
    # A FIFO where a cache file should be (a stranger's prank, a tool gone wrong) used to block the
    # run on its open, waiting for a writer that never comes.
    repo.commit("Start\n", {QUEUE_PATH: queue("Accepted"), f"{FOLDER}/0002-deploy.md": OTHER})
    repo.commit(REOPEN)
    first = run_ctxlint("check-range", "HEAD", cwd=repo.path)
    caches = sorted((repo.path / ".git" / "ctxlint").glob("*.marshal"))
    assert {p.name for p in caches} >= {"decision-history.marshal", "decision-statuses.marshal"}
    for path in caches:
        path.unlink()
        os.mkfifo(path)
    again = subprocess.run([sys.executable, "-m", "linter", "check-range", "HEAD"], cwd=repo.path,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                           timeout=60, check=False)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    assert all(path.is_file() for path in caches if path.name.startswith("decision-"))
