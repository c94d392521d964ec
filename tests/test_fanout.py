"""The forked fan-out behind a long check-range: the same results, in order, whatever a worker does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, Repo, run_ctxlint

from linter import fanout
from tests.messages import generated_messages

PARENT = os.getpid()


class Plain(fanout.Codec[list[int], list[str]]):
    pass


def describe(batch: list[int]) -> list[str]:
    return [f"{n}:{n * n}" for n in batch]


def batches(count: int, size: int = 3) -> Iterator[list[int]]:
    for start in range(0, count * size, size):
        yield list(range(start, start + size))


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    """A deadlocked pipe would hang the suite: fail the test instead."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the fan-out did not finish in 20 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("jobs", [1, 2, 3, 4])
@pytest.mark.parametrize("count", [0, 1, 2, 3, 50])
def test_results_come_in_stream_order_for_any_number_of_processes(jobs: int, count: int) -> None:
    expected = [describe(b) for b in batches(count)]
    assert list(fanout.ordered_map(batches(count), describe, jobs, Plain())) == expected
    assert no_children_left()


def slow_in_a_worker(batch: list[int]) -> list[str]:
    if os.getpid() != PARENT:
        time.sleep(0.2)
    return [f"{n}:{'parent' if os.getpid() == PARENT else 'worker'}" for n in batch]


def trickle(count: int) -> Iterator[list[int]]:
    for batch in batches(count):
        time.sleep(0.01)
        yield batch


def test_at_the_end_this_process_takes_back_what_a_worker_still_holds() -> None:
    """The slow worker gets batches 1-4 and this process the rest; when the stream ends, this
    process takes back 4, 3 and 2 rather than wait for them, and stops the worker once batch 1 is
    back. Same results, in order."""
    start = time.perf_counter()
    results = list(fanout.ordered_map(trickle(12), slow_in_a_worker, 2, Plain()))
    elapsed = time.perf_counter() - start
    assert [r.split(":")[0] for part in results for r in part] == [str(n) for n in range(36)]
    assert [part[0].split(":")[1] for part in results] == ["parent", "worker"] + ["parent"] * 10
    assert elapsed < 0.6  # waiting for all four would take 0.8 s
    assert no_children_left()


def test_the_workers_do_share_the_work() -> None:
    pids = list(fanout.ordered_map(batches(200), lambda b: [str(os.getpid())], 2, Plain()))
    assert {p for (p,) in pids} - {str(PARENT)}, "no batch was linted by a worker"


def dies_in_a_worker(batch: list[int]) -> list[str]:
    if os.getpid() != PARENT and 30 <= batch[0] < 60:
        os._exit(9)  # as if killed mid-batch
    return describe(batch)


def fails_in_a_worker(batch: list[int]) -> list[str]:
    if os.getpid() != PARENT and batch[0] % 2:
        raise RuntimeError("worker-only failure")
    return describe(batch)


@pytest.mark.parametrize("work", [dies_in_a_worker, fails_in_a_worker])
def test_a_worker_that_dies_or_fails_costs_nothing_but_time(work: object) -> None:
    expected = [describe(b) for b in batches(100)]
    assert list(fanout.ordered_map(batches(100), work, 3, Plain())) == expected  # type: ignore[arg-type]
    assert no_children_left()


def test_an_error_in_this_process_propagates_and_the_workers_are_reaped() -> None:
    def work(batch: list[int]) -> list[str]:
        if os.getpid() == PARENT and batch[0] > 90:
            raise ValueError("parent failure")
        return describe(batch)

    with pytest.raises(ValueError, match="parent failure"):
        list(fanout.ordered_map(batches(400), work, 2, Plain()))
    assert no_children_left()


def test_stopping_early_kills_the_workers() -> None:
    results = fanout.ordered_map(batches(1000), describe, 3, Plain())
    assert next(results) == describe([0, 1, 2])
    next(results)
    next(results)
    results.close()
    assert no_children_left()


def test_batches_and_results_larger_than_a_pipe_do_not_deadlock() -> None:
    big = ["x" * 300_000]

    def work(batch: list[str]) -> list[str]:
        return [text.upper() * 2 for text in batch]

    class Strings(fanout.Codec[list[str], list[str]]):
        pass

    source = [big * 3 for _ in range(12)]
    assert list(fanout.ordered_map(iter(source), work, 3, Strings())) == [work(b) for b in source]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_a_workers_pipes_hold_the_batches_and_results_in_flight() -> None:
    """A worker whose result does not fit in its pipe waits until this process is done with a
    batch of its own; the pipes are widened so that it never does (files.widen_pipe)."""
    import fcntl

    from linter import files

    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < files.PIPE_BYTES:
        pytest.skip("this machine caps pipes below 1 MiB")
    worker = fanout._Worker.start(describe, Plain())
    try:
        sizes = [fcntl.fcntl(fd, 1032) for fd in (worker.down, worker.up)]  # F_GETPIPE_SZ
    finally:
        worker.stop(True)
    assert sizes == [files.PIPE_BYTES, files.PIPE_BYTES]
    assert no_children_left()


def test_jobs_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTXLINT_JOBS", "1")
    assert fanout.default_jobs() == 1
    monkeypatch.setenv("CTXLINT_JOBS", "3")
    assert fanout.default_jobs() == 3
    monkeypatch.setenv("CTXLINT_JOBS", "zero")
    assert 1 <= fanout.default_jobs() <= fanout.MAX_JOBS


ADR = """# 1. Use PostgreSQL as the job queue

Date: 2024-03-01

## Status

Accepted

## Context

Jobs were lost when the Redis queue restarted, and retries charged some customers twice.

## Decision

Keep jobs in a PostgreSQL table, read with SKIP LOCKED.
"""


def fast_import(repo: Path, messages: list[str]) -> None:
    """One commit per message on main (a decision record added half-way), in one git process."""
    chunks: list[bytes] = []
    for index, message in enumerate(messages):
        data = message.encode("utf-8", "surrogateescape")
        chunks.append(b"commit refs/heads/main\n")
        who = b"dependabot[bot] <support@github.com>" if index % 40 == 3 else b"Ada <ada@example.com>"
        chunks.append(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who, 1_700_000_000 + index, who,
                                                                         1_700_000_000 + index))
        chunks.append(b"data %d\n%s\n" % (len(data), data))
        body = b"%d\n" % index
        chunks.append(b"M 644 inline counter.txt\ndata %d\n%s\n" % (len(body), body))
        if index == len(messages) // 2:
            record = ADR.encode()
            chunks.append(b"M 644 inline docs/adr/0001-use-postgresql-as-the-job-queue.md\ndata %d\n%s\n"
                          % (len(record), record))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(chunks), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)


def range_repo(path: Path) -> Repo:
    """900 commits of generated messages, with a decision record added half-way and re-raised at
    commit 700, and some subjects that are not plain ASCII (accents, an escape, bad UTF-8)."""
    repo = Repo(path)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo.path)], check=True)
    messages = generated_messages()
    messages = (messages * (900 // len(messages) + 1))[:900]
    # re-raising the decision record from the second half on: the timeline must follow each commit
    messages[700] = "Move the job queue back to Redis\n\nPostgres polling is slow; Redis was faster.\n"
    messages[10] = "Répare l\u2019import des factures\n"
    messages[300] = "Colour \x1b[31mthe [bold]log[/bold] red\n"
    messages[500] = "Read the \udcff\udcfe header\n"  # bytes that are not UTF-8, as git stores them
    fast_import(repo.path, messages)
    return repo


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_check_range_writes_the_same_bytes_in_one_process_or_several(tmp_path: Path, fmt: str) -> None:
    repo = range_repo(tmp_path / "repo")
    outputs = {}
    for jobs in ("1", "2", "3"):
        result = run_ctxlint("check-range", "--format", fmt, "main", cwd=repo.path, env={"CTXLINT_JOBS": jobs})
        outputs[jobs] = (result.returncode, result.stdout, result.stderr)
    assert outputs["1"][0] == 1
    assert outputs["2"] == outputs["1"]
    assert outputs["3"] == outputs["1"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize(("jobs", "encoding"), [("1", "utf-8"), ("2", "utf-8"), ("2", "utf-16")])
def test_findings_drawn_in_pieces_read_as_the_listing_drawn_whole(tmp_path: Path, fmt: str, jobs: str,
                                                                  encoding: str) -> None:
    """Text and JSON on stdout alone are drawn batch by batch where the commits are linted (as
    UTF-8 bytes when stdout writes UTF-8, as text otherwise); a side file makes the run keep its
    findings and draw them at once, as every other format does."""
    repo = range_repo(tmp_path / "repo")
    side = tmp_path / "side.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), CTXLINT_JOBS=jobs, PYTHONIOENCODING=encoding)
    command = [sys.executable, "-m", "linter", "check-range", "--format", fmt, "main"]
    pieces = subprocess.run(command, cwd=repo.path, env=env, capture_output=True, check=False)
    whole = subprocess.run([*command[:-1], "--json-file", str(side), "main"], cwd=repo.path, env=env,
                           capture_output=True, check=False)
    assert pieces.returncode == whole.returncode == 1
    assert pieces.stderr == whole.stderr
    assert pieces.stdout == whole.stdout
    listing = pieces.stdout.decode(encoding)
    assert "Répare l\u2019import" in listing and "\x1b" not in listing
    if fmt == "json":
        assert side.read_text(encoding="utf-8") == listing
        assert listing == json.dumps(json.loads(listing), indent=2, ensure_ascii=False) + "\n"
