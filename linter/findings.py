"""Finding and Result value objects; the exit code comes from results, never from a reporter."""

from __future__ import annotations

from collections.abc import Callable


class Finding:
    """One rule's verdict on one thing (a message, a commit, a PR, a decision record)."""

    __slots__ = ("code", "commit", "decision", "line", "message", "name", "path", "severity", "subject")

    def __init__(
        self,
        code: str,
        name: str,
        severity: str,
        message: str,
        commit: str | None = None,
        subject: str | None = None,
        path: str | None = None,
        line: int | None = None,
        decision: str | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.commit = commit
        self.subject = subject
        self.path = path
        self.line = line
        self.decision = decision

    def to_dict(self) -> dict[str, object]:
        """The JSON shape: code, severity, message, commit, plus optional location fields."""
        data: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "commit": self.commit,
        }
        for key in ("subject", "path", "line", "decision"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.code, self.message, self.commit, self.path, self.line))

    def __repr__(self) -> str:
        return f"Finding({self.code} {self.severity}: {self.message!r})"


class Result:
    """What the engine says of one message: its findings and the exemptions that applied."""

    __slots__ = ("_has_rationale", "_tickets", "_verdicts", "exemptions", "findings", "skip_reason")

    def __init__(
        self,
        findings: list[Finding],
        exemptions: tuple[str, ...] = (),
        skip_reason: str | None = None,
        verdicts: Callable[[], tuple[tuple[str, ...], bool]] | None = None,
    ) -> None:
        self.findings = findings
        self.exemptions = exemptions
        self.skip_reason = skip_reason
        self._tickets: tuple[str, ...] = ()
        self._has_rationale = False
        #: What gives (tickets, has_rationale) on first read: check-range reads neither, and an
        #: exempt commit (a bot's long notes) would pay for both.
        self._verdicts = verdicts

    def _judge(self) -> None:
        verdicts = self._verdicts
        if verdicts is not None:
            self._tickets, self._has_rationale = verdicts()
            self._verdicts = None

    @property
    def tickets(self) -> tuple[str, ...]:
        """The ticket references the message names."""
        self._judge()
        return self._tickets

    @property
    def has_rationale(self) -> bool:
        """Whether the message says why (the rationale judgement, exemptions aside)."""
        self._judge()
        return self._has_rationale

    @property
    def exempt(self) -> bool:
        return bool(self.exemptions)


def exit_code(findings: list[Finding]) -> int:
    """0 when clean or warnings only, 1 when any finding is an error."""
    return exit_code_of(any(f.severity == "error" for f in findings))


def exit_code_of(errors: int | bool) -> int:
    """`exit_code` from the number of error findings (a range drawn where it was linted keeps the
    count, not the findings: report.outcome.Drawn)."""
    return 1 if errors else 0
