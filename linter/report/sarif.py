"""SARIF 2.1.0 for code scanning: the rule catalogue as `tool.driver.rules`, one result per finding.

GitHub's code scanning rejects results without a physical location, and a commit message has no
file: each result points at a real file of the repository (the config file, where the policy
lives) on line 1, and names the commit or PR as a logical location.
"""

from __future__ import annotations

import json
from typing import TextIO

from linter import __version__
from linter.findings import Finding
from linter.report.gitlab import fingerprints
from linter.report.outcome import Outcome
from linter.report.safety import clean

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/ctxlint/ctxlint"
LEVELS = {"error": "error", "warning": "warning"}
#: GitHub code scanning's limit of results per run; a larger file is rejected.
MAX_RESULTS = 25_000


def rules() -> list[dict[str, object]]:
    """`reportingDescriptor`s for every rule in the catalogue, ordered by code."""
    from linter.rulebook import catalogue

    out: list[dict[str, object]] = []
    for rule in catalogue():
        help_text = f"{rule.summary}\n\n{rule.rationale}\n\nMore: `ctxlint explain {rule.code}`"
        out.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.rationale},
                "help": {"text": help_text, "markdown": help_text},
                "defaultConfiguration": {
                    "level": LEVELS.get(rule.severity, "none"),
                    "enabled": rule.severity != "off",
                },
                "properties": {"tags": ["ctxlint", rule.scope], "precision": "high"},
            }
        )
    return out


def _logical(finding: Finding, outcome: Outcome) -> dict[str, object]:
    if finding.commit:
        return {"name": finding.commit, "fullyQualifiedName": f"commit/{finding.commit}", "kind": "object"}
    if outcome.pr_number is not None:
        return {
            "name": outcome.pr_label or "pull request",
            "fullyQualifiedName": f"pull/{outcome.pr_number}",
            "kind": "object",
        }
    return {"name": outcome.pr_label or "message", "kind": "object"}


def _result(
    finding: Finding, outcome: Outcome, index: dict[str, int], anchor: str, fingerprint: str
) -> dict[str, object]:
    where = outcome.target(finding)
    text = f"{finding.message} ({where}"
    text += f": {finding.subject})" if finding.subject else ")"
    result: dict[str, object] = {
        "ruleId": finding.code,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": clean(text)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path or anchor, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line or 1},
                },
                "logicalLocations": [_logical(finding, outcome)],
            }
        ],
        "partialFingerprints": {"ctxlintFinding/v1": fingerprint},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result


def document(outcome: Outcome, limit: int = MAX_RESULTS) -> dict[str, object]:
    """The SARIF log as a dict: at most `limit` results, the most important ones, saying so."""
    driver_rules = rules()
    index = {str(r["id"]): i for i, r in enumerate(driver_rules)}
    anchor = outcome.anchor()
    prints = dict(zip(map(id, outcome.findings), fingerprints(outcome)))
    chosen = outcome.findings if len(outcome.findings) <= limit else outcome.ranked()[:limit]
    results = [_result(f, outcome, index, anchor, prints[id(f)]) for f in chosen]
    notes = list(outcome.notes)
    if len(chosen) < len(outcome.findings):
        left = len(outcome.findings) - len(chosen)
        notes.append(
            f"{left} more findings left out: code scanning accepts at most {limit} results per run; "
            "the JSON report has them all"
        )
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "ctxlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": driver_rules,
            }
        },
        "automationDetails": {"id": f"ctxlint/{outcome.command}/"},
        "invocations": [
            {
                "executionSuccessful": True,
                # what the run covered: commits selected, fully checked, and exempt by kind
                "properties": outcome.counts(),
                "toolExecutionNotifications": [
                    {"message": {"text": clean(n)}, "level": "note"} for n in notes
                ],
            }
        ],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(outcome: Outcome) -> str:
    # Compact: json's C encoder runs only without indent, and a 10,000-commit range can carry
    # tens of thousands of results. SARIF is read by machines; `jq .` indents it for people.
    return json.dumps(document(outcome), ensure_ascii=False, separators=(",", ":"))


def write(outcome: Outcome, stream: TextIO) -> None:
    stream.write(render(outcome) + "\n")
