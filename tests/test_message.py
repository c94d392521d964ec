"""The message model: a commit message parsed the way git itself reads it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import Repo, git, run_ctxlint, run_in_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.checks.protocol import CommitContext
from linter.config import Config
from linter.engine import lint
from linter.message import (
    AUTO_COMMENT_CHARS,
    MAX_MESSAGE_BYTES,
    SCISSORS,
    clean,
    detect_comment_char,
    parse,
    parse_bytes,
)

GOOD_BODY = "The gateway drops idle connections after thirty seconds, so customers were charged twice."


@pytest.fixture(autouse=True)
def _no_inherited_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_EDITOR=":" tells ctxlint that git keeps comment lines; a developer's own must not leak in."""
    monkeypatch.delenv("GIT_EDITOR", raising=False)


def codes(result_json: str) -> list[str]:
    return [f["code"] for f in json.loads(result_json)["findings"]]


# --- comments, scissors, paragraphs ---------------------------------------------------------

def test_hash_comment_lines_are_stripped_but_not_indented_ones() -> None:
    msg = parse("Subject\n# a comment\n\n  # not a comment\nbody\n")
    assert msg.subject == "Subject"
    assert msg.body == "  # not a comment\nbody"


def test_custom_comment_char_strips_only_that_char() -> None:
    msg = parse("Fix #12 crash\n; Refs: ABC-1\n\n#12 was the cause\n", ";")
    assert msg.subject == "Fix #12 crash"
    assert msg.body == "#12 was the cause"
    assert "ABC-1" not in msg.text


def test_no_comment_char_keeps_everything() -> None:
    msg = parse("Subject\n\n# kept\n", None)
    assert msg.body == "# kept"


@pytest.mark.parametrize("char", list(AUTO_COMMENT_CHARS))
def test_auto_comment_char_is_recovered_from_git_template_lines(char: str) -> None:
    text = f"Subject\n\nbody\n{char} Please enter the commit message for your changes. Lines starting\n"
    assert detect_comment_char(text, "auto") == char
    assert detect_comment_char(text, "AUTO") == char


def test_auto_without_template_falls_back_to_hash_and_explicit_char_wins() -> None:
    assert detect_comment_char("Subject\n; just prose\n", "auto") == "#"
    assert detect_comment_char("Subject\n", None) == "#"
    assert detect_comment_char("Subject\n", "%") == "%"


def test_auto_comment_char_with_a_real_git_template(repo: Repo, tmp_path: Path) -> None:
    """git picks ';' because the -m text starts with '#'; the hook must strip ';' lines only."""
    repo.git("config", "core.commentChar", "auto")
    repo.write("a.txt", "a\n")
    repo.git("add", "a.txt")
    captured = tmp_path / "captured"
    editor = f"cp \"$1\" {captured}; false"
    proc = subprocess.run(
        ["git", "-c", f"core.editor=sh -c '{editor}' --", "commit", "-e", "-m",
         "#123 retry payments on gateway timeouts", "-m", GOOD_BODY],
        cwd=repo.path, capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0  # the editor failed on purpose: nothing committed
    text = captured.read_text()
    assert "\n; Please enter the commit message" in text
    assert detect_comment_char(text, "auto") == ";"
    msg = parse(text, ";")
    assert msg.subject == "#123 retry payments on gateway timeouts"
    assert "Please enter" not in msg.text
    result = run_in_process("check-msg", "--format", "json", str(captured), cwd=repo.path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert codes(result.stdout) == []


def test_configured_comment_char_is_read_from_git_config(repo: Repo) -> None:
    repo.git("config", "core.commentChar", ";")
    path = repo.write("msg", f"#412 retry payments on gateway timeouts\n\n{GOOD_BODY}\n; a comment line\n")
    result = run_in_process("check-msg", "--format", "json", str(path), cwd=repo.path)
    assert result.returncode == 0, result.stdout
    # Under '#' the subject itself would have been a comment and the ticket lost.
    repo.git("config", "core.commentChar", "#")
    result = run_in_process("check-msg", "--format", "json", str(path), cwd=repo.path)
    assert "CTX101" in codes(result.stdout)


def test_scissors_line_drops_everything_below() -> None:
    text = f"Subject\n\nbody\n# {SCISSORS}\ndiff --git a/x b/x\nRefs: ABC-1\n"
    msg = parse(text)
    assert msg.body == "body"
    assert msg.trailers == []
    # With ';' as comment char, git writes '; ------ >8 ------' and '# ----' is ordinary text.
    assert "Refs: ABC-1" in parse(text, ";").text
    assert "diff" not in parse(text.replace("# ---", "; ---"), ";").text


def test_subject_is_the_whole_first_paragraph_and_blank_runs_collapse() -> None:
    msg = parse("\n\n  \nFirst line\nsecond line   \n\n\n\nBody one\n\n\nBody two\n\n\n")
    assert msg.subject == "First line second line"
    assert msg.paragraphs == ["First line\nsecond line", "Body one", "Body two"]
    assert msg.body == "Body one\n\nBody two"


def test_crlf_and_lone_cr_are_accepted() -> None:
    msg = parse("Subject\r\n\r\nBody text\r\n\r\nRefs: ABC-1\r\nWhy: because\r\n")
    assert msg.subject == "Subject"
    assert [(t.key, t.value) for t in msg.trailers] == [("Refs", "ABC-1"), ("Why", "because")]
    assert "\r" not in msg.text
    assert clean("a\rb") == "a\nb"


def test_nul_bytes_do_not_truncate_or_crash() -> None:
    msg = parse_bytes(b"Sub\x00ject\n\nbody \x00 with NUL\n\nRefs: ABC-1\n")
    assert "\x00" not in msg.text
    assert msg.subject.startswith("Sub")
    assert [t.value for t in msg.trailers] == ["ABC-1"]


# --- trailers by git's rules ------------------------------------------------------------------

TRAILER_CASES = {
    "all trailers": "Subject\n\nBody.\n\nRefs: ABC-1\nWhy: the gateway times out\n",
    "continuation lines": "Subject\n\nBody.\n\nKey: value\n  continued here\n\tand here\nOther: x\n",
    "signed-off-by mixed block": "Subject\n\nBody.\n\nSigned-off-by: A <a@x>\nsome free text\nmore text\n"
                                 "Helped-by: B\n",
    "signed-off-by then prose then indent": "Subject\n\nBody.\n\nSigned-off-by: A <a@x>\nsome text\n"
                                            "  indented\n",
    "mixed block without git's prefix": "Subject\n\nBody.\n\nRefs: ABC-1\nthis is prose\n",
    "too much prose for one sign-off": "Subject\n\nBody.\n\nSigned-off-by: A\none\ntwo\nthree\nfour\n",
    "cherry-pick note counts": "Subject\n\nBody.\n\n(cherry picked from commit 0123abc)\nKey: v\n"
                               "one\ntwo\nthree\nfour\n",
    "lowercase sign-off is not git's": "Subject\n\nBody.\n\nsigned-off-by: a\nprose\n",
    "one paragraph": "Refs: ABC-1\n",
    "one paragraph of two lines": "Subject\nRefs: ABC-1\n",
    "title then trailers": "Subject\n\nA: 1\n\nB: 2\n",
    "space before colon": "Subject\n\nKey : value\n",
    "space inside token": "Subject\n\nFoo Bar: x\n",
    "url looks like a trailer": "Subject\n\nhttp://example.com/x\n",
    "token with a leading dash": "Subject\n\n-foo: bar\n",
    "empty value": "Subject\n\nBody.\n\nRefs:\nWhy: x\n",
    "indented first line": "Subject\n\nBody.\n\n  Refs: ABC-1\nWhy: x\n",
}


def git_trailers(message: str, cwd: Path) -> list[tuple[str, str]]:
    # --no-divider: git reads commit messages (pretty.c, sequencer.c) without the patch divider.
    out = git(cwd, "interpret-trailers", "--parse", "--no-divider", input=message)
    return [tuple(line.split(": ", 1)) if ": " in line else (line.rstrip(":"), "")  # type: ignore[misc]
            for line in out.splitlines()]


@pytest.mark.parametrize("name", list(TRAILER_CASES))
def test_trailers_match_git_interpret_trailers(name: str, repo: Repo) -> None:
    message = TRAILER_CASES[name]
    ours = [(t.key, t.value) for t in parse(message).trailers]
    assert ours == git_trailers(message, repo.path)


def test_trailer_block_is_not_a_body_paragraph() -> None:
    msg = parse(f"Subject\n\n{GOOD_BODY}\n\nRefs: ABC-1\n")
    assert msg.body_paragraphs == [GOOD_BODY]
    assert msg.trailer_values("refs", "REFS") == ["ABC-1"]


# --- bytes and encodings ----------------------------------------------------------------------

def test_latin1_with_commit_encoding_is_decoded(repo: Repo) -> None:
    repo.git("config", "i18n.commitEncoding", "ISO-8859-1")
    path = repo.path / "msg"
    path.write_bytes("Caf\u00e9 na\u00efve r\u00e9sum\u00e9\n".encode("latin-1"))
    result = run_ctxlint("check-msg", "--format", "json", str(path), cwd=repo.path)
    assert result.returncode == 1  # no ticket, no rationale: but read correctly
    findings = json.loads(result.stdout)["findings"]
    assert "CTX902" not in [f["code"] for f in findings]
    assert findings[0]["subject"] == "Caf\u00e9 na\u00efve r\u00e9sum\u00e9"


def test_invalid_bytes_warn_instead_of_crashing(repo: Repo) -> None:
    path = repo.path / "msg"
    path.write_bytes(b"PAY-1: retry payments \xff\xfe on timeouts\n\n" + GOOD_BODY.encode() + b"\n")
    result = run_ctxlint("check-msg", "--format", "json", str(path), cwd=repo.path)
    assert result.returncode == 0, result.stderr  # CTX902 is a warning
    assert codes(result.stdout) == ["CTX902"]
    assert "Traceback" not in result.stderr


def test_parse_bytes_replaces_and_flags() -> None:
    msg = parse_bytes(b"Subject \xc3\x28\n")
    assert msg.decode_errors
    assert "\ufffd" in msg.subject
    assert not parse_bytes("Caf\u00e9".encode("latin-1"), encoding="latin-1").decode_errors
    assert not parse_bytes(b"Subject", encoding="no-such-codec").decode_errors


def test_huge_message_is_capped_and_reported(repo: Repo) -> None:
    # Thousands of distinct ticket-shaped words: the worst case for dedupe and ticket removal.
    words = " ".join(f"K{i // 900}X-{i % 900 + 1}" for i in range(60_000))
    text = f"PAY-1: import the tariff tables\n\n{GOOD_BODY}\n\n{words}\n"
    assert len(text.encode()) > MAX_MESSAGE_BYTES
    path = repo.write("msg", text)
    # A hang guard, not a benchmark: a hook that needs seconds here would stall every commit.
    result = subprocess.run(
        [*run_args(), "check-msg", "--format", "json", str(path)], cwd=repo.path, capture_output=True,
        text=True, timeout=5, env=ctxlint_env(), check=False,
    )
    assert result.returncode == 0, result.stderr
    assert codes(result.stdout) == ["CTX903"]


def run_args() -> list[str]:
    import sys

    return [sys.executable, "-m", "linter"]


def ctxlint_env() -> dict[str, str]:
    import os

    from conftest import ROOT

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_parse_bytes_truncates_at_the_cap() -> None:
    msg = parse_bytes(b"Subject\n\n" + b"x" * (MAX_MESSAGE_BYTES + 10))
    assert msg.truncated
    assert len(msg.text) <= MAX_MESSAGE_BYTES


# --- property-based: nothing makes the parser or the engine raise -----------------------------

_LINES = st.sampled_from([
    "", " ", "Subject", "# comment", "; comment", f"# {SCISSORS}", f"; {SCISSORS}", "Refs: ABC-1",
    "Why: because", "Signed-off-by: A <a@x>", "(cherry picked from commit abc)", "  continued",
    "\tcontinued", "Ctxlint-Skip:", "Ctxlint-Skip: reason", "fixup! x", "This reverts commit abcdef1.",
    "Merge branch 'x'", "see ticket", "ADR-7", "\r", "\x00", "[bold]x[/]", "\x1b[31mred", "#1", "AB#2",
    "https://github.com/o/r/issues/1", "\u202e", "\ufeff", "\ud800",
])
_MESSAGES = st.one_of(
    st.text(),
    st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=25).map("\n".join),
    st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=25).map("\r\n".join),
)
_CHARS = st.sampled_from([None, "", "#", ";", "auto", "AUTO", "%"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_MESSAGES, configured=_CHARS)
def test_parse_and_lint_never_raise_on_text(text: str, configured: str | None) -> None:
    char = detect_comment_char(text, configured)
    msg = parse(text, char)
    assert isinstance(msg.subject, str)
    result = lint(msg, CommitContext(), Config())
    for finding in result.findings:
        assert finding.code.startswith("CTX")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000),
       encoding=st.sampled_from(["utf-8", "latin-1", "utf-16", "shift_jis", "cp1252", "bogus", "rot13"]))
def test_parse_bytes_and_lint_never_raise_on_bytes(data: bytes, encoding: str) -> None:
    msg = parse_bytes(data, "#", encoding)
    lint(msg, CommitContext(author="x <y>", parents=2), Config())
    lint(msg, CommitContext(), Config())


def test_any_comment_char_is_honoured_with_a_real_git_template(repo: Repo, tmp_path: Path) -> None:
    """'*' is not one of git's auto candidates, but it is a valid core.commentChar: git's own
    template lines (written with '*') must not count as the rationale."""
    repo.git("config", "core.commentChar", "*")
    repo.commit(f"PAY-1: first\n\n{GOOD_BODY}\n")
    assert run_ctxlint("install-hooks", "--hook", "commit-msg", cwd=repo.path).returncode == 0
    repo.write("a.txt", "a\n")
    repo.git("add", "a.txt")
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nsed -i "1s/^/PAY-2: retry payments on timeouts\\n/" "$1"\n')
    script.chmod(0o755)
    result = subprocess.run(["git", "commit", "-q"], cwd=repo.path, capture_output=True, text=True,
                            env={**ctxlint_env(), "GIT_EDITOR": str(script)}, check=False)
    assert result.returncode != 0
    assert "CTX201" in result.stdout + result.stderr


def reference_clean_without_comments(text: str) -> str:
    """clean(text, None) as written before its ASCII fast path: strip every line, then git's
    blank-line rules."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    joined = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000#")),
               max_size=40))
def test_history_cleanup_strips_line_ends_exactly_as_rstrip(text: str) -> None:
    assert clean(text, None) == reference_clean_without_comments(text)
