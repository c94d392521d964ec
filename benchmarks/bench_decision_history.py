"""Decision warnings over a real team's history: how many commits are flagged, and whether any flag
names a record that was not closed yet when the commit was made.

    python benchmarks/bench_decision_history.py            # history-paas, best of 5 timings
    python benchmarks/bench_decision_history.py --repo PATH --runs 3

The history is `../shared/corpora/decisions/history-paas/repo.bundle` (1,417 commits of a real
team, 53 ADRs in `source/architecture_decision_records/`), cloned once under /tmp. ctxlint runs
WITHOUT configuration (the folder must be found by itself): `check-range --format json HEAD`.

Every CTX301 flag is then checked against git itself, one question per flag (this script may be
slow; ctxlint may not): the record must exist at the commit's first parent, with a closed status
there, and the commit must not touch it. A flag that fails is a time-travel flag. Targets: at most
1% of non-merge commits flagged and zero time-travel flags.

check-range is also timed (best of N runs, wall and CPU) with CTX301 on and off, beside a bare
`git log`: what the decision check costs over a whole history. This is a report, not a target:
over 1,417 commits git log takes some 10 ms, less than Python's own start, so the 5x range target
is judged where start-up is a small part, by bench_range.py over 10,000 commits.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.decisions import is_closed  # noqa: E402
from linter.decisions.records import parse  # noqa: E402

TARGET_SHARE = 1.0


def corpus() -> Path:
    from installed import CORPORA

    return CORPORA / "decisions" / "history-paas" / "repo.bundle"


def ensure_clone(bundle: Path) -> Path:
    path = Path("/tmp/ctxlint-bench-history-paas")
    if not (path / ".git").is_dir():
        subprocess.run(["git", "clone", "-q", "-b", "main", str(bundle), str(path)], check=True)
    return path


def git(repo: Path, *args: str, ok: bool = False) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=not ok)


def ctxlint_argv() -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return [sys.executable, "-m", "linter"], env


def best(argv: list[str], repo: Path, env: dict[str, str] | None, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for attempt in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if attempt:  # the first round warms the caches
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def verdict(repo: Path, finding: dict[str, str]) -> str:
    """'ok', or why the flag names a record that was not closed before the commit."""
    sha, path = finding["commit"], finding.get("decision") or ""
    parents = git(repo, "rev-list", "--parents", "-n1", sha).stdout.decode().split()[1:]
    if not parents:
        return "root commit"
    touched = git(repo, "diff-tree", "-r", "--name-only", "--no-commit-id", "-M", parents[0], sha, "--",
                  path).stdout.decode().split("\n")
    if path in touched:
        return "the commit adds or edits the record"
    shown = git(repo, "show", f"{parents[0]}:{path}", ok=True)
    if shown.returncode != 0:
        return "the record did not exist yet"
    status = parse(path, shown.stdout).status
    if not is_closed(status):
        return f"the record was {status} then"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="an existing clone to measure instead of history-paas")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (best is kept)")
    args = parser.parse_args()
    if args.repo:
        repo = Path(args.repo)
    else:
        bundle = corpus()
        if not bundle.is_file():
            print(f"corpus not found: {bundle} (set CTXLINT_CORPORA)")
            return 0
        repo = ensure_clone(bundle)
    prefix, env = ctxlint_argv()
    out = subprocess.run([*prefix, "check-range", "--format", "json", "HEAD"], cwd=repo, env=env,
                         capture_output=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"check-range failed ({out.returncode}): {out.stderr.decode()[:400]}")
    report = json.loads(out.stdout)
    flags = [f for f in report["findings"] if f["code"] == "CTX301"]
    merges = set(git(repo, "rev-list", "--merges", "HEAD").stdout.decode().split())
    non_merge = int(git(repo, "rev-list", "--no-merges", "--count", "HEAD").stdout)
    flagged = {f["commit"] for f in flags if f["commit"] not in merges}
    verdicts = [(f, verdict(repo, f)) for f in flags]
    wrong = [(f, v) for f, v in verdicts if v != "ok"]
    share = 100.0 * len(flagged) / non_merge if non_merge else 0.0
    floor = best(["git", "log", "-z", "--format=%H%x00%B", "HEAD"], repo, None, args.runs)
    ours = best([*prefix, "check-range", "HEAD"], repo, env, args.runs)
    off_config = Path("/tmp/ctxlint-bench-ctx301-off.toml")
    off_config.write_text('[rules]\nreopened-decision = "off"\n')
    without = best([*prefix, "--config", str(off_config), "check-range", "HEAD"], repo, env, args.runs)
    print(f"repository: {repo} ({report.get('commits')} commits, {non_merge} not merges)")
    print(f"flagged: {len(flagged)} non-merge commits = {share:.2f}% (target <= {TARGET_SHARE}%), "
          f"{len(flags)} CTX301 warnings")
    print(f"time-travel flags: {len(wrong)} (target 0)")
    for finding, why in wrong:
        print(f"  {finding['commit'][:10]} {finding.get('subject', '')[:60]!r} -> {finding.get('decision')}: {why}")
    for finding, _ in verdicts[:20]:
        print(f"  flag: {finding['commit'][:10]} {finding.get('subject', '')[:60]!r} -> "
              f"{os.path.basename(finding.get('decision') or '')}")
    print(f"time: check-range {ours[0]:.3f}s wall / {ours[1]:.3f}s CPU; with CTX301 off {without[0]:.3f}s / "
          f"{without[1]:.3f}s (what the decision check costs over the whole history: "
          f"{ours[1] - without[1]:+.3f}s CPU); git log {floor[0]:.3f}s / {floor[1]:.3f}s")
    ok = share <= TARGET_SHARE and not wrong
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
