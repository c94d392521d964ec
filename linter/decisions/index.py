"""The topic index: which decision records a short text is about, ranked, with no network.

Ranking is BM25F-style over the terms of `decisions.terms`: a record's terms are weighted by where
they occur and length-normalised. The first results are then reranked by how much of each
record's title the text's subject covers. The index is cached on disk by `decisions.cache`.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Container, Iterable, Iterator, Sequence

from linter import TYPE_CHECKING
from linter.decisions import concepts, is_closed
from linter.decisions.references import Referable
from linter.decisions.terms import (
    GENERIC_WEIGHT,
    analyse,
    analyse_parts,
    generic_terms,
    query_weights,
    topic_of_title,
    words,
)

#: (title or key term -> the records that hold it, the records with such a term that holds "_" as
#: a query's word pairs do, each record's (title terms, key terms)): what names a record, and how.
_Naming = tuple[dict[str, list[int]], frozenset[int], list[tuple[tuple[str, ...], tuple[str, ...]]]]

if TYPE_CHECKING:
    from linter.decisions.records import Record
# The record parser is imported only to (re)build the index: a warm check never parses a record.

K1 = 1.2
B = 0.75
#: How much a title term weighs beside one in the body. Title terms are not length-normalised:
#: titles are all short.
TITLE_WEIGHT = 3.0
#: Idf is computed as if the log had at least this many records, the others sharing none of its
#: words: in a log of one or two records every word is in "half the records", and the same message
#: would be a match with two records and not with one.
IDF_FLOOR = 20
#: Key terms kept per record, and how much one counts beside a title word in the title coverage.
KEY_TERMS = 8
KEY_WEIGHT = 0.5
KEY_MIN_COUNT = 3.0
#: Candidates reranked by title coverage, and how much full coverage multiplies a score by.
RERANK_DEPTH = 50
TITLE_COVERAGE_BOOST = 1.0


class Entry(Referable):
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

    __slots__ = ("_naming", "_weights", "docs", "entries", "generic", "impacts", "keys", "postings",
                 "stamps", "titles")

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
        #: built on first use (`naming`)
        self._naming: _Naming | None = None
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

    def naming(self) -> _Naming:
        """What names each record (`_Naming`), worked out on first use."""
        naming = self._naming
        if naming is None:
            by_term: dict[str, list[int]] = {}
            joined = set()
            terms = []
            for doc, (title, keys) in enumerate(zip(self.titles, self.keys)):
                title_terms, key_terms = tuple(title.split()), tuple(keys.split())
                terms.append((title_terms, key_terms))
                for term in set(title_terms) | set(key_terms):
                    by_term.setdefault(term, []).append(doc)
                    if "_" in term:
                        joined.add(doc)
            naming = self._naming = (by_term, frozenset(joined), terms)
        return naming

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
