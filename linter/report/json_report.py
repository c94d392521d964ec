"""`--format json`: {"findings": [{"code", "severity", "message", "commit", ...}]}."""

from __future__ import annotations

import json
from typing import TextIO

from linter.findings import Finding

#: An encoder without indent, so that it runs in C (json's C encoder is used only when `indent` is
#: None), whose separators write exactly the lines `indent=2` writes inside a finding.
_FINDING_ITEMS = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": "))
#: Between two findings: what the C encoder writes there, and what `indent=2` writes.
_BETWEEN_C = "},\n      {"
_BETWEEN = "\n    },\n    {\n      "


def render(findings: list[Finding], extra: dict[str, object] | None = None) -> str:
    """The report as `json.dumps(..., indent=2, ensure_ascii=False)` writes it, byte for byte.

    The findings list is encoded in one call to the C encoder and re-indented by one replace:
    a range whose commits mostly have findings holds tens of thousands, and the pure-Python
    indenting encoder took longer than linting the range. The re-indent is exact because a
    finding's values are strings, numbers or null: a JSON string escapes its line breaks and
    quotes, so `},\\n      {` (a real line break) can only stand between two findings.
    """
    listed = [f.to_dict() for f in findings]
    data: dict[str, object] = {"findings": listed}
    if extra:
        data.update(extra)
    if not listed or data["findings"] is not listed:
        return json.dumps(data, indent=2, ensure_ascii=False)
    rest = json.dumps({k: v for k, v in data.items() if k != "findings"}, indent=2, ensure_ascii=False)
    inner = _FINDING_ITEMS.encode(listed)[2:-2].replace(_BETWEEN_C, _BETWEEN)  # without `[{` and `}]`
    tail = "\n}" if rest == "{}" else "," + rest[1:]
    return '{\n  "findings": [\n    {\n      ' + inner + "\n    }\n  ]" + tail


def write(findings: list[Finding], stream: TextIO, extra: dict[str, object] | None = None) -> None:
    stream.write(render(findings, extra) + "\n")
