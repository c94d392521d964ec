"""Untrusted text (commit messages, PR bodies, ADR files) is data: make it safe for each medium."""

from __future__ import annotations

import re

from linter.regexcache import regex

# C0 controls except tab and newline, DEL, C1 controls, the bidi overrides that can make text read
# differently from what it is ("Trojan Source"), and lone surrogates (JSON's "\ud800", or bytes
# that are not UTF-8 in argv and the environment), which no UTF-8 output can encode.
_CONTROL = regex("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = regex("[\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group(0)):02x}" if ord(match.group(0)) < 0x100 else f"\\u{ord(match.group(0)):04x}"


def scrub(text: str) -> str:
    """Lone surrogates replaced by U+FFFD, so the text can be written as UTF-8."""
    if text.isascii():  # known without a scan: str keeps the flag
        return text
    try:
        # A code point in U+D800-DFFF is the one thing a UTF encoder refuses, and UTF-16's C loop is
        # some 25 times faster than the regex's search (a whole report, megabytes, is scrubbed at once).
        text.encode("utf-16-le")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def clean(text: str) -> str:
    """Show control characters (ANSI escapes included) as visible `\\xNN` text."""
    if text.isprintable():  # none to show (see clean_line); str's test costs a third of the regex's
        return text
    return _CONTROL.sub(_visible, text)


_PLAIN_LINE = regex("[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]*")


def clean_line(text: str) -> str:
    """`clean`, with line breaks folded to spaces: for one-line output."""
    # The common case: nothing to fold or show. A printable text holds no control, format (bidi)
    # or surrogate character, and str's own test is some three times faster than the regex's
    # (a range prints thousands of subjects); the regex still passes what it alone accepts.
    if text.isprintable() or _PLAIN_LINE.fullmatch(text):
        return text
    return clean(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


_MD_SPECIAL = regex(r"([\\`*_{}\[\]()<>#+!|~&])")


def markdown(text: str) -> str:
    """Escape text for a Markdown table cell or paragraph: no formatting, links, HTML or pipes."""
    return _MD_SPECIAL.sub(r"\\\1", clean_line(text))
