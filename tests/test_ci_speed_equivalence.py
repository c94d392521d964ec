"""The range path was sped up (benchmarks/bench_range.py); these pin that it finds exactly what the
straightforward versions found: ticket search, the rationale pre-checks, message parsing and the
JSON writer, on messages built from parts (tests/messages.py), on generated text, and on the shared
corpus when it is present. The engine loop's comparison is tests/test_engine.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from messages import sample_messages

from linter.findings import Finding
from linter.message import parse
from linter.tickets import (
    _BUILTIN,
    _GH_DASH,
    _KEY,
    _TEXT_WIDE,
    _WORDS,
    NOT_PROJECT_KEYS,
    TicketMatcher,
    _branch_spans,
    _doubtful,
    _written_as_ticket,
)

#: The key pattern as first written (look-behind first), the reference for the faster form.
ORIGINAL_KEY = r"(?<![A-Za-z0-9_./-])([A-Z][A-Z0-9_]{1,14})-([1-9][0-9]{0,8})(?![A-Za-z0-9_-]|\.[0-9])"

ROOT = Path(__file__).resolve().parent.parent


def reference_find(matcher: TicketMatcher, text: str) -> list[str]:
    """The straightforward search: every pattern over the whole text, no needles, no gates."""
    enabled = [p for tracker in matcher.trackers for p in _BUILTIN.get(tracker, ())]
    others: list[str] = []
    for pattern in enabled:
        if pattern not in _TEXT_WIDE and pattern not in others:
            others.append(pattern)
    found: list[tuple[int, int, str]] = []
    if others:
        found.extend(
            (m.start(), m.end(), m.group(0))
            for m in re.finditer("|".join(f"(?:{p})" for p in others), text)
            if matcher._url_key_ok(m.group(0))  # tracker URLs obey project keys as bare keys do
        )
    for pattern in (_WORDS, _GH_DASH):
        if pattern in enabled:
            found.extend((m.start(), m.end(), m.group(0)) for m in re.finditer(pattern, text))
    if text.startswith("Merge"):
        hidden = _branch_spans(text)
        found = [f for f in found if not any(f[0] < end and start < f[1] for start, end in hidden)]
    if _KEY in enabled:
        for m in re.finditer(ORIGINAL_KEY, text):
            project, number = m.group(1), m.group(2)
            if matcher.project_keys:
                ok = project in matcher.project_keys
            else:
                ok = (project not in NOT_PROJECT_KEYS and not (project == "GH" and _GH_DASH in enabled)
                      and (not _doubtful(project, number) or _written_as_ticket(text, m.start())))
            if ok:
                found.append((m.start(), m.end(), m.group(0)))
    found.sort()
    seen: list[str] = []
    for _, _, ref in found:
        if ref not in seen:
            seen.append(ref)
    return seen


MATCHERS = [
    TicketMatcher(),
    TicketMatcher(["github"]),
    TicketMatcher(["gitlab", "azure"]),
    TicketMatcher(["jira"], ["PAY"]),
]

TRICKY = [
    "ABC-1 xABC-1 .ABC-12 ABC-12.3 -AB-3 AB-3x (AB-3) \u00c4AB-3 aAB-3 BB-4 UTF-8 PAY-7",
    "see owner/repo#12, group/sub/proj!34 and https://gitlab.com/g/p/-/issues/5#note_1",
    "x#1 &#2 /#3 (#4) #0 AB#77 ab#7 https://dev.azure.com/o/p/_workitems/edit/9",
    "https://github.com/o/r/pull/3#issuecomment-1 https://github.com/o/r/issues/4",
    "https://jira.example.com/browse/PAY-1\thttps://linear.app/acme/issue/ENG-12\u00a0#9",
    "a!1 b/c!2 !3\r\n#5\x0b#6 http://x/-/merge_requests/7!8 [#9](https://x/y/z/pulls/10)",
]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_ticket_search_matches_the_reference_on_tricky_text(matcher: TicketMatcher) -> None:
    for text in TRICKY:
        assert matcher.find(text) == reference_find(matcher, text), text


@pytest.mark.parametrize("matcher", MATCHERS)
def test_ticket_search_matches_the_reference_on_messages(matcher: TicketMatcher) -> None:
    for text in sample_messages():
        assert matcher.find(text) == reference_find(matcher, text), text


ALPHABET = st.sampled_from(
    [
        *"aZ09_-./#!:&@ \n\t\r\u00a0AB1",
        "ABC-",
        "-1",
        ".5",
        "://",
        "http",
        "https://",
        "AB#",
        "/-/issues/",
        "/pull/",
        "/browse/",
        "PAY-",
        "linear.app/",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_ticket_search_matches_the_reference_on_generated_text(text: str) -> None:
    for matcher in MATCHERS:
        assert matcher.find(text) == reference_find(matcher, text)


def assert_prefilters_hold(text: str) -> None:
    """Where a rationale pattern matches, its cheap pre-check must have let the text through."""
    from linter.checks.rationale import _DECISION_WORDS, DECISION_LINK, _may_hold
    from tests.checks.test_rationale import assert_triggers_hold

    if DECISION_LINK.search(text):
        assert _may_hold(text, _DECISION_WORDS), text
    assert_triggers_hold(text)


def test_rationale_prefilters_never_hide_a_match() -> None:
    texts = [
        *sample_messages(),
        "see ADR-7",
        "docs/DECISIONS/x.md",
        "BECAUSE it broke prod",
        "dec\u0131\u017fions/x.md",
        "fixed \u212aeep",
        "To Avoid double charges",
        "See architecture-decisions/0001-x.md",
        "due to\tdue to",  # found by hypothesis: a tab, not a space, after "to"
    ]
    for text in texts:
        assert_prefilters_hold(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "ADR",
                "adr",
                "-",
                "7",
                " ",
                "/",
                "decisions",
                "DECISION",
                "-records",
                ".md",
                "because",
                "To ",
                "avoid",
                "x",
                "since",
                "\u0131",
                "\u017f",
                "\u212a",
                "SO THAT",
                "which ",
                "led",
                "caused by",
                "due to",
                "IN ORDER TO",
                "to",
                "Fix",
                "make",
                "\t",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_rationale_prefilters_on_generated_text(text: str) -> None:
    assert_prefilters_hold(text)


def reference_parse_parts(
    raw: str, comment_char: str | None
) -> tuple[str, list[str], list[tuple[str, str, int]]]:
    """clean(), paragraphs and trailers as the line-by-line helpers compute them."""
    from linter.message import SCISSORS, _line_of_paragraph, _parse_trailer_block, _split_paragraphs

    text = raw.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for line in text.split("\n"):
        if comment_char and line == f"{comment_char} {SCISSORS}":
            break
        if comment_char and line.startswith(comment_char):
            continue
        out.append(line.rstrip())
    result: list[str] = []
    for line in out:
        if not line and (not result or not result[-1]):
            continue
        result.append(line)
    while result and not result[-1]:
        result.pop()
    cleaned = "\n".join(result)
    paragraphs = _split_paragraphs(cleaned)
    trailers: list[tuple[str, str, int]] = []
    if len(paragraphs) > 1:
        block = _parse_trailer_block(paragraphs[-1], _line_of_paragraph(cleaned, len(paragraphs) - 1))
        trailers = [(t.key, t.value, t.line) for t in block or []]
    return cleaned, paragraphs, trailers


def check_parse(raw: str) -> None:
    for char in (None, "#"):
        msg = parse(raw, comment_char=char)
        assert (
            msg.text,
            msg.paragraphs,
            [(t.key, t.value, t.line) for t in msg.trailers],
        ) == reference_parse_parts(raw, char)


def test_parse_matches_the_line_by_line_reference_on_messages() -> None:
    for raw in sample_messages():
        check_parse(raw)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "Key: v",
                "Signed-off-by: x",
                " ",
                "\t",
                "\n",
                "\r\n",
                "\r",
                "\x0c",
                "\u00a0",
                "\x1c",
                "\u2028",
                "\x00",
                "x y",
                "# c",
                "(cherry picked from commit 1)",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_parse_matches_the_line_by_line_reference_on_generated_text(raw: str) -> None:
    check_parse(raw)


def reference_fields(data: bytes, width: int) -> list[list[str]]:
    """The original reading: split the bytes on NUL, then decode each field on its own."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    decoded = [p.decode("utf-8", "replace") for p in parts]
    return [decoded[i : i + width] for i in range(0, len(decoded) - width + 1, width)]


STREAM = (
    "\0".join(["a" * 40, "", "Zoë", "z@x", "1700000000", "caf\u00e9 \u2603 \U0001f600 msg\n"]).encode()
    + b"\0"
)
BROKEN = b"\n" + b"b" * 40 + b"\0p\0N\xc3\0e\0" + b"1\0bad \xe2\x82\0"  # truncated sequences before NUL


@pytest.mark.parametrize("data", [STREAM * 3, BROKEN + STREAM, STREAM + b"\xff\xfe", b"\xe2\x82"])
def test_stream_decoding_matches_field_by_field_decoding_at_any_chunk_size(data: bytes) -> None:
    from linter.gitio import split_fields

    expected = reference_fields(data, 6)
    for size in range(1, len(data) + 1):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert list(split_fields(chunks, 6)) == expected, size


#: Text that could trip a JSON writer put together by hand: braces, quotes, commas, backslashes and
#: line breaks, which must come out escaped as json escapes them, and non-ASCII left as it is.
_JSON_TRICKY = ['}, {"a": 1}', 'x"}\n,\n      {"', "\\", "é \u2028 \t", "{}[]", ""]


def _finding_values() -> st.SearchStrategy[Finding]:
    text = st.one_of(st.sampled_from(_JSON_TRICKY), st.text(max_size=30))
    optional = st.one_of(st.none(), text)
    return st.builds(Finding, st.sampled_from(["CTX101", "CTX201"]), text, st.sampled_from(["error", "warning"]),
                     text, optional, optional, optional, st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12)),
                     optional)


@settings(max_examples=300, deadline=None)
@given(st.lists(_finding_values(), max_size=6),
       st.one_of(st.none(), st.dictionaries(st.sampled_from(["checked", "exempt", "findings", "notes"]),
                                             st.one_of(st.integers(0, 99), st.lists(st.text(max_size=5))))))
def test_json_report_writes_what_json_dumps_with_indent_writes(findings: list[Finding],
                                                                 extra: dict[str, object] | None) -> None:
    from linter.report import json_report

    data: dict[str, object] = {"findings": [f.to_dict() for f in findings]}
    data.update(extra or {})
    assert json_report.render(findings, extra) == json.dumps(data, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(_finding_values(), max_size=8), st.lists(st.integers(0, 8), max_size=4),
       st.one_of(st.none(), st.dictionaries(st.sampled_from(["checked", "exempt", "commits"]), st.integers(0, 99))))
def test_json_drawn_in_pieces_is_what_json_dumps_writes(findings: list[Finding], cuts: list[int],
                                                         extra: dict[str, object] | None) -> None:
    """A range's workers draw their batches' findings (`draw`); the report put together from the
    pieces, empty ones included, is still json.dumps's text, wherever the batches were cut."""
    from linter.report import json_report

    bounds = [0, *sorted(min(cut, len(findings)) for cut in cuts), len(findings)]
    pieces = [json_report.draw(findings[a:b]) for a, b in zip(bounds, bounds[1:])]
    data: dict[str, object] = {"findings": [f.to_dict() for f in findings]}
    data.update(extra or {})
    expected = json.dumps(data, indent=2, ensure_ascii=False)
    assert json_report.assemble(pieces, extra) == expected
    assert "".join(json_report.parts(pieces, extra)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a" * 40, "b" * 40, "a" * 10 + "c" * 30]), _finding_values()),
                max_size=8),
       st.integers(0, 8))
def test_text_drawn_in_pieces_is_the_text_drawn_at_once(placed: list[tuple[str, Finding]], cut: int) -> None:
    """Cut between two commits, the plain listing's pieces join into the listing drawn whole."""
    import io

    from linter.report import text

    findings = []
    for commit, finding in placed:
        finding.commit, finding.subject, finding.path, finding.line = commit, "Fix it", None, None
        findings.append(finding)
    findings.sort(key=lambda f: f.commit or "")  # a commit's findings come in a row, as the engine gives them
    while 0 < cut < len(findings) and findings[cut - 1].commit == findings[cut].commit:
        cut += 1
    whole = io.StringIO()
    text._plain(findings, whole, None)
    assert text.draw_plain(findings[:cut]) + text.draw_plain(findings[cut:]) == whole.getvalue()
