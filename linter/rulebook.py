"""The rule catalogue: one TOML file per rule in `rules/`, the single source of each rule's docs."""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache
from typing import Any

from linter.errors import CtxlintError
from linter.resources import data_dir


class Example:
    """A documented message and the rule codes it must produce (none for a passing example)."""

    __slots__ = ("author", "config", "findings", "message", "parents")

    def __init__(self, message: str, findings: list[str], author: str = "", parents: int = 1,
                 config: dict[str, object] | None = None) -> None:
        self.message = message
        self.findings = findings
        self.author = author
        self.parents = parents
        self.config = config or {}


class Rule:
    """One rule: a stable code, a kebab-case name, a default severity and its documentation."""

    __slots__ = ("code", "examples", "name", "rationale", "scope", "severity", "summary")

    def __init__(self, code: str, name: str, severity: str, summary: str, rationale: str,
                 examples: list[Example], scope: str) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.examples = examples
        self.scope = scope


def _load(path: str) -> Rule:
    from linter.tomlfile import parse_toml

    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = parse_toml(handle.read(), path)
    examples = [
        Example(
            str(e["message"]),
            [str(c) for c in e.get("findings", [])],
            str(e.get("author", "")),
            int(e.get("parents", 1)),
            dict(e.get("config", {})),
        )
        for e in data.get("examples", [])
    ]
    return Rule(
        str(data["code"]),
        str(data["name"]),
        str(data["severity"]),
        str(data["summary"]).strip(),
        str(data["rationale"]).strip(),
        examples,
        str(data.get("scope", "message")),
    )


@lru_cache(maxsize=1)
def catalogue() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    folder = data_dir("rules")
    rules = [_load(os.path.join(folder, name)) for name in sorted(os.listdir(folder)) if name.endswith(".toml")]
    return tuple(sorted(rules, key=lambda r: r.code))


def rule(code_or_name: str) -> Rule:
    """Look a rule up by code (case-insensitive) or by name."""
    wanted = code_or_name.strip()
    for entry in catalogue():
        if entry.code == wanted.upper() or entry.name == wanted.lower():
            return entry
    raise CtxlintError(f"unknown rule {code_or_name!r}; `ctxlint rules` lists them")


#: The opening lines of a rule file: `key = "plain value"`, before any multi-line text or table.
_HEADER_LINE = re.compile(r'([a-z]+) = "([A-Za-z0-9-]*)"')


@cache
def essentials(code: str) -> tuple[str, str]:
    """(name, default severity) of a rule, without loading the whole catalogue.

    A range with findings needs only these two fields of a few rules; reading them from the
    plain `key = "value"` lines each rule file opens with spares every run a TOML parser and the
    parsing of fifteen files. Anything unexpected falls back to the full catalogue.
    """
    folder = data_dir("rules")
    prefix = f"{code}-"
    for filename in os.listdir(folder):
        if filename.startswith(prefix) and filename.endswith(".toml"):
            fields: dict[str, str] = {}
            with open(os.path.join(folder, filename), encoding="utf-8") as handle:
                for line in handle:
                    match = _HEADER_LINE.fullmatch(line.rstrip("\n"))
                    if match is None:
                        break
                    fields[match.group(1)] = match.group(2)
            if fields.get("code") == code and "name" in fields and "severity" in fields:
                return fields["name"], fields["severity"]
            break
    entry = rule(code)
    return entry.name, entry.severity

