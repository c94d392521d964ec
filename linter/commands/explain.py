"""`ctxlint explain CODE`: a rule's summary, rationale and examples, from its TOML entry."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from linter.rulebook import rule

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="rule code or name, e.g. CTX101 or missing-ticket")


def render(code: str) -> str:
    r = rule(code)
    out = [f"{r.code} {r.name} (default: {r.severity})", "", r.summary, "", r.rationale]
    for example in r.examples:
        verdict = "fails with " + ", ".join(example.findings) if example.findings else "passes"
        out += ["", f"Example ({verdict}):"]
        out += [f"    {line}" for line in example.message.rstrip("\n").split("\n")]
    out += ["", f"Configure: [tool.ctxlint.rules] {r.name} = \"error\" | \"warning\" | \"off\""]
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render(args.code))
    return 0
