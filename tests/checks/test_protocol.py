"""Every check follows the one protocol of linter/checks/__init__.py: it returns its problems as a
tuple or list (never a generator), `()` when the message passes; what it declares it `needs` and
when it is `active` are promises the engine relies on to skip it, so they are tested here on every
registered check rather than trusted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from messages import CONTEXTS, generated_messages

from linter.checks import message_checks
from linter.checks.protocol import CommitContext
from linter.config import Config, per_config, validate
from linter.message import MAX_MESSAGE_BYTES, Message, parse

CONFIGS = [
    Config(),
    validate({"project-keys": ["LANG", "PAY"], "rationale-in-subject": False, "rationale-trailers": ["Reason"],
              "skip-trailer": "Signed-off-by"}, "test"),
]


@pytest.fixture(autouse=True, scope="module")
def outside_any_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Check from an empty folder, where no decision records make CTX301 active."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("outside"))
        yield


def messages() -> Iterator[tuple[Message, CommitContext]]:
    for i, text in enumerate(generated_messages()):
        author, parents = CONTEXTS[i % len(CONTEXTS)]
        msg = parse(text[:MAX_MESSAGE_BYTES], None, decode_errors="\ufffd" in text,
                    truncated=len(text) > MAX_MESSAGE_BYTES)
        yield msg, CommitContext(f"{i:040x}", author, parents, "history")


@pytest.mark.parametrize("cfg", CONFIGS)
def test_every_check_returns_a_sequence_of_texts_and_keeps_its_promises(cfg: Config) -> None:
    checks = sorted(message_checks().items())
    found: set[str] = set()
    for msg, ctx in messages():
        for code, entry in checks:
            problems = entry.function(msg, ctx, cfg)
            assert isinstance(problems, (tuple, list)), (code, type(problems))
            assert all(isinstance(p, str) for p in problems), (code, problems)
            if problems:
                found.add(code)
                # The engine skips a check whose `needs` is empty, or that is not `active`.
                assert entry.needs is None or getattr(msg, entry.needs), (code, msg.text)
                assert entry.active is None or entry.active(cfg), (code, msg.text)
    assert found  # the messages make the checks say something


def test_a_per_config_value_is_computed_once_for_each_config() -> None:
    calls: list[Config] = []

    @per_config
    def keys(cfg: Config) -> tuple[str, ...]:
        """The configured project keys."""
        calls.append(cfg)
        return tuple(cfg.strings("project-keys"))

    first, second = CONFIGS
    assert (keys(first), keys(second), keys(first), keys(second)) == ((), ("LANG", "PAY"), (), ("LANG", "PAY"))
    assert calls == [first, second]
    assert keys.__doc__ == "The configured project keys."


def test_the_protocol_is_documented_where_a_new_check_is_written() -> None:
    import linter.checks.protocol

    doc = linter.checks.protocol.__doc__ or ""
    for word in ("@check(", "Sequence[str]", "return ()", "needs", "active", "exempt_by", "per_config", "rules/"):
        assert word in doc, word


def test_a_generator_check_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first test fails on a check written the old way, as a generator."""
    from linter.checks.protocol import REGISTRY, Check

    def old_style(msg: Message, ctx: CommitContext, cfg: Config) -> Iterator[str]:
        yield from ()

    monkeypatch.setitem(REGISTRY, "CTX995", Check("CTX995", old_style, ()))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="CTX995"):
        test_every_check_returns_a_sequence_of_texts_and_keeps_its_promises(Config())
