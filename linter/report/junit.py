"""JUnit XML for any CI's test tab: a test case per commit and one for the PR's title and body.

Error findings are failures; warnings go to the case's system-out; exempt commits are skipped.
Text is XML-escaped by ElementTree, and characters XML 1.0 cannot hold are removed first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from linter.findings import Finding
from linter.report.outcome import Outcome

# Not allowed anywhere in an XML 1.0 document, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot contain."""
    return _NOT_XML.sub("", text)


def _case(
    suite: ET.Element, classname: str, name: str, findings: list[Finding], exemptions: tuple[str, ...]
) -> tuple[int, int]:
    case = ET.SubElement(suite, "testcase", classname=classname, name=xml_text(name), time="0")
    failures = 0
    warnings: list[str] = []
    for finding in findings:
        line = f"{finding.code} {finding.name}: {finding.message}"
        if finding.severity == "error":
            failures += 1
            failure = ET.SubElement(case, "failure", message=xml_text(line), type=finding.code)
            failure.text = xml_text(f"{line}\n{name}")
        else:
            warnings.append(f"warning {line}")
    if warnings:
        ET.SubElement(case, "system-out").text = xml_text("\n".join(warnings))
    skipped = 0
    if not findings and exemptions:
        ET.SubElement(case, "skipped", message=xml_text("exempt: " + ", ".join(exemptions)))
        skipped = 1
    # the suite counts failed test cases (one per commit), not failure elements
    return min(failures, 1), skipped


def render(outcome: Outcome) -> str:
    by_commit: dict[str, list[Finding]] = {}
    pr_findings: list[Finding] = []
    for finding in outcome.findings:
        if finding.commit:
            by_commit.setdefault(finding.commit, []).append(finding)
        else:
            pr_findings.append(finding)
    root = ET.Element("testsuites", name="ctxlint")
    suite = ET.SubElement(root, "testsuite", name=f"ctxlint {outcome.command}")
    tests = failures = skipped = 0
    if outcome.pr_label:
        title = f"{outcome.pr_label}: {outcome.pr_title or ''}".rstrip(": ")
        f, s = _case(suite, "ctxlint.pull-request", title, pr_findings, outcome.pr_exemptions)
        tests, failures, skipped = tests + 1, failures + f, skipped + s
    for commit in reversed(outcome.commits):  # oldest first, as the PR lists them
        f, s = _case(
            suite,
            "ctxlint.commits",
            f"{commit.sha[:12]} {commit.subject}",
            by_commit.get(commit.sha, []),
            commit.exemptions,
        )
        tests, failures, skipped = tests + 1, failures + f, skipped + s
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", str(skipped))
    if outcome.notes:
        ET.SubElement(suite, "system-out").text = xml_text("\n".join(outcome.notes))
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def write(outcome: Outcome, stream: TextIO) -> None:
    stream.write(render(outcome) + "\n")
