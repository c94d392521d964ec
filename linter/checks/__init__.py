"""Rule implementations, one module per family, registered by code.

`linter.checks.protocol` defines what a check is (read it before writing one); the modules beside
it (`tickets`, `rationale`, `hygiene`, `decisions`, and the decision rules `reopening` and
`decision_health`) implement the rules whose texts live in `rules/`.
"""

from __future__ import annotations

from linter.checks.protocol import REGISTRY, Check


def message_checks() -> dict[str, Check]:
    """All checks that read a commit message, imported on first use."""
    from linter.checks import decisions, hygiene, rationale, tickets  # noqa: F401

    return REGISTRY
