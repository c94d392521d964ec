"""`ctxlint decisions`, `why` and `check-decisions` as real processes."""

from __future__ import annotations

import json

import jsonschema
import pytest

from linter.config import validate
from linter.decisions.cache import repository_index
from tests.conftest import Repo, run_ctxlint

DECISIONS_SCHEMA = {
    "type": "object",
    "required": ["decisions", "findings"],
    "additionalProperties": False,
    "properties": {
        "decisions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "path", "title", "status", "date", "supersedes", "superseded_by"],
                "properties": {
                    "id": {"type": "string"},
                    "path": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": ["string", "null"]},
                    "date": {"type": ["string", "null"]},
                    "supersedes": {"type": "array", "items": {"type": "string"}},
                    "superseded_by": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "severity", "message", "path"],
                "properties": {
                    "code": {"type": "string"},
                    "severity": {"enum": ["error", "warning"]},
                    "message": {"type": "string"},
                    "path": {"type": "string"},
                },
            },
        },
    },
}

WHY_SCHEMA = {
    "type": "object",
    "required": ["matches"],
    "properties": {
        "matches": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "path", "title", "status", "date", "score"],
                "properties": {
                    "id": {"type": "string"},
                    "path": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": ["string", "null"]},
                    "date": {"type": ["string", "null"]},
                    "score": {"type": "number"},
                },
            },
        }
    },
}


def test_decisions_command_json_schema_and_text(adr_repo: Repo) -> None:
    adr_repo.write("docs/adr/0006-broken.md", "---\nstatus: accepted\n")
    proc = run_ctxlint("decisions", "--format", "json", cwd=adr_repo.path)
    data = json.loads(proc.stdout)
    jsonschema.validate(data, DECISIONS_SCHEMA)
    assert [d["id"] for d in data["decisions"]] == ["ADR-1", "ADR-2", "ADR-3", "ADR-4", "ADR-6"]
    assert data["decisions"][2]["status"] == "rejected"
    assert any(f["code"] == "CTX302" and f["path"] == "docs/adr/0006-broken.md" for f in data["findings"])
    assert proc.returncode == 1  # CTX302 is an error
    text = run_ctxlint("decisions", cwd=adr_repo.path)
    assert "ADR-3" in text.stdout and "GraphQL for the public API" in text.stdout and "CTX302" in text.stdout


def test_decisions_text_escapes_record_text(repo: Repo) -> None:
    repo.write(
        "adr/0001-x.md", "# 1. [bold]Evil[/] \x1b[31mred\n\nDate: 2025-01-01\n\n## Status\n\nAccepted\n"
    )
    proc = run_ctxlint("decisions", cwd=repo.path, env={"FORCE_COLOR": "1"})
    assert "[bold]Evil[/]" in proc.stdout
    assert "\x1b[31mred" not in proc.stdout and "\\x1b" in proc.stdout


def test_configured_paths(repo: Repo) -> None:
    repo.write(
        "architecture/records/0001-a.md", "# 1. Use Rust\n\nDate: 2025-01-01\n\n## Status\n\nAccepted\n"
    )
    repo.write("docs/adr/0001-b.md", "# 1. Use Go\n\nDate: 2025-01-01\n\n## Status\n\nAccepted\n")
    repo.write(".ctxlint.toml", '[decisions]\npaths = ["architecture/records"]\n')
    data = json.loads(run_ctxlint("decisions", "--format", "json", cwd=repo.path).stdout)
    assert [d["title"] for d in data["decisions"]] == ["Use Rust"]
    repo.write(".ctxlint.toml", '[decisions]\npathz = ["x"]\n')
    proc = run_ctxlint("decisions", cwd=repo.path)
    assert proc.returncode == 2 and "did you mean 'paths'" in proc.stderr


def test_why_ranks_records_by_topic_id_and_path(adr_repo: Repo) -> None:
    proc = run_ctxlint(
        "why",
        "--format",
        "json",
        "why",
        "do",
        "we",
        "poll",
        "a",
        "postgres",
        "table",
        "for",
        "jobs",
        cwd=adr_repo.path,
    )
    data = json.loads(proc.stdout)
    jsonschema.validate(data, WHY_SCHEMA)
    assert data["matches"][0]["id"] == "ADR-1"
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)
    by_id = json.loads(run_ctxlint("why", "--format", "json", "ADR-0003", cwd=adr_repo.path).stdout)
    assert by_id["matches"][0]["path"] == "docs/adr/0003-graphql-for-the-public-api.md"
    by_path = json.loads(
        run_ctxlint(
            "why", "--format", "json", "docs/adr/0002-deploy-with-blue-green-releases.md", cwd=adr_repo.path
        ).stdout
    )
    assert by_path["matches"][0]["id"] == "ADR-2"
    assert "ADR-2" in run_ctxlint("why", "blue", "green", "deployment", cwd=adr_repo.path).stdout


def test_why_commits_searches_rationale(adr_repo: Repo) -> None:
    sha = adr_repo.commit(
        "Retry webhooks with backoff\n\nPartners' endpoints drop requests during their "
        "deploys, so webhook deliveries retry with exponential backoff.\n"
    )
    adr_repo.commit("Tidy imports\n\nWhy: the linter asked for it.\n")
    data = json.loads(
        run_ctxlint("why", "--commits", "--format", "json", "webhook", "retries", cwd=adr_repo.path).stdout
    )
    assert data["commits"][0]["sha"] == sha
    assert data["matches"] == [] or all("id" in m for m in data["matches"])


def test_check_decisions_flags_a_new_record_unless_it_supersedes(adr_repo: Repo) -> None:
    new = (
        "# 5. Use Redis as the job queue\n\nDate: 2025-10-01\n\n## Status\n\nProposed\n\n## Context\n\n"
        "The PostgreSQL job queue polled with SKIP LOCKED loads the primary database; background jobs "
        "should move to Redis.\n"
    )
    adr_repo.write("docs/adr/0005-use-redis-as-the-job-queue.md", new)
    proc = run_ctxlint(
        "check-decisions",
        "--format",
        "json",
        "docs/adr/0005-use-redis-as-the-job-queue.md",
        "README.md",
        cwd=adr_repo.path,
    )
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "CTX301"]
    assert [(f["code"], f["decision"]) for f in findings] == [
        ("CTX301", "docs/adr/0001-use-postgresql-as-the-job-queue.md")
    ]
    assert findings[0]["path"] == "docs/adr/0005-use-redis-as-the-job-queue.md"
    superseding = new.replace(
        "Proposed\n",
        "Proposed\n\nSupersedes [1. Use PostgreSQL as the job queue]"
        "(0001-use-postgresql-as-the-job-queue.md)\n",
    )
    adr_repo.write("docs/adr/0005-use-redis-as-the-job-queue.md", superseding)
    proc = run_ctxlint("check-decisions", "--format", "json", "docs/adr/0005-use-redis-as-the-job-queue.md",
                       cwd=adr_repo.path)
    # No reopening; what `decisions` says about the record is said here too: 0001 lacks the other end.
    assert proc.returncode == 0
    codes = [f["code"] for f in json.loads(proc.stdout)["findings"]]
    assert "CTX304" in codes and "CTX301" not in codes
    unrelated = (
        "# 6. Use feature flags\n\nDate: 2025-10-02\n\n## Status\n\nAccepted\n\n## Context\n\n"
        "Dark launches need flags.\n"
    )
    adr_repo.write("docs/adr/0006-use-feature-flags.md", unrelated)
    assert (
        run_ctxlint("check-decisions", "docs/adr/0006-use-feature-flags.md", cwd=adr_repo.path).stdout == ""
    )


def test_repository_index_is_none_without_records(repo: Repo) -> None:
    repo.commit("Start\n\nWhy: the project needs a first commit.\n")
    assert repository_index(str(repo.path), validate({}, "t")) is None
    proc = run_ctxlint("why", "anything", cwd=repo.path)
    assert proc.returncode == 0 and "No decision records" in proc.stdout


def test_reopens_trailer_may_name_the_record_by_path(adr_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.checks.protocol import CommitContext
    from linter.engine import lint
    from linter.message import parse as parse_message

    monkeypatch.chdir(adr_repo.path)
    text = (
        "Switch the job queue from PostgreSQL to Redis\n\n"
        "The jobs table polling now costs a third of the primary database's capacity at peak.\n\n"
        "Reopens: docs/adr/0001-use-postgresql-as-the-job-queue.md\n"
    )
    findings = lint(parse_message(text), CommitContext(), validate({}, "t")).findings
    assert [f.code for f in findings if f.code.startswith("CTX3")] == []
    assert [
        f.code
        for f in lint(parse_message(text.split("Reopens")[0]), CommitContext(), validate({}, "t")).findings
        if f.code == "CTX301"
    ] == ["CTX301"]


OLD_QUEUE = "docs/adr/0001-use-postgresql-as-the-job-queue.md"
NEW_QUEUE = "docs/adr/0005-use-redis-as-the-job-queue.md"
REDIS = (
    "# 5. Use Redis as the job queue\n\nDate: 2025-10-01\n\n## Status\n\nAccepted\n{link}\n## Context\n\n"
    "The PostgreSQL job queue polled with SKIP LOCKED loads the primary database; background jobs "
    "should move to Redis.\n"
)


def check_decisions(repo: Repo, *files: str) -> list[tuple[str, str, str]]:
    proc = run_ctxlint("check-decisions", "--format", "json", *files, cwd=repo.path)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["path"], f.get("decision") or "") for f in json.loads(proc.stdout)["findings"]]


def test_check_decisions_reads_the_supersede_direction_from_the_records(adr_repo: Repo) -> None:
    """An old and a new record given together: the old one never re-raises the new one."""
    link = "\nSupersedes [1. Use PostgreSQL as the job queue](0001-use-postgresql-as-the-job-queue.md)\n"
    adr_repo.write(NEW_QUEUE, REDIS.format(link=link))
    found = check_decisions(adr_repo, OLD_QUEUE, NEW_QUEUE)
    assert found == [("CTX304", NEW_QUEUE, NEW_QUEUE)]
    # The other end only: the old record says it was superseded; nothing re-raises anything.
    adr_repo.write(NEW_QUEUE, REDIS.format(link=""))
    old = (adr_repo.path / OLD_QUEUE).read_text()
    adr_repo.write(OLD_QUEUE, old.replace("Accepted\n", "Accepted\n\nSuperseded by ADR-5\n", 1))
    assert [c for c, _, _ in check_decisions(adr_repo, OLD_QUEUE, NEW_QUEUE)] == ["CTX304"]


def test_check_decisions_without_links_goes_by_number(adr_repo: Repo) -> None:
    adr_repo.write(NEW_QUEUE, REDIS.format(link=""))
    found = check_decisions(adr_repo, OLD_QUEUE, NEW_QUEUE)
    assert found == [("CTX301", NEW_QUEUE, OLD_QUEUE)]  # never ("CTX301", OLD_QUEUE, NEW_QUEUE)


def test_check_decisions_ignores_a_record_added_in_the_same_commit(adr_repo: Repo) -> None:
    """Two new records staged together: neither was a closed decision before this commit."""
    adr_repo.write(NEW_QUEUE, REDIS.format(link=""))
    rabbit = REDIS.format(link="").replace("5. Use Redis", "6. Use RabbitMQ").replace("to Redis", "to RabbitMQ")
    adr_repo.write("docs/adr/0006-use-rabbitmq-as-the-job-queue.md", rabbit)
    adr_repo.git("add", "-A")
    found = check_decisions(adr_repo, NEW_QUEUE, "docs/adr/0006-use-rabbitmq-as-the-job-queue.md")
    assert all(decision != NEW_QUEUE for _, _, decision in found), found
    assert ("CTX301", "docs/adr/0006-use-rabbitmq-as-the-job-queue.md", OLD_QUEUE) in found


def test_check_decisions_reports_health_of_the_given_records_only(adr_repo: Repo) -> None:
    broken = REDIS.format(link="\nSupersedes [9. Nothing](0009-nothing.md)\n").replace("Accepted", "Contemplated")
    adr_repo.write(NEW_QUEUE, broken)
    codes = sorted(c for c, path, _ in check_decisions(adr_repo, NEW_QUEUE) if path == NEW_QUEUE)
    assert "CTX303" in codes and "CTX309" in codes
    assert check_decisions(adr_repo, "docs/adr/0002-deploy-with-blue-green-releases.md") == []


def test_the_audit_names_a_one_way_link_for_what_it_is(adr_repo: Repo) -> None:
    link = "\nSupersedes [1. Use PostgreSQL as the job queue](0001-use-postgresql-as-the-job-queue.md)\n"
    adr_repo.commit("Record the Redis queue\n\nWhy: the queue load grew.\n", {NEW_QUEUE: REDIS.format(link=link)})
    for fmt in ("text", "markdown", "html", "json"):
        result = run_ctxlint("audit", "--no-progress", "--no-cache", "--format", fmt, cwd=adr_repo.path)
        assert result.returncode == 0, result.stderr
        assert "one-way supersede link" in result.stdout.lower(), fmt
        assert "broken" not in result.stdout.lower() and "chain" not in result.stdout.lower(), fmt
