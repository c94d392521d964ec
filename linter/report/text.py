"""Human text: rich colours on a terminal, plain text when piped or NO_COLOR is set.

Commit text is data: it is passed to rich as `Text`, never as markup, and control characters are
shown visibly, so `[bold]`, `[/]` or an ANSI escape in a message cannot restyle or break output.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from linter.findings import Finding
from linter.report.safety import clean_line

if TYPE_CHECKING:
    from collections.abc import Iterator

    from linter.report.outcome import Outcome

_MARK = {"error": "error  ", "warning": "warning"}
#: Lines per write: few enough writes for a range of 50,000 findings, and small enough chunks that
#: one subject with a character beyond Latin-1 does not widen (and slow the encoding of) the lot.
_CHUNK = 512


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _location(f: Finding) -> str:
    if f.commit:
        subject = clean_line(f.subject or "")
        if len(subject) > 60:
            subject = subject[:57] + "..."
        return f"{f.commit[:10]} {subject}".rstrip()
    if f.path:
        return f"{f.path}:{f.line}" if f.line else f.path
    return ""


def _plain(findings: list[Finding], stream: TextIO, header: str | None) -> None:
    if header:
        stream.write(header + "\n")
    for chunk in _plain_chunks(findings):
        stream.write(chunk)


def draw_plain(findings: list[Finding]) -> str:
    """The findings' lines as plain text writes them. Drawn in parts (a range's batches of
    commits) and joined, they are the same text as drawn at once: each commit starts a part's
    lines, and a commit's findings are all in one part."""
    return "".join(_plain_chunks(findings))


def _plain_chunks(findings: list[Finding]) -> Iterator[str]:
    """The lines in chunks of joined lines: a range can hold tens of thousands of findings."""
    out: list[str] = []
    # A range's findings repeat: the same few rule texts, several findings per commit in a row.
    # Each distinct place and text is cleaned once; a new place (commit, file) gets its line.
    place: tuple[object, ...] | None = None
    where = ""
    lines: dict[tuple[str, str, str, str, bool], str] = {}
    for f in findings:
        here = (f.commit, f.subject, f.path, f.line)
        if here != place:
            place = here
            where = _location(f)
            if where:
                out.append(f"{where}\n")
        key = (f.severity, f.code, f.name, f.message, bool(where))
        line = lines.get(key)
        if line is None:
            indent = "  " if where else ""
            mark = _MARK.get(f.severity, f.severity)
            line = lines[key] = f"{indent}{mark} {f.code} {f.name}: {clean_line(f.message)}\n"
        out.append(line)
        if len(out) >= _CHUNK:
            yield "".join(out)
            out.clear()
    yield "".join(out)


def _rich(findings: list[Finding], stream: TextIO, header: str | None) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    if header:
        console.print(Text(header, style="bold"))
    place: tuple[object, ...] | None = None
    for f in findings:
        here = (f.commit, f.subject, f.path, f.line)
        where = _location(f)
        if where and here != place:
            console.print(Text(where, style="cyan"))
        place = here
        line = Text("  " if where else "")
        line.append(_MARK.get(f.severity, f.severity), style="bold red" if f.severity == "error" else "yellow")
        line.append(" ")
        line.append(f.code, style="bold")
        line.append(f" {f.name}: ", style="dim")
        line.append(clean_line(f.message))
        console.print(line)


def write(findings: list[Finding], stream: TextIO | None = None, header: str | None = None) -> None:
    """Print findings grouped by commit or file; nothing at all when there are none."""
    stream = stream or sys.stdout
    if not findings and not header:
        return
    if use_colour(stream):
        _rich(findings, stream, header)
    else:
        _plain(findings, stream, header)


def write_listing(outcome: Outcome, stream: TextIO, findings: list[Finding] | None = None) -> None:
    """A run's findings as human text: the PR's under its title, then each commit's."""
    chosen = outcome.findings if findings is None else findings
    pr = [f for f in chosen if not f.commit and not f.path]
    rest = [f for f in chosen if f.commit or f.path]
    if pr:
        title = clean_line(outcome.pr_title or "")
        write(pr, stream, f"{outcome.pr_label or 'pull request'}: {title}".rstrip(": "))
    write(rest, stream)


def write_outcome(outcome: Outcome, stream: TextIO, err: TextIO) -> None:
    """`--format text` of a run: the findings on `stream`; notes and the tally on `err`."""
    if outcome.drawn is not None:  # drawn already (draw_plain), by the processes that linted
        from linter.report.outcome import write_parts

        write_parts(stream, outcome.drawn.pieces)
    else:
        write_listing(outcome, stream)
    for note in outcome.notes:
        err.write(f"ctxlint: note: {clean_line(note)}\n")
    err.write(outcome.headline() + "\n")
