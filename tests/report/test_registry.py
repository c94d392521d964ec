"""One registry from output format to renderer: what `--format` offers is what gets drawn, the same
document on stdout and in a side file, and only the chosen format's code is loaded."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ci_support import clean_env
from conftest import ROOT, Repo, run_in_process

from linter import cli as cli_module
from linter.findings import Finding
from linter.report import registry
from linter.report.outcome import CommitRecord, Outcome

GOOD = "PAY-{n}: retry card payments on gateway timeouts\n\nThe gateway drops idle connections, so we paid twice.\n"


def _history(repo: Repo) -> None:
    repo.commit(GOOD.format(n=1))
    repo.commit("fix\n")
    repo.commit("Tidy <things> & \"quote\" \x01 control\n")
    repo.commit(GOOD.format(n=2))


def _option(command: str, option: str) -> argparse.Action:
    parser = cli_module._parser(command)
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[command]._option_string_actions[option]  # type: ignore[index]


def _choices(command: str, option: str) -> tuple[str, ...]:
    return tuple(_option(command, option).choices or ())


def test_every_format_has_exactly_one_renderer() -> None:
    assert set(registry.DOCUMENTS) | set(registry.LOGS) == set(registry.FORMATS)
    assert not set(registry.DOCUMENTS) & set(registry.LOGS)
    assert set(registry.SIDE_FILES) <= set(registry.DOCUMENTS)  # a file holds a document, not a log


@pytest.mark.parametrize("command", ["check-range", "ci"])
def test_the_command_line_offers_what_the_registry_draws(command: str) -> None:
    assert _choices(command, "--format") == registry.FORMATS
    for option, _ in registry.SIDE_FILES.values():
        assert _option(command, option).metavar == "FILE"


def test_check_msg_and_the_audit_choose_from_the_registry_too() -> None:
    assert set(_choices("check-msg", "--format")) - {"text"} <= set(registry.DOCUMENTS)
    assert _choices("audit", "--format") == tuple(registry.AUDIT_FORMATS)


@pytest.mark.parametrize("fmt", sorted(registry.SIDE_FILES))
def test_stdout_and_the_side_file_hold_the_same_document(repo: Repo, tmp_path: Path, fmt: str) -> None:
    _history(repo)
    option = registry.SIDE_FILES[fmt][0]
    side = tmp_path / f"report.{fmt}"
    result = run_in_process("check-range", "HEAD", "--format", fmt, option, str(side), cwd=repo.path, env=clean_env())
    assert result.returncode == 1, result.stderr
    assert result.stdout == side.read_text(encoding="utf-8")
    assert "ctxlint: 4 commits checked" in result.stderr  # a document's tally goes where it cannot break it


def test_check_msg_json_is_the_registrys_json_document(repo: Repo) -> None:
    message = repo.write("msg", "fix\n")
    result = run_in_process("check-msg", "--format", "json", str(message), cwd=repo.path)
    findings = [Finding(**f) for f in json.loads(result.stdout)["findings"]]
    assert {f.code for f in findings} == {"CTX101", "CTX201"}
    assert result.stdout == registry.render("json", Outcome("check-msg", findings)) + "\n"


@pytest.mark.parametrize("fmt", sorted(registry.DOCUMENTS))
def test_a_document_is_utf8_whatever_the_text(fmt: str) -> None:
    lone = "\ud800"  # what surrogateescape makes of a byte that is not UTF-8 in argv or the environment
    finding = Finding("CTX101", "missing-ticket", "error", f"no ticket {lone}", commit="a" * 40,
                      subject=f"subject {lone}")
    outcome = Outcome("ci", [finding], [CommitRecord("a" * 40, f"subject {lone}")], pr_label="PR #1",
                      pr_title=f"title {lone}", notes=[f"note {lone}"])
    text = registry.render(fmt, outcome)
    assert lone not in text and "no ticket" in text
    text.encode("utf-8")  # what a file or a UTF-8 stdout must hold


@pytest.mark.parametrize("fmt", registry.FORMATS)
def test_a_format_loads_only_its_own_renderer(repo: Repo, fmt: str) -> None:
    """A fresh interpreter, since modules loaded by other tests stay loaded in this one."""
    _history(repo)
    code = ("import sys; from linter.cli import main; main(['check-range', 'HEAD', '--format', sys.argv[1]]); "
            "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('linter.report.'))))")
    proc = subprocess.run([sys.executable, "-c", code, fmt], cwd=repo.path, capture_output=True, text=True,
                          env={**clean_env(), "PYTHONPATH": str(ROOT)}, check=False)
    loaded = set(proc.stderr.splitlines()[-1].split())
    renderers = {"json": "json_report", "gitlab": "gitlab", "sarif": "sarif", "junit": "junit", "github": "github"}
    wanted = {f"linter.report.{renderers[fmt]}"} if fmt in renderers else set()
    if fmt == "sarif":
        wanted.add("linter.report.gitlab")  # SARIF's fingerprints are GitLab's
    others = {f"linter.report.{module}" for module in renderers.values()} - wanted
    assert wanted <= loaded, proc.stderr
    assert not others & loaded, proc.stderr


def _steady(text: str) -> str:
    """The report without the moment it was made, which two runs do not share."""
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<now>", text)


@pytest.mark.parametrize("fmt", sorted(registry.AUDIT_FORMATS))
def test_the_audit_writes_to_a_file_what_it_prints(repo: Repo, tmp_path: Path, fmt: str) -> None:
    _history(repo)
    target = tmp_path / f"audit.{fmt}"
    options = ("--format", fmt, "--no-progress", "--workers", "1", "--no-cache")
    printed = run_in_process("audit", *options, cwd=repo.path)
    written = run_in_process("audit", *options, "-o", str(target), cwd=repo.path)
    assert (printed.returncode, written.returncode, written.stdout) == (0, 0, "")
    assert _steady(printed.stdout) == _steady(target.read_text(encoding="utf-8"))
    assert len(printed.stdout) > 200  # a report, not an empty page


def _options(*argv: str) -> argparse.Namespace:
    from linter.report import outputs

    parser = argparse.ArgumentParser()
    outputs.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(
    ("argv", "env", "drawn"),
    [
        (["--format", "json"], {}, True),
        (["--format", "text"], {}, True),
        (["--format", "text"], {"FORCE_COLOR": "1"}, False),  # rich draws for a terminal, at once
        (["--format", "json", "--sarif-file", "x.sarif"], {}, False),  # the side file needs the findings
        (["--format", "json", "--summary-file", "s.md"], {}, False),
        (["--format", "text"], {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "s.md"}, False),
        (["--format", "sarif"], {}, False),
        (["--format", "github"], {}, False),
    ],
)
def test_findings_are_drawn_in_pieces_only_when_stdout_is_all_a_run_writes(
    argv: list[str], env: dict[str, str], drawn: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linter.report import outputs

    for name in ("FORCE_COLOR", "NO_COLOR", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert (outputs.piece_drawer(_options(*argv)) is not None) is drawn


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "a\ufffdb\n".encode()), ("utf-16", "a\ufffdb\n")])
def test_a_drawn_piece_is_scrubbed_as_a_whole_document_is(
    encoding: str, expected: str | bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lone surrogate (no UTF-8 output can hold one) becomes U+FFFD in a piece drawn as bytes for
    a UTF-8 stdout, and in one drawn as text for any other."""
    import io

    from linter.report import outputs

    monkeypatch.setitem(registry.PIECEWISE, "json", lambda findings: "a\udcffb\n")
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding=encoding))
    drawer = outputs.piece_drawer(_options("--format", "json"))
    assert drawer is not None and drawer([]) == expected


def test_a_document_is_never_rendered_from_findings_drawn_for_stdout() -> None:
    """A drawn outcome holds no Finding objects: rendering it whole would write a report without
    findings, so it is refused rather than written."""
    from linter.report.outcome import Drawn

    outcome = Outcome("check-range", [], [CommitRecord("a" * 40, "Fix it")], drawn=Drawn([b"x"], 1, 0))
    with pytest.raises(ValueError, match="drawn for stdout already"):
        registry.render("sarif", outcome)
