"""`ctxlint prepare-msg FILE [SOURCE [SHA]]`: the prepare-commit-msg hook.

It only ever adds: the ticket taken from the branch name (when the message names none) and, when
an editor will open, a short rationale prompt as comment lines that git strips. Merges, squashes,
amends and templates are left alone, a second run changes nothing, and the file is replaced
atomically so that an interrupted hook cannot truncate what the user wrote.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from linter import config as config_module
from linter import worktree
from linter.config import Config
from linter.message import MAX_MESSAGE_BYTES, SCISSORS, cleanup_mode, detect_comment_char, editor_runs, parse

if TYPE_CHECKING:
    import argparse

#: Commit sources (git's second hook argument) whose message must not be touched.
UNTOUCHED_SOURCES = ("merge", "squash", "commit", "template")
PROMPT_MARKER = "ctxlint:"
#: A comment prefix no line can start with: without an editor git keeps every line (see
#: `message.editor_runs`), so none of them may be treated as a comment here either.
NO_COMMENTS = "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the message file git passes")
    parser.add_argument("source", nargs="?", default=None,
                        help="message, template, merge, squash or commit (git's second argument)")
    parser.add_argument("sha", nargs="?", default=None, help="commit for -c/-C/--amend")


def _prompt(comment: str, ticket: str | None, branch: str | None, cfg: Config) -> list[str]:
    keys = cfg.strings("rationale-trailers")
    trailer = f"a '{keys[0]}:' trailer" if keys else "a body paragraph"
    lines = [
        f"{comment} {PROMPT_MARKER} say why this change is needed: a body paragraph or {trailer}",
        f"{comment} (the reason itself; \"see ticket\" or \"as discussed\" do not count).",
    ]
    if ticket and branch:
        lines.append(f"{comment} Ticket {ticket} was taken from the branch name {branch}.")
    return lines


def _content_end(lines: list[str], comment: str) -> int:
    """Index just after the user's own content: where git's comment block (or scissors) begins."""
    scissors = f"{comment} {SCISSORS}"
    limit = next((i for i, line in enumerate(lines) if line == scissors), len(lines))
    last = max((i for i in range(limit) if lines[i].strip() and not lines[i].startswith(comment)), default=-1)
    if last >= 0:
        return last + 1
    return next((i for i in range(limit) if lines[i].startswith(comment)), limit)


def add_ticket(lines: list[str], end: int, ticket: str, cfg: Config, comment: str) -> list[str]:
    """Lines with the ticket added to the content in lines[:end], as configured."""
    content = lines[:end]
    while content and not content[-1].strip():
        content.pop()
    rest = lines[end:]
    # A subject starting with the comment char ("#12: ...") would be stripped by git as a comment,
    # taking the ticket with it: such tickets go into the trailer instead.
    if cfg.text("ticket-placement") == "subject-prefix" and not f"{ticket}: ".startswith(comment):
        first = next((i for i, line in enumerate(content) if line.strip() and not line.startswith(comment)), None)
        if first is None:
            return [f"{ticket}: ", *lines]
        content[first] = f"{ticket}: {content[first]}"
        return content + ([""] if rest else []) + rest
    trailer = f"{cfg.text('ticket-trailer')}: {ticket}"
    if not content:
        # An empty message (the editor is about to open): keep line 1 for the subject.
        return ["", "", trailer, *([""] if rest and rest[0].strip() else []), *rest]
    message = parse("\n".join(content), comment)
    if message.trailers and len(message.paragraphs) > 1:
        content.append(trailer)  # join the existing trailer block
    else:
        content += ["", trailer]
    return content + ([""] if rest and rest[0].strip() else []) + rest


def prepare(text: str, source: str | None, branch: str | None, cfg: Config,
            configured_comment: str | None, *, editor: bool = True, with_prompt: bool = True) -> str:
    """The new message text; `text` itself when nothing should change.

    `editor` is False when git keeps every line as written (no editor opens, see
    `message.editor_runs`, or commit.cleanup is whitespace or verbatim). `with_prompt` is False when
    git would keep comment lines in the commit (any cleanup but strip): the rationale prompt
    would then end up in the message.
    """
    if source in UNTOUCHED_SOURCES:
        return text
    comment = detect_comment_char(text, configured_comment) or "#"
    if not editor:
        comment = NO_COMMENTS
    lines = text.replace("\r\n", "\n").split("\n")
    # A line that ends in a lone CR must not meet an added LF: together they would read as one CRLF
    # line break, and the user's line would lose its last character.
    newline = "\r\n" if "\r\n" in text or any(line.endswith("\r") for line in lines) else "\n"
    trailing_newline = lines and lines[-1] == ""
    if trailing_newline:
        lines.pop()
    message = parse(text, comment)
    ticket = cfg.tickets.from_branch(branch, cfg.pattern("branch-pattern")) if branch else None
    changed = False
    if ticket and not cfg.tickets.find(message.text):
        lines = add_ticket(lines, _content_end(lines, comment), ticket, cfg, comment)
        changed = True
    editor_opens = source is None and editor and with_prompt
    if editor_opens and not any(line.startswith(f"{comment} {PROMPT_MARKER}") for line in lines):
        end = _content_end(lines, comment)
        prompt = _prompt(comment, ticket, branch, cfg)
        if end == 0:
            lines = ["", *prompt, *lines]
        else:
            lines = lines[:end] + prompt + lines[end:]
        changed = True
    if not changed:
        return text
    return newline.join(lines) + (newline if trailing_newline or not text else "")


def write_atomically(path: str, data: bytes) -> None:
    """Replace `path` with `data` through a temp file, so a crash leaves the old or the new file."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, f".{os.path.basename(path)}.ctxlint.{os.getpid()}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        try:
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def run(args: argparse.Namespace) -> int:
    from linter import gitio
    from linter.commands.check_msg import read_message_file

    path: str = args.file
    source: str | None = args.source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE") or None
    if source in UNTOUCHED_SOURCES:
        return 0
    data = read_message_file(path)
    if len(data) > MAX_MESSAGE_BYTES:
        return 0  # a message this large was not typed by hand: leave it be
    # surrogateescape keeps undecodable bytes exactly as they were when the file is written back.
    text = data.decode("utf-8", "surrogateescape")
    root = worktree.find_root()
    cfg = config_module.load(root, args.config)
    try:
        values = gitio.config_values(["core.commentChar", "commit.cleanup"], root)
    except Exception:
        values = {}
    comment = values.get("core.commentchar")
    # Comments are only ours to add when git strips them: commit.cleanup=whitespace, verbatim or
    # scissors would keep the prompt in the commit.
    mode = cleanup_mode(values.get("commit.cleanup"), editor_runs())
    branch = gitio.current_branch(root)
    new = prepare(text, source, branch, cfg, comment, editor=mode in ("strip", "scissors"), with_prompt=mode == "strip")
    if new != text:
        write_atomically(path, new.encode("utf-8", "surrogateescape"))
    return 0
