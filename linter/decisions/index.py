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
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from linter.decisions import is_closed

if TYPE_CHECKING:
    from linter.decisions.records import Record
# The record parser is imported only to (re)build the index: a warm check never parses a record.

#: Bump when analysis or scoring changes: old caches are then ignored and rebuilt.
FORMAT = 9

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
    must also very just into onto over under about via per etc""".split()
)
#: Only function words are stop words: idf already discounts frequent content words, and in a short
#: query a word like "doing" or "new" may be what tells two titles apart.

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
    return stem(token)


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
    title_terms = words(record.title)
    title: dict[str, float] = {}
    _counts(title_terms, title, 1.0)
    _counts(with_bigrams(title_terms), title, BIGRAM_WEIGHT)
    context_terms = words(record.context)
    decision_terms = words(record.decision)
    body_terms = (context_terms + decision_terms + words(record.rest))[:MAX_WORDS]
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
            self._title_terms = set(words(self.title))
        return self._title_terms

    @property
    def id(self) -> str:
        if self.number is not None:
            return f"ADR-{self.number}"
        return os.path.splitext(os.path.basename(self.path))[0]

    def refers_to(self, ref: str) -> bool:
        from linter.decisions.records import Record

        probe = Record(self.path, self.number, self.title, self.status, self.date, [], [], "", "", "", "", [])
        return probe.refers_to(ref)

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

    __slots__ = ("confidence", "coverage", "entry", "score", "subject_share", "title_hits")

    def __init__(
        self, entry: Entry, score: float, confidence: float, coverage: float = 0.0, subject_share: float = 0.0
    ) -> None:
        self.subject_share = subject_share
        self.title_hits = 0
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

    __slots__ = ("docs", "entries", "impacts", "postings", "stamps")

    def __init__(
        self,
        entries: Sequence[Entry] | Entries,
        postings: Postings,
        docs: array[int],
        impacts: array[float],
        stamps: dict[str, tuple[int, int, str]] | None = None,
    ) -> None:
        self.entries = entries if isinstance(entries, Entries) else Entries.of(entries)
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
            idf = log(1.0 + (n - df + 0.5) / (df + 0.5))
            weight = idf * scale
            offsets.append(len(docs))
            idfs.append(idf)
            docs.extend(items[0::2])  # type: ignore[arg-type]
            impacts.extend([weight * tf / (tf + k1) for tf in items[1::2]])
        offsets.append(len(docs))
        postings = Postings(terms, idfs, offsets)
        return cls([a[0] for a in analysed], postings, docs, impacts, stamps)

    @classmethod
    def from_records(cls, recs: Iterable[Record]) -> Index:
        """An index of `recs` built in memory (no cache): for tests and benchmarks."""
        return cls.build([(Entry.of(r), *analyse(r)) for r in recs])

    def dump(self) -> dict[str, object]:
        return {
            "entries": self.entries.dump(),
            "postings": self.postings.dump(),
            "docs": self.docs.tobytes(),
            "impacts": self.impacts.tobytes(),
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
        return cls(Entries(entries), table, docs, impacts, stamps)

    # -- querying ---------------------------------------------------------------------------

    def _max_idf(self) -> float:
        n = len(self.entries)
        return math.log(1.0 + (n + 0.5) / 0.5) if n else 1.0

    def search(
        self, subject: str, body: str = "", limit: int = 10, exclude: Iterable[str] = ()
    ) -> list[Match]:
        """Records ranked for a text given as subject (the topic) and body, best first."""
        weights = query_weights(subject, body)
        if not weights or not self.entries:
            return []
        subject_terms = set(words(subject))
        scores = [0.0] * len(self.entries)
        subject_hits = [0.0] * len(self.entries)
        subject_total = 0.0
        best_possible = 0.0
        unknown = self._max_idf()
        docs, impacts = self.docs, self.impacts
        for term, weight in weights.items():
            raw = self.postings.get(term)
            in_subject = term in subject_terms
            if raw is None:
                best_possible += weight * unknown * (K1 + 1.0)
                subject_total += unknown if in_subject else 0.0
                continue
            idf, start, count = raw
            best_possible += weight * idf * (K1 + 1.0)
            for doc, impact in zip(docs[start : start + count], impacts[start : start + count]):
                scores[doc] += weight * impact
            if in_subject:
                subject_total += idf
                for doc in docs[start : start + count]:
                    subject_hits[doc] += idf
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
            coverage, title_hits = self.title_coverage(self.entries[i], query_terms)
            # The boost looks at the subject alone: it names the text's topic, while a long body
            # covers some words of many titles.
            by_subject = self.title_coverage(self.entries[i], subject_terms)[0]
            match = Match(
                self.entries[i],
                scores[i] * (1.0 + TITLE_COVERAGE_BOOST * by_subject),
                scores[i] / best_possible if best_possible else 0.0,
                coverage,
                subject_hits[i] / subject_total if subject_total else 0.0,
            )
            match.title_hits = title_hits
            results.append(match)
        results.sort(key=lambda m: -m.score)
        return results[:limit]

    def title_coverage(self, entry: Entry, query_terms: set[str]) -> tuple[float, int]:
        """The idf-weighted share of `entry`'s title words that occur in the query, and their number."""
        terms = entry.title_terms()
        total = hit = 0.0
        hits = 0
        for term in terms:
            raw = self.postings.get(term)
            weight = raw[0] if raw is not None else 1.0
            total += weight
            if term in query_terms:
                hit += weight
                hits += 1
        return (hit / total if total else 0.0), hits


def query_weights(subject: str, body: str = "") -> dict[str, float]:
    """Term -> weight for a query: the subject counts SUBJECT_WEIGHT times, repeats saturate."""
    raw: dict[str, float] = {}
    pairs: dict[str, float] = {}
    for text, weight in ((subject, SUBJECT_WEIGHT), (body, 1.0)):
        terms = words(text)[:MAX_WORDS]
        _counts(terms, raw, weight)
        _counts(with_bigrams(terms), pairs, weight)
    # Repeating a word in a long body should not drown the subject's words; bigrams are weighted
    # after that saturation, so that in a short query they refine rather than dominate.
    weights = {t: 2.0 * w / (w + 1.0) for t, w in raw.items()}
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


def _write_atomic(path: str, data: object) -> None:
    """Write through a temp file in the same folder and os.replace it: readers see old or new, whole."""
    import tempfile  # only when writing: it pulls in random and shutil

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError:
        return  # a read-only .git: work without a cache rather than fail the commit
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(data))  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _stamp(root: str, paths: Sequence[str]) -> dict[str, tuple[int, int]]:
    stamps: dict[str, tuple[int, int]] = {}
    for rel in paths:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            continue
        stamps[rel] = (st.st_mtime_ns, st.st_size)
    return stamps


def load(
    root: str, paths: Sequence[str], key: str = "", stamps: dict[str, tuple[int, int]] | None = None
) -> Index:
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


def rebuild(
    root: str, paths: Sequence[str], stamps: dict[str, tuple[int, int]] | None = None, key: str = ""
) -> Index:
    """Build the index, reusing analysed terms for unchanged content, and write both cache files."""
    folder = cache_dir(root)
    stamps = stamps if stamps is not None else _stamp(root, paths)
    tag = _tag(key)
    terms_path = os.path.join(folder, _TERMS_FILE) if folder else None
    known: dict[str, object] = {}
    if terms_path:
        cached = _read(terms_path)
        if (
            isinstance(cached, dict)
            and cached.get("tag") == _tag("")
            and isinstance(cached.get("by_digest"), dict)
        ):
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
            _write_atomic(terms_path, {"tag": _tag(""), "by_digest": fresh})
        _write_atomic(os.path.join(folder, _INDEX_FILE), {"tag": tag, "files": files, **index.dump()})
    return index
