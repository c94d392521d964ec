"""CTX1xx: every commit names the ticket it belongs to."""

from __future__ import annotations

from collections.abc import Sequence

from linter.checks.protocol import CommitContext, check
from linter.config import Config, per_config
from linter.message import Message


def ticket_text(msg: Message) -> str:
    """The text searched for tickets: subject, body and trailers."""
    return msg.text


def found_tickets(msg: Message, cfg: Config) -> list[str]:
    """The message's ticket references, found once and shared by the checks and the engine."""
    found = msg.tickets_found
    if found is None:
        found = msg.tickets_found = cfg.tickets.find(ticket_text(msg))
    return found


@check("CTX101")
def missing_ticket(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    if found_tickets(msg, cfg):
        return ()
    return _no_ticket(cfg)


@per_config
def _no_ticket(cfg: Config) -> tuple[str]:
    """CTX101's problem, with an example trailer that names one of the configured project keys."""
    keys = cfg.strings("project-keys")
    example = f"'Refs: {keys[0]}-123'" if keys else "'Refs: ABC-123' or 'Refs: #123'"
    return (f"no ticket reference found; name the ticket in the subject or add a trailer such as {example}",)


def _has_project_keys(cfg: Config) -> bool:
    return bool(cfg.tickets.project_keys)


@check("CTX102", active=_has_project_keys)
def unknown_project_key(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    keys = cfg.strings("project-keys")
    return [f"{ref} looks like a ticket key, but its project is not one of {', '.join(keys)}"
            for ref in cfg.tickets.foreign_keys(ticket_text(msg))]
