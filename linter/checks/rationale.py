"""CTX2xx: every commit records why it was made.

A rationale is a body paragraph that says why (not a restatement of the subject, not a
low-information phrase such as "see ticket"), a `Why:`/`Rationale:` trailer, a link to a decision
record, or a subject whose own clause gives the reason ("... because ...").
"""

from __future__ import annotations

import re
from itertools import filterfalse

from linter.checks import CommitContext, check
from linter.config import Config
from linter.message import Message

#: Phrases that carry no reason of their own. "see ticket" is exactly where context leaks.
LOW_INFORMATION = frozenset(
    """fix|fixes|fixed|fixup|bugfix|hotfix|wip|work in progress|see ticket|see the ticket|see jira|see issue
    |see the issue|see pr|see the pr|see mr|see above|see below|see title|see subject|same as title
    |same as subject|see description|see commit|see link|see attached|see comments|see slack|see thread
    |details in ticket|details in the ticket|details in jira|context in ticket|more in ticket|in ticket
    |as discussed|as discussed offline|as discussed in slack|as agreed|as per discussion|per discussion
    |per our discussion|per review|per review comments|review comments|review feedback|pr feedback|mr feedback
    |address review comments|addressed review comments|addressed comments|address comments|address feedback
    |per slack|per request|as requested|requested|per manager|per pm|asked by pm|minor|minor fix|minor fixes
    |minor change|minor changes|small fix|small change|small changes|quick fix|cleanup|clean up|cleanups
    |refactor|refactoring|update|updates|updated|change|changes|changed|misc|various|various fixes|stuff
    |tbd|todo|n a|na|none|nothing|no comment|self explanatory|obvious|typo|typos|lint|formatting|format
    |tests|test|done|ok|oops|it works|works now|should work|try again|retry|whatever|same|ditto|more
    |initial commit|first commit|merge|sync|bump|wip do not merge""".replace("\n", "").split("|")
)
_LOW_INFO = frozenset(p.strip() for p in LOW_INFORMATION)

_FILLER = frozenset(
    """a an the this that it its for in on of to and or all some more details detail info information
    context please pls thanks thank you see per as is was be been done etc here there with from by
    stuff things thing bit just also again now""".split()
)
_STOPWORDS = _FILLER | frozenset("i we our my they he she not no so but if when then than into out up".split())

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_REF_LINE = re.compile(r"^[ \t]*[A-Za-z][A-Za-z0-9-]*:[ \t]*(?=\S)", re.MULTILINE)
DECISION_LINK = re.compile(
    r"\bADR[- ]?\d+\b|(?:^|[\s(<\[/])(?:[\w.-]+/)*(?:adrs?|decisions|decision-records|architecture-decisions)"
    r"/[\w.-]+\.md\b",
    re.IGNORECASE,
)
#: The phrases that give a subject's own reason ("... because ..."), each followed by two words.
_CAUSAL_PHRASES = (
    r"because|so that|in order to|to (?:avoid|prevent|allow|enable|support|fix|reduce|stop|keep|"
    r"ensure|make)|otherwise|due to|caused by|which (?:caused|broke|led)"
)
_CAUSAL = re.compile(rf"\b(?:{_CAUSAL_PHRASES})\b\s+\S+\s+\S+", re.IGNORECASE)

#: Literal words every match of DECISION_LINK / _CAUSAL contains (case-insensitively), so that
#: the regexes, which try every position of a long text case-insensitively, run only where one
#: can match. The `to avoid`, `to fix`, ... phrases are looked for only once "to " is there: it is
#: in a quarter of all subjects, the phrases in a few.
_DECISION_WORDS = ("adr", "decision")
_CAUSAL_WORDS = ("because", "so that", "in order to", "otherwise", "due to", "caused by", "which caused",
                 "which broke", "which led")
#: Each holds "to " itself (any white space may follow `due to`, so it is not among them).
_CAUSAL_TO_WORDS = tuple(
    f"to {verb}" for verb in "avoid prevent allow enable support fix reduce stop keep ensure make".split()
)


def _may_hold(text: str, words: tuple[str, ...], to_words: tuple[str, ...] = ()) -> bool:
    """False only when no match is possible: ASCII text holding none of `words` (nor, when it holds
    "to ", of `to_words`) in any case.

    Non-ASCII text always says True: with IGNORECASE, `i`, `s` and `k` also match dotless i, long s and
    the Kelvin sign, which lower() would not bring back to ASCII.
    """
    if not text.isascii():
        return True
    lowered = text.lower()
    for word in words:  # a plain loop: any() over a generator costs more than the search here
        if word in lowered:
            return True
    if to_words and "to " in lowered:
        for word in to_words:
            if word in lowered:
                return True
    return False


def _words(text: str, cfg: Config) -> list[str]:
    if "://" in text:  # every URL match holds one; most paragraphs have none
        text = _URL.sub(" ", text)
    text = cfg.tickets.remove(text)
    if ":" in text:  # likewise for `Key: value` reference lines
        text = _REF_LINE.sub(" ", text)
    return _WORD.findall(text.lower())


def _low_information(cfg: Config) -> tuple[frozenset[str], dict[str, list[str]]]:
    """The config's extra phrases, and every phrase indexed by its first word, longest first."""
    cached = cfg.memo.get("low-information")
    if cached is None:
        extra = frozenset(" ".join(w.split()) for w in cfg.strings("low-information"))
        index: dict[str, list[str]] = {}
        for known in sorted(_LOW_INFO | extra, key=lambda k: (-len(k.split()), k)):
            if known:
                index.setdefault(known.split()[0], []).append(known)
        cached = cfg.memo["low-information"] = (extra, index)
    return cached  # type: ignore[return-value]


def judge(text: str, subject: str, min_words: int, cfg: Config) -> str | None:
    """None when `text` gives a reason; otherwise why it does not count, in a few words."""
    words = _words(text, cfg)
    phrase = " ".join(words)
    extra, by_first_word = _low_information(cfg)
    if not words:
        return "holds only references"
    if phrase in _LOW_INFO or phrase in extra:
        return f"says only {phrase!r}"
    # The filters run in C (filterfalse, map): a paragraph can hold hundreds of words.
    meaningful = list(filterfalse(_FILLER.__contains__, words))
    # Strip a leading low-information phrase ("minor fix ..."): the longest that fits, so the
    # verdict does not depend on set iteration order (which changes with every process).
    starting = by_first_word.get(meaningful[0], ()) if meaningful else ()
    if starting:
        remaining = " ".join(meaningful)
        for known in starting:
            if remaining.startswith(known + " ") or remaining == known:
                meaningful = meaningful[len(known.split()):]
                break
    if len(meaningful) < 2:
        return f"says only {phrase!r}"
    subject_words = set(_WORD.findall(subject.lower()))
    content = list(filterfalse(_STOPWORDS.__contains__, words))
    if content and sum(map(subject_words.__contains__, content)) >= 0.8 * len(content):
        return "repeats the subject"
    if len(words) < min_words:
        return f"is too short to explain why ({len(words)} words; at least {min_words})"
    return None


def assess(msg: Message, cfg: Config) -> tuple[str, str]:
    """("ok", how) when the message records a rationale, ("weak", why not) or ("missing", "")."""
    cached = msg.memo.get("rationale")
    if cached is None:
        cached = msg.memo["rationale"] = _assess(msg, cfg)
    assert isinstance(cached, tuple)
    return cached


def _policy(cfg: Config) -> tuple[frozenset[str], int]:
    """(rationale trailer keys in lower case, minimum words of a body paragraph), once per config."""
    cached = cfg.memo.get("rationale-policy")
    if cached is None:
        cached = cfg.memo["rationale-policy"] = (
            frozenset(key.lower() for key in cfg.strings("rationale-trailers")),
            cfg.number("rationale-min-words"),
        )
    return cached  # type: ignore[return-value]


def _assess(msg: Message, cfg: Config) -> tuple[str, str]:
    weak: list[str] = []
    trailer_keys, min_words = _policy(cfg)
    for trailer in msg.trailers:
        if trailer.folded in trailer_keys:
            problem = judge(trailer.value, msg.subject, 2, cfg)
            if problem is None:
                return "ok", "trailer"
            weak.append(f"the rationale trailer {problem}")
    body = msg.body
    if body and _may_hold(body, _DECISION_WORDS) and DECISION_LINK.search(body):
        return "ok", "decision record"
    for paragraph in msg.body_paragraphs:
        problem = judge(paragraph, msg.subject, min_words, cfg)
        if problem is None:
            return "ok", "body"
        weak.append(f"the body {problem}")
    if _may_hold(msg.subject, _CAUSAL_WORDS, _CAUSAL_TO_WORDS) and _CAUSAL.search(msg.subject):
        return "ok", "subject"
    if weak:
        return "weak", weak[0]
    return "missing", ""


def _trailer_hint(cfg: Config) -> str:
    keys = cfg.strings("rationale-trailers")
    return f"a '{keys[0]}:' trailer" if keys else "a body paragraph"


# Tuples, not generators: these run for every commit of a range.
@check("CTX201")
def missing_rationale(msg: Message, ctx: CommitContext, cfg: Config) -> tuple[str, ...]:
    if assess(msg, cfg)[0] != "missing":
        return ()
    problem = cfg.memo.get("CTX201")
    if problem is None:
        problem = cfg.memo["CTX201"] = (
            "no rationale recorded; add a body paragraph that says why this change is needed, "
            f"{_trailer_hint(cfg)}, or a link to a decision record",
        )
    return problem  # type: ignore[return-value]


@check("CTX202")
def low_information_rationale(msg: Message, ctx: CommitContext, cfg: Config) -> tuple[str, ...]:
    status, detail = assess(msg, cfg)
    if status != "weak":
        return ()
    return (f"the rationale does not say why: {detail}; write the reason itself, not a pointer to it",)
