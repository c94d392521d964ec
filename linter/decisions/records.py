"""Decision records as written by adr-tools (Nygard), log4brains and MADR 2, 3 and 4.

A record is parsed from its text alone; problems (no title, unterminated front matter, bytes
that are not UTF-8) become `Defect`s with a line number, never exceptions, because one broken
file must not stop the linter from reading the others.

Layouts understood:
- Nygard / adr-tools: `# 7. Title`, a `Date: 2020-01-31` line, a `## Status` section whose first
  line is the status, `Supersedes [3. Foo](0003-foo.md)` / `Superseded by ...` lines.
- MADR 2 and log4brains: `# Title`, then `* Status: accepted` / `- Date: ...` list lines.
- MADR 3 and 4: optional YAML front matter (`status`, `date`, `deciders`/`decision-makers`),
  `## Context and Problem Statement`, `## Decision Outcome`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable

from linter import TYPE_CHECKING
from linter.decisions import CLOSED_STATUSES, OPEN_STATUSES, is_closed
from linter.decisions.references import Referable
from linter.regexcache import regex

if TYPE_CHECKING:
    from linter.config import Config

#: Other words for the statuses in OPEN_STATUSES / CLOSED_STATUSES, and misspellings seen in real
#: records, folded so that the lifecycle, links and health checks understand them.
_STATUS_ALIASES = {
    "superceded": "superseded",
    "superceeded": "superseded",
    "supersceded": "superseded",
    "supercedes": "superseded",
    "replaced": "superseded",
    "approved": "accepted",
    "agreed": "accepted",
    "adopted": "accepted",
    "valid": "accepted",
    "done": "implemented",
    "complete": "implemented",
    "completed": "implemented",
    "declined": "rejected",
    "refused": "rejected",
    "retracted": "withdrawn",
    "cancelled": "withdrawn",
    "canceled": "withdrawn",
    "dropped": "withdrawn",
    "deprecate": "deprecated",
    "proposal": "proposed",
    "propose": "proposed",
    "drafted": "draft",
    "drafting": "draft",
    "wip": "in progress",
    "ongoing": "in progress",
    "review": "under review",
    "reviewing": "under review",
    "discuss": "discussion",
    "discussing": "discussion",
    "awaiting": "pending",
    "tbd": "pending",
    "undecided": "pending",
    "paused": "on hold",
    "experiment": "experimental",
    "trial": "experimental",
}
#: Statuses written as phrases, found before the word-by-word reading.
_STATUS_PHRASES = (
    (regex(r"\b(?:work )?in[- ]progress\b"), "in progress"),
    (regex(r"\b(?:under|in|for|awaiting|ready for) review\b"), "under review"),
    (regex(r"\b(?:open for|request for|requesting|call for) comments?\b"), "rfc"),
    (regex(r"\b(?:under|in|open for) discussion\b"), "discussion"),
    (regex(r"\bon[- ]hold\b"), "on hold"),
)
#: Words that qualify a status without being one: "Partly superseded by ADR-7" is superseded.
_STATUS_MODIFIERS = frozenset(
    "partly partially part wholly fully completely now currently status is was has been the this decision "
    "record adr officially formally finally provisionally mostly".split()
)

_NUMBER_IN_NAME = regex(r"^(?:adr|dr|pep|rfc)?[-_ ]?0*(\d{1,6})(?=[-_. ]|$)", re.IGNORECASE)
_NUMBERED_TITLE = regex(
    r"^(?:(?:adr|dr|decision)[-_ ]?)?0*(\d{1,6})\s*[.:)\-\u2013\u2014]\s*(.+)$", re.IGNORECASE
)
_H1 = regex(r"^#\s+(.+?)\s*#*\s*$")
_H2 = regex(r"^#{2,6}\s+(.+?)\s*#*\s*$")
_FENCE = regex(r"^\s*(```|~~~)")
_META = regex(
    r"^\s*(?:[*+-]\s+)?(?:\*\*|__)?([A-Za-z][A-Za-z -]{1,30}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$"
)
_META_KEYS = {
    "status",
    "date",
    "deciders",
    "decision-makers",
    "technical story",
    "consulted",
    "informed",
    "supersedes",
    "superseded by",
    "superseded-by",
    "replaces",
    "replaced by",
    "tags",
}
_SUPERSEDES = regex(r"\b(?:supersedes|replaces|supercedes)\b[\s:]*(.*)", re.IGNORECASE)
_SUPERSEDED_BY = regex(
    r"\b(?:superseded|superceded|superceeded|replaced)\s+by\b[\s:]*(.*)", re.IGNORECASE
)
_REF_LINK = regex(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_REF_ID = regex(r"\b(?:ADR|DR|PEP)[-_ #]?0*(\d{1,6})\b", re.IGNORECASE)
_REF_NUMBER = regex(r"^\s*0*(\d{1,6})\b")
_DATE = regex(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_WORD = regex(r"[A-Za-z][A-Za-z-]*")

#: Section headings (lowercased, leading numbers dropped) and the index field they feed.
_DECISION_HEADINGS = ("decision", "decision outcome", "outcome", "chosen option", "resolution")
_SKIP_HEADINGS = ("status", "date", "links", "references", "more information", "change log", "changelog")


class Defect:
    """Something wrong with a record's text, with the 1-based line it is on (reported as CTX302).

    Not a rule's finding: the rules turn defects into findings (`checks.decision_health`)."""

    __slots__ = ("line", "message")

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message

    def __repr__(self) -> str:
        return f"Defect({self.line}, {self.message!r})"


class Record(Referable):
    """One decision record. `supersedes` / `superseded_by` hold raw references until resolved."""

    __slots__ = (
        "context",
        "date",
        "date_line",
        "decision",
        "defects",
        "digest",
        "number",
        "path",
        "rest",
        "status",
        "status_line",
        "superseded_by",
        "supersedes",
        "title",
        "title_line",
    )

    def __init__(
        self,
        path: str,
        number: int | None,
        title: str,
        status: str | None,
        date: str | None,
        supersedes: list[str],
        superseded_by: list[str],
        context: str,
        decision: str,
        rest: str,
        digest: str,
        defects: list[Defect],
        status_line: int = 1,
        date_line: int = 1,
        title_line: int = 1,
    ) -> None:
        self.path = path
        self.number = number
        self.title = title
        self.status = status
        self.date = date
        self.supersedes = supersedes
        self.superseded_by = superseded_by
        self.context = context
        self.decision = decision
        self.rest = rest
        self.digest = digest
        self.defects = defects
        self.status_line = status_line
        self.date_line = date_line
        self.title_line = title_line

    @property
    def closed(self) -> bool:
        """Decided (accepted, rejected, superseded, ...). No status counts as decided; an unknown
        status does not (it is reported by CTX309 instead of guessed)."""
        return is_closed(self.status)

    @property
    def open(self) -> bool:
        """Still being debated: proposed, draft, pending, under review, ..."""
        return self.status in OPEN_STATUSES

    @property
    def known_status(self) -> bool:
        """Whether the status is one ctxlint knows to be open or closed (or absent)."""
        return self.status is None or self.status in OPEN_STATUSES or self.status in CLOSED_STATUSES

    def __repr__(self) -> str:
        return f"Record({self.id}, {self.title!r}, {self.status!r})"


def number_from_name(path: str) -> int | None:
    """The number a record file's name starts with (`0007-x.md`, `ADR-007-x.md`, `adr_7.md`)."""
    match = _NUMBER_IN_NAME.match(os.path.basename(path))
    return int(match.group(1)) if match else None


def normalise_status(text: str) -> str | None:
    """The status, lowercased and folded to one spelling: `Superseded by [ADR-9](...)` and
    `Partly superseded by ADR-7` -> `superseded`, `Work in progress` -> `in progress`.

    A status ctxlint does not know comes back as its first word, so that health checks can name it.
    """
    plain = _REF_LINK.sub(r"\1", text).lower()
    for pattern, status in _STATUS_PHRASES:
        if pattern.search(plain):
            return status
    first: str | None = None
    for match in _WORD.finditer(plain):
        word = match.group(0).strip("-")
        if not word or word in _STATUS_MODIFIERS:
            continue
        word = _STATUS_ALIASES.get(word, word)
        if word in OPEN_STATUSES or word in CLOSED_STATUSES:
            return word
        if first is None:
            first = word
        break  # a status is its first word: "Accepted, replacing ADR-3" is not about replacing
    return first


def find_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD, or YYYY-MM) found in `text`, zero-padded; None if there is none."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return None
    return f"{year:04d}-{month:02d}-{int(day):02d}" if day else f"{year:04d}-{month:02d}"


def references(text: str) -> list[str]:
    """The records a link line names, as strings `references.refers_to` understands."""
    found: list[str] = []
    for label, target in _REF_LINK.findall(text):
        if not target.startswith(("http://", "https://", "#", "mailto:")):
            found.append(target.split("#", 1)[0])
        else:
            number = _REF_NUMBER.match(label) or _REF_ID.search(label)
            if number:
                found.append(f"ADR-{int(number.group(1))}")
    rest = _REF_LINK.sub(" ", text)
    for match in _REF_ID.finditer(rest):
        found.append(f"ADR-{int(match.group(1))}")
    if not found:
        bare = _REF_NUMBER.match(rest)
        if bare:
            found.append(f"ADR-{int(bare.group(1))}")
    seen: list[str] = []
    for ref in found:
        if ref and ref not in seen:
            seen.append(ref)
    return seen


# --- front matter -------------------------------------------------------------------------------


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if " #" in text:  # a YAML comment after a plain scalar
        text = text.split(" #", 1)[0].rstrip()
    return text


def read_front_matter(lines: list[str], first_line: int = 2) -> tuple[dict[str, object], list[Defect]]:
    """A small reader for the YAML front matter MADR uses: `key: value`, `key: [a, b]`, `- item` lists.

    Nested mappings and multi-line scalars are skipped rather than guessed; a line that is none of
    these is a Defect. No YAML library is needed for what decision records put there.
    """
    data: dict[str, object] = {}
    defects: list[Defect] = []
    current: str | None = None
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") or stripped == "-":
            if current is not None and isinstance(data.get(current), list):
                item = data[current]
                assert isinstance(item, list)
                item.append(_scalar(stripped[1:]))
                continue
            if current is not None and data.get(current) == "":
                data[current] = [_scalar(stripped[1:])]
                continue
            defects.append(Defect(number, "front matter: a list item outside a list"))
            continue
        if line[:1] in (" ", "\t"):
            if current is not None:
                continue  # nested or continued value: not something a decision's status lives in
            defects.append(Defect(number, "front matter: unexpected indentation"))
            continue
        key, sep, value = line.partition(":")
        if not sep or not regex(r"[A-Za-z_][A-Za-z0-9_ -]*").fullmatch(key.strip()):
            defects.append(Defect(number, f"front matter: expected 'key: value', got {stripped[:40]!r}"))
            current = None
            continue
        current = key.strip().lower().replace("_", "-")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            data[current] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value in ("|", ">", "|-", ">-"):
            data[current] = ""
        else:
            data[current] = _scalar(value)
    return data, defects


# --- the record ------------------------------------------------------------------------------


def _clean_title(title: str) -> tuple[str, int | None]:
    title = title.strip().strip("*_`").strip()
    match = _NUMBERED_TITLE.match(title)
    if match:
        return match.group(2).strip(), int(match.group(1))
    return title, None


def _field_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def parse(path: str, data: bytes) -> Record:
    """Parse one record file's bytes. `path` is repo-relative, with `/` separators. Never raises."""
    defects: list[Defect] = []
    digest = hashlib.sha1(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        defects.append(Defect(bad_line, "not valid UTF-8; undecodable bytes were replaced"))
        text = data.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    lines = text.split("\n")

    front: dict[str, object] = {}
    body_start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            defects.append(Defect(1, "front matter starts with '---' but never ends"))
        else:
            front, fm_defects = read_front_matter(lines[1:end], 2)
            defects.extend(fm_defects)
            body_start = end + 1

    title = ""
    title_line = 1
    number: int | None = None
    meta: dict[str, tuple[str, int]] = {}
    sections: list[tuple[str, int, list[str]]] = [("", body_start + 1, [])]
    in_fence = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        number_line = index + 1
        first = line.lstrip()[:1]
        if first in ("`", "~") and _FENCE.match(line):
            in_fence = not in_fence
            sections[-1][2].append(line)
            continue
        if in_fence:
            sections[-1][2].append(line)
            continue
        h1 = _H1.match(line) if first == "#" else None
        if h1 and not title:
            title, number = _clean_title(h1.group(1))
            title_line = number_line
            continue
        if (
            not title
            and index + 1 < len(lines)
            and lines[index + 1][:1] == "="
            and regex(r"=+\s*").fullmatch(lines[index + 1])
            and line.strip()
        ):
            title, number = _clean_title(line)
            title_line = number_line
            lines[index + 1] = ""
            continue
        h2 = _H2.match(line) if first == "#" else None
        if h2:
            heading = regex(r"^[\d.\s]+").sub("", h2.group(1)).strip().lower()
            sections.append((heading, number_line, []))
            continue
        sections[-1][2].append(line)
        if (len(sections) == 1 or sections[-1][0] == "status") and ":" in line:
            found = _META.match(line)
            if found and found.group(1).strip().lower() in _META_KEYS:
                key = found.group(1).strip().lower()
                meta.setdefault(key, (found.group(2), number_line))

    if not title:
        fm_title = front.get("title")
        if isinstance(fm_title, str) and fm_title.strip():
            title, number = _clean_title(fm_title)
        else:
            defects.append(Defect(1, "no title: expected a '# Title' heading"))
            title = os.path.splitext(os.path.basename(path))[0].replace("-", " ").replace("_", " ")
    file_number = number_from_name(path)
    if file_number is not None:
        number = file_number

    # Status: front matter, then a `Status:` line, then the first line of a `## Status` section.
    status_text: str | None = None
    status_line = 1
    if isinstance(front.get("status"), str) and str(front["status"]).strip():
        status_text, status_line = str(front["status"]), 2
    elif "status" in meta and meta["status"][0]:
        status_text, status_line = meta["status"]
    else:
        for heading, start, body in sections:
            if heading == "status":
                for offset, line in enumerate(body, start=1):
                    if line.strip():
                        status_text, status_line = line.strip().lstrip("*-+ ").strip(), start + offset
                        break
                break
    status = normalise_status(status_text) if status_text else None

    date_text: str | None = None
    date_line = 1
    if front.get("date"):
        date_text, date_line = _field_text(front["date"]), 2
    elif "date" in meta:
        date_text, date_line = meta["date"]
    else:
        for heading, start, body in sections:
            if heading == "date":
                for offset, line in enumerate(body, start=1):
                    if line.strip():
                        date_text, date_line = line.strip(), start + offset
                        break
                break
    date = find_date(date_text) if date_text else None
    if date_text and date is None:
        defects.append(
            Defect(date_line, f"date {date_text.strip()[:40]!r} is not an ISO date (YYYY-MM-DD)")
        )

    # Supersede links live in the metadata (front matter, list lines, the status section), never in
    # the prose, where "this replaces the old cache" is not a link between records.
    supersedes: list[str] = []
    superseded_by: list[str] = []
    link_lines: list[str] = []
    for key in ("supersedes", "replaces"):
        if key in front:
            supersedes.extend(references(_field_text(front[key])) or [_field_text(front[key])])
    for key in ("superseded-by", "superseded by", "replaced-by"):
        if key in front:
            superseded_by.extend(references(_field_text(front[key])) or [_field_text(front[key])])
    if status_text:
        link_lines.append(status_text)
    for heading, _, body in sections:
        if heading in ("", "status"):
            link_lines.extend(body)
    for line in link_lines:
        by = _SUPERSEDED_BY.search(line)
        if by:
            superseded_by.extend(r for r in references(by.group(1)) if r not in superseded_by)
            continue
        sup = _SUPERSEDES.search(line)
        if sup and line.strip()[:1] in ("*", "-", "+", "S", "s", "R", "r", "[") and len(line) < 300:
            supersedes.extend(r for r in references(sup.group(1)) if r not in supersedes)
    if superseded_by and status in (None, "accepted"):
        status = "superseded"

    context_parts: list[str] = []
    decision_parts: list[str] = []
    rest_parts: list[str] = []
    for heading, _, body in sections:
        chunk = "\n".join(line for line in body if not _is_meta_line(line))
        if not chunk.strip():
            continue
        if heading in _SKIP_HEADINGS:
            continue
        if heading.startswith(_DECISION_HEADINGS):
            decision_parts.append(chunk)
        elif heading.startswith(("consequence", "pros and cons", "validation", "confirmation", "notes")):
            rest_parts.append(chunk)
        else:
            context_parts.append(chunk)
    for key in ("description", "summary"):
        if isinstance(front.get(key), str):
            context_parts.insert(0, str(front[key]))
    return Record(
        path=path,
        number=number,
        title=title,
        status=status,
        date=date,
        supersedes=supersedes,
        superseded_by=superseded_by,
        context="\n".join(context_parts),
        decision="\n".join(decision_parts),
        rest="\n".join(rest_parts),
        digest=digest,
        defects=defects,
        status_line=status_line,
        date_line=date_line,
        title_line=title_line,
    )


def _is_meta_line(line: str) -> bool:
    found = _META.match(line)
    return bool(found and found.group(1).strip().lower() in _META_KEYS)


def read(root: str, relpath: str) -> Record:
    """Read and parse the record at `root/relpath`; an unreadable file is a record with a Defect."""
    from linter.decisions.discover import MAX_RECORD_BYTES
    from linter.files import Unreadable, read_regular_file

    try:
        data = read_regular_file(os.path.join(root, relpath), MAX_RECORD_BYTES)
    except (OSError, Unreadable) as exc:
        record = parse(relpath, b"")
        reason = exc.reason if isinstance(exc, Unreadable) else exc.strerror
        record.defects = [Defect(1, f"cannot read: {reason}")]
        return record
    return parse(relpath, data)


def read_all(root: str, cfg: Config) -> list[Record]:
    """Every record under the decision folders, parsed, in path order."""
    from linter.decisions import discover

    return [read(root, rel) for rel in discover.record_paths(root, cfg)]


def find(records: Iterable[Record], ref: str, holder: str = "", *, link: bool = False) -> Record | None:
    """The record `ref` names (ADR-7, ADR-0007, 7, or a path, as written in the record at `holder`),
    or None; `link` as in `references.refers_to`."""
    for record in records:
        if record.refers_to(ref, holder, link=link):
            return record
    return None
