"""`ctxlint ci`: the pull request gate. Lints the PR's title and body as one message and its commits.

The PR comes from the CI (see linter/ci.py) or from --base/--head/--title/--body-file. Its
commits are `base..head` (the commits GitHub and GitLab list for the PR; the same as
merge-base..head), read in one `git log` pass. A clone too shallow to hold them is an error with
the fix, never a silent pass over zero commits.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from linter.errors import CtxlintError
from linter.message import MAX_MESSAGE_BYTES
from linter.report import outputs

if TYPE_CHECKING:
    import argparse

    from linter import ci as ci_module
    from linter import config as config_module
    from linter.findings import Finding

# The rest is imported in the functions: building the CLI's parser imports every command module,
# and `check-range` should not pay for the gate's imports.

POLICIES = ("both", "commits", "pr")
#: --deepen fetches this many commits more per round, doubling each time, for at most MAX_ROUNDS
#: rounds (50 + 100 + ... + 1600 = 3150 commits), then gives up with the fix.
DEEPEN_FIRST = 50
DEEPEN_ROUNDS = 6

ONE_COMMIT_NOTE = (
    "the PR has exactly one commit: by default GitHub's squash merge records that commit's message, "
    "not the PR title and body"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--base", metavar="REV", help="the base revision (default: from the CI); required outside CI")
    add("--head", metavar="REV", help="the PR's head revision (default: from the CI, else HEAD)")
    add("--title", metavar="TEXT", help="the PR title (default: from the CI)")
    add(
        "--body-file", metavar="FILE", help="a file holding the PR body, '-' for stdin (default: from the CI)"
    )
    add(
        "--provider",
        choices=("auto", "github", "gitlab", "generic"),
        default="auto",
        help="which CI to read the PR from (default: detect)",
    )
    add(
        "--policy",
        choices=POLICIES,
        default=None,
        help="what must comply: both (default), commits, or pr (squash-merge teams); "
        "overrides [tool.ctxlint.ci] policy",
    )
    add(
        "--deepen",
        action="store_true",
        help="in a shallow clone, fetch more history (objects only) until the merge base is present",
    )
    add(
        "--allow-empty",
        action="store_true",
        help="accept a PR with no commits between base and head instead of failing (exit 2)",
    )
    outputs.add_arguments(parser)


def read_body(path: str) -> str:
    """The PR body from a file or stdin, capped like a commit message."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_MESSAGE_BYTES + 1)
    except OSError as exc:
        raise CtxlintError(f"{path}: cannot read the PR body: {exc.strerror}") from None
    return data[:MAX_MESSAGE_BYTES].decode("utf-8", "replace")


def _short(rev: str) -> str:
    return rev[:12] if len(rev) == 40 or len(rev) == 64 else rev


def _fetchable(rev: str, remote: str) -> str:
    # `origin/main` names a remote-tracking branch here, but `main` on the remote
    return rev.removeprefix(f"{remote}/")


def deepen(pr: ci_module.PullRequest, cwd: str | None = None) -> list[str]:
    """Fetch the objects the PR's range needs, a bounded number of rounds; what was done, as notes."""
    from linter import gitio

    remote = gitio.default_remote(cwd)
    if remote is None:
        raise CtxlintError(
            "--deepen needs a remote to fetch from, and this clone has none (or several without an `origin`)"
        )
    notes: list[str] = []
    for rev, ref in ((pr.head, pr.head_ref), (pr.base, pr.base_ref)):
        if gitio.resolve(rev, cwd) is not None:
            continue
        wanted = [_fetchable(rev, remote)]
        if rev is pr.head and pr.provider == "github" and pr.number is not None:
            wanted.append(f"refs/pull/{pr.number}/head")  # a fork's head lives there on GitHub
        if ref:
            wanted.append(ref)
        for want in wanted:
            if gitio.fetch(remote, [want], cwd, depth=DEEPEN_FIRST) and gitio.resolve(rev, cwd) is not None:
                notes.append(f"fetched {_short(rev)} from {remote} (depth {DEEPEN_FIRST})")
                break
    base, head = gitio.resolve(pr.base, cwd), gitio.resolve(pr.head, cwd)
    if base is None or head is None:
        return notes
    step = DEEPEN_FIRST
    for _round in range(DEEPEN_ROUNDS):
        if gitio.merge_base(base, head, cwd) is not None or not gitio.is_shallow(cwd):
            break
        if not gitio.fetch(remote, [base, head], cwd, deepen=step):
            raise CtxlintError(f"--deepen: `git fetch --deepen={step} {remote}` failed; {pr.fix_hint()}")
        notes.append(f"deepened the clone by {step} commits")
        step *= 2
    return notes


def resolve_range(pr: ci_module.PullRequest, cwd: str | None = None) -> tuple[str, str]:
    """(base sha, head sha), both present with their merge base; else one line with the fix."""
    from linter import gitio

    shallow = gitio.is_shallow(cwd)
    where = " (this is a shallow clone)" if shallow else ""
    head = gitio.resolve(pr.head, cwd)
    if head is None:
        extra = ""
        if pr.event == "pull_request_target" and pr.number is not None:
            extra = (
                f"; pull_request_target checks out the base branch: fetch the PR's commits (objects "
                f"only, nothing runs) with `git fetch origin refs/pull/{pr.number}/head`"
            )
        raise CtxlintError(
            f"the head commit {_short(pr.head)} of {pr.label} is not in this clone{where}; "
            f"{pr.fix_hint()}{extra}"
        )
    base = gitio.resolve(pr.base, cwd)
    if base is None:
        name = f" ({pr.base_ref})" if pr.base_ref else ""
        raise CtxlintError(
            f"the base commit {_short(pr.base)}{name} of {pr.label} is not in this clone{where}; "
            f"{pr.fix_hint()}"
        )
    if gitio.merge_base(base, head, cwd) is None:
        if shallow:
            raise CtxlintError(
                f"the merge base of {_short(pr.base)} and {_short(pr.head)} is not in this "
                f"shallow clone; {pr.fix_hint()}"
            )
        raise CtxlintError(
            f"base {_short(pr.base)} and head {_short(pr.head)} share no history; "
            "check --base (is it the branch the PR merges into?)"
        )
    return base, head


def lint_pr_text(
    pr: ci_module.PullRequest, cfg: config_module.Config, decisions: frozenset[str] | None = None
) -> tuple[list[Finding], tuple[str, ...]]:
    """The PR's title and body through the same engine as a commit message (source "pr");
    `decisions`: the records closed where the PR leaves its base, less those it changes."""
    from linter.checks.protocol import CommitContext
    from linter.engine import lint
    from linter.message import parse

    text = pr.message
    truncated = len(text) > MAX_MESSAGE_BYTES
    msg = parse(text[:MAX_MESSAGE_BYTES], comment_char=None, truncated=truncated)
    result = lint(msg, CommitContext(sha=None, author=pr.author, parents=1, source="pr", decisions=decisions), cfg)
    return result.findings, result.exemptions


def run(args: argparse.Namespace) -> int:
    from linter import ci as ci_module
    from linter import config as config_module
    from linter import gitio, history
    from linter.findings import exit_code
    from linter.range_lint import first_line
    from linter.report.outcome import CommitRecord, Outcome

    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)
    body_file: str | None = args.body_file
    provider: str = args.provider
    overrides = ci_module.Overrides(
        base=args.base,
        head=args.head,
        title=args.title,
        body=read_body(body_file) if body_file else None,
        provider=None if provider == "auto" else provider,
    )
    pr = ci_module.detect(os.environ, overrides)
    policy: str = args.policy or cfg.text("policy", "ci") or "both"
    notes = list(pr.notes)
    if args.deepen:
        notes.extend(deepen(pr, root))
    base, head = resolve_range(pr, root)
    if not gitio.is_ancestor(base, head, root):
        notes.append(
            f"base {_short(pr.base)} is not an ancestor of head {_short(pr.head)} (the base branch "
            "moved on, or the PR was rebased or force-pushed): checking the PR's own commits, "
            "merge-base..head"
        )

    commit_findings: list[Finding] = []
    records: list[CommitRecord] = []
    for commit, result in history.walk([head, f"^{base}"], cfg, root):
        records.append(CommitRecord(commit.sha, first_line(commit.message), result.exemptions))
        commit_findings.extend(result.findings)
    if not records and not args.allow_empty:
        raise CtxlintError(
            f"{pr.label} has no commits between base {_short(pr.base)} and head {_short(pr.head)}: "
            "nothing to check (is --base right?); pass --allow-empty to accept an empty range"
        )
    if not records:
        notes.append(f"{pr.label} has no commits between base and head: only its text was checked")
    if pr.commit_count is not None and pr.commit_count != len(records):
        notes.append(
            f"the CI counts {pr.commit_count} commits in {pr.label}, ctxlint found {len(records)} "
            "in base..head"
        )

    findings: list[Finding] = []
    pr_exemptions: tuple[str, ...] = ()
    lint_text = policy in ("both", "pr") and pr.has_text
    if policy in ("both", "pr") and not pr.has_text:
        notes.append(
            "no PR title or body to check" + (": checking the commits instead" if policy == "pr" else "")
        )
    if lint_text:
        from linter.checks.decisions import closed_between

        pr_findings, pr_exemptions = lint_pr_text(pr, cfg, closed_between(base, head, cfg))
        findings.extend(pr_findings)
    if lint_text and len(records) == 1:
        notes.append(
            ONE_COMMIT_NOTE + (", so the commit is checked too" if policy == "pr" else "; both are checked")
        )
    if policy in ("both", "commits") or not lint_text or len(records) == 1:
        findings.extend(commit_findings)
    elif commit_findings:
        notes.append(
            f"policy `pr`: {len(commit_findings)} finding{'s' * (len(commit_findings) != 1)} on "
            "individual commits not reported (a squash merge replaces them)"
        )

    outcome = Outcome(
        "ci",
        findings,
        records,
        notes=notes,
        root=root,
        config_path=cfg.source,
        pr_label=pr.label if lint_text else None,
        pr_title=pr.title,
        pr_url=pr.url,
        pr_number=pr.number,
        pr_exemptions=pr_exemptions,
        extra={
            "policy": policy,
            "pull_request": {
                "provider": pr.provider,
                "event": pr.event,
                "number": pr.number,
                "title": pr.title,
                "url": pr.url,
                "base": base,
                "head": head,
                "from_fork": pr.from_fork,
                "text_checked": lint_text,
            },
            "notes": notes,
        },
    )
    outcome.extra = {**outcome.counts(), **outcome.extra}
    outputs.emit(outcome, args)
    return exit_code(findings)
