"""The output options `check-range` and `ci` share: one format on stdout, more formats to files.

`--format github --sarif-file ctxlint.sarif` annotates the run and leaves a SARIF file for upload
in the same pass over history. On GitHub the Markdown summary goes to $GITHUB_STEP_SUMMARY too.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from linter.errors import CtxlintError

if TYPE_CHECKING:
    from linter.findings import Finding
    from linter.report.outcome import Outcome

FORMATS = ("text", "json", "github", "gitlab", "sarif", "junit")
#: format -> the option that writes it to a file
FILE_OPTIONS = {"sarif": "sarif_file", "junit": "junit_file", "gitlab": "gitlab_file", "json": "json_file"}


def add_arguments(parser: object) -> None:
    """--format and the file options, on any command that produces an Outcome."""
    add = parser.add_argument  # type: ignore[attr-defined]
    add(
        "--format",
        choices=FORMATS,
        default="text",
        help="what to print on stdout: text, json, github (workflow annotations), gitlab (Code Quality), "
        "sarif or junit",
    )
    add("--sarif-file", metavar="FILE", help="also write SARIF 2.1.0 to FILE (for code scanning upload)")
    add("--junit-file", metavar="FILE", help="also write JUnit XML to FILE (for a CI's test tab)")
    add("--gitlab-file", metavar="FILE", help="also write a GitLab Code Quality report to FILE")
    add("--json-file", metavar="FILE", help="also write the JSON report to FILE")
    add(
        "--summary-file",
        metavar="FILE",
        default=None,
        help="append a Markdown summary to FILE (default on GitHub Actions: $GITHUB_STEP_SUMMARY; "
        "'' to turn it off)",
    )


def render(fmt: str, outcome: Outcome) -> str:
    """One format as a string (every format but text, which draws for a terminal), always
    encodable as UTF-8: lone surrogates from any input are replaced."""
    from linter.report.safety import scrub

    return scrub(_render(fmt, outcome))


def _render(fmt: str, outcome: Outcome) -> str:
    if fmt == "json":
        from linter.report import json_report

        return json_report.render(outcome.findings, outcome.extra)
    if fmt == "gitlab":
        from linter.report import gitlab

        return gitlab.render(outcome)
    if fmt == "sarif":
        from linter.report import sarif

        return sarif.render(outcome)
    if fmt == "junit":
        from linter.report import junit

        return junit.render(outcome)
    raise ValueError(fmt)


def write_listing(outcome: Outcome, stream: TextIO, findings: list[Finding] | None = None) -> None:
    """The findings as human text: the PR's under its title, then each commit's."""
    from linter.report import text
    from linter.report.safety import clean_line

    chosen = outcome.findings if findings is None else findings
    pr = [f for f in chosen if not f.commit and not f.path]
    rest = [f for f in chosen if f.commit or f.path]
    if pr:
        title = clean_line(outcome.pr_title or "")
        text.write(pr, stream, f"{outcome.pr_label or 'pull request'}: {title}".rstrip(": "))
    text.write(rest, stream)


def write_text(outcome: Outcome, stream: TextIO, err: TextIO) -> None:
    """Human text on stdout; notes and the tally on stderr."""
    from linter.report.safety import clean_line

    write_listing(outcome, stream)
    for note in outcome.notes:
        err.write(f"ctxlint: note: {clean_line(note)}\n")
    err.write(outcome.headline() + "\n")


def emit(outcome: Outcome, args: object, stream: TextIO | None = None, err: TextIO | None = None) -> None:
    """Print `args.format` to stdout, then write each requested file and the summary."""
    stream = stream or sys.stdout
    err = err or sys.stderr
    fmt: str = args.format  # type: ignore[attr-defined]
    if fmt == "text":
        write_text(outcome, stream, err)
    elif fmt == "github":
        from linter.report import github

        github.write(outcome, stream)
    else:
        stream.write(render(fmt, outcome) + "\n")
        for note in outcome.notes:
            from linter.report.safety import clean_line

            err.write(f"ctxlint: note: {clean_line(note)}\n")
        err.write(outcome.headline() + "\n")
    stream.flush()
    for file_fmt, option in FILE_OPTIONS.items():
        path = getattr(args, option, None)
        if path:
            _write_file(path, render(file_fmt, outcome) + "\n")
    summary = summary_path(getattr(args, "summary_file", None))
    if summary:
        from linter.report import github

        github.append_summary(outcome, summary)


def report_failure(args: object, line: str) -> None:
    """A run that could not finish (`line` is its one-line error), as an error annotation on
    stdout and a short section in the step summary; writing the summary is best effort."""
    from linter.report import github

    sys.stdout.write(github.failure_annotation(line) + "\n")
    sys.stdout.flush()
    path = summary_path(getattr(args, "summary_file", None))
    if path:
        try:
            github.append_failure(line, path)
        except OSError:
            pass  # the error is on stderr and annotated; a summary that cannot be written adds nothing


def summary_path(option: str | None) -> str | None:
    """--summary-file, else $GITHUB_STEP_SUMMARY when running on GitHub Actions."""
    if option is not None:
        return option or None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return os.environ.get("GITHUB_STEP_SUMMARY") or None
    return None


def _write_file(path: str, content: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as exc:
        raise CtxlintError(f"{path}: cannot write report: {exc.strerror}") from None
