"""Ticket references per tracker, and the ticket key a branch name carries."""

from __future__ import annotations

import re
from collections.abc import Sequence

from linter import TYPE_CHECKING
from linter.regexcache import regex

if TYPE_CHECKING:
    from linter.regexguard import Regex

TRACKERS = ("jira", "github", "gitlab", "linear", "azure", "bugzilla")

#: Uppercase words followed by a number that look like Jira keys but are not tickets.
NOT_PROJECT_KEYS = frozenset(
    """UTF UCS ISO SHA MD CP CVE CWE GHSA RFC GPL LGPL AGPL ADR PEP JEP JSR HTTP TLS SSL AES RSA
    ECMA IEEE ANSI WIN WINDOWS IBM LATIN BASE IPV X KB MB GB TB RC API SDK TODO FIXME""".split()
)

_SPACE = regex(r"\s")
#: What a ticket reference other than a key holds. Written as an alternation of literals, so
#: that `re` scans for its first characters instead of trying the pattern at every position.
_NEEDLE = regex("#|!|://")
#: What every Jira/Linear key holds: the dash before a number that does not start with 0.
_KEY_DASH = regex(r"-[1-9]")


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
_URL_KEY = regex(r"/(?:browse|issue)/([A-Za-z][A-Za-z0-9_]*)-[0-9]+")
#: Where a path reference (`group/project#1`) may start: at the first character of its run of path
#: characters, never inside it. With `\b` there, a long token such as `a/a/a/…/a#x` was scanned to
#: its end from each of its words, quadratic in its length; from its first character only, once.
_PATH = r"(?<![\w./-])\w[\w.-]*"
#: A URL's path up to the part that names the ticket. Segments hold no `/`, so a scan cannot run
#: across the `//` of a following URL, and the tries from the URLs of one token stay linear.
_URL_PATH = r"https?://[^\s/]+(?:/[^\s/]+)*?"
_NUMBER = r"[1-9][0-9]{0,8}\b"
#: A reference by word, as people write them in prose: "issue 5342", "bug 18836", "Fixing issue
#: 140", "PR 1326", "Bug: 1234", "BUG#30929". `issue #12` is left to the `#12` pattern. The
#: look-behind follows the first letter, as in _KEY; the number is not a version (`bug 1.2`).
_WORDS = (
    r"(?i:[bipmt](?<![\w-][bipmt])(?:ug|ssue|r|ull[ -]request|erge[ -]request|icket)s?(?:[ \t]?[:=]?[ \t]?|#))"
    r"([1-9][0-9]{0,8})(?![\w-]|\.[0-9])"
)
#: GitHub's documented `GH-123` autolink, in any case ("Closes gh-1234").
_GH_DASH = r"(?i:g(?<![\w-]g)h-)([1-9][0-9]{0,8})(?![\w-]|\.[0-9])"
_HASH = r"(?<![\w&#/])#" + _NUMBER
_BUILTIN: dict[str, list[str]] = {
    "jira": [_KEY, _URL_PATH + r"/browse/[A-Z][A-Z0-9_]+-[0-9]+"],
    "linear": [_KEY, r"https?://linear\.app/[\w.-]+/issue/[A-Za-z][A-Za-z0-9]+-[0-9]+"],
    "github": [
        _HASH,
        _PATH + r"/[\w.-]+#" + _NUMBER,
        # github.com/owner/repo/pull/8, and the same path under another host or prefix (patch-diff
        # links, Gitea and Forgejo installs): the two segments before `issues`/`pull` name the repo.
        _URL_PATH + r"/[\w.-]+/[\w.-]+/(?:issues|pull|pulls|discussions)/[0-9]+",
        _WORDS,
        _GH_DASH,
    ],
    "gitlab": [
        _HASH,
        r"(?<![\w!])!" + _NUMBER,
        _PATH + r"(?:/[\w.-]+)+!" + _NUMBER,
        _PATH + r"(?:/[\w.-]+)+#" + _NUMBER,
        _URL_PATH + r"/-/(?:issues|merge_requests|work_items)/[0-9]+",
        _WORDS,
    ],
    "azure": [
        r"\bAB#" + _NUMBER,
        _URL_PATH + r"/_workitems/edit/[0-9]+",
    ],
    "bugzilla": [
        _URL_PATH + r"/show_bug\.cgi\?id=[0-9]+",
        _WORDS,
    ],
}
#: Patterns found by a scan of the whole text rather than of the tokens holding `#`, `!` or `://`.
_TEXT_WIDE = (_KEY, _WORDS, _GH_DASH)


#: How every URL pattern starts: none can match a token without `://`.
_URL_START = "https?://"
#: For each pattern of the token scan: substrings one of which every match contains. A token
#: holding none of them cannot match that pattern, so the pattern is left out for that token.
_NEEDLES: dict[str, tuple[str, ...]] = {
    _BUILTIN["jira"][1]: ("/browse/",),
    _BUILTIN["linear"][1]: ("linear.app/",),
    _HASH: ("#",),
    _BUILTIN["github"][1]: ("#",),
    _BUILTIN["github"][2]: ("/issues/", "/pull/", "/pulls/", "/discussions/"),
    _BUILTIN["gitlab"][1]: ("!",),
    _BUILTIN["gitlab"][2]: ("!",),
    _BUILTIN["gitlab"][3]: ("#",),
    _BUILTIN["gitlab"][4]: ("/-/issues/", "/-/merge_requests/", "/-/work_items/"),
    _BUILTIN["azure"][0]: ("AB#",),
    _BUILTIN["azure"][1]: ("/_workitems/edit/",),
    _BUILTIN["bugzilla"][0]: ("show_bug.cgi?id=",),
}
#: What the word forms need, in lower case: the text is searched for them (in C) before the
#: pattern runs (in `re`, at every position), which most messages never need.
#: "PR 1326" and its relatives, in the lower-cased text: a literal start, so `re` scans in C.
_PR_GATE = regex(r"prs?[ \t#:=]")

#: Where a ticket is written rather than mentioned: at the start of a line, after an opening
#: bracket or a trailer key ("Refs: ", "Fixes: "), and after other references on that line.
_TICKET_LEAD = r"[ \t]*(?:[\w-]{1,40}:[ \t]*)?(?:[\[(]?[A-Z][A-Z0-9_]*-[0-9]+[\])]?[,;]?[ \t]+)*[\[(]?"
_TWO_DIGITS = r"[0-9]{2}"
_COMPILED: dict[str, re.Pattern[str]] = {}


def _regex(pattern: str) -> re.Pattern[str]:
    """`pattern`, compiled on first use: each compile costs the commit-msg hook, and most
    messages never need these patterns (a version-shaped key, a merge, a reference in words)."""
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = regex(pattern)
    return compiled
#: How far into its line a ticket may stand and still be written as one.
_LEAD_REACH = 80
#: Powers of two from 16 to 4096: bit and block sizes (SHA-256, AES-128, UTF-16, RSA-2048).
_SIZES = frozenset(str(2**n) for n in range(4, 13))


def _doubtful(project: str, number: str) -> bool:
    """Whether a key has the shape of a version or a standard rather than a ticket: a one-digit
    number (UTF-8, JDK-8, GPL-3), a bit size (SHA-256, AES-128), a round thousand (HAL-9000), or a
    project holding a number of its own (ISO8859-1, X86-64, WIN32-1). Real keys of these shapes
    exist (a project's first tickets); they count where tickets are written, not in prose."""
    return (
        len(number) == 1
        or number in _SIZES
        or number.endswith("000")
        or (not project.isalpha() and _regex(_TWO_DIGITS).search(project) is not None)
    )


def _written_as_ticket(text: str, start: int) -> bool:
    """Whether the reference at `start` stands where tickets are written (see _TICKET_LEAD)."""
    # Only the start of a line is looked at, so that a line of 100,000 keys costs no more than
    # one of ten: each look is bounded, not a scan back to the line's start.
    line_start = text.rfind("\n", max(0, start - _LEAD_REACH), start) + 1
    if line_start == 0 and start > _LEAD_REACH:
        return False
    return _regex(_TICKET_LEAD).fullmatch(text, line_start, start) is not None


#: The branch names of a merge's subject: GitHub's `Merge pull request #12 from owner/branch`,
#: git's `Merge branch 'name' into main`, `Merge remote-tracking branch 'origin/x'`. They name branches,
#: not tickets: `owner/bugfix-#2933` in one is not a reference, nor `owner/bugfix` a repository
#: (the pull request's own #12 still is one).
_MERGE_BRANCHES = r"'[^'\n]*'|(?<=\bfrom )\S+|(?<=\binto )\S+"


def _branch_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the branch names in the subject of a merge commit's message."""
    subject_end = text.find("\n")
    if subject_end < 0:
        subject_end = len(text)
    return [m.span() for m in _regex(_MERGE_BRANCHES).finditer(text, 0, subject_end)]


def _outside(spans: list[tuple[int, int]], hidden: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sorted `spans` that overlap none of the sorted, disjoint `hidden` spans (one sweep)."""
    if not hidden:
        return spans
    kept: list[tuple[int, int]] = []
    index = 0
    for start, end in spans:
        while index < len(hidden) and hidden[index][1] <= start:
            index += 1
        if index < len(hidden) and hidden[index][0] < end:
            continue
        kept.append((start, end))
    return kept


class TicketMatcher:
    """Finds ticket references in text, per the configured trackers, keys and patterns."""

    __slots__ = ("_by_need", "_custom", "_gh_dash", "_key_re", "_needles", "_others",
                 "_plain_needles", "_word_forms", "project_keys", "trackers")

    def __init__(
        self,
        trackers: tuple[str, ...] | list[str] = TRACKERS,
        project_keys: tuple[str, ...] | list[str] = (),
        custom_patterns: Sequence[Regex] | None = None,
    ) -> None:
        self.trackers = tuple(trackers)
        self.project_keys = frozenset(k.upper() for k in project_keys)
        self._custom = list(custom_patterns or ())
        enabled = {p for tracker in self.trackers for p in _BUILTIN.get(tracker, ())}
        self._key_re = regex(_KEY) if _KEY in enabled else None
        self._word_forms = _WORDS if _WORDS in enabled else None
        self._gh_dash = _GH_DASH if _GH_DASH in enabled else None
        others: list[str] = []
        for tracker in self.trackers:
            for pattern in _BUILTIN.get(tracker, ()):
                if pattern not in _TEXT_WIDE and pattern not in others:
                    others.append(pattern)
        # No pattern of all these alternatives is compiled (it would take a millisecond of every
        # start): each token gets the alternatives that can match in it (_others_for).
        self._others = [(p, _NEEDLES[p]) for p in others]
        self._needles = sorted({n for p in others for n in _NEEDLES[p]})
        #: The needles of the patterns that are not URLs: all a token without `://` can match.
        self._plain_needles = sorted({n for p in others if not p.startswith(_URL_START) for n in _NEEDLES[p]})
        self._by_need: dict[tuple[bool, tuple[bool, ...]], re.Pattern[str] | None] = {}

    def _others_for(self, word: str) -> re.Pattern[str] | None:
        """The combined pattern of the alternatives that can match in `word`, kept in their
        original order so that the leftmost-first choice among them is unchanged."""
        url = "://" in word
        # The usual token, `(#123)`: URL patterns start with `https?://` and cannot match it, so
        # only the few needles of the other patterns need looking for. A URL is looked at for all
        # of them: a dozen substring searches in C, half the time of one regex scan for any.
        needles = self._needles if url else self._plain_needles
        present = tuple(map(word.__contains__, needles))  # the loop in C: a token per reference
        if True not in present:
            return None  # no pattern can match here: the usual case, and every plain URL's
        key = (url, present)
        pattern = self._by_need.get(key, False)
        if pattern is False:
            found = {n for n, here in zip(needles, present) if here}
            kept = [p for p, wanted in self._others
                    if found.intersection(wanted) and (url or not p.startswith(_URL_START))]
            pattern = regex("|".join(f"(?:{p})" for p in kept)) if kept else None
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

    def _keys(self, text: str, pattern: re.Pattern[str], found: list[tuple[int, int]]) -> None:
        """Add the Jira/Linear keys in `text` to `found`: the configured projects' keys, or with
        none configured every key but false friends (see _doubtful)."""
        configured = self.project_keys
        for m in pattern.finditer(text):
            project, number = m.group(1, 2)
            if configured:
                if project in configured:
                    found.append(m.span())
            elif project in NOT_PROJECT_KEYS or (project == "GH" and self._gh_dash is not None):
                continue  # GH-123 is GitHub's own form, found with it
            elif not _doubtful(project, number) or _written_as_ticket(text, m.start()):
                found.append(m.span())

    def _words(self, text: str, found: list[tuple[int, int]]) -> None:
        """Add the references written in words ("issue 5342", "gh-1234") to `found`."""
        lower = text.lower()
        if self._word_forms is not None and (
            "bug" in lower or "issue" in lower or "ticket" in lower or "request" in lower
            or _PR_GATE.search(lower) is not None
        ):
            found.extend(m.span() for m in _regex(self._word_forms).finditer(text))
        if self._gh_dash is not None and "gh-" in lower:
            found.extend(m.span() for m in _regex(self._gh_dash).finditer(text))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every ticket reference in `text`, in order of appearance."""
        found: list[tuple[int, int]] = []
        if self._word_forms is not None or self._gh_dash is not None:
            self._words(text, found)
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
        if text.startswith("Merge") and found:
            # A merge's branch names are not references (`from garenchan/bugfix-#2933`); a key that
            # is a branch's whole name still is (`Merge branch 'LANG-1411'`), found below.
            found.sort()
            found = _outside(found, _branch_spans(text))
        if self._key_re is not None and _KEY_DASH.search(text) is not None:
            self._keys(text, self._key_re, found)
        for pattern in self._custom:
            # One RE2 pass over the whole text, linear in its length; a pattern matches within one
            # line, as if run line by line (regexguard).
            found.extend(pattern.spans(text))
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
        """Jira-shaped keys whose project is not among the configured project keys (false friends
        such as UTF-8 and GitHub's GH-123 left out)."""
        if self._key_re is None or not self.project_keys:
            return []
        out: list[str] = []
        for m in self._key_re.finditer(text):
            project = m.group(1)
            if project in self.project_keys or project in NOT_PROJECT_KEYS or project == "GH":
                continue
            if _doubtful(project, m.group(2)) and not _written_as_ticket(text, m.start()):
                continue
            if m.group(0) not in out:
                out.append(m.group(0))
        return out

    def from_branch(self, branch: str, branch_pattern: Regex | None = None) -> str | None:
        """The ticket a branch name carries, written as it would appear in a message.

        `feature/ABC-123-retry` gives `ABC-123`; `abc-123-retry` too when ABC is a configured
        project key; GitHub's `123-fix-login` branches give `#123`.
        """
        if branch_pattern is not None:
            return branch_pattern.first(branch)
        if self._key_re is not None:
            for m in regex(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_]{1,14})-([1-9][0-9]{0,8})(?![0-9])").finditer(branch):
                project = m.group(1)
                if project.isupper() or project.upper() in self.project_keys:
                    if self._key_ok(project.upper()):
                        return f"{project.upper()}-{m.group(2)}"
        if "github" in self.trackers or "gitlab" in self.trackers:
            number = regex(r"(?:^|/)(?:issue-|gh-)?([1-9][0-9]{0,8})(?:[-_]|$)", re.IGNORECASE).search(branch)
            if number:
                return f"#{number.group(1)}"
        if "azure" in self.trackers:
            number = regex(r"(?:^|/)ab#?([1-9][0-9]{0,8})(?:[-_]|$)", re.IGNORECASE).search(branch)
            if number:
                return f"AB#{number.group(1)}"
        return None


_KEY_TICKET = r"([A-Z][A-Z0-9_]*)-[0-9]+"
_WORD_TICKET = _WORDS + "|" + _GH_DASH
_BROWSE = r"/(?:browse|issue)/([A-Za-z][A-Za-z0-9_]*)-[0-9]+"
_GITLAB_URL = r"https?://[^/\s]+/([^\s]+?)/-/(?:issues|merge_requests|work_items)/"
_REPO_URL = r"/([\w.-]+/[\w.-]+)/(?:issues|pull|pulls|discussions)/[0-9]+"
_HOST = r"https?://([^/\s:?#]+)"


def project_of(ticket: str) -> str:
    """The project a ticket reference belongs to: `ABC` for ABC-1 and its tracker's URLs,
    `org/repo` for org/repo#1 and its issue and pull request URLs, `#` for the repository's own
    numbered issues (#1, GH-1, "issue 1", "bug 1"), `!` for its merge requests, `AB#` for Azure
    Boards, and the host for another tracker's URL."""
    m = _regex(_KEY_TICKET).fullmatch(ticket)
    if m:
        return "#" if m.group(1) == "GH" else m.group(1)
    if ticket.startswith("AB#") or "/_workitems/" in ticket:
        return "AB#"
    if ticket.startswith(("#", "!")):
        return ticket[0]
    if "://" not in ticket:
        for mark in ("#", "!"):
            if mark in ticket:
                head = ticket.split(mark, 1)[0]
                if "/" in head:
                    return head
        if _regex(_WORD_TICKET).fullmatch(ticket):
            return "#"
        return "(other)"
    for pattern in (_BROWSE, _GITLAB_URL, _REPO_URL, _HOST):
        m = _regex(pattern).search(ticket)
        if m:
            return m.group(1)
    return "(other)"
