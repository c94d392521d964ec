"""Reopened topics judged against the record's outcome, small logs, and recall on a real team's log.

The polarity tests are the issue's own cases: adopting what was rejected re-raises it, leaving what
was accepted re-raises it, carrying an accepted decision out does not.
"""

from __future__ import annotations

import json

import pytest

from linter.checks.reopening import Wording, detect
from linter.decisions.index import Index
from linter.decisions.records import parse
from linter.decisions.references import refers_to
from linter.message import parse as parse_message
from tests.conftest import Repo, run_ctxlint

GRAPHQL_REJECTED = """---
status: rejected
date: 2024-11-05
---
# Do not adopt GraphQL for the public API

## Context and Problem Statement

Partners asked for a GraphQL endpoint for the public API instead of REST.

## Decision Outcome

REST with OpenAPI stays; GraphQL query cost limits and caching are too hard for us today.
"""

GRAPHQL_ACCEPTED = """# 3. Use GraphQL for the public API

Date: 2024-11-05

## Status

Accepted

## Context

Partners asked for one endpoint that returns what a screen needs in a single round trip.

## Decision

The public API is served as GraphQL, with query cost limits per partner.
"""

QUEUE = """# 1. Use PostgreSQL as the job queue

Date: 2025-03-02

## Status

Accepted

## Context

Background jobs need a queue. Redis and RabbitMQ were considered, but each adds a service to run.

## Decision

We keep the job queue in a PostgreSQL table polled with SELECT ... FOR UPDATE SKIP LOCKED.
"""

IPSEC = """# 44. Remove IPSec

Date: 2021-06-01

## Status

Accepted

## Context

Traffic between the routers and the cells is encrypted by IPSec and by mutual TLS. The IPSec
release is no longer maintained upstream.

## Decision

We will not run IPSec between the routers and the cells; mutual TLS alone encrypts that traffic.
"""

CAPACITY = """# 17. Cell capacity assignment

Date: 2016-09-01

## Status

Accepted

## Context

Tenants' applications run on cells; we must decide how much cell capacity each organisation may
reserve so that one tenant cannot starve the others.

## Decision

Each organisation gets a memory quota; cells are added when reserved memory passes 70%.
"""


def index_of(records: dict[str, str]) -> Index:
    return Index.from_records(parse(path, text.encode()) for path, text in records.items())


def flagged(index: Index, message: str) -> list[str]:
    msg = parse_message(message)
    return [r.entry.path for r in detect(index, msg.subject, "\n\n".join(msg.body_paragraphs))]


# --- polarity --------------------------------------------------------------------------------


def test_new_record_adopting_what_was_rejected_is_flagged_by_the_record_hook(repo: Repo) -> None:
    repo.commit(
        "Record the GraphQL decision\n\nWhy: partners keep asking.\n",
        {"docs/adr/0003-do-not-adopt-graphql-for-the-public-api.md": GRAPHQL_REJECTED},
    )
    new = (
        "# 4. Adopt GraphQL for mobile clients\n\nDate: 2025-09-01\n\n## Status\n\nProposed\n\n## Context\n\n"
        "The mobile apps make six REST calls per screen; a GraphQL endpoint on the public API would let "
        "them fetch a screen in one query.\n"
    )
    repo.write("docs/adr/0004-adopt-graphql-for-mobile-clients.md", new)
    proc = run_ctxlint(
        "check-decisions", "--format", "json", "docs/adr/0004-adopt-graphql-for-mobile-clients.md", cwd=repo.path
    )
    # check-decisions also reports the records' health (here: a proposal open since 2025, CTX308).
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "CTX301"]
    assert [(f["code"], f["decision"]) for f in findings] == [
        ("CTX301", "docs/adr/0003-do-not-adopt-graphql-for-the-public-api.md")
    ], proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("message", "reraises"),
    [
        ("Adopt GraphQL for the public API\n\nMobile clients need fewer round trips.", True),
        ("Add a GraphQL endpoint to the public API", True),
        ("Implement GraphQL queries for the public API", True),
        # Going along with the rejection, or routine work near it, is not a reopening.
        ("Remove the last GraphQL prototype from the public API", False),
        ("Fix a typo in the public API GraphQL notes", False),
    ],
)
def test_rejected_record_protects_against_adopting_it(message: str, reraises: bool) -> None:
    index = index_of({"docs/adr/0003-graphql.md": GRAPHQL_REJECTED, "docs/adr/0001-queue.md": QUEUE})
    assert (flagged(index, message) == ["docs/adr/0003-graphql.md"]) is reraises, flagged(index, message)


@pytest.mark.parametrize(
    ("message", "reraises"),
    [
        # Carrying the accepted decision out.
        ("Implement GraphQL query cost limits for the public API", False),
        ("Add GraphQL schema docs for the public API", False),
        # Moving away from it.
        ("Replace GraphQL with REST for the public API\n\nCaching GraphQL queries cost us too much.", True),
        ("Move the public API off GraphQL back to REST", True),
    ],
)
def test_accepted_record_protects_against_leaving_it(message: str, reraises: bool) -> None:
    index = index_of({"docs/adr/0003-graphql.md": GRAPHQL_ACCEPTED, "docs/adr/0001-queue.md": QUEUE})
    assert (flagged(index, message) == ["docs/adr/0003-graphql.md"]) is reraises, flagged(index, message)


def test_a_title_in_the_negative_flips_the_reading() -> None:
    """ "Remove IPSec", accepted: turning IPSec back on is the reopening; the title's one topic word
    is enough when the record covers the text."""
    index = index_of({"docs/adr/0044-remove-ipsec.md": IPSEC, "docs/adr/0001-queue.md": QUEUE})
    assert flagged(index, "Re-enable IPSec between the routers and the cells") == ["docs/adr/0044-remove-ipsec.md"]
    assert flagged(index, "Delete the leftover IPSec certificates from the cells") == []


def test_nouns_that_begin_like_routine_verbs_are_not_routine_work() -> None:
    assert Wording("Testing strategy for the payment service").start == ""
    assert Wording("Documentation site generator").start == ""
    assert Wording("Test the queue worker on Redis").start == "routine"
    assert Wording("Documented the queue").start == "routine"


@pytest.mark.parametrize("verb", ["Say", "Tell operators", "Explain"])
def test_saying_in_the_docs_what_a_decision_does_is_routine_work(verb: str) -> None:
    """Documenting a decision carries it out, even when the body says what it chose "rather than"
    what; the same text without the documenting verb reads as raising the topic again."""
    index = index_of({"docs/adr/0001-queue.md": QUEUE})
    body = ("\n\nOperators ask why background jobs queue in PostgreSQL rather than Redis, and the answer "
            "is in the decision.")
    assert flagged(index, f"{verb} in the docs why the job queue is PostgreSQL{body}") == []
    assert flagged(index, f"Why the job queue is PostgreSQL{body}") == ["docs/adr/0001-queue.md"]


def test_a_versioned_successor_reraises_its_predecessor() -> None:
    index = index_of({"docs/adr/0017-cell-capacity-assignment.md": CAPACITY, "docs/adr/0001-queue.md": QUEUE})
    assert flagged(index, "Cell capacity assignment 2") == ["docs/adr/0017-cell-capacity-assignment.md"]
    assert flagged(index, "Cell capacity assignment v2") == ["docs/adr/0017-cell-capacity-assignment.md"]
    assert Wording("Second cell capacity assignment").changes
    assert not Wording("Bump the cell capacity planner to 2.1").changes


# --- small logs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "Use GraphQL for the public API\n\nMobile clients need fewer round trips.",
        "Add a GraphQL endpoint to the public API",
        "Fix typo in GraphQL docs of the public API",
        "Tune the job queue polling interval",
    ],
)
def test_a_log_of_one_record_judges_like_a_log_of_several(message: str) -> None:
    alone = index_of({"docs/adr/0003-graphql.md": GRAPHQL_REJECTED})
    two = index_of({"docs/adr/0003-graphql.md": GRAPHQL_REJECTED, "docs/adr/0001-queue.md": QUEUE})
    five = index_of(
        {
            "docs/adr/0003-graphql.md": GRAPHQL_REJECTED,
            "docs/adr/0001-queue.md": QUEUE,
            "docs/adr/0044-remove-ipsec.md": IPSEC,
            "docs/adr/0017-cell-capacity-assignment.md": CAPACITY,
        }
    )
    assert flagged(alone, message) == flagged(two, message) == flagged(five, message)


# --- one "does this name that record" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "holder", "expected"),
    [
        ("ADR-7", "", True),
        ("ADR-0007", "", True),
        ("adr 7", "", True),
        ("7", "", True),
        ("ADR-70", "", False),
        ("0007-use-postgresql.md", "", True),
        ("docs/adr/0007-use-postgresql.md", "", True),
        ("./0007-use-postgresql.md", "docs/adr/0009-use-redis.md", True),
        ("../adr/0007-use-postgresql.md#context", "docs/adr/0009-use-redis.md", True),
        ("0007-something-else.md", "", False),  # a file is named by its path, not its number
    ],
)
def test_one_reference_resolver(ref: str, holder: str, expected: bool) -> None:
    assert refers_to(ref, "docs/adr/0007-use-postgresql.md", 7, holder) is expected


def test_a_record_named_only_in_the_body_is_not_the_subjects_topic() -> None:
    """The subject names what a commit is about. A subject that only shares the record's passing
    words ("background", "service", "polled") with a body that explains it in the record's title
    words is not a reopening (ctxlint's own benchmark commits were flagged this way)."""
    index = index_of({"docs/adr/0001-queue.md": QUEUE, "docs/adr/0044-remove-ipsec.md": IPSEC})
    body = "The job queue in a PostgreSQL table is polled with SKIP LOCKED rather than Redis."
    assert flagged(index, "Poll background services with a lock\n\n" + body) == []
    assert flagged(index, "Move the job queue off PostgreSQL\n\n" + body) == ["docs/adr/0001-queue.md"]
