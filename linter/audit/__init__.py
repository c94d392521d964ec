"""History -> per-commit records -> aggregates -> one complete report. Pure data: nothing here prints.

One `git log -z --numstat` stream feeds the same engine that lints commits at commit time
(`walk`, `pool`); each commit becomes a compact `record.Record`, and records are folded into
fixed-size counters (`aggregate`), so memory grows with the number of distinct authors, folders
and weeks, never with commits. Records are cached under the git directory (`cache`), so a weekly
run only reads and lints the commits that are new since the last one. `decisions` adds the
health of the repository's decision records; `merge` combines the reports of many repositories.
"""

from __future__ import annotations

import os
import time
from typing import Any

from linter import __version__, gitio, history
from linter.audit.aggregate import SCHEMA_VERSION, Aggregator
from linter.audit.cache import CacheError, CacheInfo
from linter.audit.dates import iso
from linter.audit.decisions import decision_health
from linter.audit.walk import Options, run
from linter.codeowners import Owners
from linter.config import Config

__all__ = ["SCHEMA_VERSION", "Options", "audit"]


def audit(root: str, cfg: Config, options: Options, owners: Owners | None = None) -> dict[str, Any]:
    """Audit the history the options select: the whole report, JSON-ready (schema in docs/audit.md)."""
    warnings: list[str] = []
    shallow = gitio.is_shallow(root)
    if shallow:
        warnings.append(
            "shallow clone: only the fetched history is audited; fetch it all for full numbers "
            "(actions/checkout: `fetch-depth: 0`)"
        )
    empty = not gitio.has_commits(root) and not options.explicit_revisions
    if not empty:
        history.check_revisions(options.revisions, root)
    agg = Aggregator(options.missing_limit)
    info = CacheInfo()
    if empty:
        if history.any_commit(root):
            warnings.append("HEAD is an unborn branch with no commits yet: name a branch to audit it")
        else:
            warnings.append("the repository has no commits yet")
    else:
        try:
            damage = run(root, cfg, options, owners, agg, info)
        except CacheError as exc:
            # Found only while replaying: what was added so far is dropped, and a fresh walk
            # writes a new cache in place of the damaged one.
            agg = Aggregator(options.missing_limit)
            info = CacheInfo()
            run(root, cfg, options, owners, agg, info, read_cache=False)
            damage = str(exc)
        if damage is not None:
            info.tell(f"the audit cache did not validate ({damage}); the history was read again")
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ctxlint", "version": __version__},
        "generated_at": iso(int(time.time())),
        "repository": {
            "name": options.name or os.path.basename(os.path.abspath(root)),
            "head": gitio.resolve("HEAD", root) if not empty else None,
            "shallow": shallow,
            "codeowners": owners.path if owners is not None else None,
        },
        "period": {"revisions": options.revisions, "since": iso(options.since), "until": iso(options.until)},
    }
    report.update(agg.report())
    if agg.last is not None and agg.last >= gitio.TIMESTAMP_MAX:
        warnings.append(
            f"some commits are dated after {iso(gitio.TIMESTAMP_MAX)} (git accepts such dates; they "
            "cannot be shown): they are counted at that date"
        )
    if agg.first is not None and agg.first <= gitio.TIMESTAMP_MIN:
        warnings.append(f"some commits are dated before {iso(gitio.TIMESTAMP_MIN)}: they are counted at that date")
    report["cache"] = info.as_dict()
    report["warnings"] = warnings
    report["decisions"] = decision_health(root, cfg)
    return report
