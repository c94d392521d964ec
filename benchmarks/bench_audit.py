"""Audit throughput beside bare `git log`: cold, warm (100 new commits) and peak memory.

    python benchmarks/bench_audit.py            # 100,000 commits (built once under /tmp, then reused)
    python benchmarks/bench_audit.py --quick    # 10,000 commits

The synthetic repository is written with `git fast-import` in seconds: unique messages in a
realistic mix (ticket and rationale, ticket only, rationale only, neither, bots, releases,
reverts, skips), 1-3 changed files per commit across 24 top-level folders.

Targets (issue #5): cold audit <= 3x bare `git log -z --numstat`; peak memory < 500 MB;
warm audit after 100 new commits < 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMAT = "%H%x00%P%x00%an%x00%ae%x00%ct%x00%B"
WORDS = (
    "cache retry token queue index shard parser tenant invoice ledger export report session "
    "billing search upload schema worker timeout backoff quota metrics audit locale payment"
).split()
REASONS = (
    "because the upstream API started rejecting requests without it",
    "so that support can trace failed payments without asking engineering",
    "since the nightly export timed out once the table passed ten million rows",
    "to avoid double charging customers when the worker restarts mid-batch",
    "otherwise the dashboard shows stale totals for up to an hour",
)


def _message(i: int, rng: random.Random) -> tuple[str, str]:
    """(author line, message) for commit number i: unique text in a realistic mix."""
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    person = rng.randrange(40)
    author = f"Dev {person} <dev{person}@example.com>"
    roll = rng.random()
    key = f"{rng.choice(('ABC', 'OPS', 'PAY', 'WEB'))}-{1 + i % 9000}"
    subject = f"Rework the {a} {b} path for case {i}"
    if roll < 0.40:
        why = f"The {a} {b} path was rewritten {rng.choice(REASONS)}, see run {i}."
        text = f"{subject}\n\n{why}\n\nRefs: {key}\n"
    elif roll < 0.60:
        text = f"{subject}\n\nRefs: {key}\n"
    elif roll < 0.75:
        text = f"{subject}\n\nWe change the {a} handling {rng.choice(REASONS)} (case {i}).\n"
    elif roll < 0.91:
        text = f"Fix {a} {b} {i}\n"
    elif roll < 0.95:
        author = "dependabot[bot] <support@github.com>"
        text = f"Bump {a}-lib from 1.{i % 50}.0 to 1.{i % 50 + 1}.0\n"
    elif roll < 0.97:
        text = f"Release v{i // 1000}.{i % 1000}.0\n"
    elif roll < 0.99:
        text = f'Revert "Fix {a} {b}"\n\nThis reverts commit {i:040x}.\n'
    else:
        text = f"Import {a} tables {i}\n\nCtxlint-Skip: generated data refresh, no ticket\n"
    return author, text


def _import(repo: Path, start: int, count: int, rng: random.Random, first: bool, stamp0: int) -> None:
    """Feed `git fast-import` in chunks: the benchmark process itself must stay small, since a
    child's peak RSS (ru_maxrss) starts from its parent's at fork."""
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for offset in range(start, start + count, 1000):
        need_from = not first and offset == start  # continue the on-disk branch, once per session
        proc.stdin.write(_stream(offset, min(1000, start + count - offset), rng, need_from, stamp0))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")


def _stream(start: int, count: int, rng: random.Random, need_from: bool, stamp0: int) -> bytes:
    out: list[bytes] = []
    for i in range(start, start + count):
        author, text = _message(i, rng)
        stamp = stamp0 + i * 1800
        msg = text.encode()
        out.append(
            f"commit refs/heads/main\nauthor {author} {stamp} +0000\ncommitter {author} {stamp} +0000\n"
            f"data {len(msg)}\n".encode()
            + msg
            + b"\n"
        )
        if i == start and need_from:
            out.append(b"from refs/heads/main^0\n")
        for _ in range(rng.randint(1, 3)):
            path = f"dir{rng.randrange(24):02d}/pkg{rng.randrange(8)}/file{rng.randrange(60)}.txt"
            body = "".join(f"line {i} {n} {rng.choice(WORDS)}\n" for n in range(rng.randint(1, 30))).encode()
            out.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
        out.append(b"\n")
    return b"".join(out)


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, check=True).stdout


def build(n: int) -> Path:
    """The synthetic repository of n commits under /tmp, built once and reused (tag `base`)."""
    repo = Path(os.environ.get("CTXLINT_BENCH_DIR", "/tmp")) / f"ctxlint-bench-audit-{n}"
    if (repo / ".git").is_dir() and _git(repo, "tag", "-l", "base").strip():
        _git(repo, "update-ref", "refs/heads/main", "refs/tags/base")
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    rng = random.Random(5)
    started = time.perf_counter()
    _import(repo, 0, n, rng, True, 1_600_000_000)
    _git(repo, "tag", "base", "refs/heads/main")
    print(f"built {n} commits in {time.perf_counter() - started:.1f} s at {repo}", file=sys.stderr)
    return repo


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the child or its largest waited-for descendant)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024


_OWN_PEAK = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'ownpeak=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "sys.argv = ['ctxlint', *sys.argv[1:]]\n"
    "runpy.run_module('linter', run_name='__main__')\n"
)


def _own_peak(args: list[str], cwd: Path) -> float:
    """Peak RSS in MB of the audit's own Python process (git and the lint workers not counted)."""
    proc = subprocess.run(
        [sys.executable, "-c", _OWN_PEAK, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    for line in proc.stderr.splitlines():
        if line.startswith("ownpeak="):
            return int(line.split("=", 1)[1]) / 1024
    raise SystemExit(f"could not measure the audit's own peak: {proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 commits instead of 100,000")
    parser.add_argument("-n", type=int, help="number of commits")
    args = parser.parse_args(argv)
    n = args.n or (10_000 if args.quick else 100_000)
    repo = build(n)
    audit = [sys.executable, "-m", "linter", "audit", "--format", "json", "--no-progress"]
    cache = repo / ".git" / "ctxlint"
    rows: list[tuple[str, float, float, str]] = []
    _git(repo, "update-ref", "-d", "refs/notes/ctxlint")
    log_msg, rss_msg = measure(["git", "log", "-z", f"--format={FORMAT}", "HEAD"], repo)
    log_stat, rss_stat = measure(["git", "log", "-z", "--numstat", f"--format={FORMAT}", "HEAD"], repo)
    rows.append(("bare git log -z (messages)", log_msg, rss_msg, "reference"))
    rows.append(("bare git log -z --numstat", log_stat, rss_stat, "reference (the floor)"))
    for workers in ("1", "0"):
        shutil.rmtree(cache, ignore_errors=True)
        wall, rss = measure([*audit, "--workers", workers, "--no-cache"], repo)
        label = "cold audit, 1 process" if workers == "1" else "cold audit, lint pool (default)"
        verdict = "PASS" if wall <= 3 * log_stat else "FAIL"
        rows.append(
            (
                label,
                wall,
                rss,
                f"<= {3 * log_stat:.2f} s (3x numstat log): {verdict} ({wall / log_stat:.1f}x)",
            )
        )
    shutil.rmtree(cache, ignore_errors=True)
    wall, rss = measure(audit, repo)
    own = _own_peak([*audit[3:], "--no-cache"], repo)
    verdict = f"{'PASS' if rss < 500 else 'FAIL'}; the audit's Python process alone: {own:.0f} MB"
    rows.append(
        ("cold audit, writing the cache", wall, rss, f"peak < 500 MB: {verdict} (git's own peak above)")
    )
    rng = random.Random(7)
    _import(repo, n, 100, rng, False, 1_600_000_000)
    wall, rss = measure(audit, repo)
    rows.append(("warm audit, 100 new commits", wall, rss, f"< 2 s: {'PASS' if wall < 2 else 'FAIL'}"))
    wall, rss = measure([*audit, "--since", "2020-09-13", "--until", "2020-10-01"], repo)
    rows.append(("warm audit, --since/--until", wall, rss, "period from the cached records"))
    note = "Refs: ABC-1\nWhy: the bench annotates one old commit to time a re-lint\n"
    _git(repo, "notes", "--ref", "ctxlint", "add", "-m", note, f"HEAD~{n // 2}")
    wall, rss = measure(audit, repo)
    rows.append(("warm audit after one new note", wall, rss, "re-lints one commit, replays the cache"))
    _git(repo, "update-ref", "-d", "refs/notes/ctxlint")
    _git(repo, "update-ref", "refs/heads/main", "refs/tags/base")
    print(f"\nctxlint audit on {n:,} commits ({os.cpu_count()} cores)\n")
    print(f"{'measure':34} {'seconds':>8} {'peak MB':>8}  floor / target")
    for label, wall, rss, verdict in rows:
        print(f"{label:34} {wall:8.2f} {rss:8.1f}  {verdict}")
    print("\npeak MB: the largest process of the run (ru_maxrss via wait4), git log included")
    return 0


if __name__ == "__main__":
    sys.exit(main())
