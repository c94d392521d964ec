"""`--format json`: {"findings": [{"code", "severity", "message", "commit", ...}]}."""

from __future__ import annotations

import json
from typing import TextIO

from linter.findings import Finding


def render(findings: list[Finding], extra: dict[str, object] | None = None) -> str:
    data: dict[str, object] = {"findings": [f.to_dict() for f in findings]}
    if extra:
        data.update(extra)
    return json.dumps(data, indent=2, ensure_ascii=False)


def write(findings: list[Finding], stream: TextIO, extra: dict[str, object] | None = None) -> None:
    stream.write(render(findings, extra) + "\n")
