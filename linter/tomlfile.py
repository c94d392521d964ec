"""The one place that imports a TOML parser: `tomllib` from Python 3.11, `tomli` before it."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from linter.errors import CtxlintError


def parse_toml(text: str, source: str) -> dict[str, object]:
    """`text` parsed as TOML; a syntax error or absurd nesting is one line naming `source`."""
    try:
        parsed: dict[str, object] = tomllib.loads(text)
        return parsed
    except tomllib.TOMLDecodeError as exc:
        raise CtxlintError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        # The parser recurses once per nested array or table: thousands deep exhaust the stack.
        raise CtxlintError(f"{source}: not valid TOML: arrays or tables nested too deeply") from None
