"""`ctxlint decisions`: list the decision records and the health of the decision log."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from linter import config as config_module
from linter.errors import CtxlintError
from linter.findings import Finding, exit_code


def add_arguments(parser: object) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")  # type: ignore[attr-defined]


def repository(config_path: str | None) -> tuple[str, config_module.Config]:
    from linter import gitio

    root = gitio.toplevel()
    return root, config_module.load(root, config_path)


def run(args: object) -> int:
    from linter.checks import decision_health
    from linter.decisions import discover, links
    from linter.decisions.records import read_all

    root, cfg = repository(args.config)  # type: ignore[attr-defined]
    if not discover.folders(root, cfg):
        wanted = cfg.strings("paths", "decisions")
        if wanted:
            raise CtxlintError(f"none of the configured decision folders exists: {', '.join(wanted)}")
    records = read_all(root, cfg)
    findings = decision_health.check(records, cfg)
    linked = links.supersede_map(records)
    rows: list[dict[str, object]] = [
        {
            "id": r.id,
            "path": r.path,
            "title": r.title,
            "status": r.status,
            "date": r.date,
            "supersedes": linked[r.path][0],
            "superseded_by": linked[r.path][1],
        }
        for r in records
    ]
    if args.format == "json":  # type: ignore[attr-defined]
        data = {
            "decisions": rows,
            "findings": [
                {"code": f.code, "severity": f.severity, "message": f.message, "path": f.path}
                for f in findings
            ],
        }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return exit_code(findings)
    write_table(rows, findings, sys.stdout, discover.folders(root, cfg))
    return exit_code(findings)


def write_table(
    rows: list[dict[str, object]], findings: list[Finding], stream: TextIO, folders: list[str]
) -> None:
    """The records as a table (rich Text on a terminal, plain text otherwise), then the findings."""
    from linter.report.safety import clean_line
    from linter.report.text import use_colour
    from linter.report.text import write as write_findings

    if not rows:
        stream.write(
            "No decision records found (looked in "
            f"{', '.join(folders) if folders else _WHERE}).\n"
        )
    else:
        cells = [
            [
                clean_line(str(r["id"])),
                clean_line(str(r["status"] or "-")),
                str(r["date"] or "-"),
                clean_line(str(r["title"])),
                _links(r),
            ]
            for r in rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(3)]
        if use_colour(stream):
            from rich.console import Console
            from rich.text import Text

            console = Console(file=stream, highlight=False, soft_wrap=True)
            for cell in cells:
                line = Text()
                line.append(cell[0].ljust(widths[0]) + "  ", style="bold")
                line.append(cell[1].ljust(widths[1]) + "  ", style=_status_style(cell[1]))
                line.append(cell[2].ljust(widths[2]) + "  ", style="dim")
                line.append(cell[3])
                if cell[4]:
                    line.append(f"  ({cell[4]})", style="dim")
                console.print(line)
        else:
            for cell in cells:
                extra = f"  ({cell[4]})" if cell[4] else ""
                stream.write(
                    f"{cell[0].ljust(widths[0])}  {cell[1].ljust(widths[1])}  "
                    f"{cell[2].ljust(widths[2])}  {cell[3]}{extra}\n"
                )
    if findings:
        stream.write("\n")
        write_findings(
            findings, stream, f"{len(findings)} problem{'s' * (len(findings) != 1)} in the decision records"
        )


_WHERE = (
    "doc/adr, docs/adr, docs/decisions, ..., and folders named *decision*, adr or adrs up to three levels "
    "deep that hold numbered records"
)


def _links(row: dict[str, object]) -> str:
    parts = []
    sup, by = row["supersedes"], row["superseded_by"]
    if isinstance(sup, list) and sup:
        parts.append("supersedes " + ", ".join(sup))
    if isinstance(by, list) and by:
        parts.append("superseded by " + ", ".join(by))
    return "; ".join(parts)


def _status_style(status: str) -> str:
    from linter.decisions import CLOSED_STATUSES, OPEN_STATUSES, RETIRED_STATUSES

    if status in RETIRED_STATUSES:
        return "dim"
    if status in CLOSED_STATUSES:
        return "green"
    if status in OPEN_STATUSES:
        return "yellow"
    return ""
