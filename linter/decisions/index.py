"""The topic index: which decision records a short text is about, ranked, with no network.

Ranking is BM25F-style: a record's terms are weighted by where they occur (title above the
opening paragraph, the "lead", above the decision section, above the rest) and length-normalised,
because a record's title and opening name its topic while the rest of a long record mostly
discusses details. Terms are lowercased words with function words removed, a light suffix stemmer,
a small synonym table for abbreviations that teams use interchangeably (db/database, k8s/kubernetes,
...), and title bigrams so that "type hints" outranks a record that uses "type" and "hints" apart.
The first results are then reranked by how much of each record's title the text's subject covers.

Per-term impacts (the BM25 contribution of a term to a record) do not depend on the query, so
they are computed once and cached under the git directory; a query then only sums the postings
of its own terms. Two files are written, each atomically (temp file + os.replace) so that two
hooks running at once never see half a file:
- `ctxlint/decisions-terms.marshal`: each record's analysed terms keyed by the SHA-1 of its
  bytes, so a rebuild re-reads only records whose content changed;
- `ctxlint/decisions-index.marshal`: the postings and record metadata, stamped with each file's
  (mtime, size, digest), so a warm check costs one `stat` per record and one file read.
"""

from __future__ import annotations

import marshal
import math
import os
import re
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from linter.cachefile import write_atomically
from linter.decisions import concepts, is_closed

if TYPE_CHECKING:
    from linter.decisions.records import Record
# The record parser is imported only to (re)build the index: a warm check never parses a record.

#: Bump when analysis or scoring changes: old caches are then ignored and rebuilt.
FORMAT = 14

K1 = 1.2
B = 0.75
#: Weights of where a term occurs. The title names the topic; the opening paragraph (the lead)
#: states it; the decision section says what was chosen. Title terms are not length-normalised:
#: titles are all short.
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
DECISION_WEIGHT = 1.5
#: Words of a record's opening counted as its lead, and of the whole record indexed at all:
#: the topic of a record is stated early, and capping keeps a cold build of 1,000 long records fast.
LEAD_WORDS = 120
MAX_WORDS = 1500
#: Idf is computed as if the log had at least this many records, the others sharing none of its
#: words: in a log of one or two records every word is in "half the records", and the same message
#: would be a match with two records and not with one.
IDF_FLOOR = 20
#: Key terms kept per record, and how much one counts beside a title word in the title coverage.
KEY_TERMS = 8
KEY_WEIGHT = 0.5
KEY_MIN_COUNT = 3.0
#: A bigram counts this much relative to a unigram, in records and in queries.
BIGRAM_WEIGHT = 0.6
#: Candidates reranked by title coverage, and how much full coverage multiplies a score by.
RERANK_DEPTH = 50
TITLE_COVERAGE_BOOST = 1.0
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
GENERIC_WORDS = """able ability about above accept across actual actually add added adding addition
    additional address allow allowed allowing allows already alternative always another any anything
    approach appropriate around available avoid back bad base based basic become before behind being
    best better between big both bring broken build built call called calls can care case cases certain
    change changed changes changing check choice choose clear clearly come common complete consider
    considered correct could create created current currently decide decided decision decisions default
    define defined definition describe described detail details different difficult directly does doing
    done during each easier easily easy effect either else enable enabled end ensure enough entire even
    every everything example existing expect explicit explicitly extra fact few final first follow
    following form full fully further future general generic get gets getting give given goes going good
    great guideline guidelines handle handling happen hard help helps high however idea ideas implement
    implementation implemented implementing improve improved improvement improvements improving include
    included including instead intended introduce introduced introducing introduction issue issues keep
    kind know known large last later least less let lets level like likely little long longer look lot
    low made main major make makes making manage many matter may mean means mechanism might minor more
    most move moved moving much multiple must need needed needs never new newer next none note nothing now
    number often old older once one only open order original other others otherwise out overall own part
    partial particular per place point policy possible possibly practice prefer present previous
    previously problem problems process proper properly propose proposed proposal provide provided
    provides providing put question quite rather real really reason reasons record records reduce
    related remain remove removed removes removing removal replace replaced require required requires
    rest result right rule rules run running same second see seem seems several should show simple
    simpler simplified simplify simply since single small so some something specific standard start
    started state still stop strategy such suggest support supported supporting supports sure take taken
    taking team than things think third though three through thus today together too try trying turn two
    under until up upon usage useful usual usually various version versions want wanted way ways well
    what whether which while whole why wide within without work working works would yet""".split()
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

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
_STEM_CACHE: dict[str, str] = {}
_VOWEL = re.compile(r"[aeiou]|(?<=.)y")
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
            for suffix, replacement in _SUFFIXES:
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


def words(text: str) -> list[str]:
    """Content terms of `text`: lowercased, synonyms folded, stop words dropped, stemmed."""
    cache = _TERM_CACHE
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        term = cache.get(token)
        if term is None:
            term = _term(token)
            if len(cache) < 200_000:
                cache[token] = term
        if term:
            out.append(term)
    return out


#: The words a title opens with to say which way the decision went, not what it is about: "Do not
#: use", "Don't adopt", "We will not", "Remove", "Deletion of", "Use", "Adopt".
_STANCE_OPENING = (
    r"^\W*(?:(?:we\s+)?(?:(?:do|does|will|shall|must|should)\s+not|don'?t|won'?t|never|no longer)\s+)?"
    r"(?:(?:use|adopt|introduce|run|support|allow|remove|drop|retire|delete|deprecate|disable|stop using|"
    r"avoid|reject)\s+|(?:deletion|removal|retirement|deprecation|adoption|introduction|use)\s+of\s+)"
)


def topic_of_title(title: str) -> str:
    """A title without the words that only say which way it went: "Do not use HAProxy" -> "HAProxy"."""
    rest = re.sub(_STANCE_OPENING, "", title, count=1, flags=re.IGNORECASE)
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


# --- references: does a text name a record? -------------------------------------------------
# The one place that decides it, for the hook, `why`, the record hook and the decision log's
# health: seven slightly different copies used to disagree on `ADR-0007` against `0007-x.md`.

_REF_ID = r"\b(?:ADR|DR|PEP|decision)[-_ #]?0*(\d{1,6})\b"
_NUMBER_IN_NAME = r"^(?:adr|dr|pep|rfc)?[-_ ]?0*(\d{1,6})(?=[-_. ]|$)"
_RECORD_SUFFIXES = (".md", ".markdown")


def reference_number(ref: str) -> int | None:
    """The record number a reference names: `ADR-7`, `ADR-0007`, `7`, `0007-foo.md`, `adr/0007-x.md`."""
    found = re.search(_REF_ID, ref, re.IGNORECASE)
    if found:
        return int(found.group(1))
    found = re.match(_NUMBER_IN_NAME, ref.replace("\\", "/").rsplit("/", 1)[-1], re.IGNORECASE)
    return int(found.group(1)) if found else None


def refers_to(ref: str, path: str, number: int | None, holder: str = "") -> bool:
    """Whether `ref` (ADR-7, ADR-0007, 7, a path or a file name) names the record at `path`.

    `holder` is the repo-relative path of the record the reference is written in, if any: a link
    such as `../adr/0003-x.md` is relative to it. A file reference is matched by its path, never by
    the number in its name, so `0007-old.md` does not name a renumbered `0007-new.md`.
    """
    import posixpath

    ref = ref.strip().strip("<>`'\"").split("#", 1)[0].strip()
    if not ref:
        return False
    is_file = ref.lower().endswith(_RECORD_SUFFIXES)
    if not is_file:
        wanted = reference_number(ref)
        return wanted is not None and wanted == number
    norm = ref.replace("\\", "/")
    if holder and not norm.startswith("/"):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(holder), norm))
        if joined == path:
            return True
    norm = norm.lstrip("./")
    return bool(norm) and (path == norm or path.endswith("/" + norm) or posixpath.basename(path) == norm)


def mentions(text: str, path: str, number: int | None) -> bool:
    """Whether free text names the record at `path`: ADR-7, decision 7, its file name, or the slug
    of its file name ("bosh-access-with-mtls" of `ADR041-bosh-access-with-mtls.html.md`, as in a
    diagram named after the record)."""
    if number is not None:
        for found in re.finditer(r"\b(?:ADR|decision)[-_ #]?0*(\d{1,6})\b", text, re.IGNORECASE):
            if int(found.group(1)) == number:
                return True
    base = path.rsplit("/", 1)[-1]
    if base in text:
        return True
    slug = re.sub(r"^(?:adr|dr|pep|rfc)?[-_ ]?\d+[-_ ]*", "", base.split(".", 1)[0], flags=re.IGNORECASE)
    return slug.count("-") >= 2 and slug.lower() in text.lower()


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


class Entry:
    """What the index keeps of a record: enough to report a match without reading the file."""

    __slots__ = (
        "_title_terms",
        "closed",
        "date",
        "digest",
        "number",
        "path",
        "status",
        "superseded_by",
        "supersedes",
        "title",
    )

    def __init__(
        self,
        path: str,
        number: int | None,
        title: str,
        status: str | None,
        date: str | None,
        digest: str,
        supersedes: list[str],
        superseded_by: list[str],
    ) -> None:
        self.path = path
        self.number = number
        self.title = title
        self.status = status
        self.date = date
        self.digest = digest
        self.supersedes = supersedes
        self.superseded_by = superseded_by
        self.closed = is_closed(status)
        self._title_terms: set[str] | None = None

    def title_terms(self) -> set[str]:
        if self._title_terms is None:
            self._title_terms = set(words(topic_of_title(self.title)))
        return self._title_terms

    @property
    def id(self) -> str:
        if self.number is not None:
            return f"ADR-{self.number}"
        return os.path.splitext(os.path.basename(self.path))[0]

    def refers_to(self, ref: str, holder: str = "") -> bool:
        """Whether `ref` (as written in the record at `holder`, if any) names this record."""
        return refers_to(ref, self.path, self.number, holder)

    def dump(self) -> tuple[object, ...]:
        return (
            self.path,
            self.number,
            self.title,
            self.status,
            self.date,
            self.digest,
            self.supersedes,
            self.superseded_by,
        )

    @classmethod
    def load(cls, data: Sequence[object]) -> Entry:
        path, number, title, status, date, digest, supersedes, superseded_by = data
        return cls(
            str(path),
            number if isinstance(number, int) else None,
            str(title),
            status if isinstance(status, str) else None,
            date if isinstance(date, str) else None,
            str(digest),
            list(supersedes) if isinstance(supersedes, list) else [],
            list(superseded_by) if isinstance(superseded_by, list) else [],
        )

    @classmethod
    def of(cls, record: Record) -> Entry:
        return cls(
            record.path,
            record.number,
            record.title,
            record.status,
            record.date,
            record.digest,
            list(record.supersedes),
            list(record.superseded_by),
        )


class Entries:
    """Entries materialised on first use: a warm check touches a handful of a thousand records."""

    __slots__ = ("_made", "_raw", "paths")

    def __init__(self, raw: Sequence[Sequence[object]]) -> None:
        self._raw = raw
        self._made: list[Entry | None] = [None] * len(raw)
        self.paths = [str(r[0]) for r in raw]

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Entries:
        made = cls([e.dump() for e in entries])
        made._made = list(entries)
        return made

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i: int) -> Entry:
        entry = self._made[i]
        if entry is None:
            entry = self._made[i] = Entry.load(self._raw[i])
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(len(self._raw)))

    def dump(self) -> list[Sequence[object]]:
        return list(self._raw)


class Match:
    """One ranked record: `score` ranks; `confidence` is the share of the best possible BM25F sum;
    `coverage` the idf-weighted share of the record's title the query covers; `subject_share` the
    idf-weighted share of the query's subject words that occur in the record."""

    __slots__ = (
        "confidence",
        "coverage",
        "entry",
        "score",
        "subject_named",
        "subject_share",
        "title_hits",
        "title_size",
    )

    def __init__(
        self, entry: Entry, score: float, confidence: float, coverage: float = 0.0, subject_share: float = 0.0
    ) -> None:
        self.subject_share = subject_share
        self.title_hits = 0
        #: Content words in the record's title.
        self.title_size = 0
        #: Whether the subject itself uses a word of the record's title or key terms.
        self.subject_named = True
        self.entry = entry
        self.score = score
        self.confidence = confidence
        self.coverage = coverage

    def __repr__(self) -> str:
        return f"Match({self.entry.id}, {self.score:.2f}, {self.confidence:.2f})"


class Postings:
    """term -> (idf, offset, count) into the flat arrays, kept as a sorted term list and arrays.

    A dict of 100,000 small tuples costs tens of milliseconds to unmarshal; a newline-joined
    string and three arrays cost a copy, and `bisect` finds a query's few hundred terms.
    """

    __slots__ = ("idfs", "offsets", "terms")

    def __init__(self, terms: list[str], idfs: array[float], offsets: array[int]) -> None:
        self.terms = terms
        self.idfs = idfs
        self.offsets = offsets

    def get(self, term: str) -> tuple[float, int, int] | None:
        i = bisect_left(self.terms, term)
        if i < len(self.terms) and self.terms[i] == term:
            return self.idfs[i], self.offsets[i], self.offsets[i + 1] - self.offsets[i]
        return None

    def __len__(self) -> int:
        return len(self.terms)

    def dump(self) -> dict[str, object]:
        return {
            "terms": "\n".join(self.terms),
            "idfs": self.idfs.tobytes(),
            "offsets": self.offsets.tobytes(),
        }

    @classmethod
    def load(cls, data: dict[str, object]) -> Postings:
        terms, raw_idfs, raw_offsets = data["terms"], data["idfs"], data["offsets"]
        if not (isinstance(terms, str) and isinstance(raw_idfs, bytes) and isinstance(raw_offsets, bytes)):
            raise TypeError("not postings")
        idfs: array[float] = array("f")
        idfs.frombytes(raw_idfs)
        offsets: array[int] = array("I")
        offsets.frombytes(raw_offsets)
        return cls(terms.split("\n") if terms else [], idfs, offsets)


class Index:
    """Postings of term -> (record numbers, impacts), with each record's Entry."""

    __slots__ = ("_weights", "docs", "entries", "generic", "impacts", "keys", "postings", "stamps", "titles")

    def __init__(
        self,
        entries: Sequence[Entry] | Entries,
        postings: Postings,
        docs: array[int],
        impacts: array[float],
        stamps: dict[str, tuple[int, int, str]] | None = None,
        keys: list[str] | None = None,
        titles: list[str] | None = None,
        generic: frozenset[str] | None = None,
    ) -> None:
        self.entries = entries if isinstance(entries, Entries) else Entries.of(entries)
        #: Per record, its key terms (space-separated): see KEY_TERMS.
        self.keys = keys if keys is not None and len(keys) == len(self.entries) else [""] * len(self.entries)
        #: Per record, its title's content words (space-separated), so that a query never analyses a title.
        self.titles = (
            titles
            if titles is not None and len(titles) == len(self.entries)
            else [" ".join(sorted(e.title_terms())) for e in self.entries]
        )
        #: GENERIC_WORDS as index terms, kept in the cache: analysing them costs a hook a few ms.
        self.generic = generic if generic is not None else generic_terms()
        self._weights: dict[int, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = {}
        #: term -> (idf, offset, count) into the flat `docs` / `impacts` arrays.
        self.postings = postings
        self.docs = docs
        self.impacts = impacts
        self.stamps = stamps or {}

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        analysed: Sequence[tuple[Entry, dict[str, float], dict[str, float], int]],
        stamps: dict[str, tuple[int, int, str]] | None = None,
    ) -> Index:
        """Compute idf and per-record impacts from analysed records."""
        n = len(analysed)
        n_idf = max(n, IDF_FLOOR)
        avg = max(1.0, sum(a[3] for a in analysed) / n) if n else 1.0
        # term -> [doc, tf, doc, tf, ...]: one list per term, filled in document order, so that the
        # postings need no sort and the document frequency is half the list's length.
        per_term: dict[str, list[float]] = {}
        get = per_term.get
        for doc, (_, title, body, length) in enumerate(analysed):
            norm = 1.0 / (1.0 - B + B * length / avg)
            for term, tf in body.items():
                value = tf * norm
                if term in title:
                    value += TITLE_WEIGHT * title[term]
                postings_of = get(term)
                if postings_of is None:
                    per_term[term] = [doc, value]
                else:
                    postings_of.append(doc)
                    postings_of.append(value)
            for term, tf in title.items():
                if term not in body:
                    postings_of = get(term)
                    if postings_of is None:
                        per_term[term] = [doc, TITLE_WEIGHT * tf]
                    else:
                        postings_of.append(doc)
                        postings_of.append(TITLE_WEIGHT * tf)
        # One flat set of arrays for all postings: a few bytes objects in the cache, not one per term.
        k1 = K1
        scale = K1 + 1.0
        docs: array[int] = array("I")
        impacts: array[float] = array("f")
        terms = sorted(per_term)
        idfs: array[float] = array("f")
        offsets: array[int] = array("I")
        log = math.log
        for term in terms:
            items = per_term[term]
            df = len(items) // 2
            idf = log(1.0 + (n_idf - df + 0.5) / (df + 0.5))
            weight = idf * scale
            offsets.append(len(docs))
            idfs.append(idf)
            docs.extend(items[0::2])  # type: ignore[arg-type]
            impacts.extend([weight * tf / (tf + k1) for tf in items[1::2]])
        offsets.append(len(docs))
        postings = Postings(terms, idfs, offsets)
        keys = key_terms(analysed, dict(zip(terms, idfs)), generic_terms())
        titles = [" ".join(sorted(t for t in a[1] if "_" not in t)) for a in analysed]
        return cls([a[0] for a in analysed], postings, docs, impacts, stamps, keys, titles)

    @classmethod
    def from_records(cls, recs: Iterable[Record]) -> Index:
        """An index of `recs` built in memory (no cache): for tests and benchmarks."""
        return cls.build([(Entry.of(r), *analyse(r)) for r in recs])

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str, str]]) -> Index:
        """An in-memory index of (key, title, body) texts, such as commit messages (key: the sha),
        ranked exactly as records are."""
        return cls.build(
            [
                (Entry(key, None, title, None, None, "", [], []), *analyse_parts(title, body))
                for key, title, body in texts
            ]
        )

    def dump(self) -> dict[str, object]:
        return {
            "entries": self.entries.dump(),
            "postings": self.postings.dump(),
            "docs": self.docs.tobytes(),
            "impacts": self.impacts.tobytes(),
            "keys": self.keys,
            "titles": self.titles,
            "generic": " ".join(sorted(self.generic)),
        }

    @classmethod
    def load(cls, data: dict[str, object], stamps: dict[str, tuple[int, int, str]]) -> Index:
        entries = data["entries"]
        postings = data["postings"]
        raw_docs, raw_impacts = data["docs"], data["impacts"]
        if not (
            isinstance(entries, list)
            and isinstance(postings, dict)
            and isinstance(raw_docs, bytes)
            and isinstance(raw_impacts, bytes)
        ):
            raise TypeError("not an index")
        table = Postings.load(postings)
        docs: array[int] = array("I")
        docs.frombytes(raw_docs)
        impacts: array[float] = array("f")
        impacts.frombytes(raw_impacts)
        keys, titles, generic = data.get("keys"), data.get("titles"), data.get("generic")
        if not (
            isinstance(keys, list)
            and isinstance(titles, list)
            and isinstance(generic, str)
            and all(isinstance(k, str) for k in keys + titles)
        ):
            raise TypeError("not an index")
        return cls(Entries(entries), table, docs, impacts, stamps, keys, titles, frozenset(generic.split()))

    # -- querying ---------------------------------------------------------------------------

    def _max_idf(self) -> float:
        n = max(len(self.entries), IDF_FLOOR)
        return math.log(1.0 + (n + 0.5) / 0.5)

    def search(self, subject: str, body: str = "", limit: int = 10, exclude: Iterable[str] = ()) -> list[Match]:
        """Records ranked for a text given as subject (the topic) and body, best first."""
        weights = query_weights(subject, body, self.generic)
        if not weights or not self.entries:
            return []
        subject_terms = set(words(subject))
        scores = [0.0] * len(self.entries)
        subject_hits = [0.0] * len(self.entries)
        subject_total = 0.0
        best_possible = 0.0
        unknown = self._max_idf()
        generic = self.generic
        docs, impacts = self.docs, self.impacts
        for term, weight in weights.items():
            raw = self.postings.get(term)
            in_subject = term in subject_terms
            share = GENERIC_WEIGHT if term in generic else 1.0
            if raw is None:
                best_possible += weight * unknown * (K1 + 1.0)
                subject_total += unknown * share if in_subject else 0.0
                continue
            idf, start, count = raw
            best_possible += weight * idf * (K1 + 1.0)
            for doc, impact in zip(docs[start : start + count], impacts[start : start + count]):
                scores[doc] += weight * impact
            if in_subject:
                subject_total += idf * share
                for doc in docs[start : start + count]:
                    subject_hits[doc] += idf * share
        skip = set(exclude)
        paths = self.entries.paths
        ranked = sorted(
            (i for i, s in enumerate(scores) if s > 0.0 and paths[i] not in skip),
            key=lambda i: -scores[i],
        )[: max(limit, RERANK_DEPTH)]
        # Rerank by how much of each record's title the query covers: a new record or a commit that
        # names the same topic as an old title ("Asynchronous IO support") is about that record,
        # whereas a long record that merely uses the query's words often is not.
        query_terms = set(weights)
        results = []
        for i in ranked:
            coverage, title_hits = self.title_coverage(i, query_terms)
            # The boost looks at the subject alone: it names the text's topic, while a long body
            # covers some words of many titles.
            by_subject = self.title_coverage(i, subject_terms, with_keys=False)[0]
            match = Match(
                self.entries[i],
                scores[i] * (1.0 + TITLE_COVERAGE_BOOST * by_subject),
                scores[i] / best_possible if best_possible else 0.0,
                coverage,
                subject_hits[i] / subject_total if subject_total else 0.0,
            )
            match.title_hits = title_hits
            title_weights, key_weights = self._title_weights(i)
            match.title_size = len(title_weights)
            match.subject_named = any(t in subject_terms for t, _ in title_weights) or any(
                t in subject_terms for t, _ in key_weights
            )
            results.append(match)
        concepts.prefer_predecessors(subject, results)  # #11: "X 2.1" re-raises "X 2.0" first
        results.sort(key=lambda m: -m.score)
        return results[:limit]

    def _title_weights(self, doc: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(title terms, key terms) of record `doc` with their weights, worked out once per index:
        a range check asks about the same few records for hundreds of commits."""
        known = self._weights.get(doc)
        if known is None:
            generic = self.generic
            get = self.postings.get
            title = []
            for term in self.titles[doc].split():
                raw = get(term)
                title.append(
                    (term, (raw[0] if raw is not None else 1.0) * (GENERIC_WEIGHT if term in generic else 1.0))
                )
            keys = []
            for term in self.keys[doc].split():
                raw = get(term)
                keys.append((term, (raw[0] if raw is not None else 1.0) * KEY_WEIGHT))
            known = self._weights[doc] = (title, keys)
        return known

    def title_coverage(self, doc: int, query_terms: set[str], with_keys: bool = True) -> tuple[float, int]:
        """The idf-weighted share of record `doc`'s title words that occur in the query, and their number.

        With its key terms, the share is taken over the title and the key terms (which count
        KEY_WEIGHT as much) when that is higher, and two key terms count as one title word: a
        later text often names the topic by what the decision chose rather than by its title.
        """
        title, keys = self._title_weights(doc)
        total, hit, hits = _weighed_hits(title, query_terms, 0.0, 0.0)
        coverage = hit / total if total else 0.0
        if not with_keys or not keys:
            return coverage, hits
        total, hit, key_hits = _weighed_hits(keys, query_terms, total, hit)
        return max(coverage, hit / total if total else 0.0), hits + key_hits // 2


def key_terms(
    analysed: Sequence[tuple[Entry, dict[str, float], dict[str, float], int]],
    idfs: dict[str, float],
    generic: frozenset[str],
) -> list[str]:
    """Each record's KEY_TERMS strongest words outside its title: what the record keeps coming
    back to besides its title (the option it chose, the acronym it spells out). A word must weigh
    KEY_MIN_COUNT in the record's body (its opening and decision count extra); words are ranked by
    that weight times idf."""
    from heapq import nlargest

    out = []
    for _, title, body, _ in analysed:
        candidates = [
            (weight * idfs[term], term)
            for term, weight in body.items()
            if weight >= KEY_MIN_COUNT and term not in title and term not in generic and "_" not in term
        ]
        out.append(" ".join(term for _, term in nlargest(KEY_TERMS, candidates)))
    return out


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


# --- the cache -------------------------------------------------------------------------------

_INDEX_FILE = "decisions-index.marshal"
_TERMS_FILE = "decisions-terms.marshal"


def cache_dir(root: str) -> str | None:
    from linter.decisions.discover import git_dir

    gdir = git_dir(root)
    return os.path.join(gdir, "ctxlint") if gdir else None


def _tag(key: str) -> str:
    # marshal's format may change between Python versions: a cache is only read by the one that wrote it.
    return f"{FORMAT}:{sys.version_info[0]}.{sys.version_info[1]}:{key}"


def _read(path: str) -> object:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        # marshal.loads on the whole buffer: marshal.load on a file reads it in tiny pieces.
        return marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _stamp(root: str, paths: Sequence[str]) -> dict[str, tuple[int, int]]:
    stamps: dict[str, tuple[int, int]] = {}
    for rel in paths:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            continue
        stamps[rel] = (st.st_mtime_ns, st.st_size)
    return stamps


def load(root: str, paths: Sequence[str], key: str = "", stamps: dict[str, tuple[int, int]] | None = None) -> Index:
    """The index of the records at `paths` (repo-relative), from the cache when it is current.

    Records whose (mtime, size) changed are re-read and hashed; those whose content hash is
    unchanged reuse their analysed terms; only new content is analysed. `key` names anything
    else the index depends on (the configured folders), so a config change rebuilds it.
    """
    folder = cache_dir(root)
    stamps = stamps if stamps is not None else _stamp(root, paths)
    tag = _tag(key)
    index_path = os.path.join(folder, _INDEX_FILE) if folder else None
    if index_path:
        cached = _read(index_path)
        if isinstance(cached, dict) and cached.get("tag") == tag:
            files = cached.get("files")
            if (
                isinstance(files, dict)
                and len(files) == len(stamps)
                and all(isinstance(files.get(p), tuple) and files[p][:2] == s for p, s in stamps.items())
            ):
                try:
                    return Index.load(cached, files)
                except (KeyError, TypeError, ValueError):
                    pass
    return rebuild(root, paths, stamps, key)


def rebuild(root: str, paths: Sequence[str], stamps: dict[str, tuple[int, int]] | None = None, key: str = "") -> Index:
    """Build the index, reusing analysed terms for unchanged content, and write both cache files."""
    folder = cache_dir(root)
    stamps = stamps if stamps is not None else _stamp(root, paths)
    tag = _tag(key)
    terms_path = os.path.join(folder, _TERMS_FILE) if folder else None
    known: dict[str, object] = {}
    if terms_path:
        cached = _read(terms_path)
        if isinstance(cached, dict) and cached.get("tag") == _tag("") and isinstance(cached.get("by_digest"), dict):
            known = cached["by_digest"]
    analysed: list[tuple[Entry, dict[str, float], dict[str, float], int]] = []
    files: dict[str, tuple[int, int, str]] = {}
    fresh: dict[str, object] = {}
    for rel in sorted(stamps):
        try:
            with open(os.path.join(root, rel), "rb") as handle:
                data = handle.read(2 * 1024 * 1024)
        except OSError:
            continue
        import hashlib

        digest = hashlib.sha1(data).hexdigest()
        hit = known.get(digest)
        item: tuple[Entry, dict[str, float], dict[str, float], int] | None = None
        if isinstance(hit, tuple) and len(hit) == 4:
            try:
                meta, title, body, length = hit
                entry = Entry.load(meta)
                # The same content under another name (a renumbered copy) is another record: its
                # number comes from the file name, so it is parsed again.
                if entry.path == rel:
                    item = (entry, title, body, int(length))
            except (TypeError, ValueError):
                item = None
        if item is None:
            from linter.decisions.records import parse

            record = parse(rel, data)
            item = (Entry.of(record), *analyse(record))
        analysed.append(item)
        fresh[digest] = (item[0].dump(), item[1], item[2], item[3])
        files[rel] = (*stamps[rel], digest)
    index = Index.build(analysed, files)
    if folder:
        if fresh.keys() != known.keys() and terms_path:
            write_atomically(terms_path, {"tag": _tag(""), "by_digest": fresh})
        write_atomically(os.path.join(folder, _INDEX_FILE), {"tag": tag, "files": files, **index.dump()})
    return index


def _weighed_hits(terms: Iterable[tuple[str, float]], query_terms: Container[str], total: float,
                  hit: float) -> tuple[float, float, int]:
    """`total` and `hit` with the weights of `terms` (and of those in the query) added in order, and
    how many of `terms` the query holds."""
    hits = 0
    for term, weight in terms:
        total += weight
        if term in query_terms:
            hit += weight
            hits += 1
    return total, hit, hits
