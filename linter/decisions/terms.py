"""Index terms: how a record or a query is cut into the words the topic index ranks on.

Terms are lowercased words with function words removed, a light suffix stemmer, a small synonym
table for abbreviations that teams use interchangeably (db/database, k8s/kubernetes, ...), and
title bigrams so that "type hints" outranks a record that uses "type" and "hints" apart. A record's
terms are weighted by where they occur (title above the opening paragraph, the "lead", above the
decision section, above the rest), because a record's title and opening name its topic while the
rest of a long record mostly discusses details.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from linter import TYPE_CHECKING
from linter.decisions import concepts
from linter.regexcache import regex

if TYPE_CHECKING:
    from typing import TypeVar

    from linter.decisions.records import Record

    _T = TypeVar("_T")

#: Weights of where a term occurs. The title names the topic (see index.TITLE_WEIGHT); the opening
#: paragraph (the lead) states it; the decision section says what was chosen.
LEAD_WEIGHT = 2.0
DECISION_WEIGHT = 1.5
#: Words of a record's opening counted as its lead, and of the whole record indexed at all:
#: the topic of a record is stated early, and capping keeps a cold build of 1,000 long records fast.
LEAD_WORDS = 120
MAX_WORDS = 1500
#: A bigram counts this much relative to a unigram, in records and in queries.
BIGRAM_WEIGHT = 0.6
#: A bigram of the query counts this much relative to a unigram.
BIGRAM_QUERY_WEIGHT = 0.3
#: In a commit message or query, the subject names the topic; the body mostly describes the work.
SUBJECT_WEIGHT = 2.0

STOP_WORDS = frozenset(
    """a an the and or of to in on for with by is are be as at it this that from was were been being has
    have had not no but if so than then there these those its we our us you your they their them he she
    his her i my me which who what when where how all any some can could would should will shall may might
    must also very just into onto over under about via per etc
    do does did don dont doesn didn use uses used using adopt adopts adopted adopting""".split()
)
#: "do", "don't", "use" and "adopt" are dropped too: they say which way a decision went ("Use X",
#: "Do not adopt X"), which the reopening rule reads from the wording, not what it is about.
#: Only function words are stop words: idf already discounts frequent content words, and in a short
#: query a word like "doing" or "new" may be what tells two titles apart.

#: General English that says how or how much rather than what: "simpler", "improved", "support",
#: "removal", "new", "policy". A small log cannot learn from its idf that these are common (every
#: word is rare among five records), and in a large one a commit that shares only such words with a
#: title is not about it. They count GENERIC_WEIGHT as much as a topic word in a query, in the title
#: coverage and in the subject share. Written for ctxlint from common usage, not taken from a corpus.
GENERIC_WORDS = """able ability about above accept across actual actually add added adding addition additional
    address allow allowed allowing allows already alternative always another any anything approach appropriate
    around available avoid back bad base based basic become before behind being best better between big both bring
    broken build built call called calls can care case cases certain change changed changes changing check choice
    choose clear clearly come common complete consider considered correct could create created current currently
    decide decided decision decisions default define defined definition describe described detail details different
    difficult directly does doing done during each easier easily easy effect either else enable enabled end ensure
    enough entire even every everything example existing expect explicit explicitly extra fact few final first fix
    fixed fixes fixing follow following form full fully further future general generic get gets getting give given
    goes going good great guideline guidelines handle handling happen hard help helps high however idea ideas
    implement implementation implemented implementing improve improved improvement improvements improving include
    included including instead intended introduce introduced introducing introduction issue issues keep kind know
    known large last later least less let lets level like likely little long longer look lot low made main major
    make makes making manage many matter may mean means mechanism might minor more most move moved moving much
    multiple must need needed needs never new newer next none note nothing now number often old older once one only
    open order original other others otherwise out overall own part partial particular per place point policy
    possible possibly practice prefer present previous previously problem problems process proper properly propose
    proposed proposal provide provided provides providing put question quite rather real really reason reasons
    record records reduce related remain remove removed removes removing removal replace replaced require required
    requires rest result right rule rules run running same second see seem seems several should show simple simpler
    simplified simplify simply since single small so some something specific standard start started state still stop
    strategy such suggest support supported supporting supports sure take taken taking team test tested testing
    tests than things think third though three through thus today together too try trying turn two under until up
    upon usage useful usual usually various version versions want wanted way ways well what whether which while
    whole why wide within without work working works would yet""".split()
GENERIC_WEIGHT = 0.5

#: Abbreviations and near-synonyms folded to one term, on both the record and the query side.
SYNONYMS = {
    "db": "database",
    "dbs": "database",
    "rdbms": "database",
    "datastore": "database",
    "postgres": "postgresql",
    "pg": "postgresql",
    "psql": "postgresql",
    "mongo": "mongodb",
    "k8s": "kubernetes",
    "kube": "kubernetes",
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "config": "configuration",
    "configs": "configuration",
    "conf": "configuration",
    "cfg": "configuration",
    "auth": "authentication",
    "authn": "authentication",
    "authz": "authorization",
    "login": "authentication",
    "repo": "repository",
    "repos": "repository",
    "deps": "dependency",
    "dep": "dependency",
    "env": "environment",
    "envs": "environment",
    "infra": "infrastructure",
    "msg": "message",
    "msgs": "message",
    "mq": "queue",
    "queueing": "queue",
    "queuing": "queue",
    "perf": "performance",
    "async": "asynchronous",
    "sync": "synchronous",
    "impl": "implementation",
    "doc": "documentation",
    "docs": "documentation",
    "api": "api",
    "apis": "api",
    "ui": "interface",
    "gui": "interface",
    "frontend": "front",
    "backend": "back",
    "tls": "ssl",
    "https": "ssl",
    "cert": "certificate",
    "certs": "certificate",
    "lb": "balancer",
    "elb": "balancer",
    "alb": "balancer",
    "loadbalancer": "balancer",
    "ci": "integration",
    "cd": "deployment",
    "deploy": "deployment",
    "deploys": "deployment",
    "aws": "amazon",
    "gcp": "google",
    "iam": "identity",
    "regex": "regular",
    "regexp": "regular",
    "enum": "enumeration",
    "enums": "enumeration",
    "dict": "dictionary",
    "dicts": "dictionary",
    "stdlib": "library",
    "lib": "library",
    "libs": "library",
    "pkg": "package",
    "pkgs": "package",
    "args": "argument",
    "arg": "argument",
    "kwargs": "keyword",
    "func": "function",
    "funcs": "function",
    "fn": "function",
    "attr": "attribute",
    "attrs": "attribute",
    "mutex": "lock",
    "colour": "color",
    "behaviour": "behavior",
    "favour": "favor",
    "licence": "license",
    "organisation": "organization",
    "optimise": "optimize",
    "serialise": "serialize",
    "utilise": "utilize",
    "initialise": "initialize",
    "customise": "customize",
    "customisation": "customization",
}

_TOKEN = regex(r"[a-z0-9][a-z0-9+#]*")
_STEM_CACHE: dict[str, str] = {}
_VOWEL = regex(r"[aeiou]|(?<=.)y")
_NEEDS_VOWEL = frozenset({"ing", "ings", "ed", "edly", "er", "ers", "ly"})
_SUFFIXES = (
    ("ational", "ate"),
    ("izations", "ize"),
    ("ization", "ize"),
    ("isations", "ize"),
    ("isation", "ize"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ements", ""),
    ("ement", ""),
    ("ments", ""),
    ("ment", ""),
    ("nesses", ""),
    ("ness", ""),
    ("ities", ""),
    ("ity", ""),
    ("ings", ""),
    ("ing", ""),
    ("edly", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ed", ""),
    ("ers", ""),
    ("er", ""),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
)


#: The suffixes by their last letter, in `_SUFFIXES` order: a word is tried against those it can end with.
_SUFFIXES_BY_LAST: dict[str, tuple[tuple[str, str], ...]] = {
    last: tuple(pair for pair in _SUFFIXES if pair[0][-1] == last) for last in {s[-1] for s, _ in _SUFFIXES}
}


def stem(word: str) -> str:
    """A light suffix stemmer: plurals, -ing, -ed, -ation, -ment; stems keep at least 3 letters.

    Deliberately weaker than Porter: over-stemming merges topics ("general"/"generator") and
    in a threshold-based alarm a false merge costs more than a missed variant.
    """
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    result = word
    if len(word) > 3 and not word[0].isdigit():
        if word.endswith(("ss", "us", "is")):
            result = word
        else:
            for suffix, replacement in _SUFFIXES_BY_LAST.get(word[-1], ()):
                if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
                    stem_part = word[: -len(suffix)]
                    # Porter's condition: the stem keeps a vowel, so "string" is not "str".
                    if suffix in _NEEDS_VOWEL and not _VOWEL.search(stem_part):
                        continue
                    result = stem_part + replacement
                    break
            # "deprecated"/"deprecate"/"deprecation" -> "deprecat"; "coding"/"code" -> "cod".
            if result.endswith("e") and len(result) > 3:
                result = result[:-1]
            if len(result) > 3 and result[-1] == result[-2] and result[-1] not in "lsz":
                result = result[:-1]  # "stopped" -> "stopp" -> "stop"
    if len(_STEM_CACHE) < 200_000:
        _STEM_CACHE[word] = result
    return result


_TERM_CACHE: dict[str, str] = {}


def _term(token: str) -> str:
    """The index term of one lowercased token, or "" when it is dropped."""
    token = SYNONYMS.get(token, token)
    if len(token) < 2 or token in STOP_WORDS or (token.isdigit() and len(token) < 3):
        return ""
    return concepts.term(token, stem, SYNONYMS)  # #11: word forms and names the stemmer leaves apart


#: Tokens whose terms `_TERM_CACHE` keeps; past that, new tokens are analysed every time.
_TERM_CACHE_SIZE = 200_000


def _learn(tokens: Iterable[str]) -> bool:
    """Analyse the tokens `_TERM_CACHE` does not know yet; False when it has no room for them
    (the caller then analyses them itself)."""
    cache = _TERM_CACHE
    missing = {token for token in tokens if token not in cache}
    if len(cache) + len(missing) > _TERM_CACHE_SIZE:
        return False
    for token in missing:
        cache[token] = _term(token)
    return True


def _collect(tokens: list[str], into: Callable[[Iterable[str]], _T]) -> _T:
    """`into` the terms of `tokens` ("" for one the analysis drops), from `_TERM_CACHE`: read by a
    C loop when every token is known, which after a range's first commits is nearly always."""
    cache = _TERM_CACHE
    try:
        return into(map(cache.__getitem__, tokens))
    except KeyError:
        if _learn(tokens):
            return into(map(cache.__getitem__, tokens))
    return into(cache[t] if t in cache else _term(t) for t in tokens)


def _nonempty(terms: Iterable[str]) -> list[str]:
    return list(filter(None, terms))


def words(text: str) -> list[str]:
    """Content terms of `text`: lowercased, synonyms folded, stop words dropped, stemmed."""
    return _collect(_TOKEN.findall(text.lower()), _nonempty)


def term_set(text: str, limit: int = MAX_WORDS) -> set[str]:
    """`set(words(text)[:limit])`, without the list of terms when the text has at most `limit`
    tokens (then every term counts): what a test of which terms a text holds needs, most cheaply."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) > limit:
        return set(words(text)[:limit])
    found = _collect(tokens, set)
    found.discard("")
    return found


#: The words a title opens with to say which way the decision went, not what it is about: "Do not
#: use", "Don't adopt", "We will not", "Remove", "Deletion of", "Use", "Adopt".
_STANCE_OPENING = (
    r"^\W*(?:(?:we\s+)?(?:(?:do|does|will|shall|must|should)\s+not|don'?t|won'?t|never|no longer)\s+)?"
    r"(?:(?:use|adopt|introduce|run|support|allow|remove|drop|retire|delete|deprecate|disable|stop using|"
    r"avoid|reject)\s+|(?:deletion|removal|retirement|deprecation|adoption|introduction|use)\s+of\s+)"
)


def topic_of_title(title: str) -> str:
    """A title without the words that only say which way it went: "Do not use HAProxy" -> "HAProxy"."""
    rest = regex(_STANCE_OPENING, re.IGNORECASE).sub("", title, count=1)
    return rest if rest.strip() else title


_GENERIC: frozenset[str] | None = None


def generic_terms() -> frozenset[str]:
    """The index terms of GENERIC_WORDS (analysed on first use: most hook runs never need them)."""
    global _GENERIC
    if _GENERIC is None:
        _GENERIC = frozenset(t for w in GENERIC_WORDS for t in words(w))
    return _GENERIC


def with_bigrams(terms: Sequence[str]) -> list[str]:
    """Adjacent pairs of content terms as `a_b`, stop words already removed between them."""
    return [f"{a}_{b}" for a, b in zip(terms, terms[1:]) if a != b]


def _counts(terms: Iterable[str], into: dict[str, float], weight: float) -> None:
    for term in terms:
        into[term] = into.get(term, 0.0) + weight


Analysed = tuple[dict[str, float], dict[str, float], int]


def analyse(record: Record) -> Analysed:
    """(title terms, body terms, body length) of one record, weighted by where terms occur.

    Bigrams are taken from the title only: that is where a phrase names the topic. Measured on
    real records, bigrams of the opening paragraph did not improve ranking and doubled the postings.
    """
    return analyse_parts(record.title, record.context, record.decision, record.rest)


def analyse_parts(title_text: str, context: str, decision: str = "", rest: str = "") -> Analysed:
    """`analyse` for any titled text: a record's fields, or a commit's subject and body."""
    title_terms = words(topic_of_title(title_text))
    title: dict[str, float] = {}
    _counts(title_terms, title, 1.0)
    _counts(with_bigrams(title_terms), title, BIGRAM_WEIGHT)
    context_terms = words(context)
    decision_terms = words(decision)
    body_terms = (context_terms + decision_terms + words(rest))[:MAX_WORDS]
    lead = body_terms[:LEAD_WORDS]
    # Counter counts in C; the weighted extras are a few hundred terms at most.
    body: dict[str, float] = dict(Counter(body_terms))
    _counts(lead, body, LEAD_WEIGHT - 1.0)
    if decision_terms:
        _counts(decision_terms[:LEAD_WORDS], body, DECISION_WEIGHT - 1.0)
    return title, body, len(body_terms)



def query_weights(subject: str, body: str = "", generic: frozenset[str] | None = None) -> dict[str, float]:
    """Term -> weight for a query: the subject counts SUBJECT_WEIGHT times, repeats saturate."""
    raw: dict[str, float] = {}
    pairs: dict[str, float] = {}
    for text, weight in ((subject, SUBJECT_WEIGHT), (body, 1.0)):
        terms = words(text)[:MAX_WORDS]
        _counts(terms, raw, weight)
        _counts(with_bigrams(terms), pairs, weight)
    # Repeating a word in a long body should not drown the subject's words; bigrams are weighted
    # after that saturation, so that in a short query they refine rather than dominate.
    generic = generic if generic is not None else generic_terms()
    weights = {t: 2.0 * w / (w + 1.0) * (GENERIC_WEIGHT if t in generic else 1.0) for t, w in raw.items()}
    for t, w in pairs.items():
        weights[t] = BIGRAM_QUERY_WEIGHT * 2.0 * w / (w + 1.0)
    return weights

