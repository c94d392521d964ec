"""Hook latency: `ctxlint check-msg` as a whole process, beside the bare interpreter and other linters.

Builds a throw-away venv with a regular (non-editable, byte-compiled) install of this checkout,
as pre-commit would, plus gitlint, commit-check and conventional-pre-commit as anchors. Runs are
interleaved so that machine noise hits every tool alike; the median is reported.

    python benchmarks/bench_hook.py            # 60 rounds
    python benchmarks/bench_hook.py --quick    # 15 rounds, no anchors that are not installed yet
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import ADR_RECORDS, CORPORA, ensure_venv, run_env

ANCHORS = ["gitlint", "commit-check", "conventional-pre-commit"]
#: A hundred long records (the first PEPs) for the third: the largest log #11 budgets the hook for.
PEP_CORPUS = CORPORA / "decisions" / "peps" / "decisions"

PASSING = """PAY-412: retry card payments on gateway timeouts

The gateway drops idle connections after 30 s, so a retry without a fresh
connection charged some customers twice.

Refs: PAY-400
"""


def commands(python: Path, msg: Path) -> dict[str, list[str]]:
    bin_dir = python.parent
    table = {
        "python -c pass (floor)": [str(python), "-c", "pass"],
        "ctxlint check-msg": [str(bin_dir / "ctxlint"), "check-msg", str(msg)],
    }
    if (bin_dir / "gitlint").exists():
        table["gitlint"] = [str(bin_dir / "gitlint"), "--msg-filename", str(msg)]
    if (bin_dir / "commit-check").exists():
        table["commit-check"] = [str(bin_dir / "commit-check"), "--message", "--no-banner", str(msg)]
    if (bin_dir / "conventional-pre-commit").exists():
        table["conventional-pre-commit"] = [str(bin_dir / "conventional-pre-commit"), str(msg)]
    return table


def measure(table: dict[str, list[str]], rounds: int, cwd: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in table}
    env = run_env()
    for _ in range(rounds):
        for name, argv in table.items():
            start = time.perf_counter()
            subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            times[name].append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args(argv)
    rounds = args.rounds or (15 if args.quick else 60)
    python = ensure_venv([] if args.quick else ANCHORS)
    work = Path(tempfile.mkdtemp(prefix="ctxlint-bench-hook-"))
    try:
        subprocess.run(["git", "init", "-q", str(work)], check=True)
        msg = work / ".git" / "COMMIT_EDITMSG"
        msg.write_text(PASSING, encoding="utf-8")
        table = commands(python, msg)
        # Sanity: the message must pass ctxlint, or we would be timing the error path.
        check = subprocess.run(table["ctxlint check-msg"], cwd=work, capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stdout + check.stderr)
            return 1
        times = measure(table, rounds, work)
        cold = measure_cold(table["ctxlint check-msg"], work, max(5, rounds // 4))
        logs = {}
        for label, source, count in (("52-record decision log (adr-paas)", ADR_RECORDS, 52),
                                     ("100-record decision log (the first 100 PEPs)", PEP_CORPUS, 100)):
            logs[label] = measure_with_decisions(python, msg, Path(tempfile.mkdtemp(prefix="ctxlint-bench-hook-")),
                                                 rounds, source, count)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(times["python -c pass (floor)"])
    print(f"hook latency, median of {rounds} interleaved runs on a passing message")
    print(f"{'command':<28}{'median ms':>10}{'p90 ms':>9}{'x floor':>9}")
    for name, values in times.items():
        med = statistics.median(values)
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"{name:<28}{med * 1000:>10.1f}{p90 * 1000:>9.1f}{med / floor:>9.2f}")
    target = statistics.median(times["ctxlint check-msg"]) / floor
    print(f"target: ctxlint <= 3.0x floor and faster than every anchor; measured {target:.2f}x")
    med = statistics.median(cold)
    print(f"first run on a machine (no compiled-regex cache yet, ADR 8): median {med * 1000:.1f} ms, "
          f"{med / floor:.2f}x floor")
    for label, values in logs.items():
        if values:
            med = statistics.median(values)
            print(f"with a {label}, warm index, reopened-topic check on: median {med * 1000:.1f} ms, "
                  f"{med / floor:.2f}x floor (target <= 3x)")
    return 0


def measure_cold(argv: list[str], cwd: Path, rounds: int) -> list[float]:
    """The hook as on a machine's first commit: an empty compiled-regex cache every run."""
    times: list[float] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="ctxlint-bench-cold-") as cache:
            env = {**run_env(), "CTXLINT_CACHE_DIR": cache}
            start = time.perf_counter()
            subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            times.append(time.perf_counter() - start)
    return times


def measure_with_decisions(python: Path, msg: Path, work: Path, rounds: int, source: Path,
                           count: int) -> list[float]:
    """The same hook in a repository that keeps `count` decision records from `source`, so CTX301
    runs on every commit."""
    try:
        if not source.is_dir():
            print(f"(decision corpus not found at {source}; set CTXLINT_CORPORA for the decision-log scenarios)")
            return []
        subprocess.run(["git", "init", "-q", str(work)], check=True)
        target = work / "docs" / "adr"
        target.mkdir(parents=True)
        for record in sorted(source.glob("*.md"))[:count]:
            shutil.copy(record, target / record.name)
        here = work / ".git" / "COMMIT_EDITMSG"
        shutil.copy(msg, here)
        argv = [str(python.parent / "ctxlint"), "check-msg", str(here)]
        subprocess.run(argv, cwd=work, capture_output=True, check=False)  # builds the cached index
        return measure({"log": argv}, rounds, work)["log"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
