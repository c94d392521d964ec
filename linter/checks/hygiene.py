"""CTX9xx: input ctxlint could not read fully, and skips that give no reason."""

from __future__ import annotations

from collections.abc import Sequence

from linter.checks.protocol import CommitContext, check
from linter.config import Config
from linter.message import MAX_MESSAGE_BYTES, Message


@check("CTX901", exempt_by=(), needs="trailers")
def skip_without_reason(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    key = cfg.text("skip-trailer")
    values = msg.trailer_values(key)
    if values and not any(v.strip() for v in values):
        return (f"'{key}:' needs a reason after the colon; a skip without one is not honoured",)
    return ()


@check("CTX902", exempt_by=(), needs="decode_errors")
def undecodable_message(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    if msg.decode_errors:
        return ("the message is not valid in its encoding; undecodable bytes were read as U+FFFD",)
    return ()


@check("CTX903", exempt_by=(), needs="truncated")
def oversized_message(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    if msg.truncated:
        return (f"the message is larger than {MAX_MESSAGE_BYTES // 1024} KiB; only its start was checked",)
    return ()
