"""Parsing decision records: adr-tools/Nygard, MADR 2/3/4, log4brains, malformed files."""

from __future__ import annotations

import datetime

import pytest

from linter.checks import decision_health as health
from linter.config import validate
from linter.decisions.records import parse, read_front_matter
from linter.decisions.references import reference_number, refers_to, whole_reference

NYGARD = """# 7. Use PostgreSQL as the job queue

Date: 2025-03-02

## Status

Superseded by [9. Keep jobs in Redis](0009-keep-jobs-in-redis.md)

## Context

Background jobs need a queue.

## Decision

We keep jobs in a PostgreSQL table.

## Consequences

One service fewer.
"""

NYGARD_NEW = """# 9. Keep jobs in Redis

Date: 2025-09-01

## Status

Accepted

Supersedes [7. Use PostgreSQL as the job queue](0007-use-postgresql-as-the-job-queue.md)

## Context

The jobs table loads the primary.
"""

MADR2 = """# Use Markdown Architectural Decision Records

* Status: accepted
* Deciders: Ada, Grace
* Date: 2020-05-17

Technical Story: ADR tooling

## Context and Problem Statement

We want to record architectural decisions.

## Decision Outcome

Chosen option: "MADR", because it is lean.
"""

MADR3 = """---
status: proposed
date: 2024-01-10
deciders: [Ada, Grace]
consulted:
  - the platform team
---
# Cache sessions in memory

## Context and Problem Statement

Sessions are read on every request.

## Decision Outcome

Chosen option: in-process cache.
"""

MADR4 = """---
status: "superseded by ADR-0012"
date: 2023-11-30
decision-makers: Ada
---

# Log in JSON

## Context and Problem Statement

Logs are parsed by machines.
"""

LOG4BRAINS = """# Use Log4brains to manage the ADRs

- Status: draft
- Date: 2024-02-01
- Tags: doc

## Context and Problem Statement

We need a place for decisions.
"""


def test_nygard_record_gives_number_title_status_date_and_links() -> None:
    record = parse("doc/adr/0007-use-postgresql-as-the-job-queue.md", NYGARD.encode())
    assert record.number == 7
    assert record.id == "ADR-7"
    assert record.title == "Use PostgreSQL as the job queue"
    assert record.status == "superseded"
    assert record.date == "2025-03-02"
    assert record.superseded_by == ["0009-keep-jobs-in-redis.md"]
    assert "Background jobs" in record.context
    assert "PostgreSQL table" in record.decision
    assert record.closed
    assert record.defects == []


def test_madr2_list_metadata() -> None:
    record = parse("docs/decisions/0001-use-markdown-architectural-decision-records.md", MADR2.encode())
    assert (record.number, record.status, record.date) == (1, "accepted", "2020-05-17")
    assert record.title == "Use Markdown Architectural Decision Records"
    assert "lean" in record.decision
    assert "Deciders" not in record.context


def test_madr3_front_matter_with_nested_list_and_open_status() -> None:
    record = parse("docs/decisions/0004-cache-sessions.md", MADR3.encode())
    assert record.status == "proposed"
    assert record.date == "2024-01-10"
    assert not record.closed
    assert record.defects == []


def test_madr4_status_superseded_by_reference() -> None:
    record = parse("docs/decisions/0011-log-in-json.md", MADR4.encode())
    assert record.status == "superseded"
    assert record.superseded_by == ["ADR-12"]
    assert record.title == "Log in JSON"


def test_log4brains_draft_is_open() -> None:
    record = parse("docs/adr/20240201-use-log4brains.md", LOG4BRAINS.encode())
    assert record.status == "draft"
    assert not record.closed


def test_unknown_status_words_are_kept_lowercased() -> None:
    text = "# 3. Foo\n\nDate: 2020-01-01\n\n## Status\n\nApril Fool!\n"
    assert parse("adr/0003-foo.md", text.encode()).status == "april"
    assert parse("adr/0003-foo.md", text.replace("April Fool!", "Superceded").encode()).status == "superseded"


@pytest.mark.parametrize(
    ("written", "status", "closed", "open_"),
    [
        ("Accepted.", "accepted", True, False),
        ("Approved", "accepted", True, False),
        ("**Rejected** in favour of REST", "rejected", True, False),
        ("Partly superseded by [ADR-7](0007-x.md)", "superseded", True, False),
        ("Partially superseded by ADR-7", "superseded", True, False),
        ("Superceeded by [ADR033](../ADR033-redirect)", "superseded", True, False),
        ("Replaced by ADR-9", "superseded", True, False),
        ("Withdrawn", "withdrawn", True, False),
        ("Deprecated", "deprecated", True, False),
        ("Final", "final", True, False),
        ("Active", "active", True, False),
        ("Proposed", "proposed", False, True),
        ("Draft", "draft", False, True),
        ("Pending", "pending", False, True),
        ("Pending approval", "pending", False, True),
        ("In Progress", "in progress", False, True),
        ("Work in progress", "in progress", False, True),
        ("WIP", "in progress", False, True),
        ("Under review", "under review", False, True),
        ("Open for comments", "rfc", False, True),
        ("Request for comments", "rfc", False, True),
        ("RFC", "rfc", False, True),
        ("Under discussion", "discussion", False, True),
        ("Provisional", "provisional", True, False),
        ("Deferred", "deferred", True, False),
        ("Contemplated", "contemplated", False, False),
    ],
)
def test_lifecycle_reads_every_usual_status(written: str, status: str, closed: bool, open_: bool) -> None:
    text = f"# 3. Foo\n\nDate: 2020-01-01\n\n## Status\n\n{written}\n"
    record = parse("adr/0003-foo.md", text.encode())
    assert (record.status, record.closed, record.open) == (status, closed, open_)
    front = parse("adr/0003-foo.md", f"---\nstatus: {written}\n---\n# Foo\n".encode())
    assert front.status == status


def test_references_in_all_spellings() -> None:
    assert reference_number("ADR-7") == 7
    assert reference_number("ADR-0007") == 7
    assert reference_number("docs/adr/0007-x.md") == 7
    record = parse("docs/adr/0007-x.md", NYGARD.encode())
    for ref in ("ADR-7", "ADR-0007", "adr-7", "docs/adr/0007-x.md", "0007-x.md"):
        assert record.refers_to(ref), ref
    assert not record.refers_to("ADR-70")


@pytest.mark.parametrize(
    ("ref", "as_link", "as_mention"),
    [
        ("0003-x.md", True, True),  # beside the holder: a link and a mention
        ("../adr/0003-x.md", True, True),
        ("docs/adr/0003-x.md", False, True),  # repo-relative: a click from docs/adr/ leads nowhere
        ("ADR-3", True, True),
        ("decision 3", True, True),
        ("ADR-30", False, False),
    ],
)
def test_a_link_in_a_record_is_read_from_its_folder_and_a_mention_anywhere(
    ref: str, as_link: bool, as_mention: bool
) -> None:
    """The one `refers_to` answers both questions: a supersede link must lead where a reader's
    click leads (health, CTX303), while a trailer or the reopening rule only needs to know the record."""
    holder = "docs/adr/0005-y.md"
    assert refers_to(ref, "docs/adr/0003-x.md", 3, holder, link=True) is as_link
    assert refers_to(ref, "docs/adr/0003-x.md", 3, holder) is as_mention


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ADR-7", "ADR-7"), (" decision 7 ", "decision 7"), ("docs/adr/0007-x.md", "docs/adr/0007-x.md"),
     ("7", "7"), ("job queue", None), ("ADR 7 queue", None)],
)
def test_a_whole_query_is_a_reference_or_a_topic(query: str, expected: str | None) -> None:
    assert whole_reference(query) == expected


def test_front_matter_reader_reports_bad_lines() -> None:
    data, problems = read_front_matter(["status: accepted", "this is not yaml", "tags: [a, b]"], 2)
    assert data["status"] == "accepted"
    assert data["tags"] == ["a", "b"]
    assert [p.line for p in problems] == [3]


def test_malformed_records_are_problems_not_crashes() -> None:
    cases = {
        b"": "no title",
        b"---\nstatus: accepted\n# never closed\n": "never ends",
        b"# 5. Bytes\n\nDate: 2020-01-01\n\n\xff\xfe broken\n": "UTF-8",
        b"# 6. Bad date\n\nDate: last tuesday\n": "ISO date",
        b"\x00\x01\x02": "no title",
    }
    for data, words in cases.items():
        record = parse("docs/adr/0005-x.md", data)
        assert any(words in p.message for p in record.defects), (data, record.defects)


def test_parse_never_raises_on_arbitrary_bytes() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        [
            "---\n",
            "status: ",
            "# ",
            "## Status\n",
            "Superseded by [",
            "](0003-x.md)",
            "\n",
            "Date: ",
            "2020-13-45",
            "* Status: ",
            "```\n",
            "=====\n",
            "\xff",
            "ADR-",
            "7",
            ": [a, b",
            "  - x\n",
        ]
    )

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=30), st.binary(max_size=20))
    def check(parts: list[str], tail: bytes) -> None:
        record = parse("docs/adr/0001-x.md", "".join(parts).encode("utf-8", "surrogatepass") + tail)
        assert record.number == 1
        assert isinstance(record.title, str) and record.title
        assert all(p.line >= 1 for p in record.defects)
        health.check([record], validate({}, "t"), datetime.date(2025, 1, 1))

    check()
