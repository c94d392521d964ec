"""A commit message parsed the way git reads it: comments, scissors, subject, body, trailers.

This module is on the commit hook's hot path: it imports only `re` and builds plain objects.
"""

from __future__ import annotations

import re

from linter.regexcache import regex

#: Messages longer than this are checked on their first MAX_MESSAGE_BYTES bytes only, so that a
#: pasted log file cannot make a hook (or a user-supplied pattern) run for seconds.
MAX_MESSAGE_BYTES = 256 * 1024

#: The characters git tries, in order, when `core.commentChar` is `auto`.
AUTO_COMMENT_CHARS = "#;@!$%^&|:"

SCISSORS = "------------------------ >8 ------------------------"
_BLANK_RUN = regex(r"\n{3,}")

# git's trailer token (trailer.c find_separator): ASCII letters, digits and '-', no white space
# inside, followed (maybe after spaces) by the separator.
_TRAILER_RE = regex(r"([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*)\Z")
# Lines git itself writes; git matches them case-sensitively, colon and space included.
_GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
_GIT_TEMPLATE_MARKERS = (
    "Please enter the commit message",
    "Please enter a commit message",
    "Lines starting with",
    "On branch ",
    "Changes to be committed:",
    "Do not modify or remove the line above.",
)


_ANY_CHAR_TEMPLATE = regex(
    r"^[^\w\s] (?:Please enter (?:the|a) commit message|" + re.escape(SCISSORS) + ")", re.MULTILINE
)


class Trailer:
    """One `Token: value` trailer line, continuation lines folded in."""

    __slots__ = ("folded", "key", "line", "value")

    def __init__(self, key: str, value: str, line: int) -> None:
        self.key = key
        #: The key in lower case: trailer keys are matched case-insensitively, as git does.
        self.folded = key.lower()
        self.value = value
        self.line = line

    def __repr__(self) -> str:
        return f"Trailer({self.key!r}, {self.value!r})"


class Message:
    """A parsed commit message. Build one with `parse` or `parse_bytes`."""

    __slots__ = (
        "body",
        "body_paragraphs",
        "decode_errors",
        "paragraphs",
        "rationale_verdict",
        "subject",
        "text",
        "tickets_found",
        "trailers",
        "truncated",
    )

    def __init__(
        self,
        text: str,
        paragraphs: list[str],
        trailers: list[Trailer],
        trailer_block_index: int | None,
        decode_errors: bool = False,
        truncated: bool = False,
    ) -> None:
        self.text = text
        self.paragraphs = paragraphs
        self.subject = paragraphs[0].replace("\n", " ") if paragraphs else ""
        self.body = "\n\n".join(paragraphs[1:])
        self.body_paragraphs = (
            paragraphs[1:] if trailer_block_index is None
            else paragraphs[1:trailer_block_index] + paragraphs[trailer_block_index + 1:]
        )
        self.trailers = trailers
        self.decode_errors = decode_errors
        self.truncated = truncated
        # What several checks and the engine read, found once per message by its one owner:
        #: The ticket references (`checks.tickets.found_tickets`); None until searched.
        self.tickets_found: list[str] | None = None
        #: The rationale verdict (`checks.rationale.assess`); None until judged.
        self.rationale_verdict: tuple[str, str] | None = None

    def trailer_values(self, *keys: str) -> list[str]:
        """Values of the trailers whose key is one of `keys` (case-insensitive), in order."""
        if not self.trailers:  # most messages have none: skip building the key set
            return []
        if len(keys) == 1:
            key = keys[0].lower()
            return [t.value for t in self.trailers if t.folded == key]
        wanted = {k.lower() for k in keys}
        return [t.value for t in self.trailers if t.folded in wanted]

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def __repr__(self) -> str:
        return f"Message(subject={self.subject!r})"


def decode(data: bytes, encoding: str = "utf-8") -> tuple[str, bool]:
    """Decode message bytes; undecodable bytes become U+FFFD. Returns (text, had_errors)."""
    try:
        return data.decode(encoding), False
    except LookupError:  # an unknown i18n.commitEncoding: read it as git's default
        return decode(data, "utf-8")
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), True


def detect_comment_char(text: str, configured: str | None) -> str | None:
    """The comment prefix git used in `text`, or None when nothing should be stripped.

    `configured` is `core.commentChar` as set (None when unset). With `auto`, git picked the first
    candidate not starting any line of the message; that choice is recovered from its own
    template lines, falling back to `#`.
    """
    if configured is None or configured == "":
        return "#"
    if configured.lower() != "auto":
        return configured
    for line in text.split("\n"):
        if len(line) > 2 and line[0] in AUTO_COMMENT_CHARS and line[1] == " ":
            rest = line[2:].rstrip("\r")  # an editor may have saved the file with CRLF
            if rest == SCISSORS or rest.startswith(_GIT_TEMPLATE_MARKERS):
                return line[0]
    return "#"


def editor_runs() -> bool:
    """False inside a commit hook when git will not open an editor (`-m`, `-F`, `--no-edit`).

    git then cleans the message with `cleanup=whitespace`: lines starting with the comment char
    are kept, so `git commit -m "#412 retry"` keeps its subject. git tells its hooks so by
    setting GIT_EDITOR to ":" (builtin/commit.c, run_commit_hook).
    """
    import os

    return os.environ.get("GIT_EDITOR") != ":"


def cleanup_mode(configured: str | None, editor: bool) -> str:
    """How git will clean this message, per `commit.cleanup` (git-commit(1)): `default` strips
    comments when an editor runs and only trims white space otherwise; `scissors` cuts at the
    scissors line only when an editor runs."""
    mode = (configured or "default").strip().lower()
    if mode in ("strip", "whitespace", "verbatim"):
        return mode
    if mode == "scissors":
        return "scissors" if editor else "whitespace"
    return "strip" if editor else "whitespace"


def cut_at_scissors(text: str, comment_char: str | None) -> str:
    """`text` without git's scissors line and what follows it (`git commit -v`'s diff).

    git cuts there in every cleanup mode when `-v` put the line in (builtin/commit.c truncates when
    `verbose || cleanup == scissors`), so a hook must not read the diff as part of the message.
    """
    if not comment_char:
        return text
    lines = text.split("\n")
    scissors = f"{comment_char} {SCISSORS}"
    if scissors not in lines:
        return text
    return "\n".join(lines[: lines.index(scissors)]) + "\n"


def needs_comment_char(text: str) -> bool:
    """Whether any line starts with a character git could use as comment char.

    When none does, the message parses the same whatever `core.commentChar` says, so the hook
    can skip asking git.
    """
    if text[:1] in AUTO_COMMENT_CHARS:
        return True
    if any(("\n" + c) in text for c in AUTO_COMMENT_CHARS):
        return True
    # core.commentChar may be any character ('*', say); git's own template lines give it away.
    return _ANY_CHAR_TEMPLATE.search(text) is not None


def clean(text: str, comment_char: str | None = "#", keep_comments: bool = False) -> str:
    """git's `cleanup=strip` (plus scissors): drop comments and the diff below the scissors line.

    With `keep_comments`, git's `cleanup=scissors`: only the scissors line and what follows go.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not comment_char:
        # History's messages have no comments: the same result with the loops done in C.
        joined = "\n".join(map(str.rstrip, lines))
        return _BLANK_RUN.sub("\n\n", joined).strip("\n") if "\n\n\n" in joined else joined.strip("\n")
    out: list[str] = []
    scissors = f"{comment_char} {SCISSORS}" if comment_char else None
    for line in lines:
        if scissors is not None and line == scissors:
            break
        if comment_char and not keep_comments and line.startswith(comment_char):
            continue
        out.append(line.rstrip())
    # Collapse runs of blank lines and trim both ends, as git stripspace does.
    result: list[str] = []
    for line in out:
        if not line and (not result or not result[-1]):
            continue
        result.append(line)
    while result and not result[-1]:
        result.pop()
    return "\n".join(result)


def _split_paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _parse_trailer_block(paragraph: str, first_line: int) -> list[Trailer] | None:
    """Trailers of the last paragraph by git's rules, or None when it is not a trailer block.

    git accepts the block when every line is a trailer (or a continuation), or when at least a
    quarter are trailers and one of them is git-generated (`Signed-off-by: `, cherry-pick notes).
    An indented line continues the trailer right above it; after any other line it is prose.
    """
    if ":" not in paragraph and "(cherry picked from commit " not in paragraph:
        return None  # no line can be a trailer: most last paragraphs are prose
    trailers: list[Trailer] = []
    trailer_lines = 0
    non_trailer = 0
    recognized = False
    previous_is_trailer = False
    previous_is_note = False
    for offset, line in enumerate(paragraph.split("\n")):
        if line[:1] in (" ", "\t"):
            if previous_is_trailer:
                trailers[-1].value = (trailers[-1].value + " " + line.strip()).strip()
            elif not previous_is_note:
                non_trailer += 1
            continue
        previous_is_note = False
        if line.startswith(_GIT_GENERATED_PREFIXES):
            recognized = True
        match = _TRAILER_RE.match(line)
        if match:
            trailer_lines += 1
            trailers.append(Trailer(match.group(1), match.group(2).strip(), first_line + offset))
            previous_is_trailer = True
            continue
        previous_is_trailer = False
        if line.startswith(_GIT_GENERATED_PREFIXES):
            trailer_lines += 1  # a cherry-pick note: a trailer line to git, with no key of its own
            previous_is_note = True
        else:
            non_trailer += 1
    if not trailer_lines:
        return None
    if non_trailer == 0 or (recognized and trailer_lines * 3 >= non_trailer):
        return trailers
    return None


def parse(raw: str, comment_char: str | None = "#", *, decode_errors: bool = False,
          truncated: bool = False, keep_comments: bool = False) -> Message:
    """Parse message text. Never raises, whatever the input."""
    if "\x00" in raw:
        raw = raw.replace("\x00", "\ufffd")
    text = clean(raw, comment_char, keep_comments)
    # clean() leaves no blank line at either end, no run of blank lines and no line of white space
    # only, so paragraphs are exactly what lies between single blank lines.
    paragraphs = text.split("\n\n") if text else []
    trailers: list[Trailer] = []
    block_index: int | None = None
    if len(paragraphs) > 1:
        first_line = text.count("\n", 0, len(text) - len(paragraphs[-1])) + 1
        parsed = _parse_trailer_block(paragraphs[-1], first_line)
        if parsed is not None:
            trailers = parsed
            block_index = len(paragraphs) - 1
    return Message(text, paragraphs, trailers, block_index, decode_errors, truncated)


def _line_of_paragraph(text: str, index: int) -> int:
    """1-based line number where paragraph `index` starts in the cleaned text."""
    seen = -1
    in_paragraph = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not in_paragraph:
                seen += 1
                if seen == index:
                    return number
            in_paragraph = True
        else:
            in_paragraph = False
    return 1


def parse_bytes(data: bytes, comment_char: str | None = "#", encoding: str = "utf-8") -> Message:
    """Parse raw message bytes, capping the size and replacing undecodable bytes."""
    truncated = len(data) > MAX_MESSAGE_BYTES
    if truncated:
        data = data[:MAX_MESSAGE_BYTES]
    text, errors = decode(data, encoding)
    return parse(text, comment_char, decode_errors=errors, truncated=truncated)
