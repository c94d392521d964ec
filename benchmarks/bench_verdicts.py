"""Score the "why" and "ticket" verdicts, and the release exemption, against hand-labelled messages.

    python benchmarks/bench_verdicts.py [LABELLED.jsonl] [--quiet] [--quick]

The labels are ../shared/corpora/rationale/labelled.jsonl relative to the repository root (or
$CTXLINT_CORPORA/rationale/labelled.jsonl, or the path given): real commit messages, each read by
a careful reader who decided whether it says why, names a ticket, and is a release (see the
corpus's README.md and GUIDE.md). The messages stay there; nothing is copied into the repository.

Each message goes through the real engine (`Linter.lint`) with the default config, as
`check-range` reads a commit from history (no comment stripping, one parent, no author):
- why: the engine's rationale judgement (`Result.has_rationale`; CTX201/CTX202 are exactly the
  non-exempt messages without one). Accuracy over the decided labels (`unsure` is counted apart),
  flag recall (labelled "no" and flagged) and why-pass (labelled "yes" and passing).
- ticket: the tickets the engine found (`Result.tickets`; CTX101 is exactly the non-exempt
  messages without one), against the label.
- release: how many release commits are exempt as releases, and how many others are.
Every disagreement is listed after the numbers (--quiet leaves the list out), so that a maintainer
can read them. Exit 0 when every target is met, 1 when one is missed, 2 when the labels are absent.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import NamedTuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from linter.checks.protocol import CommitContext  # noqa: E402
from linter.config import Config  # noqa: E402
from linter.engine import Linter  # noqa: E402
from linter.message import parse  # noqa: E402

#: Issue #12's "done when": the why verdict, the ticket verdict, release commits exempt.
TARGETS = {
    "why accuracy": 0.95,
    "flag recall": 0.93,
    "why-pass": 0.90,
    "ticket accuracy": 0.97,
    "releases exempt": 0.90,
}
RATIONALE_CODES = ("CTX201", "CTX202")


def default_path() -> str:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from installed import CORPORA

    return str(CORPORA / "rationale" / "labelled.jsonl")


class Verdict(NamedTuple):
    """What the engine said of one labelled message, beside the label."""

    id: str
    message: str
    note: str
    why_label: str  # yes | no | unsure
    ticket_label: bool
    release_label: bool
    has_rationale: bool
    findings: tuple[tuple[str, str], ...]  # (code, message) of every finding
    tickets: tuple[str, ...]
    exemptions: tuple[str, ...]


class Scores(NamedTuple):
    """The numbers the benchmark prints (shares in 0..1; counts beside them)."""

    messages: int
    unsure: int
    why_accuracy: float
    flag_recall: float
    why_pass: float
    ticket_accuracy: float
    releases: int
    releases_exempt: int
    others_exempt: int
    disagreements: tuple[tuple[str, Verdict], ...]  # (which verdict, the message's verdict)

    def measures(self) -> dict[str, float]:
        return {
            "why accuracy": self.why_accuracy,
            "flag recall": self.flag_recall,
            "why-pass": self.why_pass,
            "ticket accuracy": self.ticket_accuracy,
            "releases exempt": self.releases_exempt / self.releases if self.releases else 1.0,
        }


def load(path: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def judge(rows: Sequence[dict[str, object]], cfg: Config | None = None) -> list[Verdict]:
    """Run every labelled message through the engine."""
    linter = Linter(cfg or Config())
    verdicts = []
    for row in rows:
        message = str(row["message"])
        ctx = CommitContext(str(row.get("sha") or "") or None, source="history")
        result = linter.lint(parse(message, None), ctx)
        verdicts.append(Verdict(
            id=str(row["id"]), message=message, note=str(row.get("note", "")), why_label=str(row["why"]),
            ticket_label=bool(row["ticket"]), release_label=bool(row["release"]),
            has_rationale=result.has_rationale, findings=tuple((f.code, f.message) for f in result.findings),
            tickets=result.tickets, exemptions=result.exemptions,
        ))
    return verdicts


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def score(verdicts: Sequence[Verdict]) -> Scores:
    decided = [v for v in verdicts if v.why_label in ("yes", "no")]
    no = [v for v in decided if v.why_label == "no"]
    yes = [v for v in decided if v.why_label == "yes"]
    flagged = sum(not v.has_rationale for v in no)
    passed = sum(v.has_rationale for v in yes)
    disagreements: list[tuple[str, Verdict]] = []
    disagreements += [("why", v) for v in decided if v.has_rationale != (v.why_label == "yes")]
    ticket_right = 0
    for v in verdicts:
        if bool(v.tickets) == v.ticket_label:
            ticket_right += 1
        else:
            disagreements.append(("ticket", v))
    releases = [v for v in verdicts if v.release_label]
    releases_exempt = sum("release" in v.exemptions for v in releases)
    others_exempt = [v for v in verdicts if not v.release_label and "release" in v.exemptions]
    disagreements += [("release", v) for v in releases if "release" not in v.exemptions]
    disagreements += [("release", v) for v in others_exempt]
    return Scores(
        messages=len(verdicts), unsure=len(verdicts) - len(decided),
        why_accuracy=_share(flagged + passed, len(decided)), flag_recall=_share(flagged, len(no)),
        why_pass=_share(passed, len(yes)), ticket_accuracy=_share(ticket_right, len(verdicts)),
        releases=len(releases), releases_exempt=releases_exempt, others_exempt=len(others_exempt),
        disagreements=tuple(disagreements),
    )


def _describe(kind: str, v: Verdict) -> str:
    if kind == "why":
        label = f"why={v.why_label}"
        said = "passes" if v.has_rationale else "flagged"
        detail = [f"{code}: {text}" for code, text in v.findings if code in RATIONALE_CODES]
        if not v.has_rationale and not detail:
            detail = [f"(no finding: exempt as {', '.join(v.exemptions)})"]
    elif kind == "ticket":
        label = f"ticket={str(v.ticket_label).lower()}"
        said = f"found {', '.join(v.tickets)}" if v.tickets else "no ticket found"
        detail = [f"{code}: {text}" for code, text in v.findings if code == "CTX101"]
    else:
        label = f"release={str(v.release_label).lower()}"
        said = "exempt as a release" if "release" in v.exemptions else "not exempt"
        detail = []
    lines = [line for line in v.message.splitlines() if line.strip()][:4]
    out = [f"[{kind}] {v.id}  label {label}; ctxlint: {said}", f"    reader: {v.note}"]
    out += [f"    {line}" for line in detail]
    out += ["    | " + textwrap.shorten(line, 110, placeholder=" ...") for line in lines]
    return "\n".join(out)


def report(scores: Scores, quiet: bool = False) -> tuple[str, bool]:
    """The printed report, and whether every target is met."""
    decided = scores.messages - scores.unsure
    out = [
        f"{scores.messages} labelled messages; why decided on {decided} ({scores.unsure} unsure, counted apart)",
        "",
        f"why accuracy     {scores.why_accuracy:.3f}   (target >= {TARGETS['why accuracy']})",
        f"flag recall      {scores.flag_recall:.3f}   labelled no, flagged CTX201/CTX202 "
        f"(target >= {TARGETS['flag recall']})",
        f"why-pass         {scores.why_pass:.3f}   labelled yes, passing (target >= {TARGETS['why-pass']})",
        f"ticket accuracy  {scores.ticket_accuracy:.3f}   CTX101 absent <=> ticket (target >= "
        f"{TARGETS['ticket accuracy']})",
        f"releases exempt  {scores.releases_exempt}/{scores.releases}   (target >= "
        f"{TARGETS['releases exempt']:.0%}); non-releases exempt as releases: {scores.others_exempt}",
    ]
    met = True
    out.append("")
    for name, value in scores.measures().items():
        ok = value >= TARGETS[name]
        met &= ok
        out.append(f"  {'ok  ' if ok else 'MISS'} {name}: {value:.3f} (target {TARGETS[name]})")
    if not quiet:
        out.append(f"\n{len(scores.disagreements)} disagreements:")
        out += [_describe(kind, v) for kind, v in scores.disagreements]
    return "\n".join(out), met


def main(argv: Sequence[str]) -> int:
    paths = [a for a in argv if not a.startswith("-")]
    path = paths[0] if paths else default_path()
    if not os.path.isfile(path):
        sys.stderr.write(f"labelled messages not found: {path} (give the path, or set CTXLINT_CORPORA)\n")
        return 2
    text, met = report(score(judge(load(path))), quiet="--quiet" in argv)
    print(text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
