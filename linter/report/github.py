"""GitHub Actions: workflow-command annotations on stdout and a Markdown job summary.

GitHub shows at most 10 error and 10 warning annotations per step, so the most important ones are
annotated and the summary (capped by GitHub at 1 MiB per step) lists every finding. Commit and PR
text is escaped so that it can never end the command it sits in and start another one.
"""

from __future__ import annotations

from typing import TextIO

from linter.findings import Finding
from linter.report.outcome import Outcome
from linter.report.safety import clean, markdown, scrub
from linter.report.text import write_listing

MAX_ANNOTATIONS = 10  # per severity, per step (GitHub's limit)
SUMMARY_LIMIT = 1024 * 1024  # bytes per step summary (GitHub's limit)
_COMMANDS = {"error": "error", "warning": "warning"}


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped, so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus `:` and `,` that end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, outcome: Outcome) -> str:
    """`::error title=...::message` for one finding."""
    command = _COMMANDS.get(finding.severity, "notice")
    title = f"{finding.code} {finding.name} ({outcome.target(finding)})"
    message = finding.message
    if finding.subject:
        message = f"{message}\n{outcome.target(finding)}: {finding.subject}"
    # clean() shows ANSI escapes and other controls as visible text; escaping then keeps the
    # remaining line breaks inside the one command.
    return f"::{command} title={escape_property(clean(title))}::{escape_data(clean(message))}"


def annotation_lines(outcome: Outcome) -> tuple[list[str], int]:
    """The annotation lines (most important first, within GitHub's caps) and how many were left out."""
    lines: list[str] = []
    used = {"error": 0, "warning": 0}
    left_out = 0
    for finding in outcome.ranked():
        kind = finding.severity if finding.severity in used else "warning"
        if used[kind] >= MAX_ANNOTATIONS:
            left_out += 1
            continue
        used[kind] += 1
        lines.append(annotation(finding, outcome))
    return lines, left_out


def write(outcome: Outcome, stream: TextIO) -> None:
    """Annotations, a notice when some were left out, and the plain list for the log."""
    lines, left_out = annotation_lines(outcome)
    for line in lines:
        stream.write(line + "\n")
    if left_out:
        stream.write(
            f"::notice title=ctxlint::{left_out} more finding{'s' * (left_out != 1)} not annotated "
            "(GitHub shows 10 errors and 10 warnings per step); the job summary lists them all\n"
        )
    for note in outcome.notes:
        stream.write(f"::notice title=ctxlint::{escape_data(clean(note))}\n")
    write_listing(outcome, stream, outcome.ranked())
    stream.write(outcome.headline() + "\n")


def _row(finding: Finding, outcome: Outcome) -> str:
    mark = "❌ error" if finding.severity == "error" else "⚠️ warning"
    where = markdown(outcome.target(finding))
    subject = markdown(finding.subject or "")
    if len(subject) > 200:
        subject = subject[:197] + "\\.\\.\\."
    return (
        f"| {mark} | `{finding.code}` {markdown(finding.name)} | {where} | {subject} | "
        f"{markdown(finding.message)} |\n"
    )


def summary(outcome: Outcome, limit: int = SUMMARY_LIMIT) -> str:
    """The Markdown job summary: every finding, or as many as fit in `limit` bytes, saying so."""
    head = [
        f"## ctxlint: {outcome.errors} error{'s' * (outcome.errors != 1)}, "
        f"{outcome.warnings} warning{'s' * (outcome.warnings != 1)}\n\n"
    ]
    checked = markdown(outcome.headline().removeprefix("ctxlint: "))
    head.append(f"{checked}\n\n")
    if outcome.pr_label and outcome.pr_title is not None:
        head.append(f"**{markdown(outcome.pr_label)}**: {_cut(markdown(outcome.pr_title))}\n\n")
    for note in outcome.notes:
        head.append(f"> {_cut(markdown(note))}\n\n")
    findings = outcome.ranked()
    if not findings:
        head.append("No findings.\n")
        text = "".join(head)
        return text if len(text.encode("utf-8")) <= limit else _truncated(text, limit)
    head.append("| Severity | Rule | Where | Subject | Problem |\n| --- | --- | --- | --- | --- |\n")
    text = "".join(head)
    size = len(text.encode("utf-8"))
    if size + 1000 > limit:  # many long notes: the head alone must not break the cap
        return _truncated(text, limit)
    reserve = 300  # room for the "left out" line
    rows: list[str] = []
    for index, finding in enumerate(findings):
        row = _row(finding, outcome)
        row_size = len(row.encode("utf-8"))
        if size + row_size + reserve > limit:
            left = len(findings) - index
            rows.append(
                f"\n**{left} more finding{'s' * (left != 1)} left out**: GitHub caps a step summary "
                "at 1 MiB; the JSON, SARIF or JUnit report (`--json-file` etc.) has them all.\n"
            )
            break
        rows.append(row)
        size += row_size
    return text + "".join(rows)


#: Characters of a PR title or note shown in the summary; the title can be 256 KiB.
_CELL_LIMIT = 1000
_CUT_NOTE = "\n\n**Summary cut here**: GitHub caps a step summary at 1 MiB.\n"


def _cut(text: str) -> str:
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1].rstrip("\\") + "\u2026"


def _truncated(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-8 bytes, note included, without splitting a character."""
    room = max(0, limit - len(_CUT_NOTE.encode("utf-8")))
    return text.encode("utf-8")[:room].decode("utf-8", "ignore") + _CUT_NOTE


def failure_annotation(line: str) -> str:
    """`::error title=ctxlint::...` for a run that could not finish (a config or shallow-clone error)."""
    return f"::error title=ctxlint could not run::{escape_data(clean(line.removeprefix('ctxlint: ')))}"


def append_failure(line: str, path: str) -> None:
    """The error that stopped the run, as its own section of the step summary."""
    import os

    text = scrub(f"## ctxlint could not run\n\n{_cut(markdown(line.removeprefix('ctxlint: ')))}\n\n")
    used = os.path.getsize(path) if os.path.isfile(path) else 0
    if used + len(text.encode("utf-8")) < SUMMARY_LIMIT:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def append_summary(outcome: Outcome, path: str) -> None:
    """Append the summary to `path`, within what is left of GitHub's 1 MiB for the step (the
    file may already hold an earlier part of this step's summary)."""
    import os

    from linter.errors import CtxlintError

    try:
        used = os.path.getsize(path) if os.path.isfile(path) else 0
        room = SUMMARY_LIMIT - used - 1
        if room < 4096:  # not even the head would fit: leave the step's summary as it is
            return
        text = scrub(summary(outcome, room))
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        raise CtxlintError(f"{path}: cannot write the summary: {exc.strerror}") from None
