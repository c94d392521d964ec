"""`ctxlint pre-push [REMOTE [URL]]`: lint the commits a push would publish.

Git passes one line per ref on stdin (`<local ref> <local sha> <remote ref> <remote sha>`); under
the pre-commit framework the range comes in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF instead. A new
branch is linted from where it leaves the remote's history, never from the root.
"""

from __future__ import annotations

import os
import sys

from linter import config as config_module
from linter import gitio, history
from linter.findings import Finding, exit_code


def add_arguments(parser: object) -> None:
    parser.add_argument("remote", nargs="?", default=None, help="remote name (git's first argument)")  # type: ignore[attr-defined]
    parser.add_argument("url", nargs="?", default=None, help="remote URL (git's second argument)")  # type: ignore[attr-defined]


def not_on_remote(remote: str | None, cwd: str | None = None) -> list[str]:
    """Revision arguments that leave out what the remote already has.

    git passes the URL as the remote's name for `git push <url>`; a URL has no remote-tracking
    refs, and `--remotes=<url>` would match none and lint the branch back to the root, so every
    remote's refs stand in for it then.
    """
    if remote and gitio.try_run(["config", "--get", f"remote.{remote}.url"], cwd) is not None:
        return ["--not", f"--remotes={remote}"]
    return ["--not", "--remotes"]


def ranges_from_stdin(lines: list[str], remote: str | None, cwd: str | None = None) -> list[list[str]]:
    """Revision arguments to lint, one list per pushed ref."""
    ranges: list[list[str]] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 4:
            continue
        _local_ref, local_sha, _remote_ref, remote_sha = parts
        if gitio.is_null(local_sha):
            continue  # a deletion publishes nothing
        if not gitio.is_null(remote_sha) and gitio.resolve(remote_sha, cwd):
            ranges.append([f"{remote_sha}..{local_sha}"])
        else:
            # A new branch (or a remote tip we do not have): what no ref of the remote has yet.
            ranges.append([local_sha, *not_on_remote(remote, cwd)])
    return ranges


def pushed_ranges(remote: str | None, stdin_text: str, cwd: str | None = None) -> list[list[str]]:
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if to_ref:
        if from_ref and not gitio.is_null(from_ref):
            return [[f"{from_ref}..{to_ref}"]]
        remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
        return [[to_ref, *not_on_remote(remote, cwd)]]
    lines = stdin_text.splitlines()
    if lines:
        return ranges_from_stdin(lines, remote, cwd)
    # Under pre-commit when the push includes a root commit: pre-commit sets no FROM/TO refs but
    # names the pushed ref, which need not be HEAD (`git push origin other`).
    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"
    return [[local, *not_on_remote(remote, cwd)]]


def run(args: object) -> int:
    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)  # type: ignore[attr-defined]
    stdin_text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    findings: list[Finding] = []
    seen: set[str] = set()
    count = 0
    for revisions in pushed_ranges(args.remote, stdin_text, root):  # type: ignore[attr-defined]
        for commit, result in history.walk(revisions, cfg, root):
            if commit.sha in seen:
                continue
            seen.add(commit.sha)
            count += 1
            findings.extend(result.findings)
    if findings:
        from linter.report import text

        text.write(findings, sys.stdout, f"ctxlint: problems in {count} commit{'s' * (count != 1)} to push")
        if exit_code(findings):
            sys.stdout.write("Reword them with `git rebase -i` (reword), or add context after the fact with "
                             "`git notes`; push with --no-verify only if you must.\n")
    return exit_code(findings)
