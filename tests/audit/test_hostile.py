"""The audit under faults: a read-only or full git directory, unwritable outputs, dates past
year 9999, and a damaged cache. It must never crash, never hang, never report a wrong number.

Root ignores permission bits, so a read-only `.git` is made for root with a read-only bind mount
in a private mount namespace (`unshare -m`), and a full disk with a tiny tmpfs; where neither is
possible those tests skip, and the file-size limit (RLIMIT_FSIZE) stands in for a full disk.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.audit.history import audit_report
from tests.conftest import ROOT, Repo, run_ctxlint

PERIOD = ("--since", "2026-02-01", "--until", "2026-03-02")


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """Everything but what says how the report was made."""
    return {k: v for k, v in report.items() if k not in ("cache", "generated_at")}


def ctxlint_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


def run_in_namespace(script: str, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `script` (sh, as root in a private mount namespace) and then ctxlint ARGS in `repo`."""
    command = ["unshare", "-m", "sh", "-c", f'{script} && exec "$@"', "sh", sys.executable, "-m", "linter", *args]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=ctxlint_env(), timeout=120,
                          check=False)


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
                           capture_output=True, check=False)
    return probe.returncode == 0


def audit_read_only(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`ctxlint audit --format json ARGS` with `.git` read-only, as a CI cache or another user's clone."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(repo / ".git")], check=True)
        try:
            return run_ctxlint("audit", "--format", "json", *args, cwd=repo)
        finally:
            subprocess.run(["chmod", "-R", "u+w", str(repo / ".git")], check=True)
    if not can_mount():
        pytest.skip("root without mount namespaces: a read-only .git cannot be made here")
    return run_in_namespace('mount --bind -o ro .git .git', repo, "audit", "--format", "json", *args)


def one_note(stderr: str, *words: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("ctxlint: note: ") and all(w in lines[0] for w in words), stderr


# -- a read-only git directory -------------------------------------------------------------------


def test_read_only_git_dir_runs_without_the_cache_and_says_so_once(repo: Repo, history: dict[str, str]) -> None:
    truth = figures(audit_report(repo.path, "--no-cache"))
    proc = audit_read_only(repo.path)
    assert proc.returncode == 0, proc.stderr
    one_note(proc.stderr, "cache cannot be written")
    assert figures(json.loads(proc.stdout)) == truth
    assert not (repo.path / ".git" / "ctxlint").exists()


def test_read_only_git_dir_still_reads_a_cache_it_cannot_update(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)
    repo.commit("wip 2\n", date="2026-03-06T00:00:00Z")
    proc = audit_read_only(repo.path)
    assert proc.returncode == 0, proc.stderr
    one_note(proc.stderr, "cache cannot be written")
    report = json.loads(proc.stdout)
    assert report["cache"]["used"] is True and report["cache"]["new_commits"] == 1
    assert figures(report) == figures(audit_report(repo.path, "--no-cache"))
    nothing_new = audit_report(repo.path)  # writable again: the cache catches up, no note
    assert nothing_new["cache"]["new_commits"] == 1 and "note" not in nothing_new["cache"]


def test_a_file_where_the_cache_folder_belongs(repo: Repo, history: dict[str, str]) -> None:
    (repo.path / ".git" / "ctxlint").write_text("not a folder\n")
    proc = run_ctxlint("audit", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    one_note(proc.stderr, "cache cannot be written")
    assert figures(json.loads(proc.stdout)) == figures(audit_report(repo.path, "--no-cache"))


# -- full disks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_output_to_a_full_disk_is_one_line_and_exit_2(repo: Repo, history: dict[str, str], fmt: str) -> None:
    proc = run_ctxlint("audit", "--format", fmt, "--output", "/dev/full", cwd=repo.path)
    assert proc.returncode == 2
    assert proc.stderr == "ctxlint: --output /dev/full: cannot write the report: No space left on device\n"
    with open("/dev/full", "w") as full:
        piped = subprocess.run([sys.executable, "-m", "linter", "audit", "--format", fmt], cwd=repo.path,
                               stdout=full, stderr=subprocess.PIPE, text=True, env=ctxlint_env(), check=False)
    assert piped.returncode == 2
    assert piped.stderr == "ctxlint: standard output: cannot write the report: No space left on device\n"


def test_merge_output_to_a_full_disk(repo: Repo, history: dict[str, str], tmp_path: Path) -> None:
    report = tmp_path / "a.json"
    report.write_text(json.dumps(audit_report(repo.path)))
    proc = run_ctxlint("audit", "merge", str(report), "-o", "/dev/full", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_cache_past_the_file_size_limit_continues_uncached(repo: Repo, history: dict[str, str]) -> None:
    """A quota or a file-size limit fails the cache's writes as a full disk does (EFBIG)."""
    truth = figures(audit_report(repo.path, "--no-cache"))
    proc = subprocess.run([sys.executable, "-m", "linter", "audit", "--format", "json"], cwd=repo.path,
                          capture_output=True, text=True, env=ctxlint_env(), preexec_fn=_limit_file_size,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    one_note(proc.stderr, "cache cannot be written", "File too large")
    assert figures(json.loads(proc.stdout)) == truth
    folders = list((repo.path / ".git" / "ctxlint" / "audit").iterdir())
    assert [p.name for f in folders for p in f.iterdir()] == []  # no temp file left behind
    assert audit_report(repo.path)["cache"]["used"] is False  # nothing half-written was kept


def test_cache_on_a_full_disk_continues_uncached(repo: Repo, history: dict[str, str]) -> None:
    if not can_mount():
        pytest.skip("a small tmpfs cannot be mounted here")
    truth = figures(audit_report(repo.path, "--no-cache"))
    (repo.path / ".git" / "ctxlint").mkdir()
    fill = "mount -t tmpfs -o size=8k tmpfs .git/ctxlint && (cat /dev/zero > .git/ctxlint/fill 2>/dev/null; true)"
    proc = run_in_namespace(fill, repo.path, "audit", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    one_note(proc.stderr, "cache cannot be written", "No space left on device")
    assert figures(json.loads(proc.stdout)) == truth


# -- dates git accepts and Python cannot show ----------------------------------------------------

ADR = "# 1. Use Postgres\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Decision\n\nUse Postgres.\n"
WHY = "\n\nThe export needs this because the old path timed out on big tenants.\n\nRefs: PAY-1\n"


def raw_commit(repo: Repo, parent: str, stamp: str, subject: str) -> str:
    """A commit object written by hand: git's own date parser refuses stamps past 2^64."""
    tree = repo.git("rev-parse", f"{parent}^{{tree}}").strip()
    body = (f"tree {tree}\nparent {parent}\nauthor Ada <ada@example.com> {stamp} +0000\n"
            f"committer Ada <ada@example.com> {stamp} +0000\n\n{subject}{WHY}")
    return repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=body).strip()


@pytest.fixture
def far_future(repo: Repo) -> Repo:
    """Six commits: 2026, year 10000, year 3170843, 2^64, a 5000-digit stamp, and 2026 again."""
    repo.commit(f"Add the decision log{WHY}", {"docs/adr/0001-use-postgres.md": ADR}, date="2026-01-05T10:00:00Z")
    repo.commit(f"Add year ten thousand{WHY}", date="@253402300800 +0000")
    repo.commit(f"Add a far year{WHY}", date="@99999999999999 +0000")
    head = repo.git("rev-parse", "HEAD").strip()
    head = raw_commit(repo, head, str(2**64), "Add two to the sixty-fourth")
    head = raw_commit(repo, head, "9" * 5000, "Add five thousand digits")
    repo.git("update-ref", "refs/heads/main", head)
    repo.git("reset", "-q", "--hard")
    repo.commit(f"Add the present{WHY}", date="2026-02-05T10:00:00Z")
    return repo


def test_audit_counts_dates_past_year_9999_at_the_last_date(far_future: Repo) -> None:
    for args in ((), ("--no-cache",), ()):  # cold, uncached, then from the cache
        report = audit_report(far_future.path, *args)
        assert report["totals"]["commits"] == 6
        assert report["by_month"]["9999-12"]["commits"] == 4 and report["by_month"]["2026-01"]["commits"] == 1
        assert report["last_commit_date"] == "9999-12-31T23:59:59Z"
        assert any("after 9999-12-31" in w for w in report["warnings"])
    assert audit_report(far_future.path)["cache"]["used"] is True
    for fmt in ("text", "markdown", "html"):
        proc = run_ctxlint("audit", "--format", fmt, cwd=far_future.path)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("since", ["10000000000 days ago", f"{'9' * 5000} weeks ago", "0001-01-01", "1960-01-01"])
def test_since_before_any_date_git_knows_selects_everything(far_future: Repo, since: str) -> None:
    for args in (("--no-cache",), ()):
        report = audit_report(far_future.path, "--since", since, *args)
        assert report["totals"]["commits"] == 6, (since, args)
    assert report["period"]["since"][:4] in ("0001", "1960")


def test_until_the_last_date_leaves_out_the_clamped_commits(far_future: Repo) -> None:
    report = audit_report(far_future.path, "--no-cache", "--since", "2026-01-01", "--until", "9999-12-31T23:59:59Z")
    assert report["totals"]["commits"] == 2


def test_check_range_and_why_read_far_dates(far_future: Repo) -> None:
    proc = run_ctxlint("check-range", "HEAD", "--format", "json", cwd=far_future.path)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout)["commits"] == 6
    proc = run_ctxlint("why", "--commits", "ten thousand", cwd=far_future.path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_timestamps_are_clamped_at_both_ends() -> None:
    from linter import gitio
    from linter.audit.dates import iso, parse_date

    assert gitio.timestamp(b"") == 0 and gitio.timestamp("1700000000") == 1700000000
    assert gitio.timestamp(b"253402300799") == gitio.TIMESTAMP_MAX == gitio.timestamp(b"253402300800")
    assert gitio.timestamp(str(2**64)) == gitio.TIMESTAMP_MAX == gitio.timestamp("9" * 5000)
    assert gitio.timestamp("-" + "9" * 30) == gitio.TIMESTAMP_MIN == gitio.timestamp("-62135596801")
    assert iso(gitio.TIMESTAMP_MIN) == "0001-01-01T00:00:00Z" and iso(10**30) == "9999-12-31T23:59:59Z"
    assert parse_date("10000000000 days ago") == gitio.TIMESTAMP_MIN
    assert parse_date("9999-12-31T23:59:59-05:00") == gitio.TIMESTAMP_MAX
    assert parse_date("2 days ago", now=10 * 86400 + 5) == 8 * 86400 + 5


# -- a damaged cache -----------------------------------------------------------------------------


def cache_dir(repo: Repo) -> Path:
    (folder,) = (repo.path / ".git" / "ctxlint" / "audit").iterdir()
    return folder


def segments(repo: Repo) -> list[Path]:
    return sorted(cache_dir(repo).glob("seg-*"))


def rewrite_meta(repo: Repo, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the index and give it a valid digest: only the validation of its content is left."""
    import hashlib
    import marshal

    from linter.audit.cache import _DIGEST_SIZE

    path = cache_dir(repo) / "meta"
    meta = marshal.loads(path.read_bytes()[_DIGEST_SIZE:])
    change(meta)
    payload = marshal.dumps(meta)
    path.write_bytes(hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload)


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= 0x5A
    path.write_bytes(bytes(data))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _set_state(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda meta: meta["state"].__setitem__(key, value)


def _bump_bucket(meta: dict[str, Any]) -> None:
    next(iter(meta["state"]["tables"]["by_month"].values()))[0] += 1


DAMAGE: dict[str, Callable[[Repo], None]] = {
    "index truncated": lambda r: (cache_dir(r) / "meta").write_bytes((cache_dir(r) / "meta").read_bytes()[:40]),
    "index garbage": lambda r: (cache_dir(r) / "meta").write_bytes(os.urandom(300)),
    "index byte flipped": lambda r: flip(cache_dir(r) / "meta", 200),
    "index a fifo": lambda r: _fifo(cache_dir(r) / "meta"),
    "index totals not a list": lambda r: rewrite_meta(r, _set_state("totals", "x")),
    "index count off by one": lambda r: rewrite_meta(r, lambda m: m.__setitem__("count", m["count"] + 1)),
    "index a count of 'many'": lambda r: rewrite_meta(r, _set_state("missing_total", "many")),
    "index a negative count": lambda r: rewrite_meta(r, _set_state("reasons", {"merge": -3})),
    "index a month out of step": lambda r: rewrite_meta(r, _bump_bucket),
    "index a tip that is an option": lambda r: rewrite_meta(r, lambda m: m.__setitem__("tips", ["--output=x"])),
    "index a segment path": lambda r: rewrite_meta(
        r, lambda m: m.__setitem__("segments", [("../../HEAD", *m["segments"][0][1:]), *m["segments"][1:]])),
    "index a date past 9999": lambda r: rewrite_meta(r, _set_state("last", 10**20)),
    "segment truncated": lambda r: segments(r)[0].write_bytes(segments(r)[0].read_bytes()[:-7]),
    "segment grown": lambda r: segments(r)[0].write_bytes(segments(r)[0].read_bytes() + b"\0" * 8),
    "segment header flipped": lambda r: flip(segments(r)[0], 3),
    "segment body flipped": lambda r: flip(segments(r)[-1], -20),
    "segment garbage": lambda r: segments(r)[0].write_bytes(os.urandom(segments(r)[0].stat().st_size)),
    "segment missing": lambda r: segments(r)[0].unlink(),
    "segment a fifo": lambda r: _fifo(segments(r)[0]),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_rebuilt_and_never_changes_a_number(
    repo: Repo, history: dict[str, str], damage: str
) -> None:
    audit_report(repo.path)
    repo.commit("wip 2\n", {"lib/g.py": "z\n" * 3}, date="2026-02-20T00:00:00Z")
    assert audit_report(repo.path)["cache"]["cached_commits"] == 9
    assert len(segments(repo)) == 2
    truth = {args: figures(audit_report(repo.path, "--no-cache", *args)) for args in (PERIOD, ())}
    DAMAGE[damage](repo)
    # The period run reads the segments themselves; the whole-history run reads the index alone.
    for args in (PERIOD, ()):
        proc = run_ctxlint("audit", "--format", "json", *args, cwd=repo.path)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 1, proc.stderr
        assert figures(json.loads(proc.stdout)) == truth[args], args
    again = audit_report(repo.path, *PERIOD)
    assert again["cache"]["used"] is True and "note" not in again["cache"]
    assert figures(again) == truth[PERIOD]


def test_damage_is_reported_once_as_a_rebuild(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)
    flip(segments(repo)[0], -20)
    proc = run_ctxlint("audit", "--format", "json", *PERIOD, cwd=repo.path)
    assert proc.returncode == 0
    one_note(proc.stderr, "did not validate", "checksum", "read again")


def test_a_damaged_segment_is_never_read_as_fewer_commits(repo: Repo, history: dict[str, str]) -> None:
    """The issue's symptom: a truncated segment made `--since` report 0 commits, silently."""
    audit_report(repo.path)
    (segment,) = segments(repo)
    data = segment.read_bytes()
    segment.write_bytes(data[: len(data) // 2])
    report = audit_report(repo.path, "--since", "2026-01-01")
    assert report["totals"]["commits"] == 9


# -- relatives: what else git, a config or the command line can hand the audit -------------------


def test_an_unborn_branch_beside_real_ones_is_not_an_empty_repository(repo: Repo) -> None:
    repo.commit(f"Add the first page{WHY}", {"page.txt": "one line\n"})
    (repo.path / "logo.bin").write_bytes(b"\x00\x01\x02" * 100)
    repo.commit(f"Add the binary logo{WHY}", {})
    repo.git("checkout", "-q", "--orphan", "fresh")
    proc = run_ctxlint("audit", "--format", "json", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    assert any("unborn branch" in w for w in json.loads(proc.stdout)["warnings"])
    proc = run_ctxlint("audit", "nosuch", cwd=repo.path)
    assert proc.returncode == 2 and proc.stderr == "ctxlint: revision 'nosuch' is not in this repository\n"
    report = audit_report(repo.path, "main")
    assert report["totals"]["commits"] == 2 and report["totals"]["lines"] == 1  # a binary file: no lines


def test_a_missing_revision_with_a_cache_is_one_line(repo: Repo, history: dict[str, str]) -> None:
    audit_report(repo.path)
    proc = run_ctxlint("audit", "main..nosuch", cwd=repo.path)
    assert proc.returncode == 2 and proc.stderr == "ctxlint: revision 'nosuch' is not in this repository\n"


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "101"])
def test_fail_under_must_be_a_percentage(repo: Repo, history: dict[str, str], value: str) -> None:
    proc = run_ctxlint("audit", "--fail-under", value, cwd=repo.path)
    assert proc.returncode == 2 and proc.stderr.startswith("ctxlint: --fail-under must be a percentage"), proc.stderr


def test_a_config_asking_for_a_hundred_thousand_workers_is_capped(repo: Repo) -> None:
    """A pull request's own config is read in CI: its worker count must not fork a process storm."""
    stream = "".join(
        f"commit refs/heads/main\ncommitter Ada <ada@example.com> {1700000000 + i} +0000\n"
        f"data {len(m := f'Change {i}{WHY}')}\n{m}\nM 644 inline f{i % 7}.txt\ndata 2\n{i % 10}\n\n"
        for i in range(300)
    )
    repo.git("fast-import", "--quiet", input=stream)
    (repo.path / ".ctxlint.toml").write_text("[audit]\nworkers = 100000\n")
    proc = subprocess.run([sys.executable, "-m", "linter", "audit", "--format", "json", "--no-cache"],
                          cwd=repo.path, capture_output=True, text=True, env=ctxlint_env(), timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["commits"] == 300
