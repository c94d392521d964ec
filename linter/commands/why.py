"""`ctxlint why QUERY...`: which decision records (and, with --commits, which commits) say why."""

from __future__ import annotations

import json
import os
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
    from linter.decisions.cache import repository_index
    from linter.decisions.references import whole_reference

    root, cfg = repository(args.config)  # type: ignore[attr-defined]
    query = " ".join(args.query).strip()  # type: ignore[attr-defined]
    limit = max(1, args.limit)  # type: ignore[attr-defined]
    if not query:
        raise CtxlintError("why: give a topic, a path, a ticket key or a record id")
    matches: list[dict[str, object]] = []
    index = repository_index(root, cfg) if discover.folders(root, cfg) else None
    if index is not None:
        ref = whole_reference(query.replace(os.sep, "/"))
        direct = [e for e in index.entries if e.refers_to(ref)] if ref else []
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
    """Commits whose message (subject and rationale) best matches the query, ranked by the same
    index as the decision records: one ranking, whatever is searched."""
    import datetime

    from linter import gitio
    from linter.decisions.index import Index
    from linter.decisions.terms import words

    if not gitio.has_commits(root) or not words(query):
        return []
    by_sha: dict[str, gitio.Commit] = {}
    texts: list[tuple[str, str, str]] = []
    for count, commit in enumerate(gitio.iter_log(["HEAD"], root, ["--no-merges"])):
        if count >= max_commits:
            break
        subject, _, body = commit.message.partition("\n")
        by_sha[commit.sha] = commit
        texts.append((commit.sha, subject, body))
    if not texts:
        return []
    found = Index.from_texts(texts).search(query, "", limit=limit)
    out: list[dict[str, object]] = []
    for match in found:
        commit = by_sha[match.entry.path]
        out.append(
            {
                "sha": commit.sha,
                "subject": commit.message.split("\n", 1)[0],
                "date": datetime.datetime.fromtimestamp(commit.timestamp, datetime.timezone.utc).date().isoformat(),
                "score": round(match.score, 3),
            }
        )
    return out


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
