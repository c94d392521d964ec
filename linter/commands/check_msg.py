"""`ctxlint check-msg FILE`: lint one commit message file; what the commit-msg hook runs.

The file is only ever read: a rejected message stays where git left it, ready to be reused.
"""

from __future__ import annotations

import os
import sys

from linter import TYPE_CHECKING
from linter import config as config_module
from linter.checks.protocol import CommitContext
from linter.engine import lint
from linter.errors import CtxlintError
from linter.message import (
    MAX_MESSAGE_BYTES,
    SCISSORS,
    clean,
    cleanup_mode,
    cut_at_scissors,
    decode,
    detect_comment_char,
    editor_runs,
    needs_comment_char,
    parse,
)
from linter.worktree import find_root

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the commit message file (git passes .git/COMMIT_EDITMSG)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def run(args: argparse.Namespace) -> int:
    return run_check(args.file, args.format, args.config)


def read_message_file(path: str) -> bytes:
    """The first MAX_MESSAGE_BYTES (+1, to notice more) bytes of a message file."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_MESSAGE_BYTES + 1)
    except FileNotFoundError:
        raise CtxlintError(f"{path}: no such message file") from None
    except IsADirectoryError:
        raise CtxlintError(f"{path}: is a directory, not a message file") from None
    except OSError as exc:
        raise CtxlintError(f"{path}: cannot read: {exc.strerror}") from None


def git_settings(text: str, had_errors: bool, cwd: str | None) -> tuple[str | None, str | None, str | None]:
    """(core.commentChar, i18n.commitEncoding, commit.cleanup), asking git only when the answer matters."""
    if not needs_comment_char(text) and not had_errors:
        return None, None, None
    from linter import gitio

    try:
        values = gitio.config_values(["core.commentChar", "i18n.commitEncoding", "commit.cleanup"], cwd)
    except CtxlintError:
        return None, None, None
    return values.get("core.commentchar"), values.get("i18n.commitencoding"), values.get("commit.cleanup")


def commit_context(path: str, root: str | None) -> CommitContext:
    """What git tells a commit-msg hook besides the message: a merge in progress, the author."""
    directory = os.path.dirname(os.path.abspath(path))
    git_dir = os.environ.get("GIT_DIR")
    if os.path.basename(path) in ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG"):
        git_dir = directory
    elif not git_dir and root and os.path.isdir(os.path.join(root, ".git")):
        git_dir = os.path.join(root, ".git")
    merging = bool(git_dir) and os.path.exists(os.path.join(git_dir or "", "MERGE_HEAD"))
    name, email = os.environ.get("GIT_AUTHOR_NAME", ""), os.environ.get("GIT_AUTHOR_EMAIL", "")
    author = f"{name} <{email}>" if name or email else ""
    return CommitContext(sha=None, author=author, parents=2 if merging else 1, source="commit-msg")


def run_check(path: str, fmt: str, config_path: str | None) -> int:
    root = find_root()
    cfg = config_module.load(root, config_path)
    data = read_message_file(path)
    truncated = len(data) > MAX_MESSAGE_BYTES
    data = data[:MAX_MESSAGE_BYTES]
    text, had_errors = decode(data)
    configured_char, encoding, cleanup = git_settings(text, had_errors, root)
    if had_errors and encoding and encoding.lower().replace("-", "") != "utf8":
        text, had_errors = decode(data, encoding)
    # Read the message as git will store it: commit.cleanup decides whether comments go.
    mode = cleanup_mode(cleanup, editor_runs())
    if mode in ("whitespace", "verbatim") and SCISSORS in text:
        text = cut_at_scissors(text, detect_comment_char(text, configured_char))
    comment_char = detect_comment_char(text, configured_char) if mode in ("strip", "scissors") else None
    msg = parse(text, comment_char, decode_errors=had_errors, truncated=truncated, keep_comments=mode == "scissors")
    # git itself aborts an empty message; adding our voice would only be noise. JSON readers
    # still get a document.
    findings = [] if msg.is_empty else lint(msg, commit_context(path, root), cfg).findings
    from linter.findings import exit_code

    if fmt != "text":  # a document (JSON): the registry's renderer; the hook's own text is below
        from linter.report import registry
        from linter.report.outcome import Outcome

        sys.stdout.write(registry.render(fmt, Outcome("check-msg", findings)) + "\n")
        return exit_code(findings)
    if findings:
        from linter.report import text as text_report

        errors = sum(f.severity == "error" for f in findings)
        header = f"ctxlint: {len(findings)} problem{'s' * (len(findings) != 1)} in the commit message"
        text_report.write(findings, sys.stdout, header)
        if errors and os.path.basename(path) == "COMMIT_EDITMSG":
            sys.stdout.write(retry_advice(path, text, mode, detect_comment_char(text, configured_char)) + "\n")
    return exit_code(findings)


#: Beside COMMIT_EDITMSG, which git rewrites on the next commit and which holds `git commit -v`'s diff.
SAVED_MESSAGE = "CTXLINT_EDITMSG"


def saved_message(text: str, mode: str, comment_char: str | None) -> str:
    """The message as git would have stored it: nothing from the scissors line down (`-v`'s diff,
    cut by git in every cleanup mode), and comments gone only where git strips them."""
    text = cut_at_scissors(text, comment_char)
    if mode == "verbatim":
        return text
    return clean(text, comment_char, keep_comments=mode != "strip") + "\n"


def retry_advice(path: str, text: str, mode: str, comment_char: str | None) -> str:
    """The command that brings the rejected message back without the diff of `git commit -v`.

    The message goes to a file of its own, never over COMMIT_EDITMSG (the user's text stays where
    git left it); when that cannot be written, `-v` makes git cut the old diff itself.
    """
    saved = os.path.join(os.path.dirname(os.path.abspath(path)), SAVED_MESSAGE)
    temp = f"{saved}.tmp{os.getpid()}"
    try:
        with open(temp, "w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
            handle.write(saved_message(text, mode, comment_char))
        os.replace(temp, saved)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        return (f"Your message is kept in {_shown(path)}; edit and retry with: "
                f"git commit -v --edit --file={_shown(path)}")
    return f"Your message is kept in {_shown(saved)}; edit and retry with: git commit --edit --file={_shown(saved)}"


def _shown(path: str) -> str:
    """`path` relative to here when it is below here (as git prints .git/COMMIT_EDITMSG), else whole."""
    relative = os.path.relpath(path)
    shown = path if relative.startswith("..") else relative
    import shlex

    return shlex.quote(shown)
