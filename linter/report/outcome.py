"""What one `check-range` or `ci` run found: the input of every CI-facing reporter.

Reporters read an Outcome and only write; the exit code comes from the findings (findings.py).
"""

from __future__ import annotations

import os

from linter import TYPE_CHECKING
from linter.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

#: Files a physical location may point at when a finding has no file of its own (it is about a
#: commit message): the config file first, since that is where the policy lives.
_ANCHOR_CANDIDATES = (".ctxlint.toml", "pyproject.toml", "README.md", "README.rst", "README", ".gitignore")
SEVERITY_RANK = {"error": 0, "warning": 1}


class CommitRecord:
    """One commit that was checked, findings or not (JUnit shows passing commits too).

    A slotted class rather than a NamedTuple: `typing` alone costs a range check some 4 ms to import.
    """

    __slots__ = ("exemptions", "sha", "subject")

    def __init__(self, sha: str, subject: str, exemptions: tuple[str, ...] = ()) -> None:
        self.sha = sha
        self.subject = subject
        self.exemptions = exemptions

    def __repr__(self) -> str:
        return f"CommitRecord({self.sha[:12]} {self.subject!r})"


class Drawn:
    """A run's findings drawn already, in one stdout format: the pieces of the listing in order
    (each drawn by the process that linted its commits: linter.range_lint), and how many errors
    and warnings they hold. An Outcome that carries one holds no Finding objects.

    A piece is text, or that text encoded as UTF-8 when stdout writes UTF-8 to a binary buffer
    (report.outputs.piece_drawer): then neither the pipe from a worker nor stdout re-encodes it.
    """

    __slots__ = ("errors", "pieces", "warnings")

    def __init__(self, pieces: list[str | bytes], errors: int, warnings: int) -> None:
        self.pieces = pieces
        self.errors = errors
        self.warnings = warnings


def write_parts(stream: TextIO, parts: Iterable[str | bytes]) -> None:
    """Write text, and text drawn as UTF-8 bytes, in order: the bytes go to the stream's binary
    buffer when it has one (after what the stream holds), else they are decoded and written."""
    buffer = getattr(stream, "buffer", None)
    for part in parts:
        if isinstance(part, str):
            stream.write(part)
        elif buffer is None:
            stream.write(part.decode("utf-8"))
        else:
            stream.flush()
            buffer.write(part)


class Outcome:
    """Findings plus the context that reporters need to place them.

    `pr_label` (`PR #12`) is set when the PR's title and body were linted; findings with neither a
    commit nor a path are about that text. `extra` goes into the JSON report as it is.
    """

    __slots__ = (
        "command",
        "commits",
        "config_path",
        "drawn",
        "extra",
        "findings",
        "notes",
        "pr_exemptions",
        "pr_label",
        "pr_number",
        "pr_title",
        "pr_url",
        "root",
    )

    def __init__(
        self,
        command: str,
        findings: list[Finding],
        commits: list[CommitRecord] | None = None,
        *,
        notes: list[str] | None = None,
        root: str = ".",
        config_path: str | None = None,
        pr_label: str | None = None,
        pr_title: str | None = None,
        pr_url: str | None = None,
        pr_number: int | None = None,
        pr_exemptions: tuple[str, ...] = (),
        extra: dict[str, object] | None = None,
        drawn: Drawn | None = None,
    ) -> None:
        self.command = command
        self.findings = findings
        self.commits = commits if commits is not None else []
        self.notes = notes if notes is not None else []
        self.root = root
        self.config_path = config_path
        self.pr_label = pr_label
        self.pr_title = pr_title
        self.pr_url = pr_url
        self.pr_number = pr_number
        self.pr_exemptions = pr_exemptions
        self.extra = extra if extra is not None else {}
        #: The findings drawn already (then `findings` is empty): see Drawn.
        self.drawn = drawn

    @property
    def errors(self) -> int:
        if self.drawn is not None:
            return self.drawn.errors
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        if self.drawn is not None:
            return self.drawn.warnings
        return sum(f.severity == "warning" for f in self.findings)

    def target(self, finding: Finding) -> str:
        """What a finding is about, in a few words: `commit 1a2b3c4d5e` or `PR #12`."""
        if finding.commit:
            return f"commit {finding.commit[:10]}"
        if finding.path:
            return f"{finding.path}:{finding.line}" if finding.line else finding.path
        return self.pr_label or "message"

    def target_key(self, finding: Finding) -> str:
        """A stable identity of what a finding is about, for fingerprints."""
        if finding.commit:
            return f"commit:{finding.commit}"
        if finding.path:
            return f"path:{finding.path}:{finding.line or 0}"
        return f"pr:{self.pr_number}" if self.pr_number is not None else "pr"

    def ranked(self) -> list[Finding]:
        """Most important first: errors before warnings, the PR text (what a squash merge records)
        before commits, then commits oldest first, then by rule code."""
        order = {c.sha: i for i, c in enumerate(reversed(self.commits))}
        return sorted(
            self.findings,
            key=lambda f: (
                SEVERITY_RANK.get(f.severity, 2),
                f.commit is not None,
                order.get(f.commit or "", len(order)),
                f.code,
            ),
        )

    def anchor(self) -> str:
        """A real file (relative to the root, `/` separated) to hang message findings on."""
        if self.config_path:
            config = os.path.abspath(self.config_path)
            rel = os.path.relpath(config, os.path.abspath(self.root))
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
        for name in _ANCHOR_CANDIDATES:
            if os.path.isfile(os.path.join(self.root, name)):
                return name
        return _ANCHOR_CANDIDATES[0]

    def exempt(self) -> dict[str, int]:
        """How many commits an exemption (or a skip trailer) let through, by its kind: each
        commit counted once, under the first kind that applied, so the counts add up."""
        kinds: dict[str, int] = {}
        # One comprehension over the range (tens of thousands of commits, most not exempt).
        for kind in [c.exemptions[0] for c in self.commits if c.exemptions]:
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    def counts(self) -> dict[str, object]:
        """The commit counts for structured reports: selected, fully checked, exempt by kind."""
        exempt = self.exempt()
        return {"commits": len(self.commits), "checked": len(self.commits) - sum(exempt.values()), "exempt": exempt}

    def headline(self) -> str:
        """One line: what was checked, what was exempt, and what was found."""
        parts = []
        if self.pr_label:
            parts.append(f"{self.pr_label} title and body")
        exempt = self.exempt()
        count = len(self.commits) - sum(exempt.values())
        parts.append(f"{count} commit{'s' * (count != 1)}")
        errors, warnings = self.errors, self.warnings
        exempted = "".join(f", {_exempt_phrase(kind, n)}" for kind, n in sorted(exempt.items(), key=_by_count))
        return (
            f"ctxlint: {' and '.join(parts)} checked{exempted}, {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )


#: How the headline names each exemption kind: (one, many).
_EXEMPT_NAMES = {
    "merge": ("merge exempt", "merges exempt"),
    "revert": ("revert exempt", "reverts exempt"),
    "fixup": ("fixup exempt", "fixups exempt"),
    "bot": ("bot commit exempt", "bot commits exempt"),
    "release": ("release commit exempt", "release commits exempt"),
    "skip": ("commit skipped by its trailer", "commits skipped by their trailer"),
}


def _exempt_phrase(kind: str, count: int) -> str:
    one, many = _EXEMPT_NAMES.get(kind, (f"{kind} exempt", f"{kind} exempt"))
    return f"{count} {one if count == 1 else many}"


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
