"""`ctxlint rules`: every rule with its code, name, default severity and summary."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from linter.rulebook import catalogue

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def markdown_table() -> str:
    """The README's rule table, generated from the catalogue."""
    rows = ["| Code | Name | Default | Summary |", "|---|---|---|---|"]
    for r in catalogue():
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| `{r.code}` | `{r.name}` | {r.severity} | {summary} |")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt == "json":
        data = [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary}
                for r in catalogue()]
        sys.stdout.write(json.dumps({"rules": data}, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(markdown_table() + "\n")
    else:
        for r in catalogue():
            sys.stdout.write(f"{r.code}  {r.name:<28} {r.severity:<8} {r.summary}\n")
    return 0
