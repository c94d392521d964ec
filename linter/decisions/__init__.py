"""Decision records (ADRs), the domain only: parsing (`records`), discovery (`discover`), the
references and supersede links between records (`references`, `links`), the topic index (`terms`,
`index`, `cache`) and the history of statuses (`timeline`). The rules that judge messages and
records against them (CTX301-309) live in `linter.checks`; nothing here imports the rule layer.

Nothing is imported here, so that `linter.checks.decisions` can ask `discover` whether a
repository has records at all without paying for the parser or the index.
"""

from __future__ import annotations

#: Statuses under which a decision is still open for debate (the words adr-tools, MADR, log4brains,
#: PEPs and RFC processes use, folded to one spelling by `records.normalise_status`). Kept here,
#: where importing costs nothing, because the index needs it on the commit hook's path.
OPEN_STATUSES = frozenset(
    {
        "proposed",
        "draft",
        "pending",
        "in progress",
        "under review",
        "in review",
        "open",
        "discussion",
        "rfc",
        "on hold",
        "exploring",
        "experimental",
        "idea",
        "requested",
        "suggested",
    }
)
#: Statuses under which the decision was taken: re-raising it is a reopening.
CLOSED_STATUSES = frozenset(
    {
        "accepted",
        "rejected",
        "deprecated",
        "superseded",
        "withdrawn",
        "final",
        "active",
        "implemented",
        "decided",
        # A deferral is a decision too ("not now"), and a provisional acceptance an acceptance:
        # raising the topic again without saying so reopens them.
        "deferred",
        "postponed",
        "provisional",
        "obsolete",
        "retired",
        "abandoned",
    }
)
#: Closed statuses whose decision no longer holds: proposing it again is the reopening.
RETIRED_STATUSES = frozenset({"rejected", "deprecated", "superseded", "withdrawn", "obsolete", "retired",
                              "abandoned"})


def is_closed(status: str | None) -> bool:
    """Whether a record with this status was decided. No status counts as decided (adr-tools logs often
    leave it out once accepted); a status ctxlint does not know is neither open nor closed: it is a
    health finding (CTX309), never a guess."""
    return status is None or status in CLOSED_STATUSES


def is_open(status: str | None) -> bool:
    """Whether the decision is still being debated (proposed, draft, pending, under review, ...)."""
    return status in OPEN_STATUSES
