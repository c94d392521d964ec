"""The rationale judgement (CTX201/CTX202): a reason in the subject or the body counts; a pointer
elsewhere, filler, a restatement of the change and trailers do not (../shared/corpora/rationale/GUIDE.md)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from messages import sample_messages

from linter.checks import rationale as r
from linter.checks.protocol import CommitContext
from linter.config import Config, validate
from linter.engine import lint
from linter.errors import CtxlintError
from linter.message import parse

ROOT = Path(__file__).resolve().parents[2]
REASON = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


def findings(message: str, cfg: Config | None = None) -> list[tuple[str, str]]:
    result = lint(parse(message, None), CommitContext(), cfg or Config())
    return [(f.code, f.message) for f in result.findings if f.code.startswith("CTX2")]


def codes(message: str, cfg: Config | None = None) -> list[str]:
    return [f.code for f in lint(parse(message), CommitContext(), cfg or Config()).findings]


def how(message: str, cfg: Config | None = None) -> tuple[str, str]:
    return r.assess(parse(message), cfg or Config())


# --- reasons that count ---------------------------------------------------------------------------

@pytest.mark.parametrize("subject", [
    "Avoid compilation warnings",
    "Fix build-std updating the index on every build",
    "Stop log4j from moaning on startup",
    "Adjust for charset error on Windows on CI",
    "Fix NPE in StringUtils.join when the array is null",
    "Reduce visibility of test classes per JUnit 5 conventions",
    "Fix crash on empty config file",
    "Retry uploads because the object store returns 503 under load",
    "Add an index so that the audit query stays under a second",
    "Pin urllib3 to avoid the proxy regression",
    "Export the report as UTF-8: the viewer failed when a name had an accent",
    "fix(parser): crash on empty input",
    "net/http: fix race in Transport when a request is canceled during dial",
    "Fixed #34567 -- Fixed crash in QuerySet.update() on annotated querysets.",
    "Drop Python 3.7 support; it reached end of life in June 2023",
    "Use Process.clock_gettime since Time.now is affected by NTP adjustments",
])
def test_a_reason_in_the_subject_counts(subject: str) -> None:
    assert how(subject + "\n") == ("ok", "subject"), subject
    assert findings(subject + "\n") == []


@pytest.mark.parametrize("body", [
    REASON,
    "When a block raised inside the helper, the connection was not returned to the pool.",
    "Previously the loader read the file twice.",
    "Scripts could not tell a usage error from a failed run.",
    "It doubled memory use in production.",
    # a statement of the situation, with no cue word: the project's own house style
    "The hook asked git for the comment char only when a line started with one of its auto candidates.",
    "prepare() is the pure core of the hook and is tested as a function.",
    "Polling the jobs table loads the primary.",
    "The jobs table polling now costs a third of the database's capacity at peak.",
    "Printing the findings took 33 ms of a 0.4 s run.",
])
def test_a_reason_in_the_body_counts(body: str) -> None:
    assert how(f"PAY-1: retry payments\n\n{body}\n") == ("ok", "body"), body


@pytest.mark.parametrize("key", ["Why", "Rationale", "Reason", "why"])
def test_rationale_trailers(key: str) -> None:
    message = f"PAY-1: retry payments\n\n{key}: idle connections are dropped by the gateway\n"
    assert how(message) == ("ok", "trailer")


def test_custom_rationale_trailer() -> None:
    cfg = validate({"rationale-trailers": ["Motivation"]}, "test")
    message = "PAY-1: retry payments\n\nMotivation: idle connections are dropped by the gateway\n"
    assert how(message, cfg) == ("ok", "trailer")
    assert codes(message.replace("Motivation", "Why"), cfg) == ["CTX201"]  # Why: is just a trailer now


@pytest.mark.parametrize("link", ["Implements ADR-0007.", "See ADR 12.", "Decided in docs/adr/0007-queue.md",
                                  "per decisions/retry-policy.md"])
def test_decision_links(link: str) -> None:
    assert how(f"PAY-1: switch the queue to at-least-once delivery\n\n{link}\n") == ("ok", "decision record")


# --- what does not count, and what the finding says ----------------------------------------------

@pytest.mark.parametrize("subject", [
    "Fix typo", "Javadoc", "Add JavaVersion.JAVA_27", "Use foo() instead of bar()", "Remove unused import",
    "Fix broken links in README.md", "Add missing quotation marks in examples", "Update docs",
    "feat(api): add pagination to /users", "Fix various small spelling errors.", "remove deprecated code",
])
def test_a_subject_that_only_says_what_changed_is_flagged_with_its_words(subject: str) -> None:
    [(code, text)] = findings(subject + "\n")
    assert code == "CTX201"
    assert text.startswith(f"no rationale recorded: the subject only says what changed: '{subject}'; add why"), text


@pytest.mark.parametrize(("body", "quoted"), [
    ("As discussed with the team in the meeting yesterday.", "as discussed"),
    ("Per review comments from the team lead.", "per review"),
    ("See JIRA ticket for the details of this change.", "see jira ticket"),
    ("see #123", "see #"),
    ("Fixes LANG-123", "fixes lang-1"),
    ("Requested by the product owner.", "requested by"),
])
def test_a_pointer_elsewhere_is_named(body: str, quoted: str) -> None:
    [(code, text)] = findings(f"Update the retry policy\n\n{body}\n")
    assert code == "CTX202"
    assert "the body points elsewhere: '" + quoted in text, text


@pytest.mark.parametrize("subject", ["Fix #623", "fixes LANG-123", "Closes gh-1234"])
def test_a_subject_that_only_points_elsewhere_is_named(subject: str) -> None:
    [(code, text)] = findings(subject + "\n")
    assert code == "CTX201"
    assert f"the subject only points elsewhere: '{subject}'" in text


@pytest.mark.parametrize(("subject", "body", "shown"), [
    ("Update the parser", "WIP WIP WIP WIP WIP", "'WIP WIP WIP WIP WIP'"),
    ("Update the parser", "fix fix fix fix fix", "'fix fix fix fix fix'"),
])
def test_filler_is_named(subject: str, body: str, shown: str) -> None:
    [(code, text)] = findings(f"{subject}\n\n{body}\n")
    assert (code, f"the body is filler: {shown}" in text) == ("CTX202", True), text


@pytest.mark.parametrize("subject", ["misc changes", "cleanup", "minor", "WIP", "updates"])
def test_a_filler_subject_is_named(subject: str) -> None:
    [(code, text)] = findings(subject + "\n")
    assert (code, f"the subject is filler: '{subject}'" in text) == ("CTX201", True), text


def test_a_body_that_only_restates_the_change_is_no_reason() -> None:
    message = ("Add properties for content security policy\n\n"
               "Add `content-security-policy` properties to the server properties and update the\n"
               "auto-configuration to apply them.\n")
    [(code, text)] = findings(message)
    assert code == "CTX202"
    assert "the body only says what changed: 'Add `content-security-policy` properties" in text
    # a pointer beside it is what the finding names first: the reason is said to be elsewhere
    assert "the body points elsewhere: 'see gh-12345'" in findings(message + "\nSee gh-12345\n")[0][1]
    assert how("Retry card payments on gateway timeouts\n\nRetry card payments on gateway timeouts.\n") == (
        "weak", "the body repeats the subject: 'Retry card payments on gateway timeouts.'")


def test_long_quotes_are_shortened() -> None:
    [(_, text)] = findings("Rework the payment module " + "and more " * 20 + "\n")
    quoted = text.split("'")[1]
    assert quoted.endswith(" ...") and len(quoted) <= 60, quoted
    assert text.isascii()


@pytest.mark.parametrize("trailers", [
    "Signed-off-by: Jane Dev <jane@example.org>",
    "Co-authored-by: A Dev <a@example.org>\nSigned-off-by: Jane Dev <jane@example.org>",
    "git-svn-id: https://svn.example.org/repos/proj/trunk@1099401 13f79535-47bb-0310-9956-ffa450edef68",
    "Reviewed-by: Someone Else <s@e>\nRefs: PAY-1",
])
def test_trailers_are_not_a_reason(trailers: str) -> None:
    assert how(f"PAY-1: retry payments\n\n{trailers}\n")[0] == "missing"


def test_credit_lines_in_a_body_are_not_a_reason() -> None:
    assert how("Rename the helper\n\nThanks to Jane Dev for the patch.\n")[0] == "weak"
    assert how("Rename the helper\n\nPatch by Jane Dev, reviewed by Sam.\n")[0] == "weak"


def test_a_cue_word_alone_is_not_enough() -> None:
    assert how("PAY-1: because\n")[0] == "missing"
    assert how("because\n")[0] == "missing"


def test_words_of_names_and_code_are_no_cue() -> None:
    assert how("PAY-1: ok ::error::forged annotation\n")[0] == "missing"  # a workflow command, not prose
    assert how("Deprecate should_ignore_error\n")[0] == "missing"  # "should" inside an identifier
    assert how("Allow an allowed-failure job in CI\n")[0] == "missing"
    assert how("Correct spelling for Stack Overflow\n")[0] == "missing"


@pytest.mark.parametrize("value", ["see ticket", "as discussed", "per review", "fix", "wip"])
def test_low_information_trailer(value: str) -> None:
    assert codes(f"PAY-1: retry payments\n\nWhy: {value}\n") == ["CTX202"]


def test_phrase_followed_by_a_real_reason_counts() -> None:
    message = ("PAY-1: retry payments\n\nAs discussed with the gateway vendor, their load balancer drops "
               "idle connections after 30 s.\n")
    assert codes(message) == []


def test_min_words_is_configurable() -> None:
    message = "PAY-1: retry payments\n\nFixes crash.\n"
    assert codes(message) == ["CTX202"]  # 2 words < 3
    assert codes(message, validate({"rationale-min-words": 2}, "test")) == []


def test_custom_low_information_phrases() -> None:
    message = "PAY-1: retry payments\n\nPer the architecture council, the old path was too slow.\n"
    cfg = validate({"low-information": ["per the architecture council, the old path was too slow"]}, "test")
    assert codes(message) == []
    assert codes(message, cfg) == ["CTX202"]


def test_second_paragraph_may_carry_the_reason() -> None:
    assert how(f"PAY-1: retry payments\n\nSee ticket.\n\n{REASON}\n") == ("ok", "body")


# --- the body-only key ----------------------------------------------------------------------------

def test_rationale_in_subject_false_wants_the_reason_in_the_body() -> None:
    body_only = validate({"rationale-in-subject": False}, "test")
    [(code, text)] = findings("Avoid compilation warnings\n", body_only)
    assert code == "CTX201"
    assert "the subject gives a reason ('avoid'), but this project wants it in the body" in text
    assert "add a body paragraph that says why" in text
    assert findings(f"Avoid compilation warnings\n\n{REASON}\n", body_only) == []
    # the body must say it itself: repeating the subject's reason does not count
    assert findings("Avoid compilation warnings\n\nAvoid compilation warnings.\n", body_only)[0][0] == "CTX202"
    assert findings("Avoid compilation warnings\n") == []  # the default follows the guide


@pytest.mark.parametrize("value", ["no", 1, "false"])
def test_rationale_in_subject_is_validated(value: object) -> None:
    with pytest.raises(CtxlintError, match=r"rationale-in-subject.*true or false"):
        validate({"rationale-in-subject": value}, "test")


def test_rationale_in_subject_has_a_did_you_mean() -> None:
    with pytest.raises(CtxlintError, match="did you mean 'rationale-in-subject'"):
        validate({"rationale-in-subjects": False}, "test")


# --- severities, exemptions, skips (unchanged by the judgement) -----------------------------------

def test_severity_off_and_warning() -> None:
    assert codes("PAY-1: retry payments\n", validate({"rules": {"missing-rationale": "off"}}, "t")) == []
    result = lint(parse("PAY-1: retry payments\n"), CommitContext(),
                  validate({"rules": {"CTX201": "warning"}}, "t"))
    assert [(f.code, f.severity) for f in result.findings] == [("CTX201", "warning")]


@pytest.mark.parametrize(("message", "ctx", "kind"), [
    ("Merge branch 'x' into main\n", CommitContext(parents=2), "merge"),
    ("Revert \"x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n", CommitContext(),
     "revert"),
    ("fixup! PAY-1: retry payments\n", CommitContext(), "fixup"),
    ("Bump urllib3 from 1 to 2\n", CommitContext(author="dependabot[bot] <x@y>"), "bot"),
    ("chore(release): 1.2.3\n", CommitContext(), "release"),
])
def test_exemptions(message: str, ctx: CommitContext, kind: str) -> None:
    result = lint(parse(message), ctx, Config())
    assert kind in result.exemptions
    assert result.findings == []
    off = validate({"exempt": {{"merge": "merges", "revert": "reverts", "fixup": "fixups", "bot": "bots",
                                 "release": "releases"}[kind]: False}}, "t")
    assert lint(parse(message), ctx, off).findings != []


def test_merge_subject_alone_is_not_exempt() -> None:
    assert codes("Merge branch 'x' into main\n") == ["CTX101", "CTX201"]


def test_skip_trailer_needs_a_reason() -> None:
    assert codes("Import tables\n\nCtxlint-Skip: generated data, refreshed yearly\n") == []
    assert codes("Import tables\n\nCtxlint-Skip:\n") == ["CTX101", "CTX201", "CTX901"]


# --- the pre-checks never hide a cue --------------------------------------------------------------

_ENTRY_PATTERNS: dict[str, re.Pattern[str]] = {}


def assert_triggers_hold(raw: str) -> None:
    """Where a cue's or a pointer's pattern matches, one of the words it is keyed by is in the text:
    the patterns run only when one is, so a pattern that could match without them would be lost."""
    text = r._Text(raw)
    tokens = {t.decode() for t in text.tokens}
    for table in (r._PATTERN_CUES, r._POINTERS):
        for words, pattern in table.items():
            compiled = _ENTRY_PATTERNS.setdefault(pattern, re.compile(pattern))
            for match in compiled.finditer(text.flat):
                start, end = match.span()
                if text.flat[start - 1:start] in ("-", "'") or text.flat[end:end + 1] in ("-", "'"):
                    continue  # inside a compound ("eol-style"), which is one word and no cue
                assert tokens & set(words.split()), (raw, words, match)


EXAMPLES = [
    "X failed when Y", "so that users can", "Due to\ta tab", "BECAUSE it broke prod", "the cause is here",
    "is not\nthread-safe", "as we rely on it", "since the cache is stale", "stop it from moaning",
    "fixes #12", "see LANG-1", "as per JUnit 5 conventions", "Review comments addressed", "can\u2019t start",
]


def test_triggers_hold_on_examples() -> None:
    for text in EXAMPLES:
        assert_triggers_hold(text)


def test_triggers_hold_on_messages() -> None:
    for text in sample_messages()[::3]:
        assert_triggers_hold(text)


# --- the labelled set ----------------------------------------------------------------------------

def _bench() -> object:
    spec = importlib.util.spec_from_file_location("bench_verdicts", ROOT / "benchmarks" / "bench_verdicts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_says_when_the_labels_are_absent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _bench().main([str(tmp_path / "missing.jsonl")]) == 2  # type: ignore[attr-defined]
    assert re.search(r"labelled messages not found: .*missing\.jsonl", capsys.readouterr().err)
