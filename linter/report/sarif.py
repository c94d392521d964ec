"""SARIF 2.1.0 for code scanning: the rule catalogue as `tool.driver.rules`, one result per finding.

GitHub's code scanning rejects results without a physical location, and a commit message has no
file: each result points at a real file of the repository (the config file, where the policy
lives) on line 1, and names the commit or PR as a logical location.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
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
#: What json.dumps(..., ensure_ascii=False) writes for a str (the C function where there is one).
_string = encode_basestring


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


def _chosen(outcome: Outcome, limit: int) -> list[Finding]:
    return outcome.findings if len(outcome.findings) <= limit else outcome.ranked()[:limit]


def document(outcome: Outcome, limit: int = MAX_RESULTS, *, results: bool = True) -> dict[str, object]:
    """The SARIF log as a dict: at most `limit` results, the most important ones, saying so
    (without them when `results` is false: `render` writes them itself)."""
    driver_rules = rules()
    chosen = _chosen(outcome, limit)
    if results:
        index = {str(r["id"]): i for i, r in enumerate(driver_rules)}
        anchor = outcome.anchor()
        prints = dict(zip(map(id, outcome.findings), fingerprints(outcome)))
        written = [_result(f, outcome, index, anchor, prints[id(f)]) for f in chosen]
    else:
        written = []
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
        "results": written,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _results(outcome: Outcome, chosen: list[Finding], index: dict[str, int], anchor: str,
             prints: dict[int, str]) -> list[str]:
    """Each result as `_compact(_result(...))` writes it, put together from pieces.

    A range of 10,000 commits carries some 15,000 results, and json's encoder escaped every key of
    every one (a dozen each): it cost four times the bare git log's whole run. Here only what
    varies is escaped, by json's own C function: the message, and once per rule, place and commit
    the parts they share. A field of an unexpected type goes through json itself.
    """
    heads: dict[tuple[str, str], str] = {}
    places: dict[tuple[str, int], str] = {}
    tails: dict[str, str] = {}
    #: rule code -> (its last message, that message cleaned and escaped, without quotes)
    messages: dict[str, tuple[str, str]] = {}
    #: (commit, subject, path, line) of the last finding, and what they give: the escaped end of
    #: the message text, " (commit 1a2b3c4d5e: subject)", and the logical location
    about_of: tuple[tuple[object, ...], str, str] | None = None
    out: list[str] = []
    for finding in chosen:
        code, severity, path, line = finding.code, finding.severity, finding.path, finding.line
        uri = path or anchor
        start = line or 1
        message, subject, commit = finding.message, finding.subject, finding.commit
        if (type(code) is not str or type(severity) is not str or type(uri) is not str or type(start) is not int
                or type(message) is not str or (subject is not None and type(subject) is not str)
                or (commit is not None and type(commit) is not str)):
            out.append(_compact(_result(finding, outcome, index, anchor, prints[id(finding)])))
            continue
        head = heads.get((code, severity))
        if head is None:
            head = heads[code, severity] = (f'{{"ruleId":{_string(code)},"level":'
                                            f'{_string(LEVELS.get(severity, "note"))},"message":{{"text":"')
        place = places.get((uri, start))
        if place is None:
            place = places[uri, start] = (f'"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":'
                                          f'{_string(uri)},"uriBaseId":"%SRCROOT%"}},"region":{{"startLine":'
                                          f'{int.__repr__(start)}}}}},"logicalLocations":[')
        tail = tails.get(code)
        if tail is None:
            tail = tails[code] = f',"ruleIndex":{index[code]}}}' if code in index else "}"
        # Cleaning and escaping go character by character, so the text's parts are done apart,
        # each once: a rule's message that is the same object as its last, a commit's place.
        last = messages.get(code)
        if last is not None and last[0] is message:
            said = last[1]
        else:
            said = _string(clean(message))[1:-1]
            messages[code] = (message, said)
        here = (commit, subject, path, line)
        if about_of is None or any(a is not b for a, b in zip(about_of[0], here)):
            where = outcome.target(finding)
            about = f" ({where}: {subject})" if subject else f" ({where})"
            logical = (f'{{"name":{_string(commit)},"fullyQualifiedName":{_string("commit/" + commit)},'
                       '"kind":"object"}' if commit else _compact(_logical(finding, outcome)))
            about_of = (here, _string(clean(about))[1:-1], logical)
        out.append(f'{head}{said}{about_of[1]}{place}{about_of[2]}]}}],"partialFingerprints":'
                   f'{{"ctxlintFinding/v1":{_string(prints[id(finding)])}}}{tail}')
    return out


def render(outcome: Outcome) -> str:
    """The SARIF log as `json.dumps(document(outcome), ensure_ascii=False, separators=(",", ":"))`
    writes it, byte for byte.

    Compact: SARIF is read by machines (`jq .` indents it for people). The log is dumped without
    its results, which json puts last, and the results, written by `_results`, go in their place.
    """
    frame = _compact(document(outcome, results=False))
    if not frame.endswith(_EMPTY_RESULTS):  # pragma: no cover - json keeps the order the dict was built in
        return _compact(document(outcome))
    driver_rules = rules()
    index = {str(r["id"]): i for i, r in enumerate(driver_rules)}
    anchor = outcome.anchor()
    prints = dict(zip(map(id, outcome.findings), fingerprints(outcome)))
    results = _results(outcome, _chosen(outcome, MAX_RESULTS), index, anchor, prints)
    return f"{frame[:-len(_EMPTY_RESULTS)]}\"results\":[{','.join(results)}]}}]}}"


#: How the compact log ends when it has no results: `results` is the last key of the one run.
_EMPTY_RESULTS = '"results":[]}]}'


def write(outcome: Outcome, stream: TextIO) -> None:
    stream.write(render(outcome) + "\n")
