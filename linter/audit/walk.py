"""The audit's walk: the revisions and period it reads, one `git log -z --numstat` stream through
the lint pool into records, folded into aggregates through the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Optional

from linter import gitio, history
from linter.audit.aggregate import Aggregator
from linter.audit.cache import CacheInfo, Plan, cache_key
from linter.audit.pool import lint_stream
from linter.audit.record import Record, make_record
from linter.codeowners import Owners
from linter.config import Config
from linter.errors import CtxlintError
from linter.fanout import default_jobs

Progress = Callable[[int, Optional[int]], None]


class Options:
    """What to audit and how; every field has a sensible default."""

    def __init__(
        self,
        revisions: Sequence[str] = (),
        since: int | None = None,
        until: int | None = None,
        missing_limit: int = 50,
        folder_depth: int = 1,
        use_cache: bool = True,
        workers: int | None = None,
        progress: Progress | None = None,
        name: str | None = None,
    ) -> None:
        self.revisions = list(revisions) or ["HEAD"]
        self.explicit_revisions = bool(revisions)
        self.since = since
        self.until = until
        self.missing_limit = missing_limit
        self.folder_depth = max(1, folder_depth)
        self.use_cache = use_cache
        self.workers = default_jobs() if workers is None else workers
        self.progress = progress
        #: The repository's name in the report (default: the clone's folder name).
        self.name = name


def split_revisions(revisions: Sequence[str], cwd: str) -> tuple[list[str], list[str], list[str]]:
    """(positive names, positive shas, negative shas) of a revision list like `A..B ^C D`."""
    names: list[str] = []
    positives: list[str] = []
    negatives: list[str] = []
    for spec in revisions:
        if "..." in spec:
            raise CtxlintError(f"{spec!r}: symmetric ranges (A...B) are not supported by the audit; use A..B")
        if ".." in spec:
            left, right = spec.split("..", 1)
            base = gitio.resolve(left or "HEAD", cwd)
            tip = gitio.resolve(right or "HEAD", cwd)
            if base:
                negatives.append(base)
            if tip:
                names.append(right or "HEAD")
                positives.append(tip)
        elif spec.startswith("^"):
            sha = gitio.resolve(spec[1:], cwd)
            if sha:
                negatives.append(sha)
        else:
            sha = gitio.resolve(spec, cwd)
            if sha:
                names.append(spec)
                positives.append(sha)
    return names, positives, negatives


def period_args(options: Options) -> list[str]:
    """git's own date limits for a walk, which only narrow it: `period_filter` decides.

    Git reads `@0` and negative times erratically (`--since=@0` selects nothing), so a bound
    before 1970 is left to the filter alone.
    """
    args = []
    if options.since is not None and options.since >= 1:
        args.append(f"--since=@{options.since}")
    if options.until is not None and options.until - 1 >= 1:
        args.append(f"--until=@{options.until - 1}")
    return args


def period_filter(options: Options) -> Callable[[int], bool] | None:
    """Whether a commit time falls in the period; None when every time does."""
    since, until = options.since, options.until
    if since is None and until is None:
        return None
    low = since if since is not None else -(1 << 62)
    high = until if until is not None else 1 << 62
    return lambda stamp: low <= stamp < high


def run(
    root: str,
    cfg: Config,
    options: Options,
    owners: Owners | None,
    agg: Aggregator,
    info: CacheInfo,
    read_cache: bool = True,
) -> str | None:
    """Fold the walk into `agg` (through the cache when it holds); what was wrong with the cache."""
    in_period = period_filter(options)
    names, tips, negatives = split_revisions(options.revisions, root)
    plan: Plan | None = None
    if options.use_cache:
        key = cache_key(root, cfg, names, negatives, owners, options.folder_depth, options.missing_limit)
        plan = Plan(root, key, tips, read_cache)
    fresh: dict[str, Record] = {}
    if plan is not None and plan.stale:  # notes added or changed since: re-lint just those commits
        try:
            fresh = relint(plan.stale, root, cfg, owners, options.folder_depth)
        except CtxlintError:
            plan.meta = None
    meta = plan.meta if plan is not None else None
    rebuild = bool(fresh)  # cached aggregates no longer hold: replay every cached record
    walk = [*tips, *(f"^{sha}" for sha in [*(meta["tips"] if meta is not None else []), *negatives])]
    # A damaged cache is replaced now, by a whole walk, even for a period: left in place, it
    # would be found damaged (and the history read again) on every period run.
    damaged = not read_cache or (plan is not None and plan.damage is not None)
    limits = [] if meta is not None or damaged else period_args(options)
    # A walk cut by --since/--until is partial: cache only complete walks.
    writer = plan.writer(info) if plan is not None and not limits else None
    # Without a period the report IS the whole walk: one aggregator serves both. With a period,
    # the cached whole-walk state is kept up to date beside the period's own counters.
    full: Aggregator | None = None
    if writer is not None and in_period is not None:
        full = (
            Aggregator.from_state(meta["state"], options.missing_limit)
            if meta is not None and not rebuild
            else Aggregator(options.missing_limit)
        )
    total = None
    if options.progress is not None:
        total = gitio.count_commits(walk, root, limits)
        options.progress(0, total)
    count = 0
    depth = options.folder_depth
    segment = None
    timeline = history.decision_timeline(walk, cfg, limits)
    try:
        stream = gitio.iter_log_stats(walk, root, limits, notes=True)
        for commit, files, outcome in lint_stream(stream, cfg, options.workers, timeline=timeline):
            rec = make_record(commit, files, outcome, owners, depth)
            if writer is not None:
                writer.add(rec)
            if full is not None:
                full.add(rec)
            if in_period is None or in_period(rec.timestamp):
                agg.add(rec)
            count += 1
            if options.progress is not None and count % 500 == 0:
                options.progress(count, total)
        if options.progress is not None:
            options.progress(count, total)
        info.new_commits = count
        if plan is not None and meta is not None:
            info.used = True
            info.cached_commits = meta["count"]
            info.relinted = len(fresh)
            if in_period is None and not rebuild:
                agg.merge(Aggregator.from_state(meta["state"], agg.missing_limit))
            else:
                bounds = (None, None) if rebuild else (options.since, options.until)
                for rec in plan.records(*bounds):
                    rec = fresh.get(rec.sha, rec)
                    if rebuild and writer is not None:
                        writer.add(rec)
                        if full is not None:
                            full.add(rec)
                    if in_period is None or in_period(rec.timestamp):
                        agg.add(rec)
        if writer is not None:
            if writer.count:
                segment = writer.close()
            else:
                writer.discard()
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    finally:
        if timeline is not None:
            timeline.close()
    if in_period is None:
        full = agg
    if plan is not None and writer is not None and full is not None:
        plan.save(writer, segment, count, full.state(), rebuild, info)
    return plan.damage if plan is not None else None


def relint(shas: list[str], root: str, cfg: Config, owners: Owners | None, depth: int) -> dict[str, Record]:
    """Fresh records for a few commits (those whose note changed), a few hundred per git process."""
    out: dict[str, Record] = {}
    for start in range(0, len(shas), 500):
        stream = gitio.iter_log_stats(shas[start : start + 500], root, ["--no-walk"], notes=True)
        timeline = history.decision_timeline(shas[start : start + 500], cfg, ["--no-walk"])
        try:
            for commit, files, outcome in lint_stream(stream, cfg, 1, timeline=timeline):
                out[commit.sha] = make_record(commit, files, outcome, owners, depth)
        finally:
            if timeline is not None:
                timeline.close()
    return out
