"""Finding and Result value objects; the exit code comes from results, never from a reporter."""

from __future__ import annotations


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

    __slots__ = ("exemptions", "findings", "skip_reason", "tickets", "has_rationale")

    def __init__(
        self,
        findings: list[Finding],
        exemptions: tuple[str, ...] = (),
        skip_reason: str | None = None,
        tickets: tuple[str, ...] = (),
        has_rationale: bool = False,
    ) -> None:
        self.findings = findings
        self.exemptions = exemptions
        self.skip_reason = skip_reason
        self.tickets = tickets
        self.has_rationale = has_rationale

    @property
    def exempt(self) -> bool:
        return bool(self.exemptions)


def exit_code(findings: list[Finding]) -> int:
    """0 when clean or warnings only, 1 when any finding is an error."""
    return 1 if any(f.severity == "error" for f in findings) else 0
