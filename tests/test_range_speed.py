"""check-range's reports were sped up (benchmarks/bench_range.py); these pin that the fast paths
write exactly what the straightforward versions wrote, on generated text."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.findings import Finding
from linter.report import json_report
from linter.report.safety import scrub
from tests.messages import sample_messages

_SURROGATE = re.compile("[\ud800-\udfff]")


def reference_scrub(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


#: Text of every width str stores (Latin-1, the BMP, astral planes) with lone surrogates among it.
_WIDE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0xFF),
        st.characters(min_codepoint=0x100, max_codepoint=0xFFFF),
        st.characters(min_codepoint=0x10000),
        st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_WIDE_TEXT)
def test_scrub_replaces_exactly_the_lone_surrogates(text: str) -> None:
    assert scrub(text) == reference_scrub(text)


def test_scrub_returns_clean_text_itself() -> None:
    """Nothing to replace, nothing copied: a megabyte report is scrubbed without a new string."""
    for text in ("plain", "caf\u00e9 \u2014 \U0001f600" * 1000):
        assert scrub(text) is text


def _finding(code: str, message: str, commit: str | None, subject: str | None) -> Finding:
    return Finding(code, "missing-" + code.lower(), "error", message, commit, subject)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["CTX101", "CTX201"]), st.integers(0, 2), st.integers(0, 3)),
                max_size=12))
def test_json_report_shares_repeated_values_without_changing_them(plan: list[tuple[str, int, int]]) -> None:
    """Findings in a row that share a commit, a subject or a message object (as the engine hands
    them out) are written as json.dumps writes each on its own."""
    messages = ['no ticket "found"', "a\\b\nc", "caf\u00e9"]
    commits = [(f"{n:040x}", f'subject {n} "quoted"') for n in range(4)]
    findings = [_finding(code, messages[m], *commits[c]) for code, m, c in plan]
    expected = json.dumps({"findings": [f.to_dict() for f in findings], "commits": 3}, indent=2,
                          ensure_ascii=False)
    assert json_report.render(findings, {"commits": 3}) == expected


def test_every_printable_character_is_one_clean_line_passes_unchanged() -> None:
    """clean_line trusts str.isprintable before its regex: no printable character may be one the
    regex would show or fold (checked over every code point)."""
    from linter.report.safety import _CONTROL, _PLAIN_LINE

    printable_but_unsafe = [
        hex(point)
        for point in range(0x110000)
        if chr(point).isprintable() and (_CONTROL.search(chr(point)) or not _PLAIN_LINE.fullmatch(chr(point)))
    ]
    assert printable_but_unsafe == []


@settings(max_examples=300, deadline=None)
@given(_WIDE_TEXT)
def test_clean_line_folds_and_shows_what_it_did_before(text: str) -> None:
    from linter.report.safety import clean, clean_line

    reference = text if _PLAIN_LINE_REFERENCE.fullmatch(text) else clean(
        text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    assert clean_line(text) == reference


_PLAIN_LINE_REFERENCE = re.compile("[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]*")



_CONTROL_REFERENCE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@settings(max_examples=300, deadline=None)
@given(_WIDE_TEXT)
def test_clean_shows_what_it_did_before(text: str) -> None:
    from linter.report.safety import clean

    def visible(match: re.Match[str]) -> str:
        point = ord(match.group(0))
        return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"

    assert clean(text) == _CONTROL_REFERENCE.sub(visible, text)


def _rationale_patterns() -> list[str]:
    from linter.checks import rationale

    return [*rationale._PATTERN_CUES.values(), *rationale._POINTERS.values()]


def assert_literal_first_finds_the_same(text: str) -> None:
    from linter.checks.rationale import _literal_first

    for pattern in _rationale_patterns():
        fast = re.compile(_literal_first(pattern)).search(text)
        slow = re.compile(pattern).search(text)
        assert (fast and fast.span()) == (slow and slow.span()), (pattern, text)


def test_literal_first_patterns_find_what_the_originals_find_on_real_looking_messages() -> None:
    """The generated messages always, and the shared corpus's first 3,000 when it is beside us."""
    for text in sample_messages(corpus_limit=3000):
        assert_literal_first_finds_the_same(" ".join(text.lower().split()))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["to", "avoid", "as", "it", "is", "since", "see", "the", "ticket", "per", "review",
                                 "in", "order", "case", "of", "at", "moment", "xto", "_to", "-", " ", "\u00e9", "1"]),
                max_size=10).map(" ".join))
def test_literal_first_patterns_find_what_the_originals_find_on_generated_text(text: str) -> None:
    assert_literal_first_finds_the_same(text)


def _sarif_outcome(findings: list[Finding], limit_notes: bool) -> object:
    from linter.report.outcome import CommitRecord, Outcome

    commits = sorted({f.commit for f in findings if f.commit})
    return Outcome("check-range", findings, [CommitRecord(c, "s") for c in commits],
                   notes=["a note \x1b[31m"] if limit_notes else None, pr_label="PR #3", pr_number=3)


_SARIF_TEXT = st.one_of(st.sampled_from(['"}],[{"', "a\\b", "\x1b[2J", "caf\u00e9", "\u202e", ""]),
                        st.text(max_size=12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(
    Finding,
    st.sampled_from(["CTX101", "CTX201", "CTX999"]),
    st.sampled_from(["missing-ticket", "x"]),
    st.sampled_from(["error", "warning", "odd"]),
    _SARIF_TEXT,
    st.one_of(st.none(), st.sampled_from(["", "a" * 40, "b" * 40])),
    st.one_of(st.none(), _SARIF_TEXT),
    st.one_of(st.none(), st.sampled_from(["docs/adr/1.md", 'we"ird.md'])),
    st.one_of(st.none(), st.booleans(), st.integers(0, 99)),
), max_size=8), st.booleans())
def test_sarif_is_what_json_dumps_writes_of_the_document(findings: list[Finding], notes: bool) -> None:
    from linter.report import sarif

    outcome = _sarif_outcome(findings, notes)
    expected = json.dumps(sarif.document(outcome), ensure_ascii=False, separators=(",", ":"))  # type: ignore[arg-type]
    assert sarif.render(outcome) == expected  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["CTX101", "CTX201"]), st.integers(0, 2), st.integers(0, 3)),
                max_size=12))
def test_sarif_shares_repeated_values_without_changing_them(plan: list[tuple[str, int, int]]) -> None:
    """Findings in a row that share a commit, a subject or a message object (as the engine hands
    them out) are written as json.dumps writes the document."""
    from linter.report import sarif

    messages = ['no ticket "found"', "a\\b\nc \x1b[1m", "caf\u00e9"]
    commits = [(f"{n:040x}" if n else None, f'subject {n} "q" \u202e' if n != 2 else None) for n in range(4)]
    findings = [_finding(code, messages[m], *commits[c]) for code, m, c in plan]
    outcome = _sarif_outcome(findings, False)
    expected = json.dumps(sarif.document(outcome), ensure_ascii=False, separators=(",", ":"))  # type: ignore[arg-type]
    assert sarif.render(outcome) == expected  # type: ignore[arg-type]


def test_only_patterns_that_open_with_a_plain_word_are_rewritten() -> None:
    from linter.checks.rationale import _literal_first

    assert _literal_first(r"\bto (?:avoid|stop)\b") == r"to (?<=\bto )(?:avoid|stop)\b"
    for kept in (r"\breasons? (?:is|are)\b", r"\b(?:as|per) x", r"(?<!-)\bsafe x", r"\bTo x", r"\bto\b",
                 r"\b\u00e9t\u00e9 x", "to x"):
        assert _literal_first(kept) == kept
