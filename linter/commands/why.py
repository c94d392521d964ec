"""`ctxlint why QUERY...`: which decision records (and, with --commits, which commits) say why."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from typing import TYPE_CHECKING

from linter.errors import CtxlintError

if TYPE_CHECKING:
    from linter.decisions.index import Entry


def add_arguments(parser: object) -> None:
    parser.add_argument("query", nargs="+", help="a topic, a path, a ticket key or a record (ADR-7)")  # type: ignore[attr-defined]
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")  # type: ignore[attr-defined]
    parser.add_argument("--limit", type=int, default=5, help="matches to show (default 5)")  # type: ignore[attr-defined]
    parser.add_argument(  # type: ignore[attr-defined]
        "--commits",
        action="store_true",
        help="also search the rationale of commit messages in the history",
    )


def run(args: object) -> int:
    from linter.commands.decisions import repository
    from linter.decisions import discover
    from linter.decisions.reopening import repository_index

    root, cfg = repository(args.config)  # type: ignore[attr-defined]
    query = " ".join(args.query).strip()  # type: ignore[attr-defined]
    limit = max(1, args.limit)  # type: ignore[attr-defined]
    if not query:
        raise CtxlintError("why: give a topic, a path, a ticket key or a record id")
    matches: list[dict[str, object]] = []
    index = repository_index(root, cfg) if discover.folders(root, cfg) else None
    if index is not None:
        direct = [e for e in index.entries if _names(query, e.path, e.number)]
        seen = {e.path for e in direct}
        for entry in direct:
            matches.append(_row(entry, 1.0))
        ranked = index.search(query, "", limit=limit + len(direct))
        top = ranked[0].score if ranked else 1.0
        for match in ranked:
            if match.entry.path not in seen:
                # Scores are relative to the best match: BM25 sums are not comparable across queries.
                matches.append(_row(match.entry, round(match.score / top, 3) if top else 0.0))
        matches = matches[:limit]
    commits = search_commits(query, root, limit) if args.commits else []  # type: ignore[attr-defined]
    if args.format == "json":  # type: ignore[attr-defined]
        data: dict[str, object] = {"matches": matches}
        if args.commits:  # type: ignore[attr-defined]
            data["commits"] = commits
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    _print(matches, commits, bool(args.commits), index is not None)  # type: ignore[attr-defined]
    return 0


def _names(query: str, path: str, number: int | None) -> bool:
    found = re.fullmatch(r"(?:ADR|decision)[-_ #]?0*(\d{1,6})", query.strip(), re.IGNORECASE)
    if found and number is not None:
        return int(found.group(1)) == number
    norm = query.strip().replace(os.sep, "/").lstrip("./")
    return bool(norm) and (path == norm or path.endswith("/" + norm))


def _row(entry: Entry, score: float) -> dict[str, object]:
    return {
        "id": entry.id,
        "path": entry.path,
        "title": entry.title,
        "status": entry.status,
        "date": entry.date,
        "score": score,
    }


def search_commits(query: str, root: str, limit: int, max_commits: int = 20000) -> list[dict[str, object]]:
    """Commits whose message body (the rationale) best matches the query, ranked by BM25."""
    from linter import gitio
    from linter.decisions.index import words

    if not gitio.has_commits(root):
        return []
    wanted = set(words(query))
    if not wanted:
        return []
    docs: list[tuple[gitio.Commit, dict[str, int], int]] = []
    df: dict[str, int] = {}
    for count, commit in enumerate(gitio.iter_log(["HEAD"], root, ["--no-merges"])):
        if count >= max_commits:
            break
        terms = words(commit.message)
        tf: dict[str, int] = {}
        for term in terms:
            if term in wanted:
                tf[term] = tf.get(term, 0) + 1
        for term in tf:
            df[term] = df.get(term, 0) + 1
        docs.append((commit, tf, len(terms)))
    if not docs:
        return []
    n = len(docs)
    avg = max(1.0, sum(d[2] for d in docs) / n)
    scored = []
    for commit, tf, length in docs:
        if not tf:
            continue
        score = 0.0
        for term, freq in tf.items():
            idf = math.log(1.0 + (n - df[term] + 0.5) / (df[term] + 0.5))
            score += idf * freq * 2.2 / (freq + 1.2 * (0.25 + 0.75 * length / avg))
        scored.append((score, commit))
    scored.sort(key=lambda s: -s[0])
    import datetime

    return [
        {
            "sha": c.sha,
            "subject": c.message.split("\n", 1)[0],
            "date": datetime.datetime.fromtimestamp(c.timestamp, datetime.timezone.utc).date().isoformat(),
            "score": round(s, 3),
        }
        for s, c in scored[:limit]
    ]


def _print(
    matches: list[dict[str, object]], commits: list[dict[str, object]], with_commits: bool, has_records: bool
) -> None:
    from linter.report.safety import clean_line

    out = sys.stdout
    if not has_records:
        out.write("No decision records in this repository.\n")
    elif not matches:
        out.write("No decision record matches.\n")
    for m in matches:
        status = m["status"] or "no status"
        date = f", {m['date']}" if m["date"] else ""
        out.write(
            f"{m['id']}  {clean_line(str(m['title']))}  ({clean_line(str(status))}{date})  "
            f"{m['path']}  score {m['score']}\n"
        )
    if with_commits:
        out.write("\nCommits:\n" if commits else "\nNo commit rationale matches.\n")
        for c in commits:
            out.write(f"{str(c['sha'])[:10]}  {c['date']}  {clean_line(str(c['subject']))}\n")
