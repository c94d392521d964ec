"""`ctxlint audit --format json`: the report as stable JSON (schema in docs/audit.md, `schema_version` 1).

Commit text goes out as JSON strings (escaped by the encoder); consumers must escape it again for
their own medium.
"""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
