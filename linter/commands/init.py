"""`ctxlint init`: write a commented starter `.ctxlint.toml`, guessed from recent history."""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING

from linter import gitio
from linter.config import SCHEMA, Config
from linter.errors import CtxlintError
from linter.tickets import NOT_PROJECT_KEYS, TRACKERS

if TYPE_CHECKING:
    import argparse

_KEY = re.compile(r"\b([A-Z][A-Z0-9_]{1,14})-[1-9][0-9]*\b")
_GITHUB = re.compile(r"(?<![\w&#/])#[1-9][0-9]*\b|/(?:issues|pull)/[0-9]+")
_GITLAB = re.compile(r"/-/(?:issues|merge_requests)/[0-9]+|(?<![\w!])![1-9][0-9]*\b")
_AZURE = re.compile(r"\bAB#[1-9][0-9]*\b")
_LINEAR = re.compile(r"linear\.app/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdout", action="store_true", help="print the config instead of writing it")
    parser.add_argument("--force", action="store_true", help="overwrite an existing .ctxlint.toml")
    parser.add_argument("--commits", type=int, default=500, help="how many recent commits to learn from")


def guess(messages: list[str]) -> tuple[list[str], list[str]]:
    """(trackers, project keys) that recent messages use; all trackers when nothing is seen."""
    keys: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for text in messages:
        found = {m.group(1) for m in _KEY.finditer(text)} - NOT_PROJECT_KEYS
        keys.update(found)
        if found:
            seen["jira"] += 1
        for tracker, pattern in (("github", _GITHUB), ("gitlab", _GITLAB), ("azure", _AZURE), ("linear", _LINEAR)):
            if pattern.search(text):
                seen[tracker] += 1
    total = max(len(messages), 1)
    # A key counts as the team's own when it recurs; one-off words like HTTP-2 do not.
    project_keys = sorted(k for k, n in keys.items() if n >= max(2, total // 50))
    trackers = [t for t in TRACKERS if seen[t] >= max(1, total // 100)]
    if project_keys and "jira" not in trackers and "linear" not in trackers:
        trackers.append("jira")
    return (trackers or list(TRACKERS)), project_keys


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Literal strings keep regex backslashes readable; JSON strings are valid TOML otherwise.
        return f"'{value}'" if "\\" in value and "'" not in value else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def render(trackers: list[str], project_keys: list[str], studied: int) -> str:
    lines = [
        "# ctxlint configuration (the README's Configuration section explains every key).",
        f"# Guessed from the last {studied} commits; every key is optional and shown with its default",
        "# unless a value was guessed.",
        "",
    ]
    guessed: dict[str, object] = {"trackers": trackers, "project-keys": project_keys}
    for section, keys in SCHEMA.items():
        if section == "rules" or not keys:
            continue
        if section:
            lines += ["", f"[{section}]"]
        for key, spec in keys.items():
            lines.append(f"# {spec.doc}")
            value = guessed.get(key, spec.default) if not section else spec.default
            prefix = "" if key in guessed and not section else "# "
            lines.append(f"{prefix}{key} = {_toml(value)}")
    lines += ["", "[rules]", "# Severity per rule (code or name): error, warning or off. `ctxlint rules` lists them.",
              '# missing-rationale = "warning"', ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    root = gitio.toplevel()
    messages: list[str] = []
    if gitio.has_commits(root):
        for commit in gitio.iter_log(["HEAD"], root, [f"--max-count={args.commits}"]):
            messages.append(commit.message)
    trackers, keys = guess(messages)
    text = render(trackers, keys, len(messages))
    Config()  # the defaults themselves must load
    if args.stdout:
        sys.stdout.write(text)
        return 0
    target = os.path.join(root, ".ctxlint.toml")
    if os.path.exists(target) and not args.force:
        raise CtxlintError(f"{target} exists; use --force to overwrite it or --stdout to print")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
    sys.stdout.write(f"wrote {target} (trackers: {', '.join(trackers)}; project keys: {', '.join(keys) or 'any'})\n")
    return 0
