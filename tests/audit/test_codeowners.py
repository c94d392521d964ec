"""CODEOWNERS: GitHub's gitignore-style patterns, last match wins."""

from __future__ import annotations

import pytest

from linter.codeowners import Owners

RULES = """
# comment
*                 @org/all
*.js              @org/frontend
/build/logs/      @org/ops
docs/*            @org/docs
apps/             @org/apps
**/fixtures       @org/qa
/src/**/gen/      @org/codegen
/vendor/          # unowned from here
\\#notes.md        @org/hash
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@org/all",)),
        ("web/app.js", ("@org/frontend",)),
        ("app.js", ("@org/frontend",)),
        ("build/logs/a.log", ("@org/ops",)),
        ("x/build/logs/a.log", ("@org/all",)),  # anchored at the root
        ("docs/intro.md", ("@org/docs",)),
        ("docs/guide/deep.md", ("@org/all",)),  # docs/* owns direct children only
        ("apps/a/b.py", ("@org/apps",)),
        ("x/apps/b.py", ("@org/apps",)),  # unanchored: any level
        ("a/b/fixtures/f.json", ("@org/qa",)),
        ("src/gen/x.py", ("@org/codegen",)),
        ("src/a/b/gen/x.py", ("@org/codegen",)),
        ("vendor/lib.js", ()),  # a rule without owners unowns, and it comes last
        ("#notes.md", ("@org/hash",)),
    ],
)
def test_last_matching_rule_wins(path: str, owners: tuple[str, ...]) -> None:
    assert Owners(RULES).of(path) == owners


def test_no_rules_no_owners() -> None:
    assert Owners("# nothing\n").of("a.py") == ()
