"""User regexes run on RE2: catastrophic patterns finish at once, what RE2 cannot run is refused
with the construct named, and RE2 is loaded only when a config carries a pattern."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from conftest import ROOT, Repo, run_ctxlint, run_in_process
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.config import DEFAULT_RELEASE_PATTERN, validate
from linter.regexguard import MAX_PATTERNS, MAX_PROGRAM_SIZE, UnsafePattern, compile_user, compile_user_list

#: Patterns that backtrack catastrophically on `re` and that a static guard let through; RE2 runs
#: all but the first, which it refuses for its lookahead.
CATASTROPHIC = [
    r"(.*a){9}b",
    r"(\w+){5}!",
    r"(?:\w+|x)(?:\w+|y)(?:\w+|z)!",
    r"^(?:a?){30}a{30}$",
    r"\w+\w+!",
    r"(a+)+$",
    r"(\w+\s?)+$",
    r"(aa|a)*b",
    r"\S+/\S+/\d+",
]
#: Lines each pattern above is slow on, 200 of them, at the length a message allows.
HOSTILE_LINES = "\n".join(["a" * 1000, "ab1_" * 250, "a/" * 500, "a " * 500] * 50)


@pytest.mark.parametrize(("pattern", "construct"), [
    (r"(?=(a+)+$)", "a lookahead (?=...)"),
    (r"x(?!y)", "a negative lookahead (?!...)"),
    (r"(?<=x)y", "a lookbehind (?<=...)"),
    (r"(?<!x)y", "a negative lookbehind (?<!...)"),
    (r"(a)\1", "a backreference"),
    (r"(?P<k>a)(?P=k)", "a backreference"),
    (r"(a)?(?(1)b|c)", "a conditional group"),
    (r"(?x) a b", "verbose mode (?x)"),
    (r"done\Z", r"\Z"),
])
def test_what_re2_cannot_run_is_refused_with_the_construct_named(pattern: str, construct: str) -> None:
    with pytest.raises(UnsafePattern, match="RE2 cannot run") as caught:
        compile_user(pattern)
    assert construct in str(caught.value)
    assert "\n" not in str(caught.value)


def test_invalid_long_and_oversized_patterns_say_why() -> None:
    with pytest.raises(UnsafePattern, match="invalid regex"):
        compile_user("[")
    with pytest.raises(UnsafePattern, match="longer than 4000"):
        compile_user("a" * 4001)
    with pytest.raises(UnsafePattern, match=f"more than {MAX_PATTERNS} patterns"):
        compile_user_list(["a"] * (MAX_PATTERNS + 1))
    with pytest.raises(UnsafePattern, match="too large for RE2"):
        compile_user(r"\w{900}x")
    # One key's patterns share one budget: many medium patterns are refused together, naming the one
    # that went over.
    with pytest.raises(UnsafePattern, match=r"pattern \d+ .*too large for RE2"):
        compile_user_list([r"[a-z]{100}x"] * (MAX_PROGRAM_SIZE // 100 + 1))


def test_the_default_release_pattern_runs_on_re2_as_a_user_pattern() -> None:
    """A team extends the default by copying it into its config: RE2 must accept it."""
    cfg = validate({"exempt": {"release-pattern": DEFAULT_RELEASE_PATTERN + "|^ship it"}}, "t")
    pattern = cfg.pattern("release-pattern", "exempt")
    assert pattern is not None and pattern.engine == "re2"
    assert pattern.matches("Release 1.2.3") and pattern.matches("Ship it")
    assert not pattern.matches("Bump junit from 5.9 to 5.10")


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_run_in_linear_time(pattern: str) -> None:
    regex, _ = compile_user(pattern)
    started = time.perf_counter()
    regex.spans(HOSTILE_LINES)
    regex.first(HOSTILE_LINES)
    # `re` takes minutes on these lines; a generous bound, not a benchmark.
    assert time.perf_counter() - started < 2


#: Ordinary patterns users write, and texts: RE2 must find what `re` finds, line by line.
ORDINARY = [r"\bREQ-\d{4,6}\b", r"(?i)ticket:?\s*#?\d+", r"https?://\S+/browse/\S+", r"^Refs?: (\S+)$",
            r"[A-Z]{2,5}#\d+", r"\b(?:CASE|SR)\d+\b", r"v?\d+\.\d+(?:\.\d+)*$"]
LINE = st.text(alphabet="REQTCKASEicket#:-/ .0123456789vhtps\n", max_size=80)


@settings(max_examples=200, deadline=None)
@given(text=LINE)
def test_ordinary_patterns_match_as_re_does_line_by_line(text: str) -> None:
    for pattern in ORDINARY:
        regex, _ = compile_user(pattern)
        expected: list[tuple[int, int]] = []
        offset = 0
        for line in text.split("\n"):
            expected += [(offset + m.start(), offset + m.end()) for m in re.finditer(pattern, line) if m.group()]
            offset += len(line) + 1
        assert regex.spans(text) == expected, pattern


def test_first_takes_group_one_or_the_match() -> None:
    assert compile_user(r"req-(\d{4})")[0].first("wip/req-0042-x") == "0042"
    assert compile_user(r"REQ\d{4}")[0].first("wip/REQ0042-x") == "REQ0042"
    assert compile_user(r"REQ\d{4}")[0].first("feature/ABC-1-x") is None
    assert compile_user(r"(?i)^releas(e|ing)", ignore_case=False)[0].first("RELEASING 2.0") == "ING"
    assert compile_user(r"^release", ignore_case=True)[0].first("Release 2.0") == "Release"


def _hostile_repo(repo: Repo) -> None:
    patterns = ", ".join(f"'{p}'" for p in CATASTROPHIC)
    repo.write(".ctxlint.toml", f"ticket-patterns = [{patterns}]\nbranch-pattern = '(\\w+){{5}}!'\n"
                                f"[exempt]\nbot-authors = [{patterns}]\nrelease-pattern = '(.*a){{9}}b'\n")
    repo.commit(HOSTILE_LINES + "\n", author="a" * 200 + " <" + "a" * 200 + "@example.com>")


def test_hostile_config_and_message_finish_quickly_in_every_command(repo: Repo) -> None:
    """A PR author controls both the config and the message: the hook and the gate still finish."""
    _hostile_repo(repo)
    message = repo.write("msg.txt", HOSTILE_LINES + "\n")
    for command in (["check-msg", str(message)], ["check-range", "HEAD"], ["prepare-msg", str(message)]):
        started = time.perf_counter()
        result = run_in_process(*command, cwd=repo.path)
        assert time.perf_counter() - started < 5, command
        assert result.returncode in (0, 1), (command, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_refused_pattern_is_one_line_with_no_re2_log(repo: Repo) -> None:
    repo.write(".ctxlint.toml", "ticket-patterns = ['(?<=REQ-)\\d+']\n")
    message = repo.write("msg.txt", "Retry payments\n")
    result = run_ctxlint("check-msg", str(message), cwd=repo.path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "/.ctxlint.toml: key 'ticket-patterns': pattern 1 ('(?<=REQ-)\\\\d+'): RE2 cannot run a lookbehind "
        "(?<=...); rewrite the pattern without it\n"
    )
    assert result.stderr.count("\n") == 1


LOADED = "from linter.cli import main; import sys; main(sys.argv[1:]); print('re2' in sys.modules)"


def _loads_re2(repo: Repo, message: str) -> bool:
    result = subprocess.run([sys.executable, "-c", LOADED, "check-msg", message], cwd=repo.path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            check=False)
    return result.stdout.strip().splitlines()[-1] == "True"


def test_re2_is_loaded_only_when_a_config_carries_a_pattern(repo: Repo) -> None:
    message = str(repo.write("msg.txt", "Retry payments\n\nRefs: #1\n"))
    assert not _loads_re2(repo, message)
    repo.write(".ctxlint.toml", 'project-keys = ["PAY"]\n')
    assert not _loads_re2(repo, message)
    repo.write(".ctxlint.toml", "ticket-patterns = ['REQ\\d+']\n")
    assert _loads_re2(repo, message)
