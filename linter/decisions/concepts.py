"""Concepts: the same thing named two ways should be one index term.

A later text often names a decided topic differently from the record: another word form
("suppression" / "suppressing", "inheritable" / "inheritance"), a compound ("manylinux2014" /
"manylinux"), a British spelling ("behaviour", "organised"), an abbreviation's plural ("ALBs"), or
the next version of a spec ("... 2.1" after "... 2.0"). The stemmer of `decisions.terms` folds
plurals and -ing/-ed; this module folds what it leaves, on both the record and the query side,
once per distinct word, so matching stays a set lookup.

Measured and left out (docs/decisions.md has the numbers): a table of software abbreviations and
synonyms (param/parameter, str/string, var/variable, delete/remove, ...) merged types and names that
a project keeps apart and cost recall and precision; pseudo-relevance feedback (the top records'
title words added to the query) moved one or two rankings either way depending on its depth.

Everything here is general English and software usage, written for ctxlint: no list is drawn from
a corpus of records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from linter import TYPE_CHECKING
from linter.regexcache import regex

if TYPE_CHECKING:
    from typing import Protocol

    # What prefer_predecessors reads of index.Match, said here so that this module, which the
    # index and its terms import, does not import the index back.
    class _Titled(Protocol):
        @property
        def title(self) -> str: ...

    class _Ranked(Protocol):
        score: float

        @property
        def entry(self) -> _Titled: ...

#: Derivational endings folded after the stemmer, as (ending, replacement): "suppression" ->
#: "suppress", "inheritanc(e)" / "inheritabl(e)" -> "inherit", "dependency" -> "depend",
#: "compatibil(ity)" -> "compat". The stem must keep MIN_ROOT letters: shorter roots merge unrelated
#: words ("variable" and "variance" would both be "vari", "instance" would be "inst").
_ENDINGS = (
    ("ssion", "ss"),
    ("tion", "t"),
    ("abil", ""),
    ("ibil", ""),
    ("abl", ""),
    ("ibl", ""),
    ("ancy", ""),
    ("ency", ""),
    ("anc", ""),
    ("enc", ""),
)
MIN_ROOT = 5
_ANY_ENDING = (*(ending for ending, _ in _ENDINGS), "is", "ys")


def fold(stemmed: str) -> str:
    """A stemmed term with the derivational endings above removed when its root stays long enough,
    and the British -is(e) / -ys(e) stems as -iz / -yz ("organis" -> "organiz", "analys" -> "analyz")."""
    if not stemmed.endswith(_ANY_ENDING):
        return stemmed  # most words: one test
    if len(stemmed) >= 6 and stemmed.endswith(("is", "ys")):
        return stemmed[:-1] + "z"
    for ending, replacement in _ENDINGS:
        if stemmed.endswith(ending):
            root = stemmed[: -len(ending)] + replacement
            if len(root) >= MIN_ROOT and not root[0].isdigit():
                # "occurrenc" -> "occurr" -> "occur", as the stemmer undoubles "stopped".
                if root[-1] == root[-2] and root[-1] not in "lsz":
                    root = root[:-1]
                return root
            return stemmed
    return stemmed


# --- spelling -------------------------------------------------------------------------------

_BRITISH = (
    (r"^(\w{2,}[a-z])our(s|ed|ing|ite|ites|able|ful)?$", r"\1or\2"),  # behaviour, colours, favourite
    (r"^(\w{3,})tre(s|d)?$", r"\1ter\2"),  # centre, metres
    (r"^(\w{3,})logue(s)?$", r"\1log\2"),  # catalogue, dialogues
)

_BRITISH_ENDINGS = tuple("our ours oured ouring ourite ourites ourable ourful tre tres tred logue logues".split())


def spelling(token: str) -> str:
    """British spellings of a token as American ones ("behaviour", "centre", "catalogue"); the
    -ise/-yse verbs are folded after stemming (see `fold`)."""
    if len(token) >= 6 and token.endswith(_BRITISH_ENDINGS):
        for pattern, replacement in _BRITISH:
            token = regex(pattern).sub(replacement, token)
    return token


def term(token: str, stem: Callable[[str], str], synonyms: Mapping[str, str]) -> str:
    """The concept term of a token (after the synonym table of `decisions.terms`): the one hook from
    its analysis. The plural of an abbreviation is folded as the abbreviation ("ALBs", "LBs", "certs")."""
    if token.endswith("s") and len(token) <= 6:
        token = synonyms.get(token[:-1], token)
    return fold(stem(spelling(name_of_compound(token))))


# --- versioned successors ----------------------------------------------------------------------
# "Metadata for Python Software Packages 2.1" re-raises 2.0, not 1.0: the versions of a spec share
# every title word, so the index ranks them alike, and the one a successor replaces is the nearest
# lower version. Version numbers are not index terms (short numbers are dropped), so they are read
# from the titles here.

_VERSION = r"(?:\bv|\bversion\s*|\s)(\d{1,2}(?:\.\d{1,3}){0,2})\s*$"
#: How much the nearest lower version's score is raised (the next one half as much, ...): enough to
#: order versions that tie on their words, too little to lift an unrelated record.
PREDECESSOR_BONUS = 0.2


def version_of(title: str) -> tuple[int, ...] | None:
    """The version a title ends with ("... 2.1", "... v2", "... version 3"), or None."""
    if not title.rstrip()[-1:].isdigit():
        return None  # most titles: no regex to compile or run on the hook's path
    found = regex(_VERSION, re.IGNORECASE).search(title)
    return tuple(int(p) for p in found.group(1).split(".")) if found else None


def prefer_predecessors(subject: str, matches: Sequence[_Ranked]) -> None:
    """Raise the scores of versioned records just below the version `subject` names, nearest first."""
    wanted = version_of(subject)
    if wanted is None:
        return
    versions = [version_of(m.entry.title) for m in matches]
    lower = sorted({v for v in versions if v is not None and v < wanted}, reverse=True)
    for match, version in zip(matches, versions):
        if version is None:
            continue
        if version < wanted:
            match.score *= 1.0 + PREDECESSOR_BONUS / (1 + lower.index(version))
        elif version > wanted:
            match.score /= 1.0 + PREDECESSOR_BONUS  # a later version cannot be what this one re-raises


# --- compounds ---------------------------------------------------------------------------------

#: A name glued to a year or build number: "manylinux2014", "windows2019", "es2015" (not "ipv6",
#: "utf8", "sha1": short numbers are part of the name).
_LETTERS_DIGITS = r"([a-z]{3,})\d{3,}"


def name_of_compound(token: str) -> str:
    """The name of a token glued to a year or build number ("manylinux2014" -> "manylinux"), so that
    the name alone matches it; any other token unchanged. The number is dropped: a text that names
    the year names the name too, and short numbers are not terms at all."""
    if token[-1:].isdigit():
        found = regex(_LETTERS_DIGITS).fullmatch(token)
        if found:
            return found.group(1)
    return token


# --- wording ------------------------------------------------------------------------------------

#: A subject that opens with a verb's bare form followed by "of" or "for" names a thing, as record
#: titles do ("Support for time zones", "Use of HAProxy"), rather than saying it adopts it: the
#: imperative is "Add support for", "Use HAProxy".
_NOUN_OPENING = r"^\W*(?:\w+(?:\([^)]*\))?!?:\s*)?(?:use|support)\s+(?:of|for)\b"


def names_a_thing(subject: str) -> bool:
    """Whether `subject` opens with a noun phrase that merely begins like an adopting verb."""
    return regex(_NOUN_OPENING, re.IGNORECASE).search(subject) is not None
