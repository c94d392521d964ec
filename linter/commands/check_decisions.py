"""`ctxlint check-decisions FILES...`: new or changed records must not silently reopen a closed one.

What the pre-commit hook on decision folders runs. Files outside the decision folders are ignored,
so the hook can be given every staged Markdown file.
"""

from __future__ import annotations

import os
import sys

from linter.findings import Finding, exit_code


def add_arguments(parser: object) -> None:
    parser.add_argument("files", nargs="*", help="record files (as pre-commit passes them)")  # type: ignore[attr-defined]
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")  # type: ignore[attr-defined]


def run(args: object) -> int:
    from linter.commands.decisions import repository
    from linter.decisions import discover, health
    from linter.decisions.records import read
    from linter.decisions.reopening import check_records, describe
    from linter.engine import severity_of

    root, cfg = repository(args.config)  # type: ignore[attr-defined]
    if not discover.folders(root, cfg):
        return 0
    rels = []
    for name in args.files:  # type: ignore[attr-defined]
        rel = os.path.relpath(os.path.abspath(name), root).replace(os.sep, "/")
        if discover.in_decision_folder(rel, root, cfg) and discover.is_record_name(os.path.basename(rel)):
            rels.append(rel)
    findings: list[Finding] = []
    for rel in rels:
        if os.path.isfile(os.path.join(root, rel)):
            findings.extend(f for f in health.check([read(root, rel)], cfg) if f.code == health.MALFORMED)
    name, severity = severity_of("CTX301", cfg)
    if severity != "off":
        for rel, item in check_records(root, cfg, rels):
            new = read(root, rel)
            text = describe(item, root, f"{new.title}\n{new.context[:2000]}")
            text = text.replace("add a 'Reopens: ", "declare 'Supersedes ").replace(
                "' trailer and say why the decision should change", "' in the new record's status"
            )
            findings.append(Finding("CTX301", name, severity, text, path=rel, decision=item.entry.path))
    if args.format == "json":  # type: ignore[attr-defined]
        from linter.report import json_report

        json_report.write(findings, sys.stdout)
    elif findings:
        from linter.report import text as text_report

        text_report.write(
            findings,
            sys.stdout,
            f"ctxlint: {len(findings)} problem{'s' * (len(findings) != 1)} in the decision records",
        )
    return exit_code(findings)
