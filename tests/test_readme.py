"""The README stays true: its set-up commands, rule table and config reference match the code."""

from __future__ import annotations

import re
from pathlib import Path

from linter.commands.rules import markdown_table
from linter.config import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)


def test_readme_has_exactly_two_setup_commands_audit_then_tests() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands), "each set-up command is one line"
    assert commands[0].endswith("ctxlint audit")
    assert "pytest" in commands[1]


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_rule_table_matches_the_catalogue() -> None:
    block = README.split("<!-- rules-table", 1)[1].split("<!-- /rules-table -->", 1)[0]
    table = "\n".join(line for line in block.splitlines() if line.startswith("|"))
    assert table == markdown_table()


def test_every_config_key_is_documented() -> None:
    for section, keys in SCHEMA.items():
        for key in keys:
            if key == "*":
                continue
            name = f"{section}.{key}" if section else key
            assert f"`{name}`" in README, f"config key {name} is missing from the README"
