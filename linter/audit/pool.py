"""Lint a stream of commits in stream order, in a pool of forked workers fed by that one stream.

The commit-time engine runs per commit (`history.lint_commit`); what crosses the process pipes
are plain tuples (`Job` out, `Outcome` back), the cheapest things to pickle.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from linter import gitio, history
from linter.audit.record import Outcome
from linter.config import Config
from linter.engine import Linter
from linter.history import Job

if TYPE_CHECKING:
    from linter.decisions.timeline import Timeline

#: One commit of the stream, with its changed files and its lint outcome.
Linted = tuple[gitio.Commit, list[gitio.FileStat], Outcome]

#: The config and engine of this walk: set before the pool forks, so every worker has them.
_WORKER: tuple[Config, Linter] | None = None


def _lint_jobs(jobs: list[Job]) -> list[Outcome]:
    assert _WORKER is not None
    cfg, linter = _WORKER
    out: list[Outcome] = []
    for job in jobs:
        commit, closed = history.from_job(job)
        result = history.lint_commit(commit, cfg, linter, closed)
        out.append(
            (
                result.exemptions,
                result.skip_reason,
                result.tickets,
                result.has_rationale,
                tuple(sorted({f.code for f in result.findings})),
            )
        )
    return out


def _job(commit: gitio.Commit, timeline: Timeline | None = None) -> Job:
    # in stream order, here: which records each commit could re-raise follows from its child's
    return history.to_job(commit, timeline.closed_before(commit.sha, commit.parents) if timeline is not None else None)


def lint_stream(
    stream: Iterable[tuple[gitio.Commit, list[gitio.FileStat]]], cfg: Config, workers: int, batch: int = 256,
    timeline: Timeline | None = None,
) -> Iterator[Linted]:
    """Lint commits in stream order; with `workers` > 1, in a process pool fed by this one stream.

    The pool starts only once a full batch is waiting (a warm run's few new commits are linted
    here, without forking), and at most a few batches are in flight, so a fast git stream cannot
    pile up in memory. `timeline` (of the same walk) says which decisions each commit can re-raise.
    """
    global _WORKER
    _WORKER = (cfg, Linter(cfg))
    if workers <= 1:
        for commit, files in stream:
            yield commit, files, _lint_jobs([_job(commit, timeline)])[0]
        return
    pool: Any = None
    window: deque[tuple[list[tuple[gitio.Commit, list[gitio.FileStat]]], Any]] = deque()
    try:
        pending: list[tuple[gitio.Commit, list[gitio.FileStat]]] = []

        def drain(limit: int) -> Iterator[Linted]:
            while len(window) > limit:
                items, future = window.popleft()
                for (commit, files), outcome in zip(items, future.get()):
                    yield commit, files, outcome

        for item in stream:
            pending.append(item)
            if len(pending) >= batch:
                if pool is None:
                    import multiprocessing

                    pool = multiprocessing.get_context("fork").Pool(workers)
                jobs = [_job(c, timeline) for c, _ in pending]
                window.append((pending, pool.apply_async(_lint_jobs, (jobs,))))
                pending = []
                yield from drain(workers * 3)
        yield from drain(0)
        for commit, files in pending:  # the last partial batch: cheaper here than a round trip
            yield commit, files, _lint_jobs([_job(commit, timeline)])[0]
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
