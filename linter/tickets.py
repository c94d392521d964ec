"""Ticket references per tracker, and the ticket key a branch name carries."""

from __future__ import annotations

import re

TRACKERS = ("jira", "github", "gitlab", "linear", "azure")

#: Uppercase words followed by a number that look like Jira keys but are not tickets.
NOT_PROJECT_KEYS = frozenset(
    """UTF UCS ISO SHA MD CP CVE CWE GHSA RFC GPL LGPL AGPL ADR PEP JEP JSR HTTP TLS SSL AES RSA
    ECMA IEEE ANSI WIN WINDOWS IBM LATIN BASE IPV X KB MB GB TB RC API SDK TODO FIXME""".split()
)

#: Custom patterns are applied line by line, each line cut to this length, so that even a
#: pattern that backtracks polynomially stays fast.
MAX_CUSTOM_LINE = 1024

_SPACE = re.compile(r"\s")
#: What a ticket reference other than a key holds. Written as an alternation of literals, so
#: that `re` scans for its first characters instead of trying the pattern at every position.
_NEEDLE = re.compile("#|!|://")
#: What every Jira/Linear key holds: the dash before a number that does not start with 0.
_KEY_DASH = re.compile(r"-[1-9]")


def _candidate_tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each white-space-free token holding a `#`, a `!` or a `://`, in order.

    Each search runs in C: the next needle from the end of the last token, the white space after
    it in the text, and the white space before it in the reversed text (made once, and only when
    there is a needle at all).
    """
    if "#" not in text and "!" not in text and "://" not in text:
        return []  # three memchr-fast scans: cheaper than the pattern's for the many texts with none
    hit = _NEEDLE.search(text)
    spans: list[tuple[int, int]] = []
    length = len(text)
    reverse = text[::-1]
    while hit is not None:
        at = hit.start()
        before = _SPACE.search(reverse, length - at)  # reverse[length - at] is text[at - 1]
        after = _SPACE.search(text, at)
        end = after.start() if after else length
        spans.append((length - before.start() if before else 0, end))
        hit = _NEEDLE.search(text, end)
    return spans


# A key not glued to a word, path or version before it. The look-behind comes after the first
# letter (and looks two back) so that the regex starts with a character class, which lets `re`
# skip to capitals instead of trying the look-behind at every position: same matches, half the time.
_KEY = r"([A-Z](?<![A-Za-z0-9_./-][A-Z])[A-Z0-9_]{1,14})-([1-9][0-9]{0,8})(?![A-Za-z0-9_-]|\.[0-9])"
_URL_KEY = re.compile(r"/(?:browse|issue)/([A-Za-z][A-Za-z0-9_]*)-[0-9]+")
_BUILTIN: dict[str, list[str]] = {
    "jira": [_KEY, r"https?://[^\s/]+(?:/[^\s/]+)*/browse/[A-Z][A-Z0-9_]+-[0-9]+"],
    "linear": [_KEY, r"https?://linear\.app/[\w.-]+/issue/[A-Za-z][A-Za-z0-9]+-[0-9]+"],
    "github": [
        r"(?<![\w&#/])#[1-9][0-9]{0,8}\b",
        r"\b[\w.-]+/[\w.-]+#[1-9][0-9]{0,8}\b",
        r"https?://[^\s/]+/[\w.-]+/[\w.-]+/(?:issues|pull|pulls|discussions)/[0-9]+",
    ],
    "gitlab": [
        r"(?<![\w&#/])#[1-9][0-9]{0,8}\b",
        r"(?<![\w!])(?:[\w.-]+(?:/[\w.-]+)+)?![1-9][0-9]{0,8}\b",
        r"\b[\w.-]+(?:/[\w.-]+)+#[1-9][0-9]{0,8}\b",
        r"https?://\S+?/-/(?:issues|merge_requests|work_items)/[0-9]+",
    ],
    "azure": [
        r"\bAB#[1-9][0-9]{0,8}\b",
        r"https?://\S+?/_workitems/edit/[0-9]+",
    ],
}


#: How every URL pattern starts: none can match a token without `://`.
_URL_START = "https?://"
#: For each built-in pattern but the key: substrings one of which every match contains. A token
#: holding none of them cannot match that pattern, so the pattern is left out for that token.
_NEEDLES: dict[str, tuple[str, ...]] = {
    _BUILTIN["jira"][1]: ("/browse/",),
    _BUILTIN["linear"][1]: ("linear.app/",),
    _BUILTIN["github"][0]: ("#",),
    _BUILTIN["github"][1]: ("#",),
    _BUILTIN["github"][2]: ("/issues/", "/pull/", "/pulls/", "/discussions/"),
    _BUILTIN["gitlab"][0]: ("#",),
    _BUILTIN["gitlab"][1]: ("!",),
    _BUILTIN["gitlab"][2]: ("#",),
    _BUILTIN["gitlab"][3]: ("/-/issues/", "/-/merge_requests/", "/-/work_items/"),
    _BUILTIN["azure"][0]: ("AB#",),
    _BUILTIN["azure"][1]: ("/_workitems/edit/",),
}


class TicketMatcher:
    """Finds ticket references in text, per the configured trackers, keys and patterns."""

    __slots__ = ("_any_needle", "_by_need", "_custom", "_key_re", "_needles", "_others",
                 "_plain_needles", "project_keys", "trackers")

    def __init__(
        self,
        trackers: tuple[str, ...] | list[str] = TRACKERS,
        project_keys: tuple[str, ...] | list[str] = (),
        custom_patterns: list[re.Pattern[str]] | None = None,
    ) -> None:
        self.trackers = tuple(trackers)
        self.project_keys = frozenset(k.upper() for k in project_keys)
        self._custom = list(custom_patterns or ())
        uses_keys = "jira" in self.trackers or "linear" in self.trackers
        self._key_re = re.compile(_KEY) if uses_keys else None
        others: list[str] = []
        for tracker in self.trackers:
            for pattern in _BUILTIN.get(tracker, ()):
                if pattern != _KEY and pattern not in others:
                    others.append(pattern)
        # No pattern of all these alternatives is compiled (it would take a millisecond of every
        # start): each token gets the alternatives that can match in it (_others_for).
        self._others = [(p, _NEEDLES[p]) for p in others]
        self._needles = sorted({n for p in others for n in _NEEDLES[p]})
        #: The needles of the patterns that are not URLs: all a token without `://` can match.
        self._plain_needles = sorted({n for p in others if not p.startswith(_URL_START) for n in _NEEDLES[p]})
        self._any_needle = re.compile("|".join(re.escape(n) for n in self._needles)) if others else None
        self._by_need: dict[tuple[bool, tuple[bool, ...]], re.Pattern[str] | None] = {}

    def _others_for(self, word: str) -> re.Pattern[str] | None:
        """The combined pattern of the alternatives that can match in `word`, kept in their
        original order so that the leftmost-first choice among them is unchanged."""
        url = "://" in word
        if not url:
            # The usual token, `(#123)`: URL patterns start with `https?://` and cannot match it,
            # so only the few needles of the other patterns need looking for.
            needles = self._plain_needles
            present = tuple([n in word for n in needles])
            if True not in present:
                return None
        elif self._any_needle is None or self._any_needle.search(word) is None:
            return None  # a plain URL: one scan says no pattern can match
        else:
            needles = self._needles
            present = tuple([n in word for n in needles])
        key = (url, present)
        pattern = self._by_need.get(key, False)
        if pattern is False:
            found = {n for n, here in zip(needles, present) if here}
            kept = [p for p, wanted in self._others
                    if found.intersection(wanted) and (url or not p.startswith(_URL_START))]
            pattern = re.compile("|".join(f"(?:{p})" for p in kept)) if kept else None
            self._by_need[key] = pattern
        return pattern  # type: ignore[return-value]

    def _url_key_ok(self, ref: str) -> bool:
        """A Jira or Linear URL names a key too: with project keys configured, it must be one."""
        if not self.project_keys or ("/browse/" not in ref and "linear.app/" not in ref):
            return True
        key = _URL_KEY.search(ref)
        return key is None or key.group(1).upper() in self.project_keys

    def _key_ok(self, project: str) -> bool:
        if self.project_keys:
            return project in self.project_keys
        return project not in NOT_PROJECT_KEYS

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every ticket reference in `text`, in order of appearance."""
        found: list[tuple[int, int]] = []
        if self._key_re is not None and _KEY_DASH.search(text) is not None:
            for m in self._key_re.finditer(text):
                if self._key_ok(m.group(1)):
                    found.append(m.span())
        if self._others:
            # Every other pattern needs a `#`, a `!` or a `://` and none matches across white
            # space, so only the white-space-free tokens holding one can match: scanning just those
            # finds exactly the same references, without the quadratic backtracking of `[\w.-]+`
            # at every position of long prose. Within a token, the alternatives whose required
            # character is absent can never match, so dropping them changes nothing but the time.
            for start, end in _candidate_tokens(text):
                other = self._others_for(text[start:end])
                if other is not None:
                    for m in other.finditer(text, start, end):
                        if self._url_key_ok(m.group(0)):
                            found.append(m.span())
        if self._custom:
            offset = 0
            for line in text.split("\n"):
                window = line[:MAX_CUSTOM_LINE]
                for pattern in self._custom:
                    for m in pattern.finditer(window):
                        if m.group(0):
                            found.append((offset + m.start(), offset + m.end()))
                offset += len(line) + 1
        found.sort()
        return found

    def find(self, text: str) -> list[str]:
        """Every ticket reference in `text`, in order of appearance, without duplicates."""
        spans = self.spans(text)
        if len(spans) < 2:  # the usual case: no reference or one
            return [text[start:end] for start, end in spans]
        # A dict keeps the order and dedupes in linear time: a pasted log can hold 50,000 keys.
        return list(dict.fromkeys(text[start:end] for start, end in spans))

    def remove(self, text: str) -> str:
        """`text` with every ticket reference blanked out, in one pass."""
        pieces: list[str] = []
        last = 0
        for start, end in self.spans(text):
            if start >= last:
                pieces.append(text[last:start])
                pieces.append(" ")
                last = end
            elif end > last:
                last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def foreign_keys(self, text: str) -> list[str]:
        """Jira-shaped keys whose project is not among the configured project keys."""
        if self._key_re is None or not self.project_keys:
            return []
        out: list[str] = []
        for m in self._key_re.finditer(text):
            project = m.group(1)
            if project not in self.project_keys and project not in NOT_PROJECT_KEYS:
                if m.group(0) not in out:
                    out.append(m.group(0))
        return out

    def from_branch(self, branch: str, branch_pattern: re.Pattern[str] | None = None) -> str | None:
        """The ticket a branch name carries, written as it would appear in a message.

        `feature/ABC-123-retry` gives `ABC-123`; `abc-123-retry` too when ABC is a configured
        project key; GitHub's `123-fix-login` branches give `#123`.
        """
        if branch_pattern is not None:
            m = branch_pattern.search(branch[:MAX_CUSTOM_LINE])
            if m:
                return m.group(1) if m.groups() and m.group(1) else m.group(0)
            return None
        if self._key_re is not None:
            for m in re.finditer(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_]{1,14})-([1-9][0-9]{0,8})(?![0-9])",
                                 branch):
                project = m.group(1)
                if project.isupper() or project.upper() in self.project_keys:
                    if self._key_ok(project.upper()):
                        return f"{project.upper()}-{m.group(2)}"
        if "github" in self.trackers or "gitlab" in self.trackers:
            m = re.search(r"(?:^|/)(?:issue-|gh-)?([1-9][0-9]{0,8})(?:[-_]|$)", branch, re.IGNORECASE)
            if m:
                return f"#{m.group(1)}"
        if "azure" in self.trackers:
            m = re.search(r"(?:^|/)ab#?([1-9][0-9]{0,8})(?:[-_]|$)", branch, re.IGNORECASE)
            if m:
                return f"AB#{m.group(1)}"
        return None
