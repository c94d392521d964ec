"""Human text: rich colours on a terminal, plain text when piped or NO_COLOR is set.

Commit text is data: it is passed to rich as `Text`, never as markup, and control characters are
shown visibly, so `[bold]`, `[/]` or an ANSI escape in a message cannot restyle or break output.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from linter.findings import Finding
from linter.report.safety import clean_line

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
    # Written in chunks of joined lines: a range can hold tens of thousands of findings.
    out: list[str] = []
    if header:
        out.append(header + "\n")
    last = None
    # A range's findings repeat: the same few rule texts, several findings per commit in a row.
    # Each distinct place and text is cleaned once.
    place: tuple[object, ...] | None = None
    where = ""
    lines: dict[tuple[str, str, str, bool], str] = {}
    for f in findings:
        here = (f.commit, f.subject, f.path, f.line)
        if here != place:
            place = here
            where = _location(f)
            if where and where != last:
                out.append(f"{where}\n")
                last = where
        key = (f.severity, f.code, f.message, bool(where))
        line = lines.get(key)
        if line is None:
            indent = "  " if where else ""
            mark = _MARK.get(f.severity, f.severity)
            line = lines[key] = f"{indent}{mark} {f.code} {f.name}: {clean_line(f.message)}\n"
        out.append(line)
        if len(out) >= _CHUNK:
            stream.write("".join(out))
            out.clear()
    stream.write("".join(out))


def _rich(findings: list[Finding], stream: TextIO, header: str | None) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    if header:
        console.print(Text(header, style="bold"))
    last = None
    for f in findings:
        where = _location(f)
        if where and where != last:
            console.print(Text(where, style="cyan"))
            last = where
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
