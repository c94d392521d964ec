"""Commit messages built from parts, for tests that compare the engine with a reference and must run
without the shared corpus: every rule's passing and failing cases, every exemption, and the odd
input (trailers without a value, undecodable and oversized text) that real histories hold.

`generated_messages()` is a fixed list (every subject with a few bodies and trailer blocks, so a
test can also assert what it covered); `sample_messages()` adds the shared corpus's real messages
when it is present; `message_texts()` draws from the same parts for hypothesis.
"""

from __future__ import annotations

import itertools

from conftest import corpus_messages
from hypothesis import strategies as st

from linter.message import MAX_MESSAGE_BYTES

SUBJECTS = [
    # a reason in the subject, with and without a ticket in each tracker form
    "PAY-412: retry card payments on gateway timeouts",
    "Avoid compiler warnings in the date parser (#41)",
    "Fix NPE in Config.load when the file is empty",
    "Drop Python 3.8; it reached end of life in October 2024",
    "Closes gh-1234: stop log4j from moaning on startup",
    "AB#55 Skip the upload step on Windows runners",
    # only what changed, or only a pointer
    "Update the parser",
    "Fix #412",
    "misc changes",
    "wip",
    "LANG-7 Tune the cache",
    "PYA-12 tidy the queue",
    "Encode names as UTF-8 and ISO-8859-1 per RFC-2616",
    "Use [bold red]markup[/] and <script>x</script> in a subject",
    # exemptions by subject
    "fixup! Update the parser",
    "squash! PAY-412: retry card payments",
    "Release 1.2.3",
    "Bump version to 3.1.0.dev0",
    "[maven-release-plugin] prepare for next development iteration",
    "Bump junit from 5.9 to 5.10",
    'Revert "Update the parser"',
    "Merge pull request #12 from user/bugfix-#2933",
    "",
]

BODIES = [
    "",
    "The gateway drops idle connections after 30 s, so a retry without a fresh\nconnection charged some "
    "customers twice.",
    "Add `retry.max` and `retry.delay` settings and read them in the client.",
    "As agreed in the planning call.",
    "wip wip wip",
    "This reverts commit 0123456789abcdef0123456789abcdef01234567.",
    "See docs/adr/0003-use-postgresql.md for the decision.",
    "Because the old path leaked file handles on Windows, see LANG-1411.",
    "- bump the client\n- tidy the tests\n- update the changelog",
    "Bad bytes \ufffd\ufffd read as U+FFFD.",
]

TRAILERS = [
    "",
    "Refs: PAY-12",
    "Refs: #9\nWhy: the gateway drops idle connections; retries charged twice.",
    "Why: fix",
    "Ctxlint-Skip: generated data refresh",
    "Ctxlint-Skip:",
    "Signed-off-by: Ada Lovelace <ada@example.com>",
    "Reason: see ticket",
    "Rationale: callers need a stable order to diff the reports",
]

#: (author, parents): a person, a bot (exempt by author), a merge (exempt by parents).
CONTEXTS = [
    ("Ada Lovelace <ada@example.com>", 1),
    ("dependabot[bot] <support@github.com>", 1),
    ("Grace Hopper <grace@example.com>", 2),
]


def compose(subject: str, body: str, trailers: str) -> str:
    """A message as git stores it: paragraphs separated by a blank line, ending in a newline."""
    return "\n\n".join(part for part in (subject, body, trailers) if part) + "\n"


def generated_messages() -> list[str]:
    """Every subject with every body, and every subject with every trailer block (one body), plus an
    oversized message: a few hundred texts, the same on every run."""
    texts = [compose(s, b, "") for s, b in itertools.product(SUBJECTS, BODIES)]
    texts += [compose(s, BODIES[1], t) for s, t in itertools.product(SUBJECTS, TRAILERS[1:])]
    texts += [compose(s, BODIES[3], t) for s, t in itertools.product(SUBJECTS[:8], TRAILERS[1:])]
    texts.append(compose(SUBJECTS[0], "x " * (MAX_MESSAGE_BYTES // 2 + 10), TRAILERS[1]))
    return texts


def sample_messages(corpus_limit: int | None = None) -> list[str]:
    """`generated_messages()`, then the first `corpus_limit` messages of the shared corpus (all by
    default) when it is present: the comparison runs from a fresh clone, and on real text where
    there is some."""
    return generated_messages() + corpus_messages()[:corpus_limit]


def message_texts() -> st.SearchStrategy[str]:
    """A message drawn from the same parts, with a second body paragraph and stray white space."""
    return st.builds(
        lambda subject, bodies, trailers, tail: compose(subject, "\n\n".join(bodies), trailers) + tail,
        st.sampled_from(SUBJECTS),
        st.lists(st.sampled_from(BODIES), max_size=2),
        st.sampled_from(TRAILERS),
        st.sampled_from(["", "\n", " \n"]),
    )
