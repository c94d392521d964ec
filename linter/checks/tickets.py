"""CTX1xx: every commit names the ticket it belongs to."""

from __future__ import annotations

from collections.abc import Iterator

from linter.checks import CommitContext, check
from linter.config import Config
from linter.message import Message


def ticket_text(msg: Message) -> str:
    """The text searched for tickets: subject, body and trailers."""
    return msg.text


def found_tickets(msg: Message, cfg: Config) -> list[str]:
    """The message's ticket references, found once and shared by the checks and the engine."""
    cached = msg.memo.get("tickets")
    if not isinstance(cached, list):
        cached = msg.memo["tickets"] = cfg.tickets.find(ticket_text(msg))
    return cached


@check("CTX101")
def missing_ticket(msg: Message, ctx: CommitContext, cfg: Config) -> tuple[str, ...]:
    # A tuple, not a generator: this runs for every commit of a range, and most pass.
    if found_tickets(msg, cfg):
        return ()
    problem = cfg.memo.get("CTX101")
    if problem is None:
        keys = cfg.strings("project-keys")
        example = f"'Refs: {keys[0]}-123'" if keys else "'Refs: ABC-123' or 'Refs: #123'"
        problem = cfg.memo["CTX101"] = (
            f"no ticket reference found; name the ticket in the subject or add a trailer such as {example}",
        )
    return problem  # type: ignore[return-value]


def _has_project_keys(cfg: Config) -> bool:
    return bool(cfg.tickets.project_keys)


@check("CTX102", active=_has_project_keys)
def unknown_project_key(msg: Message, ctx: CommitContext, cfg: Config) -> Iterator[str]:
    keys = cfg.strings("project-keys")
    for ref in cfg.tickets.foreign_keys(ticket_text(msg)):
        yield f"{ref} looks like a ticket key, but its project is not one of {', '.join(keys)}"
