"""A small history with known numbers, shared by the audit tests (not a test module itself).

Every figure the audit reports for it is worked out by hand in TRUTH, so the tests compare the
report against the truth, not against the implementation's own arithmetic.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tests.conftest import Repo, run_ctxlint

HOSTILE_SUBJECT = "<script>alert(1)</script> | a | b | [bold]B[/bold] **x** \x1b[31mred"
HOSTILE_NAME = "Bob [red]R[/red] | &amp; *y*"
HOSTILE_PATH = "<img src=x onerror=alert(1)>|y/f.txt"


def lines(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(n))


def build(repo: Any, hostile: bool = False) -> dict[str, str]:
    """Make the history; returns the shas by label. CODEOWNERS is left untracked in the work tree."""
    shas: dict[str, str] = {}
    ada, bob, carol = "Ada <ada@example.com>", "Bob <Bob@Example.com>", "Carol <carol@example.com>"
    if hostile:
        bob = f"{HOSTILE_NAME} <Bob@Example.com>"
    shas["c1"] = repo.commit(
        "Add billing export\n\nFinance needs monthly CSV files because the old export timed out.\n\n"
        "Refs: PAY-1\n",
        {"src/a.py": lines(10)},
        author=ada,
        date="2026-01-05T10:00:00Z",
    )
    shas["c2"] = repo.commit(
        "Tweak retry\n\nRefs: OPS-2\n", {"src/b.py": lines(5)}, author=bob, date="2026-01-31T23:59:59Z"
    )
    shas["c3"] = repo.commit(
        "Speed up search\n\n"
        "The index was rebuilt on every request, so search took seconds for big tenants.\n",
        {"docs/x.md": lines(3)},
        author=ada,
        date="2026-02-01T00:00:00Z",
    )
    subject4 = HOSTILE_SUBJECT if hostile else "wip"
    files4 = {"lib/c.py": lines(20), **({HOSTILE_PATH: "1\n"} if hostile else {})}
    shas["c4"] = repo.commit(f"{subject4}\n", files4, author=bob, date="2026-02-10T12:00:00Z")
    shas["c5"] = repo.commit(
        "Bump left-pad from 1.0 to 1.1\n",
        {"deps.txt": lines(1)},
        author="dependabot[bot] <support@github.com>",
        date="2026-02-15T08:00:00Z",
    )
    shas["c6"] = repo.commit(
        "Import tariffs\n\nCtxlint-Skip: generated data refresh\n",
        {"data/t.csv": lines(7)},
        author=ada,
        date="2026-03-01T00:00:00Z",
    )
    repo.git("rm", "-q", "lib/c.py")
    shas["c7"] = repo.commit(
        f'Revert "wip"\n\nThis reverts commit {shas["c4"]}.\n', {}, author=ada, date="2026-03-02T09:00:00Z"
    )
    repo.git("checkout", "-q", "-b", "side")
    shas["side"] = repo.commit(
        "Link the invoice page\n\nThe emailed link failed because the route moved last sprint.\n\n"
        "Refs: #12\n",
        {"src/d.py": lines(4)},
        author=carol,
        date="2026-03-03T09:00:00Z",
    )
    repo.git("checkout", "-q", "main")
    stamp = "2026-03-03T10:00:00Z"
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'side'",
        "side",
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    shas["merge"] = repo.git("rev-parse", "HEAD").strip()
    repo.write(".github/CODEOWNERS", "* @org/all\n/src/ @org/backend\ndocs/ @org/docs @org/writers  # docs\n")
    return shas


def bucket(
    commits: int,
    exempt: int,
    checked: int,
    ticket: int,
    rationale: int,
    both: int,
    lines_all: int,
    lines_checked: int,
    lines_ticket: int,
    lines_rationale: int,
    lines_both: int,
) -> dict[str, int]:
    return {
        "commits": commits,
        "exempt": exempt,
        "checked": checked,
        "with_ticket": ticket,
        "with_rationale": rationale,
        "with_both": both,
        "lines": lines_all,
        "lines_checked": lines_checked,
        "lines_with_ticket": lines_ticket,
        "lines_with_rationale": lines_rationale,
        "lines_with_both": lines_both,
    }


# c1 both 10 lines | c2 ticket 5 | c3 rationale 3 | c4 neither 20 | c5 bot 1 | c6 skip 7 | c7 revert 20
# side both 4 | merge 0 lines
TRUTH: dict[str, Any] = {
    "totals": bucket(9, 4, 5, 3, 3, 2, 70, 42, 19, 17, 14),
    "by_month": {
        "2026-01": bucket(2, 0, 2, 2, 1, 1, 15, 15, 15, 10, 10),
        "2026-02": bucket(3, 1, 2, 0, 1, 0, 24, 23, 0, 3, 0),
        "2026-03": bucket(4, 3, 1, 1, 1, 1, 31, 4, 4, 4, 4),
    },
    "by_week": {
        "2026-W02": bucket(1, 0, 1, 1, 1, 1, 10, 10, 10, 10, 10),
        "2026-W05": bucket(2, 0, 2, 1, 1, 0, 8, 8, 5, 3, 0),
    },
    "by_author": {
        "ada@example.com": bucket(5, 3, 2, 1, 2, 1, 40, 13, 10, 13, 10),
        "bob@example.com": bucket(2, 0, 2, 1, 0, 0, 25, 25, 5, 0, 0),
        "support@github.com": bucket(1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
        "carol@example.com": bucket(1, 0, 1, 1, 1, 1, 4, 4, 4, 4, 4),
    },
    "by_folder": {
        "src/": bucket(3, 0, 3, 3, 2, 2, 19, 19, 19, 14, 14),
        "docs/": bucket(1, 0, 1, 0, 1, 0, 3, 3, 0, 3, 0),
        "lib/": bucket(2, 1, 1, 0, 0, 0, 40, 20, 0, 0, 0),
        "(root)": bucket(1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
        "data/": bucket(1, 1, 0, 0, 0, 0, 7, 0, 0, 0, 0),
    },
    "by_owner": {
        "@org/backend": bucket(3, 0, 3, 3, 2, 2, 19, 19, 19, 14, 14),
        "@org/docs": bucket(1, 0, 1, 0, 1, 0, 3, 3, 0, 3, 0),
        "@org/writers": bucket(1, 0, 1, 0, 1, 0, 3, 3, 0, 3, 0),
        "@org/all": bucket(4, 3, 1, 0, 0, 0, 48, 20, 0, 0, 0),
    },
    "by_project": {
        "PAY": bucket(1, 0, 1, 1, 1, 1, 10, 10, 10, 10, 10),
        "OPS": bucket(1, 0, 1, 1, 0, 0, 5, 5, 5, 0, 0),
        "#": bucket(1, 0, 1, 1, 1, 1, 4, 4, 4, 4, 4),
    },
    "exempt": {"merge": 1, "revert": 1, "fixup": 0, "bot": 1, "release": 0, "skip": 1},
    "missing_order": ["c4", "c2", "c3"],
}


def audit_report(cwd: Path, *args: str) -> dict[str, Any]:
    """`ctxlint audit --format json ARGS` run as a real process; fails the test on a non-zero exit."""
    proc = run_ctxlint("audit", "--format", "json", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def annotate_the_wip_commit(cwd: Path, sha: str) -> None:
    """Record the ticket and the why the history's WIP commit lacks, as a note, with `annotate`."""
    proc = run_ctxlint("annotate", sha, "--ticket", "OPS-9", "--why",
                       "the retry loop hid timeouts from the on-call dashboard", cwd=cwd)
    assert proc.returncode == 0, proc.stderr


# -- a long history ------------------------------------------------------------------------------

DAY = 86400
WHY = "The retry loop hid gateway timeouts from on-call, so alerts never fired."


def long_history(repo: Repo, years: int = 24, start: int = 2002) -> list[int]:
    """`years` of history through `git fast-import`: busy years with ~15 commits a month and quiet
    years with one commit every few months. Returns the commit timestamps."""
    stamps: list[int] = []
    for year in range(start, start + years):
        busy = year % 6 in (0, 1)
        for month in range(1, 13):
            if not busy and month % 4:
                continue
            base = int(datetime(year, month, 3, tzinfo=timezone.utc).timestamp())
            stamps += [base + i * DAY + 3600 for i in range(15 if busy else 1)]
    stream: list[bytes] = []
    for i, stamp in enumerate(stamps):
        # Busy periods: two in three commits with ticket and why; quiet ones alternate.
        good = i % 3 != 2
        text = f"Rework part {i}\n\n{WHY}\n\nRefs: ABC-{i + 1}\n" if good else f"Fix part {i}\n"
        data = text.encode()
        content = f"{i}\n".encode()
        stream += [
            b"commit refs/heads/main\n",
            f"committer Ada <ada@example.com> {stamp} +0000\n".encode(),
            f"data {len(data)}\n".encode() + data + b"\n",
            f"M 644 inline f{i % 20}.txt\ndata {len(content)}\n".encode() + content + b"\n",
        ]
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=repo.path, check=True)
    repo.git("reset", "-q", "--hard", "main")
    return stamps


def months_between(stamps: list[int]) -> int:
    first = datetime.fromtimestamp(min(stamps), timezone.utc)
    last = datetime.fromtimestamp(max(stamps), timezone.utc)
    return (last.year - first.year) * 12 + last.month - first.month + 1
