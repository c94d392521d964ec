"""CTX301, what it judges: is a text re-raising the topic of a closed decision? The calibrated rule
on top of the topic index (`linter.decisions.index`). `checks.decisions` registers it for messages;
`commands.check_decisions` runs it on new records.

A match is a reopening when the text and the record name the same topic from both sides:
- the text covers the record's title (`coverage`: the idf-weighted share of title words present,
  at least two of them), and
- the record covers the text's subject (`subject_share`: the idf-weighted share of the subject's
  words that occur in the record).
Their geometric mean must reach the threshold. Sharing a few words fails one side or the other:
a short title matched by one common word, or a subject whose rare words the record never uses.

Wording moves the bar: "revisit", "switch from", "instead of" lower it; a message that carries a
decision out ("Implement ...", "Add ...", "as decided") raises it; a text that names the record
(ADR-7, its path) knows the decision already and is never flagged for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence

from linter.checks.protocol import Problem
from linter.config import Config
from linter.decisions import concepts
from linter.decisions.cache import repository_index
from linter.decisions.index import Entry, Index, Match
from linter.decisions.links import successors
from linter.decisions.terms import query_weights, term_set, words
from linter.message import Message
from linter.regexcache import regex

#: The default threshold (percent) on the geometric mean of coverage and subject share. Measured:
#: 0.4% of an unrelated project's 4,869 commits hit 736 PEPs; 0.6% of a team's own 500 ordinary
#: commits hit its 52 ADRs (the issue's ceiling is 2%; 50 would flag about 1.2%).
DEFAULT_THRESHOLD = 55
#: Closed matches reported per text: related records (v1 and v2 of a spec) often share a topic.
MAX_REPORTED = 3
MIN_TITLE_HITS = 2

#: The bar, relative to the threshold, for a text whose wording goes against the record's outcome.
CUED = 0.85
#: The bar, relative to the threshold, for a text whose wording goes with the record's outcome
#: (carrying an accepted decision out, removing what was rejected) or that starts with routine work.
ALONG = 1.5
#: The factor for wording that carries an accepted decision out: never a reopening of it.
NEVER = float("inf")

# Patterns are kept as source and compiled on first use (re caches them): most commits match no
# record at all, and then the hook never pays for compiling them.
_REOPEN_CUES = (
    r"\b(?:revisit\w*|reconsider\w*|rethink\w*|re-?open\w*|re-?evaluat\w*|supersed\w*|replac\w*|switch\w*|"
    r"migrat\w*|abandon\w*|revert\w*|undo\w*|reintroduc\w*|bring back|go(?:ing)? back|back to|"
    r"mov(?:e|es|ed|ing) (?:away |back )?(?:from|to|off)|stop using|no longer|instead of|rather than|"
    r"alternative to|get rid of|ditch\w*|why not|should we|(?:do not|don't|stop|never) us(?:e|ing)|"
    r"proposal|propos\w*|change (?:from|to)|moving away|again|anew|re-?(?:enabl|introduc|instat|add)\w*|"
    r"restor\w*|reviv\w*|(?:put|bring|add|turn|switch|move|go|went|going|brought)\w* (?:\w+ ){0,3}?back)\b"
)
#: A versioned successor of a topic: "Cell capacity assignment 2", "... v2", "Second ...", "Revised ...".
_SUCCESSOR = (
    r"(?:\s(?:v(?:ersion\s*)?)?\d{1,2}(?:\.\d+)?\s*$|\bv\d{1,2}\b|^\W*(?:a\s+)?(?:second|revised|new|next|"
    r"updated|another)\s+(?!(?:line|lines|file|files|test|tests)\b)\w)"
)
# What the subject opens with. A conventional-commit prefix ("feat(api): ") is skipped. The verb
# forms are spelled out, so that a noun that merely begins like a verb ("testing strategy",
# "documentation site", "formats") is not read as routine work.
_PREFIX = r"^\W*(?:\w+(?:\([^)]*\))?!?:\s*)?"
_LEAVE_START = (
    _PREFIX + r"(?:(?:remov|delet|deprecat|retir|disabl|replac|revert)(?:e|es|ed|ing)?|drop(?:s|ped|ping)?|"
    r"abandon(?:s|ed|ing)?|ditch(?:es|ed|ing)?|sunset(?:s|ting)?|phas(?:e|es|ed|ing) out|"
    r"(?:stop|stops|stopped|stopping) (?:using|with|[a-z]+ing\b)|"
    r"(?:do not|don't|never|no longer) (?:use|adopt|run|rely)|"
    r"get(?:ting)? rid of|(?:mov|migrat|switch)(?:e|es|ed|ing)? (?:away )?(?:from|off)|"
    r"(?:go|going|goes|went) back|back out|rip(?:s|ped|ping)? out|no more)\b"
)
_ADOPT_START = (
    _PREFIX + r"(?:adopt(?:s|ed|ing)?|add(?:s|ed|ing)?|us(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)|"
    r"implement(?:s|ed|ing)?|enabl(?:e|es|ed|ing)|support(?:s|ed|ing)?|try(?:ing)?|tri(?:es|ed)|"
    r"integrat(?:e|es|ed|ing)|set(?:s|ting)? up|wir(?:e|es|ed|ing)(?: up| in)?|bring(?:s|ing)? in|"
    r"(?:mov|migrat|switch)(?:e|es|ed|ing)? (?:over )?(?:to|onto)|allow(?:s|ed|ing)?|provid(?:e|es|ed|ing)|"
    r"apply(?:ing)?|appli(?:es|ed)|follow(?:s|ed|ing)?|configur(?:e|es|ed|ing)|start(?:s|ed|ing)? using|"
    r"re-?(?:enabl|introduc|instat|add)\w*|restor(?:e|es|ed|ing)|reviv(?:e|es|ed|ing)|"
    r"(?:bring|brings|brought|put|puts) back)\b"
)
_ROUTINE_START = (
    _PREFIX + r"(?:fix(?:es|ed|ing)?|bump(?:s|ed|ing)?|updat(?:e|es|ed|ing)|upgrad(?:e|es|ed|ing)|"
    r"refactor(?:s|ed|ing)?|improv(?:e|es|ed|ing)|document(?:s|ed)?|test(?:s|ed)?|"
    r"clarif(?:y|ies|ied)|explain(?:s|ed)?|describ(?:e|es|ed)|mention(?:s|ed)?|say(?:s)?|tell(?:s)?|tid(?:y|ies|ied)|"
    r"clean(?:s|ed)?(?: up)?|renam(?:e|es|ed)|simplif(?:y|ies|ied)|inlin(?:e|es|ed)|in-line|"
    r"format(?:s|ted)?|sort(?:s|ed)?|make|makes|ensur(?:e|es|ed)|handl(?:e|es|ed)|correct(?:s|ed)?|"
    r"tweak(?:s|ed)?|adjust(?:s|ed)?|log(?:s|ged)?|reword(?:s|ed)?|link(?:s|ed)?|typo|"
    # Operating what is there: rotate a token, raise a limit, alert on a lock, run the tests.
    r"rotat(?:e|es|ed)|alert(?:s|ed)?|rais(?:e|es|ed)|increas(?:e|es|ed)|decreas(?:e|es|ed)|"
    r"reduc(?:e|es|ed)|lower(?:s|ed)?|tun(?:e|es|ed)|monitor(?:s|ed)?|restart(?:s|ed)?|pin(?:s|ned)?|"
    r"run(?:s)?|rerun(?:s)?|retr(?:y|ies|ied)|check(?:s|ed)?|warn(?:s|ed)?|skip(?:s|ped)?|"
    r"limit(?:s|ed)?|expos(?:e|es|ed)|split(?:s)?|speed(?:s)? up)\b"
)
_CARRIED_OUT = (
    r"\b(?:as decided|as agreed|per (?:the )?decision|following the decision|according to the decision|"
    r"implements? (?:the )?decision)\b"
)
#: A title that states what is not done: "Do not adopt GraphQL", "Don't use Y", "We will not ...",
#: "No X", "Avoid X", "Against X".
_NEGATIVE_TITLE = (
    r"^\W*(?:\d+[.:)]\s*)?(?:(?:we\s+)?(?:do not|don't|will not|won't|shall not|must not|should not|never)\b|"
    r"no\s+(?!longer\b)\w|avoid\w*\b|against\b|reject\w*\b|not\s+(?:to\s+)?\w|"
    r"(?:remov|delet|retir|deprecat|disabl|drop|stop|abandon|sunset)\w*\b)"
)
_SENTENCE = r"(?<=[a-z0-9)\]`'\"][.!?])\s+(?=[A-Z])|\n\s*\n"

#: Outcomes under which the record says "not this": proposing it again is the reopening.
_AGAINST_OUTCOMES = frozenset(
    {"rejected", "declined", "deprecated", "withdrawn", "abandoned", "obsolete", "retired", "refused", "dropped"}
)


class Reopening:
    """A closed decision whose topic a text re-raises, with the passages that show it."""

    __slots__ = ("entry", "match", "passage", "strength")

    def __init__(self, match: Match, strength: float, passage: str = "") -> None:
        self.match = match
        self.entry: Entry = match.entry
        self.strength = strength
        self.passage = passage

    def __repr__(self) -> str:
        return f"Reopening({self.entry.id}, {self.strength:.2f})"


#: A record whose title has one content word ("Namespaces", "Remove IPSec") can never share two title
#: words with a text; it is matched on that word when the record also covers this much of the
#: text's subject, and then by the subject share alone (the coverage is all or nothing).
ONE_WORD_SUBJECT_SHARE = 0.6


def strength(match: Match) -> float:
    """How surely the text is about this record's topic, 0..1 (0 below two shared title words)."""
    if not match.subject_named:
        return 0.0  # the body alone shares the record's words: the subject, the topic, is elsewhere
    if match.title_hits < MIN_TITLE_HITS:
        if match.title_hits == 1 and match.title_size == 1:
            return match.subject_share if match.subject_share >= ONE_WORD_SUBJECT_SHARE else 0.0
        return 0.0
    return float((match.coverage * match.subject_share) ** 0.5)


#: The record that starts a decision log by deciding to keep one: adr-tools' "Record architecture
#: decisions", MADR's "Use Markdown Architectural Decision Records", "Use ADRs", "Keep a decision log".
_KEEPS_THE_LOG = (
    r"^\W*(?:\d+[.:)]\s*)?(?:record(?:ing)?|document(?:ing)?|keep(?:ing)?|use|using|adopt|write|writing)\s+"
    r"(?:the\s+|our\s+|an?\s+)?"
    r"(?:markdown\s+|lightweight\s+|any\s+)?(?:architectur(?:e|al)\s+|design\s+|technical\s+)?"
    r"(?:decisions?(?:\s+(?:records?|logs?))?|adrs?|madr)\W*$"
)


def keeps_the_log(entry: Entry) -> bool:
    """Whether the record is the log's own first decision: to keep decision records at all. Every
    text about the records (adding one, pointing to them) carries it out; only leaving the
    practice re-raises it."""
    return regex(_KEEPS_THE_LOG, re.IGNORECASE).search(entry.title) is not None


def against(entry: Entry) -> bool:
    """Whether the record's outcome is "not this": rejected, deprecated, withdrawn, or a decision
    titled in the negative ("Do not adopt X"). A negative title on a rejected record restates the
    rejection (teams write both), so either one makes the record stand against its topic."""
    status = (entry.status or "").lower()
    if status in _AGAINST_OUTCOMES:
        return True
    return regex(_NEGATIVE_TITLE, re.IGNORECASE).search(entry.title) is not None


class Wording:
    """What a text's wording says, read once per text: does it follow a decision, change course,
    adopt something, leave something, or start with routine work?"""

    __slots__ = ("body_changes", "carried_out", "changes", "start")

    def __init__(self, subject: str, body: str = "") -> None:
        self.carried_out = regex(_CARRIED_OUT, re.IGNORECASE).search(f"{subject}\n{body}") is not None
        #: The subject says it changes course; or only the body does, which counts for less: a
        #: rationale often says what "no longer" applies or what was done "instead of" a detail.
        self.start = ""
        if regex(_LEAVE_START, re.IGNORECASE).search(subject):
            self.start = "leave"
        elif regex(_ADOPT_START, re.IGNORECASE).search(subject) and not concepts.names_a_thing(subject):  # #11
            self.start = "adopt"
        elif regex(_ROUTINE_START, re.IGNORECASE).search(subject):
            self.start = "routine"
        # A version number ends "Bump the driver to 3.1" too: a successor only outside routine work.
        self.changes = has_reopen_wording(subject) or (
            self.start != "routine" and regex(_SUCCESSOR, re.IGNORECASE).search(subject) is not None
        )
        self.body_changes = not self.changes and has_reopen_wording(body)

    def factor(self, stands_against: bool, keeps_log: bool = False) -> float | None:
        """The bar relative to the threshold for a record standing for or against its topic (or,
        `keeps_log`, for the decision to keep decision records); None when the text says it
        carries a decision out."""
        if self.carried_out:
            return None
        if keeps_log and not stands_against:
            # Texts about the records use the practice; only changing course or leaving it counts.
            return CUED if self.changes else 1.0 if self.start == "leave" else NEVER
        if stands_against:
            # Proposing what was rejected is the reopening; removing it goes with the decision.
            if self.start == "adopt":
                return CUED
            if self.start == "leave":
                return ALONG
            if self.start == "routine":
                return CUED if self.changes else ALONG
            return CUED if self.changes or self.body_changes else 1.0
        # An accepted decision: moving away from it re-raises it, carrying it out does not. A bare
        # "Remove ..." or "Drop ..." is neutral: it is as often a warning or a flag being removed.
        if self.changes:
            return CUED
        if self.start == "leave":
            return 1.0
        if self.start == "adopt":
            # "Implement ...", "Add ...", "Use ..." the accepted thing carries it out, unless the
            # body argues for a change ("we propose", "instead of"): then it may be a successor.
            return ALONG if self.body_changes else NEVER
        if self.start:
            return ALONG
        return CUED if self.body_changes else 1.0


def bar(subject: str, body: str, threshold: float, entry: Entry | None = None) -> float | None:
    """The strength a match with `entry` needs for this text, or None when the text carries a
    decision out. Without an entry, the bar for an accepted decision."""
    factor = Wording(subject, body).factor(entry is not None and against(entry),
                                           entry is not None and keeps_the_log(entry))
    return None if factor is None else needed(threshold, factor)


def needed(threshold: float, factor: float) -> float:
    """The strength a match needs: the threshold moved by the wording's factor, capped below 1 so
    that an exact match can still be reported, except for wording that never reopens."""
    return NEVER if factor == NEVER else min(0.95, threshold * factor)


def has_reopen_wording(text: str) -> bool:
    """Whether the text says it changes course ("revisit", "switch from", "instead of")."""
    return regex(_REOPEN_CUES, re.IGNORECASE).search(text) is not None


def detect(
    index: Index,
    subject: str,
    body: str = "",
    threshold: float = DEFAULT_THRESHOLD / 100,
    exclude: Iterable[str] = (),
    acknowledged: Iterable[str] = (),
    holder: str = "",
) -> list[Reopening]:
    """Closed decisions that `subject`/`body` re-raise, strongest first.

    `exclude` holds record paths never to report (the text's own record); `acknowledged` holds
    references (ADR-7, paths, relative to the record at `holder` if any) the text declares it
    reopens or supersedes.
    """
    if threshold > 0 and not could_reraise(index, subject, body):
        return []
    acks = [a for a in acknowledged if a.strip()]
    found: list[Reopening] = []
    text = f"{subject}\n{body}"
    wording: Wording | None = None
    for match in index.search(subject, body, limit=10, exclude=exclude):
        if not match.entry.closed:
            continue
        value = strength(match)
        if value < threshold * CUED:
            continue  # below the lowest bar any wording sets: no need to read the wording
        if wording is None:
            wording = Wording(subject, body)
        factor = wording.factor(against(match.entry), keeps_the_log(match.entry))
        if factor is None:
            return []
        if value < needed(threshold, factor):
            continue
        if match.entry.named_in(text) or any(match.entry.refers_to(a, holder) for a in acks):
            continue
        found.append(Reopening(match, value))
    # The strongest are reported, not the first ranked: v1.0, v1.1 and v1.2 of a spec may rank above
    # the v2.0 that a text names outright.
    found.sort(key=lambda r: -r.strength)
    return found[:MAX_REPORTED]


def could_reraise(index: Index, subject: str, body: str = "") -> bool:
    """Whether any record could reach a `strength` above 0 for this text: its subject must name one
    of the record's title or key terms, and the text must hold two of its title words (or the one
    word of a one-word title). Most texts name no record at all, and answering that costs a
    fortieth of the ranked search (some 5 us against 190 us a commit over 52 records), which a
    range would otherwise run for every commit. A text it rules out gets no match above 0 from the
    search, so nothing changes but the time; a threshold of 0, which a match of strength 0 passes,
    always searches."""
    return _test_for(index)(subject, body)


#: id(index) -> (index, could_reraise's test for it)
_TESTS: dict[int, tuple[Index, Callable[[str, str], bool]]] = {}


def _test_for(index: Index) -> Callable[[str, str], bool]:
    """could_reraise's test for `index`, built on its first use (`_test_of`)."""
    known = _TESTS.get(id(index))
    if known is None or known[0] is not index:
        _TESTS.clear()  # one index a run, as a rule: keep only the last
        known = _TESTS[id(index)] = (index, _test_of(index))
    return known[1]


def _test_of(index: Index) -> Callable[[str, str], bool]:
    """could_reraise's test for one index, with what it reads held in the function's own cells: a
    range asks it for every commit, and each attribute or method it does not look up is time."""
    naming, joined, doc_terms = index.naming()
    named_terms = naming.keys()
    generic = index.generic

    def test(subject: str, body: str) -> bool:
        subject_terms = term_set(subject)
        names = named_terms & subject_terms
        if not names:
            return False
        named = set().union(*map(naming.__getitem__, names))
        if not joined.isdisjoint(named):
            query_terms = set(query_weights(subject, body, generic))
        else:  # the query's terms but its word pairs, which no title or key term of these records can be
            query_terms = term_set(body) | subject_terms if body else subject_terms
        holds = query_terms.__contains__
        for doc in named:
            title, keys = doc_terms[doc]
            hits = sum(map(holds, title)) + (sum(map(holds, keys)) // 2 if keys else 0)
            if hits >= MIN_TITLE_HITS or (hits == 1 and len(title) == 1):
                return True
        return False

    return test


def quick_test(root: str, cfg: Config) -> Callable[[str, Sequence[str]], bool] | None:
    """`could_reraise` against the repository's records under this config, as a function of a
    message's subject and body paragraphs; None when there are no records to re-raise. With a
    threshold of 0 every message passes: a match of strength 0 would be reported."""
    index = repository_index(root, cfg)
    if index is None or not index.entries:
        return None
    if cfg.number("threshold", "decisions") <= 0:
        return lambda subject, paragraphs: True
    test = _test_for(index)
    return lambda subject, paragraphs: test(subject, "\n\n".join(paragraphs) if paragraphs else "")


def best_passage(record_text: str, query: str, limit: int = 240) -> str:
    """The sentence of a record that shares the most query words: where to read the earlier why."""
    wanted = set(words(query))
    best, best_hits = "", 0
    for sentence in regex(_SENTENCE).split(record_text):
        clean = " ".join(sentence.split())
        if len(clean) < 12 or clean.startswith("#"):
            continue
        hits = len(wanted & set(words(clean)))
        if hits > best_hits:
            best, best_hits = clean, hits
    if len(best) > limit:
        best = best[: limit - 1].rstrip() + "\u2026"
    return best


# --- glue for the commit-msg check, the CI gate and the record hook ---------------------------

def acknowledged_refs(msg: Message, cfg: Config) -> list[str]:
    """References named by the reopen trailers (`Reopens: ADR-7`, `Refs: ADR-7, ADR-9`)."""
    refs: list[str] = []
    for value in msg.trailer_values(*cfg.strings("reopen-trailers", "decisions")):
        refs.extend(part for part in regex(r"[\s,;]+").split(value) if part)
    return refs


def has_new_rationale(msg: Message, cfg: Config) -> bool:
    """A body paragraph or a rationale trailer that gives a reason (the trailers alone do not)."""
    from linter.checks.rationale import judge

    for value in msg.trailer_values(*cfg.strings("rationale-trailers")):
        if judge(value, msg.subject, 2, cfg) is None:
            return True
    return any(judge(p, msg.subject, cfg.number("rationale-min-words"), cfg) is None for p in msg.body_paragraphs)


def describe(reopening: Reopening, root: str, query: str, later: Sequence[str] = ()) -> str:
    """One line: the decision, its status and date, its path, and the passage to read."""
    import os

    entry = reopening.entry
    passage = ""
    try:
        with open(os.path.join(root, entry.path), encoding="utf-8", errors="replace") as handle:
            passage = best_passage(handle.read(200_000), query)
    except OSError:
        pass
    status = entry.status or "no status"
    when = f", {entry.date}" if entry.date else ""
    text = f're-raises closed decision {entry.id} "{entry.title}" ({status}{when}; {entry.path})'
    if later:
        text += f" (superseded by {', '.join(later)})"
    if passage:
        text += f': "{passage}"'
    return (
        text + f"; if you mean to reopen it, add a 'Reopens: {entry.id}' trailer and say why the decision should change"
    )


_EXCLUDED: list[object] = [None, None, []]


def check_message(
    msg: Message,
    root: str,
    cfg: Config,
    written: int | None = None,
    eligible: Container[str] | None = None,
) -> list[Problem]:
    """CTX301 for one commit message or PR text.

    `eligible`, for a commit from history, holds the paths of the records closed before it (see
    decisions.timeline): no other record is reported. `written`, the commit's author time (Unix
    seconds), leaves out decisions dated after it: a record dated after the commit was written (a
    rebased or cherry-picked commit keeps its author date) was not decided when its author wrote
    the message, even if it is older in the ancestry; without the timeline, dates are the only
    evidence of what came first.
    """
    index = repository_index(root, cfg)
    if index is None or not index.entries:
        return []
    body = "\n\n".join(msg.body_paragraphs)
    threshold = cfg.number("threshold", "decisions") / 100
    acks = acknowledged_refs(msg, cfg)
    problems: list[Problem] = []
    exclude: Sequence[str] = ()
    if eligible is not None:
        # Consecutive commits share one eligible set until a record changes: build the list once.
        if _EXCLUDED[0] is not eligible or _EXCLUDED[1] is not index:
            _EXCLUDED[:] = [eligible, index, [p for p in index.entries.paths if p not in eligible]]
        exclude = _EXCLUDED[2]  # type: ignore[assignment]
    found = detect(index, msg.subject, body, threshold, exclude=exclude)
    if written is not None and found:
        import time

        before = time.strftime("%Y-%m-%d", time.gmtime(written))
        found = [item for item in found if not item.entry.date or item.entry.date[:10] <= before]
    if found:
        # A message that names a record which supersedes the match (the commit adding ADR-9, which
        # replaces ADR-7) has reopened the topic the recorded way.
        text = f"{msg.subject}\n{body}"
        named = [e for e in index.entries if e.named_in(text)]
        found = [
            item for item in found if not any(any(item.entry.refers_to(r, n.path) for r in n.supersedes) for n in named)
        ]
    if acks and found:
        rationale = has_new_rationale(msg, cfg)
        kept = []
        for item in found:
            if any(item.entry.refers_to(a) for a in acks):
                if not rationale:
                    problems.append(
                        Problem(
                            f'reopens {item.entry.id} "{item.entry.title}" ({item.entry.path}) without a new '
                            "rationale; say in the body why the decision should change",
                            item.entry.path,
                        )
                    )
                continue
            kept.append(item)
        found = kept
    for item in found:
        later = successors(index, item.entry)
        problems.append(Problem(describe(item, root, f"{msg.subject}\n{body}", later), item.entry.path))
    return problems


def check_records(root: str, cfg: Config, paths: Iterable[str]) -> list[tuple[str, Reopening]]:
    """New or changed records (repo-relative paths) that re-raise a closed decision they do not supersede."""
    import os

    from linter.decisions.records import read

    index = repository_index(root, cfg)
    if index is None:
        return []
    threshold = cfg.number("threshold", "decisions") / 100
    out: list[tuple[str, Reopening]] = []
    for rel in paths:
        if not os.path.isfile(os.path.join(root, rel)):
            continue
        record = read(root, rel)
        if record.status in ("superseded", "deprecated", "rejected", "withdrawn"):
            continue  # an old record being edited is history, not a new debate
        lead = " ".join(record.context.split()[:150])
        acks = list(record.supersedes)
        # The other side of a link counts too: an old record that says it is superseded by this one.
        for entry in index.entries:
            if any(record.refers_to(ref, entry.path) for ref in entry.superseded_by):
                acks.append(entry.path)
        out.extend(
            (rel, item)
            for item in detect(index, record.title, lead, threshold, exclude=[rel], acknowledged=acks, holder=rel)
        )
    return out
