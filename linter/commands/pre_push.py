"""`ctxlint pre-push [REMOTE [URL]]`: lint the commits a push would publish.

Git passes one line per ref on stdin (`<local ref> <local sha> <remote ref> <remote sha>`); under
the pre-commit framework the range comes in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF instead. A new
branch is linted from where it leaves the remote's history, never from the root.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from linter import config as config_module
from linter import gitio, history
from linter.findings import Finding, exit_code

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("remote", nargs="?", default=None, help="remote name (git's first argument)")
    parser.add_argument("url", nargs="?", default=None, help="remote URL (git's second argument)")


#: What no remote of this repository has yet: the only commits a push can newly publish. A commit
#: any remote already holds was linted when it got there (or is someone else's: a fork's upstream).
NEW_EVERYWHERE = ("--not", "--remotes")


def not_on_remote(remote: str | None, cwd: str | None = None) -> list[str]:
    """Revision arguments that leave out what the pushed-to remote already has (the narrower
    rule, used only to count what NEW_EVERYWHERE skips).

    git passes the URL as the remote's name for `git push <url>`; a URL has no remote-tracking
    refs, and `--remotes=<url>` would match none, so nothing is known to be there then.
    """
    if remote and gitio.try_run(["config", "--get", f"remote.{remote}.url"], cwd) is not None:
        return ["--not", f"--remotes={remote}"]
    return []


class Push:
    """One pushed ref: the commits to lint, and those the remote lacks (to count what was skipped)."""

    __slots__ = ("lacks", "lint")

    def __init__(self, lint: list[str], lacks: list[str]) -> None:
        self.lint = lint
        self.lacks = lacks


def _push(remote_sha: str | None, local_sha: str, remote: str | None, cwd: str | None) -> Push:
    if remote_sha is not None:
        return Push([f"{remote_sha}..{local_sha}", *NEW_EVERYWHERE], [f"{remote_sha}..{local_sha}"])
    # A new branch, a new remote, or a remote tip we do not have.
    return Push([local_sha, *NEW_EVERYWHERE], [local_sha, *not_on_remote(remote, cwd)])


def ranges_from_stdin(lines: list[str], remote: str | None, cwd: str | None = None) -> list[Push]:
    """What to lint, one Push per pushed ref."""
    pushes: list[Push] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 4:
            continue
        _local_ref, local_sha, _remote_ref, remote_sha = parts
        if gitio.is_null(local_sha):
            continue  # a deletion publishes nothing
        known = not gitio.is_null(remote_sha) and gitio.resolve(remote_sha, cwd)
        pushes.append(_push(remote_sha if known else None, local_sha, remote, cwd))
    return pushes


def pushed_ranges(remote: str | None, stdin_text: str, cwd: str | None = None) -> list[Push]:
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if to_ref:
        remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
        known = from_ref if from_ref and not gitio.is_null(from_ref) else None
        return [_push(known, to_ref, remote, cwd)]
    lines = stdin_text.splitlines()
    if lines:
        return ranges_from_stdin(lines, remote, cwd)
    # Under pre-commit when the push includes a root commit: pre-commit sets no FROM/TO refs but
    # names the pushed ref, which need not be HEAD (`git push origin other`).
    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"
    return [_push(None, local, remote, cwd)]


def skipped_note(pushes: list[Push], linted: int, remote: str | None, cwd: str | None) -> str | None:
    """One line on the commits left out because another remote has them, or None when none were."""
    lacking: set[str] = set()
    for push in pushes:
        out = gitio.try_run(["rev-list", *push.lacks], cwd)
        lacking.update((out or b"").decode("ascii", "replace").split())
    skipped = len(lacking) - linted
    if skipped <= 0:
        return None
    others = [name for name in gitio.remotes(cwd) if name != remote]
    where = ", ".join(others) if others else "another remote"
    return (f"ctxlint: {skipped} commit{'s' * (skipped != 1)} to push {'are' if skipped != 1 else 'is'} already "
            f"on {where} and {'were' if skipped != 1 else 'was'} not linted again; linted the "
            f"{linted} no remote has yet")


def annotate_advice(findings: list[Finding]) -> list[str]:
    """`ctxlint annotate` commands for the commits whose only errors are a missing ticket or
    rationale: what a user can add without rewriting published history."""
    wanted: dict[str, set[str]] = {}
    blocked: set[str] = set()
    for finding in findings:
        if finding.severity != "error" or not finding.commit:
            continue
        if finding.code.startswith("CTX1"):
            wanted.setdefault(finding.commit, set()).add("ticket")
        elif finding.code.startswith("CTX2"):
            wanted.setdefault(finding.commit, set()).add("why")
        else:
            blocked.add(finding.commit)
    commands: list[str] = []
    for sha, needs in wanted.items():
        if sha in blocked:
            continue
        parts = [f"ctxlint annotate {sha[:12]}"]
        if "ticket" in needs:
            parts.append("--ticket ABC-123")
        if "why" in needs:
            parts.append('--why "<why the change was needed>"')
        commands.append(" ".join(parts))
    return commands


def run(args: argparse.Namespace) -> int:
    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)
    stdin_text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    findings: list[Finding] = []
    seen: set[str] = set()
    count = 0
    remote: str | None = args.remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
    pushes = pushed_ranges(args.remote, stdin_text, root)
    for push in pushes:
        for commit, result in history.walk(push.lint, cfg, root):
            if commit.sha in seen:
                continue
            seen.add(commit.sha)
            count += 1
            findings.extend(result.findings)
    note = skipped_note(pushes, count, remote, root)
    if note:
        sys.stderr.write(note + "\n")
    if findings:
        from linter.report import text

        text.write(findings, sys.stdout, f"ctxlint: problems in {count} commit{'s' * (count != 1)} to push")
        if exit_code(findings):
            sys.stdout.write(advice(findings))
    return exit_code(findings)


def advice(findings: list[Finding]) -> str:
    """What to do about refused commits: reword them, or record the missing context as a note."""
    commands = annotate_advice(findings)
    lines = ["Reword them with `git rebase -i` (reword)"
             + (", or record the missing context without rewriting them:" if commands else ".")]
    lines += [f"    {command}" for command in commands[:10]]
    if len(commands) > 10:
        lines.append(f"    ... and {len(commands) - 10} more")
    if commands:
        lines.append("then push again, and share the notes with `git push <remote> refs/notes/ctxlint`.")
    lines.append("Push with --no-verify only if you must.")
    return "\n".join(lines) + "\n"
