"""The output options `check-range` and `ci` share: one format on stdout, more formats to files.

`--format github --sarif-file ctxlint.sarif` annotates the run and leaves a SARIF file for upload
in the same pass over history. On GitHub the Markdown summary goes to $GITHUB_STEP_SUMMARY too.
"""

from __future__ import annotations

import os
import sys

from linter import TYPE_CHECKING
from linter.errors import CtxlintError
from linter.report import registry

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import TextIO

    from linter.findings import Finding
    from linter.report.outcome import Outcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--format and the file options, on any command that produces an Outcome."""
    add = parser.add_argument
    add(
        "--format",
        choices=registry.FORMATS,
        default="text",
        help="what to print on stdout: text, json, github (workflow annotations), gitlab (Code Quality), "
        "sarif or junit",
    )
    for option, help_text in registry.SIDE_FILES.values():
        add(option, metavar="FILE", help=help_text)
    add(
        "--summary-file",
        metavar="FILE",
        default=None,
        help="append a Markdown summary to FILE (default on GitHub Actions: $GITHUB_STEP_SUMMARY; "
        "'' to turn it off)",
    )


def piece_drawer(args: argparse.Namespace) -> Callable[[list[Finding]], str | bytes] | None:
    """How to draw a run's findings in pieces, where they are found (Outcome.drawn), when stdout is
    all the run writes and its format puts pieces together unchanged; else None. The pieces are
    UTF-8 bytes when stdout writes UTF-8 to a binary buffer: what stdout would write for the text.
    Either way a piece is scrubbed (safety.scrub) as a whole document would be."""
    draw = registry.PIECEWISE.get(args.format)
    if draw is None or summary_path(getattr(args, "summary_file", None)):
        return None
    if any(getattr(args, _dest(option), None) for option, _ in registry.SIDE_FILES.values()):
        return None
    if args.format == "text":
        from linter.report import text

        if text.use_colour(sys.stdout):
            return None  # rich draws for a terminal, the whole listing at once
    from linter.report.safety import scrub

    text_drawer = draw
    if not _writes_utf8_bytes(sys.stdout):

        def scrubbed(findings: list[Finding]) -> str | bytes:
            return scrub(text_drawer(findings))

        return scrubbed

    def encoded(findings: list[Finding]) -> str | bytes:
        text = text_drawer(findings)
        try:
            return text.encode("utf-8")  # the encoder finds a lone surrogate too: no scan before it
        except UnicodeEncodeError:
            return scrub(text).encode("utf-8")

    return encoded


def _writes_utf8_bytes(stream: TextIO) -> bool:
    """Whether the stream writes its text as UTF-8 to a binary buffer, with no newline translation."""
    import codecs

    encoding = getattr(stream, "encoding", None)
    if getattr(stream, "buffer", None) is None or not isinstance(encoding, str) or os.linesep != "\n":
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def emit(outcome: Outcome, args: argparse.Namespace, stream: TextIO | None = None, err: TextIO | None = None) -> None:
    """Print `args.format` to stdout, then write each requested file and the summary."""
    stream = stream or sys.stdout
    err = err or sys.stderr
    registry.write(args.format, outcome, stream, err)
    stream.flush()
    for file_fmt, (option, _) in registry.SIDE_FILES.items():
        path = getattr(args, _dest(option), None)
        if path:
            _write_file(path, registry.render(file_fmt, outcome) + "\n")
    summary = summary_path(getattr(args, "summary_file", None))
    if summary:
        from linter.report import github

        github.append_summary(outcome, summary)


def _dest(option: str) -> str:
    """The attribute argparse stores `--sarif-file` under: `sarif_file`."""
    return option.lstrip("-").replace("-", "_")


def report_failure(args: argparse.Namespace, line: str) -> None:
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
