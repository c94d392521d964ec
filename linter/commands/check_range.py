"""`ctxlint check-range RANGE`: lint every commit in a revision range with the configured rules."""

from __future__ import annotations

import sys

from linter import config as config_module
from linter import gitio, history
from linter.findings import Finding, exit_code


def add_arguments(parser: object) -> None:
    parser.add_argument("revisions", nargs="+", metavar="RANGE",  # type: ignore[attr-defined]
                        help="revision range(s), e.g. origin/main..HEAD")
    parser.add_argument("--format", choices=("text", "json"), default="text",  # type: ignore[attr-defined]
                        help="output format")


def collect(revisions: list[str], cfg: config_module.Config, cwd: str | None = None) -> tuple[list[Finding], int]:
    """(findings, number of commits checked) for the range."""
    history.check_revisions(revisions, cwd)
    findings: list[Finding] = []
    count = 0
    for _commit, result in history.walk(revisions, cfg, cwd):
        count += 1
        findings.extend(result.findings)
    return findings, count


def run(args: object) -> int:
    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)  # type: ignore[attr-defined]
    findings, count = collect(args.revisions, cfg)  # type: ignore[attr-defined]
    if args.format == "json":  # type: ignore[attr-defined]
        from linter.report import json_report

        json_report.write(findings, sys.stdout, {"commits": count})
    else:
        from linter.report import text

        text.write(findings, sys.stdout)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        sys.stderr.write(f"ctxlint: {count} commit{'s' * (count != 1)} checked, "
                         f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n")
    return exit_code(findings)
