"""Recall that survives another word form, spelling or version of a decided topic (#11)."""

from __future__ import annotations

import json

import pytest

from linter.checks.reopening import Wording, detect
from linter.decisions import concepts
from linter.decisions.index import Index
from linter.decisions.records import parse
from linter.decisions.terms import words
from linter.message import parse as parse_message
from tests.conftest import Repo, run_ctxlint

COMPRESSION = """# 3. Response compression

Date: 2025-05-20

## Status

Accepted

## Context

Responses of the public API are JSON documents of up to 2 MB, and mobile clients on slow networks
time out while they download them.

## Decision

The API servers gzip every response larger than 1 KB themselves; the gateway passes the bytes on.
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

DEPLOY = """# 2. Deploy with blue-green releases

Date: 2025-04-11

## Status

Accepted

## Context

Rolling updates left two versions serving traffic at once, which broke sessions during releases.

## Decision

Every release deploys a full green stack next to blue and switches the load balancer at once.
"""


def format_record(number: int, version: str, status: str = "Accepted") -> str:
    return (
        f"# {number}. Event message format {version}\n\nDate: 2025-0{number}-01\n\n## Status\n\n{status}\n\n"
        "## Context\n\nServices publish order events on the bus; consumers parse the event message format.\n\n"
        f"## Decision\n\nEvent messages carry the fields of format {version} as JSON with a schema id.\n"
    )


def index_of(records: dict[str, str]) -> Index:
    return Index.from_records(parse(path, text.encode()) for path, text in records.items())


def flagged(index: Index, message: str) -> list[str]:
    msg = parse_message(message)
    return [r.entry.path for r in detect(index, msg.subject, "\n\n".join(msg.body_paragraphs))]


# --- word forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("compression", "compressing"),
        ("suppression", "suppressed"),
        ("inheritable", "inheritance"),
        ("dependency", "depends"),
        ("compatibility", "compatible"),
        ("existence", "exists"),
        ("configurable", "configured"),
        ("behaviour", "behavior"),
        ("organised", "organized"),
        ("catalogue", "catalog"),
        ("centre", "center"),
        ("ALBs", "ALB"),
        ("LBs", "load balancer"),
    ],
)
def test_word_forms_and_spellings_of_one_concept_are_one_term(one: str, other: str) -> None:
    assert words(one)[-1:] == words(other)[-1:], (words(one), words(other))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Short roots would merge words a project keeps apart.
        ("variable", "variance"),
        ("instance", "install"),
        ("sequence", "sequel"),
        ("readable", "reading"),
        # A version glued to a name keeps its meaning; a word ending in -is is not a British -ise.
        ("ipv4", "ipv6"),
        ("analysis", "analyse"),
    ],
)
def test_different_concepts_stay_apart(one: str, other: str) -> None:
    assert words(one) != words(other)


def test_a_name_glued_to_a_year_also_matches_the_name_alone() -> None:
    assert "manylinux" in words("The manylinux2014 platform tag")
    assert words("Build agents on windows2019")[-1:] == words("Windows")
    # Short numbers belong to the name.
    assert words("ipv6") != words("ipv4") and words("sha1") != words("sha")


def test_a_paraphrase_in_another_word_form_is_flagged_and_work_in_the_same_area_is_not() -> None:
    index = index_of(
        {
            "docs/adr/0001-queue.md": QUEUE,
            "docs/adr/0002-deploy.md": DEPLOY,
            "docs/adr/0003-response-compression.md": COMPRESSION,
        }
    )
    reraise = (
        "Compress API responses at the CDN instead of in the application\n\n"
        "The CDN compresses at the edge for free, so gzip on the API servers only costs CPU.\n"
    )
    assert flagged(index, reraise) == ["docs/adr/0003-response-compression.md"]
    for ordinary in (
        "Fix the Content-Encoding header of compressed responses",
        "Log response sizes before and after compression\n\nWe want to know what gzip saves per endpoint.\n",
        "Raise the compression threshold for API responses to 4 KB",
    ):
        assert flagged(index, ordinary) == [], ordinary


# --- versioned successors ----------------------------------------------------------------------


def test_a_new_version_reraises_the_nearest_older_version_first() -> None:
    records = {
        f"docs/adr/000{n}-event-message-format-{v.replace('.', '-')}.md": format_record(n, v)
        for n, v in ((1, "1.0"), (2, "1.1"), (3, "2.0"), (4, "2.2"))
    }
    index = index_of({**records, "docs/adr/0005-queue.md": QUEUE})
    ranked = [m.entry.title for m in index.search("Event message format 2.1")]
    assert ranked[:3] == ["Event message format 2.0", "Event message format 1.1", "Event message format 1.0"]
    assert flagged(index, "Event message format 2.1")[0] == "docs/adr/0003-event-message-format-2-0.md"
    # A text without a version ranks them on their words alone.
    assert concepts.version_of("Event message format") is None
    assert concepts.version_of("Bump the parser to v3") == (3,)
    assert concepts.version_of("Doing releases 101") is None


def test_why_ranks_the_version_a_successor_replaces_first(repo: Repo) -> None:
    repo.commit(
        "Record the event format decisions\n\nWhy: consumers need to know the fields.\n",
        {
            "docs/adr/0001-event-message-format-1-0.md": format_record(1, "1.0"),
            "docs/adr/0002-event-message-format-1-1.md": format_record(2, "1.1"),
            "docs/adr/0003-event-message-format-2-0.md": format_record(3, "2.0"),
            "docs/adr/0004-queue.md": QUEUE,
        },
    )
    proc = run_ctxlint("why", "--format", "json", "event", "message", "format", "2.1", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matches"][0]["id"] == "ADR-3", proc.stdout


# --- wording -------------------------------------------------------------------------------------


def test_a_noun_phrase_that_begins_like_an_adopting_verb_is_not_adopting() -> None:
    assert Wording("Support for IANA time zones in the scheduler").start == ""
    assert Wording("Use of HAProxy for request rewriting").start == ""
    assert Wording("Support IANA time zones in the scheduler").start == "adopt"
    assert Wording("Add support for IANA time zones").start == "adopt"
    assert Wording("Use HAProxy for request rewriting").start == "adopt"


def test_a_successor_may_be_about_testing_or_files() -> None:
    assert Wording("New testing strategy for the payment service").changes
    assert Wording("New filesystem layout for build agents").changes
    assert not Wording("New tests for the payment service").changes
    assert not Wording("New file for the payment fixtures").changes


# --- end to end ------------------------------------------------------------------------------------


def test_the_commit_msg_check_flags_a_paraphrased_reraise_in_a_real_repository(repo: Repo) -> None:
    repo.commit(
        "Record the API decisions\n\nWhy: new engineers keep asking.\n",
        {
            "docs/adr/0001-use-postgresql-as-the-job-queue.md": QUEUE,
            "docs/adr/0002-deploy-with-blue-green-releases.md": DEPLOY,
            "docs/adr/0003-response-compression.md": COMPRESSION,
        },
    )
    message = repo.write(
        "MSG",
        "Compress API responses at the CDN instead of in the application\n\n"
        "The CDN compresses at the edge for free, so gzip on the API servers only costs CPU.\n\nRefs: #12\n",
    )
    proc = run_ctxlint("check-msg", "--format", "json", str(message), cwd=repo.path)
    found = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "CTX301"]
    assert [f["decision"] for f in found] == ["docs/adr/0003-response-compression.md"], proc.stdout + proc.stderr
    ordinary = repo.write(
        "MSG2",
        "Log response sizes before and after compression\n\nWe want to know what gzip saves per endpoint.\n\n"
        "Refs: #13\n",
    )
    proc = run_ctxlint("check-msg", "--format", "json", str(ordinary), cwd=repo.path)
    assert [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "CTX301"] == [], proc.stdout
