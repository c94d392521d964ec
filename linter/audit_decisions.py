"""The audit's decision-health section: the hook point where the decision records plug in.

The decision records (`linter.decisions`) are built on another branch. Until they are merged,
`decision_health` returns an empty section marked unavailable, and the reporters say so.

HOOK POINT for the lead: fill `_from_decisions` with calls into `linter.decisions`, returning
lists of plain dicts (strings and numbers only, they go straight into the JSON report):
  stale_proposals: [{"id", "title", "path", "status", "age_days"}]
  broken_chains:   [{"id", "title", "path", "problem"}]
Commits in the period that re-raised a closed decision need no code here: the decision rules
(CTX3xx) run in the audit's engine pass, and the audit lists their commits itself
(`decision_findings`) and counts them per rule (`by_rule`).
"""

from __future__ import annotations

from typing import Any


def empty_section(available: bool = False, note: str = "") -> dict[str, Any]:
    return {"available": available, "note": note, "stale_proposals": [], "broken_chains": []}


def decision_health(root: str) -> dict[str, Any]:
    """The decision-health section for the repository at `root` (empty when records are unavailable)."""
    import importlib

    try:  # the package the decision-records work adds; absent on branches without it
        importlib.import_module("linter.decisions")
    except ImportError:
        return empty_section(note="decision records are not available in this ctxlint build")
    return _from_decisions(root)


def _from_decisions(root: str) -> dict[str, Any]:
    # HOOK POINT: connect linter.decisions here (see the module docstring for the shape).
    return empty_section(note="decision records found, but their health checks are not connected yet")
