"""GitLab Code Quality report (JSON) for the merge request widget.

Each finding gets a fingerprint that is stable across runs (the same finding on the same commit
hashes the same) and unique within a report (GitLab drops or merges duplicates otherwise).
"""

from __future__ import annotations

import hashlib
import json
from typing import TextIO

from linter.findings import Finding
from linter.report.outcome import Outcome
from linter.report.safety import clean

#: ctxlint severity -> Code Quality severity (info, minor, major, critical, blocker).
SEVERITIES = {"error": "major", "warning": "minor"}


def fingerprints(outcome: Outcome) -> list[str]:
    """One fingerprint per finding, in the order of `outcome.findings`."""
    seen: dict[str, int] = {}
    out: list[str] = []
    # Copying a started hash skips OpenSSL's look-up of the algorithm by name, which cost more than
    # hashing the text (a range's SARIF and Code Quality reports hash every finding).
    sha256 = hashlib.sha256().copy
    for finding in outcome.findings:
        base = "\0".join((finding.code, outcome.target_key(finding), finding.message))
        # identical findings on one target (rare) get an occurrence number, keeping them unique
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        data = base if occurrence == 0 else f"{base}\0{occurrence}"
        digest = sha256()
        digest.update(data.encode("utf-8", "surrogatepass"))
        out.append(digest.hexdigest())
    return out


def _issue(finding: Finding, outcome: Outcome, fingerprint: str, anchor: str) -> dict[str, object]:
    where = outcome.target(finding)
    description = f"{finding.code} {finding.name}: {finding.message} ({where}"
    description += f": {finding.subject})" if finding.subject else ")"
    return {
        "type": "issue",
        "description": clean(description),
        "check_name": f"{finding.code} {finding.name}",
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(finding.severity, "info"),
        "categories": ["Style"],
        "location": {"path": finding.path or anchor, "lines": {"begin": finding.line or 1}},
    }


def render(outcome: Outcome) -> str:
    anchor = outcome.anchor()
    issues = [_issue(f, outcome, fp, anchor) for f, fp in zip(outcome.findings, fingerprints(outcome))]
    # compact, for json's C encoder: a long range makes thousands of issues
    return json.dumps(issues, ensure_ascii=False, separators=(",", ":"))


def write(outcome: Outcome, stream: TextIO) -> None:
    stream.write(render(outcome) + "\n")
