"""Is a text re-raising the topic of a closed decision? The calibrated rule on top of the index.

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
from collections.abc import Container, Iterable, Sequence

from linter.checks import Problem
from linter.config import Config
from linter.decisions.index import Entry, Index, Match, words
from linter.message import Message

#: The default threshold (percent) on the geometric mean of coverage and subject share. Measured:
#: 0.4% of an unrelated project's 4,869 commits hit 736 PEPs; 0.6% of a team's own 500 ordinary
#: commits hit its 52 ADRs (the issue's ceiling is 2%; 50 would flag about 1.2%).
DEFAULT_THRESHOLD = 55
#: Closed matches reported per text: related records (v1 and v2 of a spec) often share a topic.
MAX_REPORTED = 3
MIN_TITLE_HITS = 2
#: The bar, relative to the threshold, for a text with change wording.
CUED = 0.85

# Patterns are kept as source and compiled on first use (re caches them): most commits match no
# record at all, and then the hook never pays for compiling them.
_REOPEN_CUES = (
    r"\b(?:revisit\w*|reconsider\w*|rethink\w*|re-?open\w*|re-?evaluat\w*|supersed\w*|replac\w*|switch\w*|"
    r"migrat\w*|abandon\w*|revert\w*|undo\w*|reintroduc\w*|bring back|go(?:ing)? back|back to|"
    r"mov(?:e|es|ed|ing) (?:away |back )?(?:from|to|off)|stop using|no longer|instead of|rather than|"
    r"alternative to|get rid of|ditch\w*|why not|should we|(?:do not|don't|stop|never) us(?:e|ing)|"
    r"proposal|propos\w*|change (?:from|to)|moving away)\b"
)
_IMPLEMENT_START = (
    r"^\W*(?:\w+(?:\([^)]*\))?!?:\s*)?(?:implement\w*|add(?:s|ed|ing)?|use[sd]?|using|apply\w*|adopt\w*|"
    r"follow\w*|enabl\w*|configur\w*|set up|wire[sd]?|integrat\w*|document\w*|test\w*|fix\w*|bump\w*|"
    r"updat\w*|upgrad\w*|refactor\w*|improv\w*|provid\w*|clarif\w*|explain\w*|describ\w*|mention\w*|"
    r"tid(?:y|ies|ied)|clean\w*|renam\w*|simplif\w*|inline\w*|in-line|format\w*|sort\w*|remov\w*|"
    r"delet\w*|drop\w*|deprecat\w*|make|makes|ensure\w*|allow\w*|handle\w*|support\w*)\b"
)
_CARRIED_OUT = (
    r"\b(?:as decided|as agreed|per (?:the )?decision|following the decision|according to the decision|"
    r"implements? (?:the )?decision)\b"
)
_SENTENCE = r"(?<=[a-z0-9)\]`'\"][.!?])\s+(?=[A-Z])|\n\s*\n"


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


def strength(match: Match) -> float:
    """How surely the text is about this record's topic, 0..1 (0 below two shared title words)."""
    if match.title_hits < MIN_TITLE_HITS:
        return 0.0
    return float((match.coverage * match.subject_share) ** 0.5)


def bar(subject: str, body: str, threshold: float) -> float | None:
    """The strength a match needs for this text, or None when the text carries a decision out."""
    text = f"{subject}\n{body}"
    if re.search(_CARRIED_OUT, text, re.IGNORECASE):
        return None
    if has_reopen_wording(text):
        return threshold * CUED
    if re.search(_IMPLEMENT_START, subject, re.IGNORECASE):
        return min(0.95, threshold * 1.5)
    return threshold


def has_reopen_wording(text: str) -> bool:
    """Whether the text says it changes course ("revisit", "switch from", "instead of")."""
    return re.search(_REOPEN_CUES, text, re.IGNORECASE) is not None


def names(text: str, entry: Entry) -> bool:
    """Whether `text` refers to the record explicitly (ADR-7, ADR-0007, its path or file name)."""
    if entry.number is not None:
        for found in re.finditer(r"\b(?:ADR|decision)[-_ #]?0*(\d{1,6})\b", text, re.IGNORECASE):
            if int(found.group(1)) == entry.number:
                return True
    base = entry.path.rsplit("/", 1)[-1]
    if base in text:
        return True
    return False


def detect(
    index: Index,
    subject: str,
    body: str = "",
    threshold: float = DEFAULT_THRESHOLD / 100,
    exclude: Iterable[str] = (),
    acknowledged: Iterable[str] = (),
) -> list[Reopening]:
    """Closed decisions that `subject`/`body` re-raise, strongest first.

    `exclude` holds record paths never to report (the text's own record); `acknowledged` holds
    references (ADR-7, paths) the text declares it reopens or supersedes.
    """
    acks = [a for a in acknowledged if a.strip()]
    found: list[Reopening] = []
    text = f"{subject}\n{body}"
    needed: float | None = -1.0
    for match in index.search(subject, body, limit=10, exclude=exclude):
        if not match.entry.closed:
            continue
        value = strength(match)
        if value < threshold * CUED:
            continue  # below the lowest bar any wording sets: no need to read the wording
        if needed == -1.0:
            needed = bar(subject, body, threshold)
        if needed is None:
            return []
        if value < needed:
            continue
        if names(text, match.entry) or any(match.entry.refers_to(a) for a in acks):
            continue
        found.append(Reopening(match, value))
        if len(found) >= MAX_REPORTED:
            break
    found.sort(key=lambda r: -r.strength)
    return found


def best_passage(record_text: str, query: str, limit: int = 240) -> str:
    """The sentence of a record that shares the most query words: where to read the earlier why."""
    wanted = set(words(query))
    best, best_hits = "", 0
    for sentence in re.split(_SENTENCE, record_text):
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

_LOADED: dict[tuple[str, str], Index] = {}


def repository_index(root: str, cfg: Config) -> Index | None:
    """The index of the repository's records (cached on disk, and per process for history walks)."""
    from linter.decisions import discover
    from linter.decisions.index import load

    folders = discover.folders(root, cfg)
    if not folders:
        return None
    key = "|".join(folders)
    stamps = discover.record_stamps(root, cfg)
    cached = _LOADED.get((root, key))
    if cached is not None and len(cached.stamps) == len(stamps):
        return cached
    index = load(root, sorted(stamps), key, stamps)
    _LOADED[(root, key)] = index
    return index


def acknowledged_refs(msg: Message, cfg: Config) -> list[str]:
    """References named by the reopen trailers (`Reopens: ADR-7`, `Refs: ADR-7, ADR-9`)."""
    refs: list[str] = []
    for value in msg.trailer_values(*cfg.strings("reopen-trailers", "decisions")):
        refs.extend(part for part in re.split(r"[\s,;]+", value) if part)
    return refs


def has_new_rationale(msg: Message, cfg: Config) -> bool:
    """A body paragraph or a rationale trailer that gives a reason (the trailers alone do not)."""
    from linter.checks.rationale import judge

    for value in msg.trailer_values(*cfg.strings("rationale-trailers")):
        if judge(value, msg.subject, 2, cfg) is None:
            return True
    return any(
        judge(p, msg.subject, cfg.number("rationale-min-words"), cfg) is None for p in msg.body_paragraphs
    )


def successors(index: Index, entry: Entry) -> list[str]:
    """Ids of the records that supersede `entry`, read from both ends of the links."""
    found = [
        e.id
        for e in index.entries
        if e.path != entry.path and any(_links_to(e, r, entry) for r in e.supersedes)
    ]
    for ref in entry.superseded_by:
        for other in index.entries:
            if other.path != entry.path and _links_to(entry, ref, other) and other.id not in found:
                found.append(other.id)
    return found


def _links_to(holder: Entry, ref: str, target: Entry) -> bool:
    """Whether `ref`, as written in `holder` (maybe a path relative to it), names `target`."""
    import posixpath

    if ref.endswith((".md", ".markdown")) and not ref.startswith("ADR-"):
        ref = posixpath.normpath(posixpath.join(posixpath.dirname(holder.path), ref))
    return target.refers_to(ref)


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
        text + f"; if you mean to reopen it, add a 'Reopens: {entry.id}' trailer and say why "
        "the decision should change"
    )


_EXCLUDED: list[object] = [None, None, []]


def check_message(
    msg: Message,
    root: str,
    cfg: Config,
    before: str | None = None,
    eligible: Container[str] | None = None,
) -> list[Problem]:
    """CTX301 for one commit message or PR text.

    `eligible`, for a commit from history, holds the paths of the records closed before it (see
    decisions.timeline): no other record is reported. Without it, `before` (YYYY-MM-DD) leaves out
    decisions dated after the commit: a commit cannot reopen what was decided later.
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
    if before is not None:
        found = [item for item in found if not item.entry.date or item.entry.date[:10] <= before]
    if found:
        # A message that names a record which supersedes the match (the commit adding ADR-9, which
        # replaces ADR-7) has reopened the topic the recorded way.
        text = f"{msg.subject}\n{body}"
        named = [e for e in index.entries if names(text, e)]
        found = [
            item
            for item in found
            if not any(any(_links_to(n, r, item.entry) for r in n.supersedes) for n in named)
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
            if any(record.refers_to(ref) for ref in entry.superseded_by):
                acks.append(entry.path)
        for item in detect(index, record.title, lead, threshold, exclude=[rel], acknowledged=acks):
            if any(_same(item.entry.path, a, rel) for a in acks):
                continue
            out.append((rel, item))
    return out


def _same(path: str, ref: str, holder: str) -> bool:
    import posixpath

    if ref.startswith("ADR-"):
        return False
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(holder), ref))
    return path in (ref, joined) or path.endswith("/" + ref)
