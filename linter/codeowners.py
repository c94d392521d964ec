"""CODEOWNERS: who owns a path. GitHub's rules: the last matching pattern wins, gitignore-style patterns.

Looked up where GitHub looks, first found wins: `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`.
"""

from __future__ import annotations

import hashlib
import os
import re

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
UNOWNED = "(unowned)"
#: GitHub ignores a CODEOWNERS file over 3 MB; so does ctxlint (and says so).
MAX_BYTES = 3 * 1000 * 1000
#: Paths memoised per run; a bound keeps memory flat on monorepos with millions of paths.
_MEMO_LIMIT = 200_000


def _translate(pattern: str) -> re.Pattern[str] | None:
    """A gitignore-style pattern as a regex over repository paths (`a/b/c.txt`, no leading slash)."""
    anchored = pattern.startswith("/")
    pattern = pattern.strip("/") if pattern != "/" else ""
    if not pattern:
        return None
    anchored = anchored or "/" in pattern
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            parts.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    last = pattern.rsplit("/", 1)[-1]
    # `docs/*` owns the files directly in docs/ only (GitHub's documented exception to gitignore);
    # a plain name or `dir/` also owns everything below it.
    tail = "" if ("*" in last and last != "**") else "(?:/.*)?"
    prefix = "^" if anchored else "^(?:.*/)?"
    try:
        return re.compile(prefix + "".join(parts) + tail + r"\Z", re.DOTALL)
    except re.error:
        return None


class Owners:
    """The parsed rules of one CODEOWNERS file."""

    def __init__(self, text: str, path: str = "CODEOWNERS") -> None:
        self.path = path
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.rules: list[tuple[re.Pattern[str], tuple[str, ...]]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            fields = re.split(r"(?<!\\)\s+", line)
            owners: list[str] = []
            for field in fields[1:]:
                if field.startswith("#"):  # an inline comment ends the owners
                    break
                owners.append(field)
            regex = _translate(fields[0])
            if regex is not None:
                self.rules.append((regex, tuple(owners)))
        self._memo: dict[str, tuple[str, ...]] = {}

    def of(self, path: str) -> tuple[str, ...]:
        """The owners of `path` (the last matching rule wins; a rule without owners unowns)."""
        found = self._memo.get(path)
        if found is not None:
            return found
        owners: tuple[str, ...] = ()
        for regex, who in reversed(self.rules):
            if regex.match(path):
                owners = who
                break
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[path] = owners
        return owners


def load(root: str) -> Owners | None:
    """The repository's CODEOWNERS, or None when it has none."""
    from linter.files import Unreadable, read_regular_file, skip

    for relative in LOCATIONS:
        path = os.path.join(root, relative)
        try:
            data = read_regular_file(path, MAX_BYTES)
        except Unreadable as exc:
            skip(relative, exc.reason)  # a FIFO would block the audit; GitHub would not use it either
            continue
        except OSError:
            continue
        return Owners(data.decode("utf-8", "replace"), relative)
    return None
