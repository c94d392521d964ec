"""`--format json`: {"findings": [{"code", "severity", "message", "commit", ...}]}."""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import TextIO, cast

from linter.findings import Finding

#: What json.dumps(..., ensure_ascii=False) writes for a str (the C function where there is one).
_string = encode_basestring


def _generic(finding: Finding) -> str:
    """One finding as `indent=2` writes it inside the findings list, by json itself."""
    lines = json.dumps(finding.to_dict(), indent=2, ensure_ascii=False).split("\n")
    return "\n".join("    " + line for line in lines)  # a JSON string holds no raw line break


def _findings(findings: list[Finding]) -> list[str]:
    """The findings list's lines as `json.dumps(..., indent=2, ensure_ascii=False)` writes them,
    in pieces to be joined.

    A range whose commits mostly have findings holds tens of thousands, and json's indenting
    encoder is pure Python (its C encoder runs only without indent): it took longer than linting
    the range. Here each string is escaped by json's own C function and the pieces are joined once,
    at the end. What repeats is escaped once: a rule's code, name and severity; a message that is
    the same object as the last one of its rule (CTX101's text, the same for thousands of
    commits); the commit and subject shared by a commit's findings, which come in a row. A field
    of another type than the usual ones goes through json itself.
    """
    heads: dict[tuple[str, str, str], str] = {}
    #: rule code -> (its last message, that message escaped)
    messages: dict[str, tuple[str, str]] = {}
    out: list[str] = []
    place: tuple[object, object, object, object, object] | None = None
    tail = ""
    for f in findings:
        code, name, severity, message, commit = f.code, f.name, f.severity, f.message, f.commit
        line, subject, path, decision = f.line, f.subject, f.path, f.decision
        if (type(message) is not str or (commit is not None and type(commit) is not str)
                or (subject is not None and type(subject) is not str) or (path is not None and type(path) is not str)
                or (line is not None and type(line) is not int)
                or (decision is not None and type(decision) is not str)):
            out.append(_generic(f))
            out.append(",\n")
            continue
        key = (code, name, severity)
        head = heads.get(key)
        if head is None:
            if type(code) is not str or type(name) is not str or type(severity) is not str:
                out.append(_generic(f))
                out.append(",\n")
                continue
            head = heads[key] = (f'    {{\n      "code": {_string(code)},\n      "name": {_string(name)},\n'
                                 f'      "severity": {_string(severity)},\n      "message": ')
        last = messages.get(code)
        if last is not None and last[0] is message:
            escaped = last[1]
        else:
            escaped = _string(message)
            messages[code] = (message, escaped)
        # identity, not equality: the engine hands a commit's findings the same objects
        if (place is None or place[0] is not commit or place[1] is not subject or place[2] is not path
                or place[3] is not line or place[4] is not decision):
            place = (commit, subject, path, line, decision)
            tail = ',\n      "commit": ' + ("null" if commit is None else _string(commit))
            if subject is not None:
                tail += ',\n      "subject": ' + _string(subject)
            if path is not None:
                tail += ',\n      "path": ' + _string(path)
            if line is not None:
                tail += ',\n      "line": ' + int.__repr__(line)
            if decision is not None:
                tail += ',\n      "decision": ' + _string(decision)
            tail += "\n    },\n"
        out.append(head)
        out.append(escaped)
        out.append(tail)
    return out


def render(findings: list[Finding], extra: dict[str, object] | None = None) -> str:
    """The report as `json.dumps(..., indent=2, ensure_ascii=False)` writes it, byte for byte."""
    if not findings or (extra and "findings" in extra):
        data: dict[str, object] = {"findings": [f.to_dict() for f in findings]}
        data.update(extra or {})
        return json.dumps(data, indent=2, ensure_ascii=False)
    return assemble([draw(findings)], extra)


def draw(findings: list[Finding]) -> str:
    """The findings as they stand in the report's list, each followed by a comma. Drawn in parts
    (a range's batches of commits) and joined, they are the same text as drawn at once."""
    return "".join(_findings(findings))


def assemble(pieces: list[str], extra: dict[str, object] | None = None) -> str:
    """The report around its findings drawn in pieces (`draw`), as `render` writes it (`extra`
    holds no "findings" of its own)."""
    return "".join(cast("list[str]", parts(pieces, extra)))  # joined once: it can run to megabytes


def parts(pieces: Sequence[str | bytes], extra: dict[str, object] | None = None) -> list[str | bytes]:
    """`assemble`'s text in parts, to be written one after the other without joining them; the
    pieces may be UTF-8 bytes (report.outcome.Drawn), the other parts are text."""
    last = len(pieces) - 1
    while last >= 0 and not pieces[last]:
        last -= 1
    if last < 0:
        return [render([], extra)]
    rest = json.dumps(extra or {}, indent=2, ensure_ascii=False)
    tail = "\n  ]\n}" if rest == "{}" else "\n  ]," + rest[1:]
    return ['{\n  "findings": [\n', *pieces[:last], pieces[last][:-2], tail]  # the last finding takes no comma


def write(findings: list[Finding], stream: TextIO, extra: dict[str, object] | None = None) -> None:
    stream.write(render(findings, extra) + "\n")
