"""CTX302-309: the health rules over a decision log (links, numbers, status, date, stale proposals)."""

from __future__ import annotations

import datetime

import pytest

from linter.checks import decision_health as health
from linter.config import validate
from linter.decisions import links
from linter.decisions.records import Record, parse
from tests.decisions.test_records import NYGARD, NYGARD_NEW


def test_unknown_status_is_a_finding_and_neither_open_nor_closed() -> None:
    text = "# 3. Foo\n\nDate: 2000-01-01\n\n## Status\n\nContemplated\n"
    record = parse("adr/0003-foo.md", text.encode())
    findings = health.check([record], validate({}, "t"), datetime.date(2025, 1, 1))
    assert [f.code for f in findings] == ["CTX309"]
    assert "'contemplated'" in findings[0].message and findings[0].line == 7


@pytest.mark.parametrize("written", ["Pending", "Under review", "In progress", "Draft", "RFC"])
def test_every_open_status_goes_stale(written: str) -> None:
    text = f"# 3. Foo\n\nDate: 2020-01-01\n\n## Status\n\n{written}\n"
    findings = health.check([parse("adr/0003-foo.md", text.encode())], validate({}, "t"), datetime.date(2025, 1, 1))
    assert [f.code for f in findings] == ["CTX308"]


def _log(*records: tuple[str, str]) -> list[Record]:
    return [parse(path, text.encode()) for path, text in records]


def test_health_accepts_a_two_way_supersede_chain() -> None:
    records = _log(
        ("doc/adr/0007-use-postgresql-as-the-job-queue.md", NYGARD),
        ("doc/adr/0009-keep-jobs-in-redis.md", NYGARD_NEW),
    )
    codes = [f.code for f in health.check(records, validate({}, "test"), datetime.date(2025, 10, 1))]
    assert codes == []
    linked = links.supersede_map(records)
    assert linked["doc/adr/0009-keep-jobs-in-redis.md"] == (["ADR-7"], [])
    assert linked["doc/adr/0007-use-postgresql-as-the-job-queue.md"] == ([], ["ADR-9"])


def test_health_resolves_links_as_markdown_does_and_names_as_trailers_do() -> None:
    """A supersede link must lead where a click leads (a repo-relative path from docs/adr/ does not);
    a front-matter name such as 'decision 7' names ADR-7, as it does in a trailer."""
    accepted = "# 7. Old\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n"
    records = _log(
        ("docs/adr/0007-old.md", accepted),
        ("docs/adr/0008-a.md", "# 8. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n"
                               "Supersedes [7. Old](docs/adr/0007-old.md)\n"),
        ("docs/adr/0009-b.md", "---\nstatus: accepted\ndate: 2024-01-01\nsupersedes: decision 7\n---\n# B\n"),
    )
    got = {(f.code, f.path) for f in health.check(records, validate({}, "t"), datetime.date(2024, 2, 1))}
    assert got == {("CTX303", "docs/adr/0008-a.md"), ("CTX304", "docs/adr/0009-b.md")}
    assert links.supersede_map(records)["docs/adr/0009-b.md"] == (["ADR-7"], [])


def test_health_reports_broken_one_way_duplicate_missing_and_stale() -> None:
    one_way = NYGARD_NEW.replace("9. Keep", "9. Keep").replace(
        "0007-use-postgresql-as-the-job-queue.md", "0007-use-postgresql-as-the-job-queue.md"
    )
    old = NYGARD.replace("Superseded by [9. Keep jobs in Redis](0009-keep-jobs-in-redis.md)", "Accepted")
    broken = "# 10. Foo\n\nDate: 2025-01-01\n\n## Status\n\nAccepted\n\nSupersedes [3. Gone](0003-gone.md)\n"
    dup = "# 10. Bar\n\n## Status\n\nProposed\n"
    stale = "---\nstatus: proposed\ndate: 2020-01-01\n---\n# 11. Old idea\n"
    records = _log(
        ("adr/0007-use-postgresql-as-the-job-queue.md", old),
        ("adr/0009-keep-jobs-in-redis.md", one_way),
        ("adr/0010-foo.md", broken),
        ("adr/0010-bar.md", dup),
        ("adr/0011-old-idea.md", stale),
    )
    findings = health.check(records, validate({}, "test"), datetime.date(2025, 10, 1))
    got = {(f.code, f.path) for f in findings}
    assert ("CTX304", "adr/0009-keep-jobs-in-redis.md") in got
    assert ("CTX303", "adr/0010-foo.md") in got
    assert ("CTX305", "adr/0010-foo.md") in got and ("CTX305", "adr/0010-bar.md") in got
    assert ("CTX307", "adr/0010-bar.md") in got
    assert ("CTX308", "adr/0011-old-idea.md") in got
    assert all(f.line for f in findings)


def test_stale_proposal_age_is_configurable() -> None:
    stale = "---\nstatus: proposed\ndate: 2025-06-01\n---\n# 11. Idea\n"
    records = _log(("adr/0011-idea.md", stale))
    today = datetime.date(2025, 10, 1)
    assert [f.code for f in health.check(records, validate({}, "t"), today)] == ["CTX308"]
    cfg = validate({"decisions": {"stale-proposal-days": 200}}, "t")
    assert health.check(records, cfg, today) == []


def test_every_decision_rule_has_a_check_and_every_check_a_rule() -> None:
    from linter.checks import message_checks
    from linter.rulebook import catalogue

    decision_rules = {r.code for r in catalogue() if r.scope == "decision"}
    assert decision_rules == {"CTX301", *health.CODES}
    assert "CTX301" in message_checks()
