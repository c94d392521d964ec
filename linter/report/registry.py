"""One registry from output format to renderer.

Every command that prints findings (`check-msg`, `check-range`, `ci`) and the audit take their
renderer from here, by the name given to `--format`; a format's module is imported only when it is
chosen, so the commit-msg hook never loads the JSON, SARIF, XML or HTML code. Renderers only draw:
exit codes come from the findings (findings.py), never from a format.

Two families, for two kinds of input:
- lint formats draw an `Outcome` (the findings of a run and where they sit);
- audit formats draw the audit's report (a dict, as `--format json` writes it).
"""

from __future__ import annotations

from linter import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

    from linter.findings import Finding
    from linter.report.outcome import Outcome


# -- lint formats: an Outcome --------------------------------------------------------------------


def _json(outcome: Outcome) -> str:
    from linter.report import json_report

    return json_report.render(outcome.findings, outcome.extra)


def _gitlab(outcome: Outcome) -> str:
    from linter.report import gitlab

    return gitlab.render(outcome)


def _sarif(outcome: Outcome) -> str:
    from linter.report import sarif

    return sarif.render(outcome)


def _junit(outcome: Outcome) -> str:
    from linter.report import junit

    return junit.render(outcome)


def _text(outcome: Outcome, stream: TextIO, err: TextIO) -> None:
    from linter.report import text

    text.write_outcome(outcome, stream, err)


def _github(outcome: Outcome, stream: TextIO, err: TextIO) -> None:
    from linter.report import github

    github.write(outcome, stream)


#: Formats that are a document (a file can hold them): name -> the document as a string.
DOCUMENTS: dict[str, Callable[[Outcome], str]] = {
    "json": _json,
    "gitlab": _gitlab,
    "sarif": _sarif,
    "junit": _junit,
}
#: Formats drawn for a reader of a terminal or a CI log, which write notes and the tally
#: themselves: name -> writer(outcome, stdout, stderr).
LOGS: dict[str, Callable[[Outcome, TextIO, TextIO], None]] = {
    "text": _text,
    "github": _github,
}
def _json_piece(findings: list[Finding]) -> str:
    from linter.report import json_report

    return json_report.draw(findings)


def _json_parts(outcome: Outcome) -> list[str | bytes]:
    from linter.report import json_report

    assert outcome.drawn is not None
    return json_report.parts(outcome.drawn.pieces, outcome.extra)


def _text_piece(findings: list[Finding]) -> str:
    from linter.report import text

    return text.draw_plain(findings)


#: Formats whose findings can be drawn in pieces, by the processes that found them, and put
#: together unchanged (Outcome.drawn): name -> drawer of one piece (outputs.piece_drawer makes it
#: ready to write, scrubbed as `render` scrubs a document whole). Text only when it is plain.
PIECEWISE: dict[str, Callable[[list[Finding]], str]] = {
    "json": _json_piece,
    "text": _text_piece,
}
#: The documents among them: name -> the document of a drawn Outcome in parts, written one after
#: the other (joining megabytes only to write them costs a copy, and a scan to scrub them).
DRAWN_DOCUMENTS: dict[str, Callable[[Outcome], list[str | bytes]]] = {
    "json": _json_parts,
}
#: Every lint format, in the order `--format` lists them.
FORMATS = ("text", "json", "github", "gitlab", "sarif", "junit")
#: The documents that can also go to a file beside what stdout shows: format -> (option, help),
#: in the order the files are written.
SIDE_FILES: dict[str, tuple[str, str]] = {
    "sarif": ("--sarif-file", "also write SARIF 2.1.0 to FILE (for code scanning upload)"),
    "junit": ("--junit-file", "also write JUnit XML to FILE (for a CI's test tab)"),
    "gitlab": ("--gitlab-file", "also write a GitLab Code Quality report to FILE"),
    "json": ("--json-file", "also write the JSON report to FILE"),
}


def render(fmt: str, outcome: Outcome) -> str:
    """A document format as a string, always encodable as UTF-8: lone surrogates from any input
    are replaced. An outcome whose findings were drawn already (Outcome.drawn) holds none to render:
    outputs.piece_drawer draws only when no document is rendered, so one here is a bug."""
    from linter.report.safety import scrub

    if outcome.drawn is not None:
        raise ValueError(f"{fmt}: the findings were drawn for stdout already; a {fmt} document needs them")
    return scrub(DOCUMENTS[fmt](outcome))


def write(fmt: str, outcome: Outcome, stream: TextIO, err: TextIO) -> None:
    """`fmt` on `stream`; a document's notes and tally go to `err`, where they do not break it."""
    draw = LOGS.get(fmt)
    if draw is not None:
        draw(outcome, stream, err)
        return
    drawn = DRAWN_DOCUMENTS.get(fmt) if outcome.drawn is not None else None
    if drawn is not None:
        from linter.report.outcome import write_parts

        write_parts(stream, drawn(outcome))
        stream.write("\n")
    else:
        stream.write(render(fmt, outcome) + "\n")
    if outcome.notes:
        from linter.report.safety import clean_line

        for note in outcome.notes:
            err.write(f"ctxlint: note: {clean_line(note)}\n")
    err.write(outcome.headline() + "\n")


# -- audit formats: the audit's report -----------------------------------------------------------


def _audit_text(report: dict[str, Any], stream: TextIO, by: str, top: int) -> None:
    from linter.report import audit_text

    audit_text.write(report, stream, by=by, top=top)


def _audit_markdown(report: dict[str, Any], stream: TextIO, by: str, top: int) -> None:
    from linter.report import audit_markdown

    stream.write(audit_markdown.render(report, by=by, top=top))


def _audit_json(report: dict[str, Any], stream: TextIO, by: str, top: int) -> None:
    from linter.report import audit_json

    stream.write(audit_json.render(report))


def _audit_html(report: dict[str, Any], stream: TextIO, by: str, top: int) -> None:
    from linter.report import audit_html

    stream.write(audit_html.render(report, by=by, top=top))


#: name -> writer(report, stream, by, top); text draws for a terminal (colour, width) when the
#: stream is one, the others write a document.
AUDIT_FORMATS: dict[str, Callable[[dict[str, Any], TextIO, str, int], None]] = {
    "text": _audit_text,
    "markdown": _audit_markdown,
    "json": _audit_json,
    "html": _audit_html,
}


def write_audit(fmt: str, report: dict[str, Any], stream: TextIO, by: str = "auto", top: int = 20) -> None:
    """The audit's report in `fmt` on `stream`."""
    AUDIT_FORMATS[fmt](report, stream, by, top)


def render_audit(fmt: str, report: dict[str, Any], by: str = "auto", top: int = 20) -> str:
    """The audit's report in `fmt` as a string, drawn whole before anything is written."""
    import io

    buffer = io.StringIO()
    write_audit(fmt, report, buffer, by, top)
    return buffer.getvalue()
