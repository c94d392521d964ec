"""Release and version-bump subjects: the default `exempt.release-pattern`, and how it is run.

The pattern is one regex, so a team can copy it into its config and extend it. Built in, it is
split into its forms, each compiled on first need: the whole takes milliseconds to compile, which
the commit-msg hook would otherwise pay on every commit, and most subjects are ruled out by a few
substring tests before any form is tried.
"""

from __future__ import annotations

import re

from linter.regexcache import regex

#: A version as release tools write it: 1.2, v2.0.1, 2.0-rc1, 3.1.0.dev0, 0.4dev, 3.2 RC 1, 3.8-SNAPSHOT.
_VERSION = r"v?\d+(?:\.\d+)+(?:[-.]?[a-z]+[-.]?\d*|\s?(?:rc|alpha|beta|milestone|m)\s?\d+)?"
#: An optional branch tag or release-type prefix: "[4.2.x] ", "chore(main): ", "(update) ".
_PREFIX = (
    r"^(?:\[[^\]\n]{1,40}\]\s*|\([^)\n]{1,30}\)\s*)?"
    r"(?:(?:chore|build|ci|release|version)(?:\([^)\n]{1,40}\))?!?:\s*)?"
)
#: Marks a form that needs a dotted version (1.2) in the subject.
_DOTTED_MARK = "."

#: (what the lower-cased subject must hold for the form to match, the form). Each needle list is
#: a necessary condition of its form: a test checks it (test_releases).
FORMS: tuple[tuple[tuple[str, ...], str], ...] = (
    # Release tools: "chore(release): 1.2.3", "[maven-release-plugin] prepare release x-1.2",
    # "[Gradle Release Plugin] - new version commit".
    (("releas",), r"chore\(release\)|\[[^\]\n]*\brelease\b[^\]\n]*\]"),
    # "Release 1.2.3", "release version 2.1.3", "Releasing v2.0", "Release commons-lang3 3.12.0".
    (("releas",), rf"releas(?:e|ing|ed)\s*:?\s+(?:version\s+)?{_VERSION}"
                  rf"|releas(?:e|ing|ed)\s+[\w.-]+\s+(?:version\s+)?{_VERSION}\W*$"),
    # "Prepare release 3.12.0", "Preparing for a 0.5.1 bugfix release", "Prepare 3.9 RC2".
    (("releas", " rc", _DOTTED_MARK), r"prepar(?:e|es|ed|ing)\b(?:\s+[\w.()-]+){0,5}?\s+(?:release|releasing|rc\d*)\b"
                                     rf"|prepar(?:e|es|ed|ing)\s+(?:for\s+)?(?:the\s+)?(?:release\s+)?{_VERSION}\W*$"),
    # "Setting version to 2.0-rc1", "Bump version to 3.1.0.dev0", "Bump version: 1.2 -> 1.3",
    # "Bumped version for 4.2.5 release", "Set next version"; not "Bump version of junit to 5.10".
    (("version",), r"(?:set|sets|setting|update[sd]?|updating|change[sd]?|changing|bump(?:s|ed|ing)?"
                   r"|increment(?:s|ed|ing)?|raise[sd]?|raising)\s+(?:the\s+)?"
                   r"(?:project\s+|package\s+|pom\s+|release\s+|next\s+)?versions?(?:\s+numbers?)?"
                   r"(?:\s*:|\s+(?:to|for|as)\b|\W*$)"),
    (("bump",), r"(?:post-release\s+)?version\s+bump|bump(?:ed|ing)?\s+to\s+v?\d"),
    # "Next development version", "prepare for next development iteration", "Back to snapshot".
    (("dev", "snapshot"), r"(?:(?:back|bump(?:ed)?|move[sd]?|moving|prepar(?:e|ed|ing))\s+(?:for\s+|to\s+)?)?"
                          r"(?:the\s+)?(?:next|new)\s+(?:development|dev|snapshot)\b"
                          r"|back\s+to\s+(?:development|dev|snapshot)\b"),
    # "start version 2.2.1", "Start the 2.41 cycle", "begin development of 3".
    (("dev", _DOTTED_MARK), rf"(?:start|starting|begin|beginning|open|opening)\s+(?:the\s+)?(?:version\s+{_VERSION}"
                            rf"|{_VERSION}\s+(?:development|dev|cycle)\b|(?:development|dev)\s+(?:of|on|for)\s+v?\d"
                            r"|(?:next\s+)?(?:development|dev)\s+(?:cycle|version|iteration)\b)"),
    # "HEAD is 0.4dev", "trunk is now 2.2-dev".
    ((_DOTTED_MARK,), rf"(?:head|master|main|trunk)\s+is\s+(?:now\s+)?(?:at\s+)?{_VERSION}"),
    # "Update CHANGES for the 4.2 release", "Update changelog for 2.3 release", "Update download page
    # in preparation for 3.6 release", "Release notes for 2.0"; not "Update changes.xml for LANG-12".
    ((_DOTTED_MARK,), r"(?:update[sd]?|updating|prepar(?:e|ed|ing)|finali[sz](?:e|ed|ing))\s+(?:[\w.-]+\s+){0,4}?"
                      rf"(?:for|to|in)\s+(?:preparation\s+for\s+)?(?:the\s+|a\s+)?(?:upcoming\s+|next\s+|new\s+)?"
                      rf"(?:release\s+(?:of\s+)?{_VERSION}|{_VERSION}\s+(?:release|rc\d*)\b)"
                      rf"|(?:changes|changelog|change\s+log|news|release[\s-]+notes|history)(?:\.\w+)?\s+for\s+"
                      rf"(?:[\w.-]+\s+)?{_VERSION}"),
    # "3.9 -> 3.10-SNAPSHOT", and a subject that is a version: "1.2.3", "v1.2.3", "Flask 2.0.1".
    ((_DOTTED_MARK,), rf"{_VERSION}\s*(?:->|" + "\u2192" + rf"|=>|to)\s*{_VERSION}"
                      rf"|(?:version\s+|[\w.-]+\s+)?{_VERSION}(?:\s+(?:release|released|final))?\W*$"),
)

DEFAULT_RELEASE_PATTERN = _PREFIX + "(?:" + "|".join(form for _, form in FORMS) + ")"

_DOTTED = regex(r"[0-9]\.[0-9]")


#: Every needle of FORMS but the dotted version, looked for once per subject.
_WORDS = ("releas", "version", "dev", "snapshot", "bump", " rc")


class DefaultReleaseMatcher:
    """`DEFAULT_RELEASE_PATTERN`'s search, case-insensitive, with the same answers, cheaper.

    Most subjects hold none of the words and no dotted version any form needs: they are answered
    by a few substring tests. The others try only the forms the subject can match, each compiled
    on first need. The whole pattern is never compiled: compiling it cost a range check more
    (some 9 ms) than compiling the forms one by one and trying a few per candidate subject.
    """

    __slots__ = ("_compiled",)

    def __init__(self) -> None:
        self._compiled: list[re.Pattern[str] | None] = [None] * len(FORMS)

    def __call__(self, subject: str) -> bool:
        lower = subject.lower()
        dotted = "." in subject and _DOTTED.search(subject) is not None  # most subjects hold no "."
        if not dotted and not ("releas" in lower or "version" in lower or "dev" in lower or "snapshot" in lower
                               or "bump" in lower or " rc" in lower):
            return False  # most subjects: no form can match
        present = {word: word in lower for word in _WORDS}
        present[_DOTTED_MARK] = dotted
        for index, (needles, form) in enumerate(FORMS):
            for needle in needles:
                if present[needle]:
                    break
            else:
                continue
            compiled = self._compiled[index]
            if compiled is None:
                compiled = self._compiled[index] = regex(_PREFIX + "(?:" + form + ")", re.IGNORECASE)
            if compiled.match(subject) is not None:
                return True
        return False
