"""Supersede links between decision records, read from both ends.

A record says which records it supersedes, or which supersede it; either end may be the only one
written. Links between parsed records (`decisions`, the health rules) are Markdown links and
resolve only as a click would (`refers_to(..., link=True)`); the reopening rule, which reads the
index's entries, only needs to recognise the record a link means.
"""

from __future__ import annotations

from collections.abc import Sequence

from linter import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.decisions.index import Entry, Index
    from linter.decisions.records import Record
# The record parser is not imported here: the commit-msg hook reads links from the index's
# entries, and a warm hook never parses a record.


def resolve(records: Sequence[Record], holder: Record, ref: str) -> Record | None:
    """The record that a supersede link `ref`, written in `holder`, leads to."""
    from linter.decisions.records import find

    return find(records, ref, holder.path, link=True)


def supersede_map(records: Sequence[Record]) -> dict[str, tuple[list[str], list[str]]]:
    """path -> (ids it supersedes, ids that supersede it), links read from both ends."""
    result: dict[str, tuple[list[str], list[str]]] = {r.path: ([], []) for r in records}
    for record in records:
        for ref in record.supersedes:
            target = resolve(records, record, ref)
            if target is not None and target is not record:
                _add(result[record.path][0], target.id)
                _add(result[target.path][1], record.id)
        for ref in record.superseded_by:
            target = resolve(records, record, ref)
            if target is not None and target is not record:
                _add(result[record.path][1], target.id)
                _add(result[target.path][0], record.id)
    return result


def successors(index: Index, entry: Entry) -> list[str]:
    """Ids of the indexed records that supersede `entry`, read from both ends of the links."""
    found = [
        e.id for e in index.entries if e.path != entry.path and any(entry.refers_to(r, e.path) for r in e.supersedes)
    ]
    for ref in entry.superseded_by:
        for other in index.entries:
            if other.path != entry.path and other.refers_to(ref, entry.path) and other.id not in found:
                found.append(other.id)
    return found


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)
