"""The one error type: its message is the single line the user sees."""

from __future__ import annotations


class CtxlintError(Exception):
    """A problem with the input, the config or the repository; exits with code 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
