"""Reopened topics: true and false positives, acknowledgement, and the commit-msg hook end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.checks.protocol import CommitContext
from linter.checks.reopening import MIN_TITLE_HITS, could_reraise, detect, strength
from linter.config import validate
from linter.decisions.index import Index
from linter.decisions.records import parse
from linter.engine import lint
from linter.message import parse as parse_message
from linter.rulebook import rule
from tests.conftest import Repo, loaded_modules, run_ctxlint

QUEUE = """# 1. Use PostgreSQL as the job queue

Date: 2025-03-02

## Status

Accepted

## Context

Background jobs need a queue. Redis and RabbitMQ were considered, but each adds a service to run,
monitor and back up, and jobs must commit atomically with the rows they change.

## Decision

We keep the job queue in a PostgreSQL table polled with SELECT ... FOR UPDATE SKIP LOCKED.

## Consequences

No new service to operate. Queue throughput is bounded by the primary database.
"""

DEPLOY = """# 2. Deploy with blue-green releases

Date: 2025-04-11

## Status

Accepted

## Context

Rolling updates left two versions serving traffic at once, which broke sessions during releases.

## Decision

Every release deploys a full green stack next to blue and switches the load balancer at once.
"""

GRAPHQL = """---
status: rejected
date: 2024-11-05
---
# GraphQL for the public API

## Context and Problem Statement

Partners asked for a GraphQL endpoint for the public API instead of REST.

## Decision Outcome

Rejected: REST with OpenAPI stays; GraphQL query cost limits and caching are too hard for us today.
"""

LOKI = """# 4. Move logs to Loki

Date: 2025-09-01

## Status

Proposed

## Context

Log storage in Elasticsearch is expensive.
"""

RECORDS = {
    "docs/adr/0001-use-postgresql-as-the-job-queue.md": QUEUE,
    "docs/adr/0002-deploy-with-blue-green-releases.md": DEPLOY,
    "docs/adr/0003-graphql-for-the-public-api.md": GRAPHQL,
    "docs/adr/0004-move-logs-to-loki.md": LOKI,
}


def index_of(records: dict[str, str]) -> Index:
    return Index.from_records(parse(path, text.encode()) for path, text in records.items())


@pytest.fixture
def index() -> Index:
    return index_of(RECORDS)


def flagged(index: Index, message: str) -> list[str]:
    msg = parse_message(message)
    return [r.entry.id for r in detect(index, msg.subject, "\n\n".join(msg.body_paragraphs))]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Switch the job queue from PostgreSQL to Redis\n\n"
            "The jobs table polling loads the primary database.",
            "ADR-1",
        ),
        ("Move background jobs off the PostgreSQL queue to RabbitMQ", "ADR-1"),
        ("Reconsider GraphQL for the public API\n\nThree partners asked again this quarter.", "ADR-3"),
        (
            "Replace blue-green releases with rolling updates\n\n"
            "A second stack doubles the cost of every release.",
            "ADR-2",
        ),
    ],
)
def test_reopening_messages_are_flagged(index: Index, message: str, expected: str) -> None:
    assert flagged(index, message)[:1] == [expected]


@pytest.mark.parametrize(
    "message",
    [
        # shares words with a record, but is ordinary work
        "Add an index to the jobs table\n\nLookups by tenant were scanning the whole table.",
        "Fix typo in the public API docs",
        "Bump the PostgreSQL driver to 3.1.18",
        "Log the release version at start-up",
        # carries out what a decision decided
        "Implement the PostgreSQL job queue worker\n\n"
        "Polls with SKIP LOCKED so workers never take the same job.",
        "Add the green stack to the release pipeline as decided",
        # names the decision: the author knows it
        "Tune the job queue polling interval\n\n"
        "ADR-1 keeps jobs in PostgreSQL; poll every 2 s instead of 1 s.",
        # an open proposal is not a closed decision
        "Move logs to Loki\n\nElasticsearch storage costs twice as much.",
    ],
)
def test_ordinary_messages_are_not_flagged(index: Index, message: str) -> None:
    assert flagged(index, message) == []


def write_records(repo: Repo, records: dict[str, str] | None = None) -> None:
    repo.commit("Record decisions\n\nWhy: the team agreed.\n", records or RECORDS)


def test_trailer_with_new_rationale_clears_and_without_rationale_does_not(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_records(repo)
    monkeypatch.chdir(repo.path)
    cfg = validate({}, "test")
    reopen = "Switch the job queue from PostgreSQL to Redis\n\n"
    rationale = "The jobs table polling now costs a third of the primary database's capacity at peak.\n\n"
    plain = lint(parse_message(reopen + rationale + "Refs: OPS-1\n"), CommitContext(), cfg)
    assert [f.code for f in plain.findings] == ["CTX301"]
    finding = plain.findings[0]
    assert finding.decision == "docs/adr/0001-use-postgresql-as-the-job-queue.md"
    for part in ("ADR-1", "Use PostgreSQL as the job queue", "accepted", "2025-03-02", "SKIP LOCKED"):
        assert part in finding.message
    cleared = lint(
        parse_message(reopen + rationale + "Reopens: ADR-0001\nRefs: OPS-1\n"), CommitContext(), cfg
    )
    assert cleared.findings == []
    bare = lint(parse_message(reopen + "Reopens: ADR-1\n"), CommitContext(), cfg)
    assert [f.code for f in bare.findings if f.code == "CTX301"] == ["CTX301"]
    assert "without a new rationale" in next(f.message for f in bare.findings if f.code == "CTX301")


def test_rule_examples_hold_in_a_repository(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = rule("CTX301")
    assert entry.scope == "decision"
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]

    from linter.resources import data_dir

    with open(Path(data_dir("rules")) / "CTX301-reopened-decision.toml", "rb") as handle:
        examples = tomllib.load(handle)["examples"]
    assert any(e["findings"] for e in examples) and any(not e["findings"] for e in examples)
    monkeypatch.chdir(repo.path)
    written: list[Path] = []
    for example in examples:
        # Each example is checked against its own records only.
        for old in written:
            old.unlink()
        written = [repo.write(path, text) for path, text in example["records"].items()]
        result = lint(parse_message(example["message"]), CommitContext(), validate({}, "test"))
        assert sorted({f.code for f in result.findings}) == sorted(example["findings"]), example["message"]


def test_commit_msg_hook_reports_reopening_as_json(repo: Repo) -> None:
    write_records(repo)
    msg = repo.write(
        "MSG",
        "Switch the job queue from PostgreSQL to Redis\n\nPolling the jobs table "
        "loads the primary database at peak hours.\n\nRefs: OPS-1\n",
    )
    proc = run_ctxlint("check-msg", "--format", "json", str(msg), cwd=repo.path)
    assert proc.returncode == 0, proc.stderr  # a warning does not block the commit
    findings = json.loads(proc.stdout)["findings"]
    assert [f["code"] for f in findings] == ["CTX301"]
    assert findings[0]["decision"] == "docs/adr/0001-use-postgresql-as-the-job-queue.md"
    proc = run_ctxlint("check-msg", str(msg), cwd=repo.path)
    assert "CTX301" in proc.stdout and "ADR-1" in proc.stdout


def test_severity_can_be_raised_to_error(repo: Repo) -> None:
    write_records(repo)
    repo.write(".ctxlint.toml", '[rules]\nreopened-decision = "error"\n')
    msg = repo.write(
        "MSG",
        "Switch the job queue from PostgreSQL to Redis\n\nPolling the jobs table "
        "loads the primary database at peak hours.\n\nRefs: OPS-1\n",
    )
    proc = run_ctxlint("check-msg", str(msg), cwd=repo.path)
    assert proc.returncode == 1


def test_repository_without_records_never_loads_the_decision_machinery(repo: Repo) -> None:
    repo.commit("Start\n\nWhy: the project needs a first commit.\n")
    repo.write("MSG", "Switch the job queue from PostgreSQL to Redis\n\nBecause it is faster.\n\nRefs: OPS-1\n")
    _, modules = loaded_modules("check-msg", "MSG", cwd=repo.path)
    assert sorted(m for m in modules if m.startswith("linter.decisions")) == [
        "linter.decisions", "linter.decisions.discover"]
    assert not (repo.path / ".git" / "ctxlint").exists()


def test_hook_path_with_records_stays_off_rich_and_gitpython(repo: Repo) -> None:
    write_records(repo)
    repo.write(
        "MSG", "Switch the job queue from PostgreSQL to Redis\n\nThe primary is overloaded.\n\nRefs: OPS-1\n"
    )
    output, modules = loaded_modules("check-msg", "MSG", cwd=repo.path)
    assert "CTX301" in output
    assert sorted(m for m in modules if m.split(".")[0] in ("rich", "git")) == []


def test_worktree_git_file_is_followed_for_the_cache(repo: Repo) -> None:
    from linter.worktree import find_git_dir

    write_records(repo)
    linked = repo.path.parent / "linked"
    repo.git("worktree", "add", "-q", str(linked))
    found = find_git_dir(str(linked))
    assert found is not None and found.startswith(str(repo.path / ".git" / "worktrees"))
    msg = linked / "MSG"
    msg.write_text(
        "Switch the job queue from PostgreSQL to Redis\n\nThe primary is overloaded.\n\nRefs: OPS-1\n"
    )
    proc = run_ctxlint("check-msg", str(msg), cwd=linked)
    assert "CTX301" in proc.stdout
    assert (Path(found) / "ctxlint" / "decisions-index.marshal").exists()


def test_config_default_threshold_matches_the_calibrated_one() -> None:
    from linter.checks.reopening import DEFAULT_THRESHOLD
    from linter.config import SCHEMA

    assert SCHEMA["decisions"]["threshold"].default == DEFAULT_THRESHOLD


REDIS = """# 5. Use Redis as the job queue

Date: 2025-10-01

## Status

Accepted

Supersedes [1. Use PostgreSQL as the job queue](0001-use-postgresql-as-the-job-queue.md)

## Context

Polling the PostgreSQL jobs table loads the primary database; background jobs move to a Redis queue.
"""


def test_superseded_match_names_its_successor_and_naming_the_successor_clears(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_records(repo, {**RECORDS, "docs/adr/0005-use-redis-as-the-job-queue.md": REDIS})
    monkeypatch.chdir(repo.path)
    cfg = validate({}, "test")
    reraise = (
        "Move the job queue back to a PostgreSQL table\n\n"
        "Redis lost jobs twice during failover this quarter, which the table never did.\n\nRefs: OPS-3\n"
    )
    findings = [f for f in lint(parse_message(reraise), CommitContext(), cfg).findings if f.code == "CTX301"]
    assert findings, "re-raising the job queue topic must be reported"
    for finding in findings:
        if finding.decision == "docs/adr/0001-use-postgresql-as-the-job-queue.md":
            assert "superseded by ADR-5" in finding.message
    adding = (
        "Record ADR-5: use Redis as the job queue\n\n"
        "Polling the PostgreSQL jobs table loads the primary database at peak hours.\n\nRefs: OPS-3\n"
    )
    codes = [
        f.decision for f in lint(parse_message(adding), CommitContext(), cfg).findings if f.code == "CTX301"
    ]
    assert "docs/adr/0001-use-postgresql-as-the-job-queue.md" not in codes


def test_warm_hook_with_an_ordinary_message_never_parses_records(repo: Repo) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    write_records(repo)
    repo.write("MSG", "Tidy the release notes\n\nWhy: the changelog had duplicate entries.\n")
    code = (
        "import sys\nfrom linter.cli import main\nrc = main(['check-msg', 'MSG'])\n"
        "print('PARSER', 'linter.decisions.records' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=repo.path, capture_output=True, text=True, env=env, check=False
        )
        .stdout.strip()
        .splitlines()[-1]
        for _ in range(2)
    ]
    assert runs == ["PARSER True", "PARSER False"]  # the first run builds the cache, the second reads it


def test_history_is_only_checked_against_decisions_made_before_each_commit(repo: Repo) -> None:
    """check-range over old history: a commit cannot reopen a decision recorded after it."""
    repo.commit("Record decisions\n\nRefs: #4\nWhy: the team agreed on these.\n", RECORDS, date="2025-06-01T12:00:00")
    reopening = (
        "Switch the job queue from PostgreSQL to Redis\n\n"
        "The jobs table polling loads the primary database.\n\nRefs: #9\n"
    )
    early = repo.commit(reopening, date="2024-01-10T12:00:00")
    late = repo.commit(reopening, date="2026-02-10T12:00:00")
    result = run_ctxlint("check-range", "--format", "json", "HEAD", cwd=repo.path)
    reopened = {f["commit"] for f in json.loads(result.stdout)["findings"] if f["code"] == "CTX301"}
    assert late in reopened
    assert early not in reopened


def test_audit_counts_a_reopening_only_against_decisions_made_before_it(repo: Repo) -> None:
    """The audit's workers get each commit's date too: without it, no commit reopened anything."""
    repo.commit("Record decisions\n\nRefs: #4\nWhy: the team agreed on these.\n", RECORDS, date="2025-06-01T12:00:00")
    reopening = (
        "Switch the job queue from PostgreSQL to Redis\n\n"
        "The jobs table polling loads the primary database.\n\nRefs: #9\n"
    )
    repo.commit(reopening, date="2024-01-10T12:00:00")
    repo.commit(reopening, date="2026-02-10T12:00:00")
    result = run_ctxlint("audit", "--format", "json", "--no-cache", cwd=repo.path)
    assert json.loads(result.stdout)["by_rule"].get("CTX301") == 1


KEEP_THE_LOG = """# 1. Record architecture decisions

Date: 2024-01-10

## Status

Accepted

## Context

We need to record the architectural decisions made on this project, so that a new engineer can
find out why the system is the way it is.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard, kept in docs/adr.

## Consequences

Every significant decision gets a record; see the decision records for the reasons.
"""


@pytest.fixture
def log_index() -> Index:
    return index_of({**RECORDS, "docs/adr/0000-record-architecture-decisions.md": KEEP_THE_LOG})


@pytest.mark.parametrize(
    "message",
    [
        "Point maintainers at the project's own decision records\n\nThe README named the layout but not "
        "where the reasons for it are kept; the architecture decision records in docs/adr answer that.",
        "Record the architecture decision to use a message queue\n\nThe decision records were missing it.",
        "Link the architecture decision records from the contributing guide",
    ],
)
def test_texts_about_the_decision_records_carry_out_the_decision_to_keep_them(
    log_index: Index, message: str
) -> None:
    """adr-tools and MADR start every log with the decision to keep one: writing, linking or
    pointing to the records uses that practice, it does not re-raise it."""
    assert "ADR-0" not in flagged(log_index, message)


@pytest.mark.parametrize(
    "message",
    [
        "Stop recording architecture decisions\n\nNobody reads the decision records; the wiki has replaced them.",
        "Replace architecture decision records with RFCs in the wiki\n\nRecording decisions in the repo "
        "went stale.",
    ],
)
def test_leaving_the_practice_of_recording_decisions_still_re_raises_it(log_index: Index, message: str) -> None:
    assert "ADR-0" in flagged(log_index, message)


#: Words of the four records' titles and topics, for texts that come near them in every way.
_NEAR_WORDS = ("job", "jobs", "queue", "PostgreSQL", "Redis", "blue-green", "releases", "release", "rolling",
               "GraphQL", "public", "API", "REST", "logs", "Loki", "Elasticsearch", "deploy", "move", "use",
               "the", "for", "to", "with", "from", "Replace", "Switch", "Reconsider", "updates", "worker",
               "service", "services")  # a key term of the queue record: two count as one title word


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=st.lists(st.sampled_from(_NEAR_WORDS), min_size=1, max_size=8).map(" ".join),
       body=st.lists(st.sampled_from(_NEAR_WORDS), max_size=20).map(" ".join))
def test_a_text_the_quick_test_rules_out_gets_no_match_above_zero(index: Index, subject: str, body: str) -> None:
    """`could_reraise` answers most texts before the ranked search: whatever it rules out must be
    a text every record of which the search gives a strength of 0, so detect is unchanged."""
    if could_reraise(index, subject, body):
        return
    assert [m.entry.id for m in index.search(subject, body, limit=len(index.entries)) if strength(m) > 0] == []
    assert detect(index, subject, body, threshold=0.01) == []


def test_the_quick_test_keeps_every_text_that_is_flagged_and_rules_out_unrelated_work(index: Index) -> None:
    from tests.messages import generated_messages

    for message in ("Switch the job queue from PostgreSQL to Redis\n\nThe jobs table polling loads the primary.",
                    "Reconsider GraphQL for the public API\n\nThree partners asked again this quarter."):
        msg = parse_message(message)
        assert could_reraise(index, msg.subject, "\n\n".join(msg.body_paragraphs))
    ruled_out = 0
    for message in generated_messages():
        msg = parse_message(message)
        body = "\n\n".join(msg.body_paragraphs)
        if not could_reraise(index, msg.subject, body):
            ruled_out += 1
            assert not any(strength(m) > 0 for m in index.search(msg.subject, body, limit=len(index.entries)))
    assert ruled_out > len(generated_messages()) // 2  # the point of it: most work names no record


def test_a_title_term_that_a_word_pair_matches_is_asked_with_the_pairs() -> None:
    # Titles and key terms are single words when the index builds them, but an index may hold a
    # pair (`job_queu`, as a query's words "job queue" make): then the quick test asks with the
    # query's pairs too, as the search does. Here the subject names the record by "postgresql", and
    # its second title hit is the pair: asked without pairs, the text would be ruled out.
    index = index_of(RECORDS)
    index.titles[0] = "job_queu postgresql"
    assert index.naming()[1] == {0}  # the records with a joined term
    subject, body = "Move the postgresql job queue to Redis", "Polling loads the primary database."
    assert max(strength(m) for m in index.search(subject, body, limit=len(index.entries))) > 0
    assert could_reraise(index, subject, body)
    for subject, body in (("Move the postgresql job table to Redis", ""), ("Tune the postgresql settings", "")):
        strongest = max(strength(m) for m in index.search(subject, body, limit=len(index.entries)))
        assert could_reraise(index, subject, body) or strongest == 0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=st.lists(st.sampled_from(_NEAR_WORDS), min_size=1, max_size=8).map(" ".join),
       body=st.lists(st.sampled_from(_NEAR_WORDS), max_size=20).map(" ".join))
def test_the_quick_test_asks_exactly_what_the_search_measures(index: Index, subject: str, body: str) -> None:
    """could_reraise is the search's own test, asked without the search: some record's title or
    key terms are named by the subject, and the text holds two of its title words (or the one of
    a one-word title), as `Match.subject_named`, `title_hits` and `title_size` count them."""
    expected = any(
        m.subject_named and (m.title_hits >= MIN_TITLE_HITS or (m.title_hits == 1 and m.title_size == 1))
        for m in index.search(subject, body, limit=len(index.entries))
    )
    assert could_reraise(index, subject, body) == expected


def test_the_check_prepared_for_a_run_gives_the_registered_checks_verdicts(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linter.checks.decisions import _prepared, reopened_decision
    from linter.config import load

    for path, text in RECORDS.items():
        repo.write(path, text)
    monkeypatch.chdir(repo.path)
    messages = ["Switch the job queue from PostgreSQL to Redis\n\nThe jobs table polling loads the primary.",
                "Reconsider GraphQL for the public API\n\nThree partners asked again this quarter.",
                "Fix a typo in the deploy docs", "Use GraphQL\n\nfor the public API, as partners ask",
                "Reconsider the queue\n\nPostgreSQL job polling", ""]
    contexts = [CommitContext(), CommitContext(sha="a" * 40, source="history", timestamp=1_900_000_000,
                                               decisions=frozenset(RECORDS)),
                CommitContext(sha="b" * 40, source="history", timestamp=1_900_000_000, decisions=frozenset())]
    for cfg in (load(str(repo.path)), validate({"decisions": {"threshold": 0}}, "test")):
        prepared = _prepared(cfg)
        assert prepared is not None
        flagged = 0
        for message in messages:
            msg = parse_message(message)
            for ctx in contexts:
                verdict = list(reopened_decision(msg, ctx, cfg))
                assert list(prepared(msg, ctx, cfg)) == verdict, (message, ctx.decisions)
                flagged += bool(verdict)
        assert flagged >= 2  # the comparison covers messages that are flagged
    monkeypatch.chdir(repo.path.parent)
    assert _prepared(load(str(repo.path))) is None  # no records here: the check is dropped for the run
