"""CTX2xx: every commit records why it was made.

A message records its rationale when it lets a later reader understand why the change was made:
the problem it solves, the bug's symptom or cause, the goal or benefit, a constraint. The reason
may stand in the subject ("Avoid compilation warnings", "Fix NPE in join when the array is
null") or in the body ("..., so that ...", "... because ...", "X failed when Y"), or in a `Why:`
trailer or a decision-record link. A message that only says what changed, however long, does not;
nor does a pointer to where the reason lives ("as discussed", "see ticket", "fixes #12" alone),
filler ("wip", "misc changes"), a body that repeats the subject, or a trailer such as
Signed-off-by.

The reason is recognised by its English: causal and purpose connectors, the vocabulary of
problems and their symptoms (errors, crashes, failures, leaks, warnings, "does not", "cannot"),
benefits (faster, easier to read, backwards compatible), conditions on a fix ("when ...",
"on Windows") and statements of the state before the change ("previously", "currently").

Speed: this runs for every commit of a range. Each text is lower-cased and cut into words once
(C-level regex), and the words are intersected with the trigger words of every cue (a C-level set
operation); a cue's own pattern runs only when its trigger word is there, which most commits'
texts never hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import filterfalse

from linter.checks.protocol import CommitContext, check
from linter.config import Config, per_config
from linter.message import Message
from linter.regexcache import regex

#: Phrases that carry no reason of their own, as a whole rationale trailer or body paragraph.
LOW_INFORMATION = frozenset(
    """fix|fixes|fixed|fixup|bugfix|hotfix|wip|work in progress|see ticket|see the ticket|see jira|see issue
    |see the issue|see pr|see the pr|see mr|see above|see below|see title|see subject|same as title
    |same as subject|see description|see commit|see link|see attached|see comments|see slack|see thread
    |details in ticket|details in the ticket|details in jira|context in ticket|more in ticket|in ticket
    |as discussed|as discussed offline|as discussed in slack|as agreed|as per discussion|per discussion
    |per our discussion|per review|per review comments|review comments|review feedback|pr feedback|mr feedback
    |address review comments|addressed review comments|addressed comments|address comments|address feedback
    |per slack|per request|as requested|requested|per manager|per pm|asked by pm|minor|minor fix|minor fixes
    |minor change|minor changes|small fix|small change|small changes|quick fix|cleanup|clean up|cleanups
    |refactor|refactoring|update|updates|updated|change|changes|changed|misc|various|various fixes|stuff
    |tbd|todo|n a|na|none|nothing|no comment|self explanatory|obvious|typo|typos|lint|formatting|format
    |tests|test|done|ok|oops|it works|works now|should work|try again|retry|whatever|same|ditto|more
    |initial commit|first commit|merge|sync|bump|wip do not merge""".replace("\n", "").split("|")
)
_LOW_INFO = frozenset(p.strip() for p in LOW_INFORMATION)

_FILLER = frozenset(
    """a an the this that it its for in on of to and or all some more details detail info information
    context please pls thanks thank you see per as is was be been done etc here there with from by
    stuff things thing bit just also again now""".split()
)
_STOPWORDS = _FILLER | frozenset("i we our my they he she not no so but if when then than into out up".split())
#: Words that say only that something was worked on: a text made of these (and stop words) is filler.
_FILLER_WORDS = _STOPWORDS | frozenset(
    """wip fix fixes fixed fixing fixup bugfix hotfix misc miscellaneous change changes changed update updates
    updated updating cleanup cleanups clean cleaned minor small tiny tweak tweaks tweaked various merged merge
    tmp temp oops commit work progress try attempt asdf foo bar baz tidy nit nits save checkpoint improvements
    improvement improve improved bits pieces stuff yet another final last""".split()
)

class _Lazy:
    """A regex compiled on first use: the commit-msg hook imports this module for one message, which
    needs few of its patterns, and compiling them all would cost more than the rest of the check."""

    __slots__ = ("_compiled", "_flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def get(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = regex(self.pattern, self._flags)
        return compiled


_WORD = regex(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_URL = regex(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_REF_LINE = regex(r"^[ \t]*[A-Za-z][A-Za-z0-9-]*:[ \t]*(?=\S)", re.MULTILINE)
#: Lines that are not the author's prose: quoted or HTML lines (a bot's release notes), `*-by:`
#: credits, svn and Gerrit ids, cherry-pick notes.
_NOISE_LINE = _Lazy(
    r"^[ \t]*(?:[<>].*|[\w-]+-by:.*|git-svn-id:.*|change-id:.*|\(cherry picked from commit.*)$", re.MULTILINE
)
#: Code `spans` name things; their words are no reason.
_CODE = _Lazy(r"`[^`\n]*`")
#: Where a _NOISE_LINE may be: most texts hold none of these, and skip the regex.
_NOISE_MARKS = ("\n<", "\n>", "-by:", "git-svn-id:", "change-id:", "(cherry picked")
DECISION_LINK = regex(
    r"\bADR[- ]?\d+\b|(?:^|[\s(<\[/])(?:[\w.-]+/)*(?:adrs?|decisions|decision-records|architecture-decisions)"
    r"/[\w.-]+\.md\b",
    re.IGNORECASE,
)
#: Literal words every match of DECISION_LINK contains (case-insensitively), so that the regex,
#: which tries every position of a long text case-insensitively, runs only where one can match.
_DECISION_WORDS = ("adr", "decision")

# --- The cues of a reason -------------------------------------------------------------------------
# Each cue has a trigger word (a word of _Text.tokens) that every match holds; None means the word alone
# is the cue. Patterns read lower-cased prose.

#: Words that stand for a reason on their own: connectors, problems and symptoms, benefits.
_SELF_CUES = """
    because therefore hence thus consequently otherwise
    avoid avoids avoided avoiding prevent prevents prevented preventing prevention workaround workarounds
    crash crashes crashed crashing segfault segfaults segfaulted sigsegv panic panics panicked panicking
    deadlock deadlocks deadlocked livelock hang hangs hung
    flaky flakiness regression regressions regressed fail fails failed failing
    npe npes nullpointerexception oome outofmemoryerror stackoverflowerror
    leak leaks leaked leaking leakage underflow
    corrupt corrupts corrupted corruption lose loses losing lost loss broke breakage
    unusable unable impossible unsupported incompatible incompatibility
    can't cannot couldn't doesn't didn't isn't aren't wasn't weren't won't wouldn't shouldn't hasn't haven't
    hadn't should
    accidentally accidently accidental inadvertently inadvertent unintentionally unintended mistakenly
    currently previously
    slow slower slowness slowdown faster quicker speedup overhead bottleneck expensive costly inefficient
    inefficiency performance perf
    readability maintainability portability robustness reliability usability
    vulnerability vulnerabilities vulnerable insecure cve exploit exploitable
    optimize optimise optimizes optimises optimized optimised optimizing optimising
    silence silences silenced silencing warnings
    confusing misleading ambiguous ambiguity fragile brittle noisy annoying surprising
    complain complains complained complaining threadsafe thread-safe thread-safety dereference dereferencing
    deref backward-compatible backwards-compatible
"""

#: Nouns for what a typo-class fix touches: "wrong name", "incorrect link" say what was fixed, not a
#: symptom.
_ARTEFACT = (
    r"names?|links?|references?|urls?|imports?|comments?|docs?|javadocs?|documentation|docstrings?|spelling"
    r"|typos?|tags?|headers?|indent(?:ation)?|whitespace|spacing|format(?:ting)?|variables?|examples?"
    r"|anchors?|labels?|words?|wording|grammar|quotes?|quotation|characters?|text|titles?|headings?|captions?"
    r"|descriptions?|year|dates?|copyright|license|sections?|paragraphs?|sentences?|lines?|capitali[sz]ation"
    r"|punctuation|versions?|paths?|filenames?|newlines?|badges?|markup|markdown|readme|changelog"
)
_PROBLEM_ADJECTIVES = (
    r"wrong|wrongly|incorrect|incorrectly|inconsistent|inconsistently|inconsistency|unexpected|unexpectedly"
    r"|mismatch|mismatched|mismatches|bogus|spurious|erroneous|erroneously"
)
#: Words after a connector that start a clause ("since it ...", "so we ...").
_CLAUSE_START = r"(?:it|its|we|they|this|that|these|those|there|he|she|you|users?|callers?|people|one|no|nothing)"
#: A finite verb after a clause's subject ("as we rely", "since Time.now is").
_FINITE = (
    r"(?:is|are|was|were|has|have|had|does|do|did|can|cannot|can't|could|couldn't|will|won't|would|wouldn't"
    r"|doesn't|don't|isn't|aren't|wasn't|weren't|must|should|may|might|need|needs|rely|relies|only|always|never"
    r"|already|still|no longer|want|wants|expect|expects|use|uses|require|requires|depend|depends)"
)
_PLATFORMS = (
    r"windows|win32|win64|mac|macos|osx|linux|freebsd|openbsd|netbsd|bsd|solaris|aix|android|ios|arm|arm64"
    r"|aarch64|x86|i386|32-bit|64-bit|big-endian|ci|jdk|java|jre|python|py|py2|py3|python2|python3|pypy"
    r"|jython|cpython|node|ruby|jruby|gcc|clang|msvc"
)
_CONDITIONS = (
    rf"{_PLATFORMS}|empty|null|none|nil|no|negative|zero|large|huge|long|non-ascii|unicode|generic|nested"
    r"|missing|invalid|unknown|duplicate|multiple|concurrent|older|newer|trailing|leading|special|certain|\d"
)
#: Errors that are the object of a cosmetic fix or of a rewrite, not a symptom: "Fix spelling errors",
#: "rewrite cli errors" (one fixed-width look-behind each).
_COSMETIC_ERRORS = "".join(
    f"(?<!{word} )" for word in "spelling grammar grammatical typographical syntax rewrite reword rephrase "
    "improve improved clarify format better nicer friendlier clearer cli".split()
)
_PATTERN_CUES: dict[str, str] = {
    # connectors that need a clause after them
    "since": rf"\bsince (?:{_CLAUSE_START}|(?:the )?(?!\d)[\w.-]+ {_FINITE})\b",
    "as": rf"\bas (?:{_CLAUSE_START}|the [\w.-]+|some(?: of)? [\w.-]+(?: [\w.-]+)?) {_FINITE}\b",
    # "so" as a connector, not "so far", "so much", "do so", "is so"
    "so": r"(?<!\bdo )(?<!\bis )(?<!\bnot )\bso (?!(?:far|much|many|long|on|forth|to|called|as|too|very|little|few"
          r"|on)\b)[a-z]",
    "due owing": r"\b(?:due|owing) to\b",
    "order": r"\bin order (?:to|for|that)\b",
    "caused causes causing": r"\bcaus(?:ed|es|ing)\b",
    "cause": r"\b(?:the|root|a|main|real|probable|likely|would|could|can|may|might|will|to|which|that|it|this)"
             r" cause\b",
    "result results resulted resulting": r"\bresult(?:s|ed|ing)? in\b|\bas a result\b",
    "lead leads leading led": r"\b(?:lead|leads|leading|led) to\b",
    "means meant meaning": r"\b(?:this|which|that|it|what) (?:means|meant)\b|\bmeaning (?:that|we|it|the|you)\b",
    "reason reasons": r"\b(?:the|a|this|that|one|main|only|for (?:the|this|that|these|those|some)) reasons?\b"
                      r"|\breasons? (?:is|are|was|were|being|for|why)\b",
    "why": r"\b(?:this is|that is|that's|which is|here's|is) why\b",
    "goal aim purpose intent intention idea point motivation": r"\b(?:the|our|my|main) (?:goal|aim|purpose|"
        r"intent|intention|idea|point|motivation) (?:is|was|here|of this|behind)\b",
    "motivation rationale background problem reason goal context cause impact symptom symptoms":
        r"(?:^|\n)\s*(?:motivation|rationale|background|problem|reason|goal|context|cause|root cause|impact"
        r"|symptoms?)\s*:\s*\S",
    "bug bugs issue issues problem problems regression": r"\b(?:bug|bugs|issue|issues|problem|problems|"
        r"regression) (?:where|when|whereby|in which|that (?:caused|causes|made|makes|prevented|prevents|"
        r"broke|breaks)|which (?:caused|causes|made|makes|prevented|prevents|broke|breaks))\b"
        r"|\bproblems? with\b|\b(?:the|this|that) (?:bug|issue|problem) (?:is|was|here|occurs|occurred|happens"
        r"|happened|appears|appeared|shows|showed)\b",
    # purpose
    "to": r"\bto (?:avoid|prevent|allow|enable|support|reduce|stop|keep|ensure|guarantee|preserve|restore|match"
          r"|satisfy|comply|conform|respect|honou?r|improve|speed|fix|work around|workaround|accommodate|help"
          r"|let|permit|make|get rid|save|minimi[sz]e|stay|remain|fit|survive|protect|guard|silence|suppress"
          r"|unblock|unbreak|be (?:able"
          r"|consistent|compatible|more|less|safe|clear|explicit)|align|account for|cope|deal with|address"
          r"|resolve|solve|mitigate|eliminate|free|simplify|clarify|follow)\b",
    "allow allows enable enables let lets permit permits make makes ensure ensures guarantee guarantees fixes "
    "allowing enabling letting making ensuring which":
        r"\b(?:this|which|that|it|to|and|also|so|thereby) (?:allows?|enables?|lets?|permits?|makes? (?:it|sure"
        r"|the|them)|ensures?|guarantees?|fixes (?!#|\w+-\d|\d|issue|bug|gh))(?![\w'-])"
        r"|\bwhich (?:keeps|gives|saves|helps|spares|cuts|halves|reduces|speeds|simplifies|removes the need)\b"
        r"|\b(?:allowing|enabling|letting|making it|ensuring) (?:us|users?|you|them|callers?|people|it|the)\b",
    "effect effects": r"\b(?:the |net |side |this )?effects? (?:is|was|of this)\b",
    "stop stops stopped stopping": r"\bstop(?:s|ped|ping)? (?:[\w.'-]+ ){0,4}?from \w"
                                   r"|\bstop(?:s|ped|ping)? (?:working|responding|compiling|building|running)\b",
    "keep keeps": r"\bkeeps? (?:[\w.'-]+ ){0,4}?from \w",
    "case": r"\bin case (?:of|the|it|we|they|a|an|there|someone|somebody|users?)\b",
    # constraints
    "per": r"\b(?:as )?per (?:the |our |their )?(?:[\w.-]+ ){0,3}?(?:conventions?|standards?|specs?"
           r"|specifications?|rfc|guidelines?|style|styleguide|policy|policies|rules?|checkstyle|pmd|spotbugs"
           r"|linter|lint|requirements?|contract|semver|pep)\b",
    "needed required necessary mandatory": r"\b(?:needed|required|necessary|mandatory) (?:for|by|because|when"
                                           r"|since|so|in order)\b",
    # problems that need their context
    "not": r"\b(?:does|did|is|are|was|were|can|could|will|would|has|have|had|should)(?: also| even"
           r"| yet| always| really| actually| currently| still)? not\b(?! needed| necessary| required| used)"
           r"|(?<=[a-z] )do not\b|\bnot (?:able|possible|supported|compatible|working|thread[- ]safe|allowed"
           r"|available|found|defined|initiali[sz]ed|installed|loaded|closed|released|freed|handled|caught"
           r"|escaped|encoded|decoded|respected|honou?red|applied|propagated|preserved|buildable|valid|correct"
           r"|accurate|deterministic|reproducible|portable)\b",
    "don't": r"(?<=[a-z,] )don't\b",
    "longer": r"\bno longer (?:works?|compiles?|builds?|exists?|supported|maintained|available|possible|valid"
              r"|correct|accurate|true|applies|runs?|passes|installs?|imports?|loads?|resolves?|starts?)\b",
    "deprecated deprecation": r"\b(?:use|uses|used|using|call|calls|calling|rely|relies|relying|depend|depends"
                              r"|depending)(?: on)?(?: of)?(?: the| a| an)? deprecated\b|\b(?:is|are|was|were"
                              r"|been|being|got|gets|now) deprecated\b|\bdeprecation warnings?\b"
                              r"|\b(?:migrate|migrates|migrated|migrating|move|moves|moved|moving|switch"
                              r"|switches|switched|switching|away)(?: off| away)? from (?:the )?(?:[\w.()-]+ )"
                              r"{0,2}?deprecated\b",
    # not `::error::` or `io::Error`: a name in code, not prose
    "error errors": rf"{_COSMETIC_ERRORS}(?<!::)\berrors?\b(?!::)(?! (?:message|messages|msg|handling|handler"
                    r"|handlers|page|pages|codes?|class|classes|types?|reporting|output|template|templates|response"
                    r"|responses)\b)",
    "exception exceptions": r"\b(?:throws?|thrown|throwing|raises?|raised|raising|uncaught|unhandled|unexpected"
                            r"|spurious|causes?|caused|gets?|got|getting)(?: an?| the)? (?:[\w.]+ )?exceptions?\b"
                            r"|\bexceptions? (?:when|if|on|in|with|during|because|while|at|is thrown|was thrown)\b",
    "throw throws thrown throwing raise raises raised raising":
        r"\b(?:throws?|thrown|throwing|raises?|raised|raising) (?:an? |the )?[\w.]*(?:exception|error)\b"
        r"(?! clause| instead)",
    "warning": r"\b(?:compiler|compilation|compile|deprecation|javadoc|lint|linter|build|runtime|resource"
               r"|spurious|noisy|unchecked|rawtypes|type|mypy|pylint|flake8|ruff|clippy|gcc|clang|sparse|sonar"
               r"|checkstyle|pmd|spotbugs|security|sphinx|pytest|javac|eslint|tsc) warning\b",
    "broken": r"\bbroken (?:by|on|when|in|with|since|after|because|build|builds|tests?|ci|pipeline|install"
              r"|installation|behaviou?r|output|release|package|packaging|wheel)\b|\b(?:is|was|are|were|got"
              r"|gets|been|became|be|being|remain|remains|still) broken\b",
    "break breaks breaking": r"\b(?:would|will|could|can|might|may|did|does|to|not) break\b"
                             r"|\bbreaks (?!(?:long|up|out|into|down|lines?)\b)\w"
                             r"|\bbreaking (?:the|on|when|with|in|builds?|tests?|ci|compat)\b",
    "wrong wrongly incorrect incorrectly inconsistent inconsistently inconsistency unexpected unexpectedly "
    "mismatch mismatched mismatches bogus spurious erroneous erroneously":
        rf"\b(?:{_PROBLEM_ADJECTIVES})\b(?! (?:[\w.-]+ )?(?:{_ARTEFACT})\b)",
    "times timed timeout timeouts": r"\btimes? out\b|\btimed out\b|\btimeouts? (?:on|in|when|with|during|after"
                                    r"|under)\b",
    "race races racy": r"\braces? (?:condition|conditions|between|in|on|with|when)\b|\bdata races?\b|\bracy\b",
    "pointer": r"\b(?:null|nil) pointer\b",
    "overflow overflows overflowed": r"(?<!stack )\boverflow(?:s|ed)?\b|\bstack overflows?(?:error)?\b(?= (?:in|when"
                                     r"|on|during|with|caused|for|if|while)\b)",
    "drops": r"(?<=[a-z] )drops\b",
    "safe": r"\bthread safe\b|(?<!-)\bsafer? (?:for|to|when|with|against)\b",
    "safety": r"\b(?:thread|type|memory) safety\b|\bfor safety\b",
    "security": r"\bsecurity (?:issue|issues|fix|fixes|problem|problems|vulnerability|vulnerabilities|hole|holes"
                r"|bug|bugs|reasons?|risk|risks|concern|concerns|flaw)\b|\bfor security\b",
    "compatible compliant compatibility backward backwards compat":
        r"\b(?:compatible|compliant|compatibility) (?:with|for)\b|\bbackwards? compat",
    "conflict conflicts clash clashes": r"\b(?:conflicts?|clash(?:es)?) with\b",
    "easier harder simpler safer clearer cleaner more less better":
        r"\b(?:easier|harder|simpler|safer|clearer|cleaner) (?:to|for)\b|\bmore (?:readable|robust|flexible"
        r"|efficient|reliable|maintainable|portable|secure|stable|predictable|accurate|straightforward"
        r"|consistent|intuitive|idiomatic|understandable|testable|performant|resilient|responsive|compatible"
        r"|natural|obvious|useful)\b|\bless (?:error[- ]prone|verbose|confusing|memory|overhead|fragile|brittle"
        r"|surprising|noisy|duplication|boilerplate)\b|\b(?:it is|it's|is|are) better\b",
    "convenience consistency clarity simplicity brevity correctness testability reproducibility stability "
    "efficiency":
        r"\b(?:for|improves?|improved|improving|better|more) (?:convenience|consistency|clarity|simplicity"
        r"|brevity|correctness|testability|reproducibility|stability|efficiency)\b",
    "until": r"\buntil now\b|\buntil (?:[\w.-]+ ){1,3}?(?:supports?|is|are|has|have|gets?|fixes|lands?|releases?"
             r"|ships?|stops?)\b",
    "failure failures": r"\bfailures?\b(?! (?:messages?|comments?|output|reports?|handling|modes?)\b)",
    "took": r"\btook (?:about |some |over |nearly |almost |roughly |around )?(?:\d[\d.,]* ?(?:ms|s|seconds?"
            r"|minutes?|min|hours?)\b|seconds|minutes|hours|too long|forever|ages|over)",
    "cost costs costing": r"\bcost(?:s|ing)? (?:us )?(?:about |some |over |up to |nearly |almost |more than |at least"
                          r" |roughly |around )?(?:a |an )?(?:\d|third|half|quarter|tenth|fifth|lot|fortune|minutes?"
                          r"|seconds?|hours?|days?|extra)",
    "stale": r"\bstale (?:data|prices|cache|caches|values?|results?|entries|state|reads?|responses?|content|pages?"
             r"|locks?|connections?|handles?|pointers?)\b",
    "eol end-of-life life": r"\beol\b|\bend[- ]of[- ]life\b",
    "rejects refuses rejected refused": r"(?<=[a-z] )(?:rejects|refuses)\b|\b(?:is|are|was|were|got|gets|get|be"
                                        r"|being) (?:rejected|refused)\b",
    "memory cpu": r"\bmemory (?:use|usage|footprint|consumption|pressure|growth|bloat)\b|\bcpu (?:use|usage|time"
                  r"|load|spikes?)\b",
    "user users customer customers people developers contributors client clients caller callers newcomers "
    "maintainers operators admins":
        r"\b(?:users?|customers?|people|developers|contributors|clients?|callers?|newcomers|maintainers|operators"
        r"|admins) (?:kept|keep|want|wanted|wants|asked|ask|need|needed|needs|expect|expected|expects|reported"
        r"|report|hit|hits|saw|see|sees|got|get|gets|had to|have to|has to|must|complain|complained|run into|ran"
        r" into|struggle|struggled|rely|relies|depend|depends|are confused|were confused|would)\b",
    "before": r"\bbefore this (?:change|commit|patch|fix|pr)\b",
    "moment": r"\bat the moment\b",
    "moved": r"\b(?:has|have|had) moved\b|\b(?:repository|repo|project|site|website|page|homepage|docs|domain"
             r"|server|mirror|package|module|api|endpoint|service) (?:has )?moved\b",
    "been": r"\b(?:has|have|had) been (?:moved|renamed|removed|deprecated|replaced|dropped|deleted|retired"
            r"|discontinued|archived)\b",
}

def _literal_first(pattern: str) -> str:
    """`\\bword rest` as `word (?<=\\bword )rest`: the same matches, found faster.

    A regex that starts with `\\b` is tried at every position of the text; one that starts with
    a literal is tried only where `re`'s C scan finds that literal. The look-behind, read after
    the word, asks for the same boundary before it. On a subject, "to"'s pattern (asked of one
    commit in four) searches six times faster. A pattern starting otherwise is left as it is.
    """
    # String tests, not a regex: this runs when the module is imported, on the commit-msg hook's path.
    word, space, rest = pattern[2:].partition(" ")
    if not (pattern.startswith("\\b") and space and word.isascii() and word.isalpha() and word.islower()):
        return pattern
    return f"{word} (?<=\\b{word} ){rest}"


def _by_trigger(table: dict[str, str]) -> dict[bytes, _Lazy]:
    """Trigger word -> one lazily compiled pattern of every entry of `table` it triggers."""
    by_word: dict[str, list[str]] = {}
    for words, pattern in table.items():
        pattern = _literal_first(pattern)
        for word in words.split():
            by_word.setdefault(word, []).append(pattern)
    # Words that trigger the same patterns share one object, so that it is compiled once: compiling
    # is pure Python and costs more than many searches.
    shared: dict[str, _Lazy] = {}
    return {w.encode(): shared.setdefault("|".join(p), _Lazy("|".join(p))) for w, p in by_word.items()}


def _build_cues() -> dict[bytes, _Lazy | None]:
    """Trigger word -> its pattern, or None for a word that is a cue on its own."""
    cues: dict[bytes, _Lazy | None] = dict(_by_trigger(_PATTERN_CUES))
    cues.update(dict.fromkeys(w.encode() for w in _SELF_CUES.split()))
    return cues


def _bytes_set(words: str) -> frozenset[bytes]:
    return frozenset(w.encode() for w in words.split())


_CUE_PATTERNS = _build_cues()
#: Every word that may start a cue: the C-level pre-check.
_TRIGGERS = frozenset(_CUE_PATTERNS)
#: Words are cut from the UTF-8 bytes of lower-cased prose by one C-level translate and split
#: (a regex findall costs several times more): every byte that is not part of a word becomes a space.
#: "can't" is one word, and so are identifiers and compounds ("should_ignore_error",
#: "allowed-failure"), whose parts are no cue.
_SPLIT_TABLE = bytes(
    c if c >= 128 or c in b"abcdefghijklmnopqrstuvwxyz0123456789_-'" else 32 for c in range(256)
)


class _Text:
    """A subject or body paragraph as the judgement reads it: lower-cased prose and its words."""

    __slots__ = ("_flat", "prose", "tokens")

    def __init__(self, text: str, extra: tuple[str, ...] = ()) -> None:
        prose = _prose(text)
        for phrase in extra:  # the team's own no-reason phrases never count as a reason
            if phrase in prose:
                prose = prose.replace(phrase, " ")
        self.prose = prose
        self.tokens = prose.encode("utf-8", "replace").translate(_SPLIT_TABLE).split()
        self._flat: str | None = None

    @property
    def flat(self) -> str:
        """The prose on one line, words one space apart, as the patterns read it."""
        flat = self._flat
        if flat is None:
            prose = self.prose
            flat = self._flat = " ".join(prose.split()) if "  " in prose or "\n" in prose or "\t" in prose else prose
        return flat


#: A subject's leading labels: `[LANG-12]`, `area/sub:`, `fix(parser):`, `Fixed #12 --`.
_SUBJECT_PREFIX = _Lazy(
    r"(?:\s*(?:\[[^\]]{0,60}\]|[\w./,-]{1,60}(?:\([^)]{0,60}\))?!?:(?=\s)|(?:(?:fix(?:e[sd])?|close[sd]?"
    r"|resolve[sd]?|refs?) )?#?[\w-]*\d+\s*(?:--|-|:|\u2014)(?=\s))\s*)+"
)
_FIX_VERBS = ("fix", "correct", "repair", "resolv", "handl", "guard", "work around", "works around")
#: A fix whose subject names the failing case: "Fix NPE in join when the array is null", "Fix tests
#: for Python 3", "Fix build-std updating the index on every build".
_FIX_CASE = _Lazy(
    r"(?:fix|fixes|fixed|fixing|correct|corrects|corrected|correcting|repair|repairs|repaired|resolve|resolves"
    r"|resolved|handle|handles|handled|guard|guards|work around|works around|worked around)\b(?:(?![.;]).)*?"
    rf"\b(?:when|whenever|if|unless|while|where|after|during|on (?:{_PLATFORMS}|startup|shutdown|exit|reload"
    rf"|restart|empty|null|first|every|older|newer|some|certain|large|slow|busy)|(?:for|with) (?:{_CONDITIONS}))\b"
    r"|(?:fix|fixes|fixed|fixing) (?:\S+ ){1,4}?[a-z]{3,}ing (?:an?|the|its|their|our|all|every|each|twice|null"
    r"|nil|none|nothing|forever|too|incorrectly|wrongly|unnecessarily|repeatedly|again|itself|themselves)\b"
)

#: Pointers to where the reason lives, reported by name in a finding; keyed by trigger words as the
#: cues are.
_POINTERS: dict[str, str] = {
    "as per": r"\b(?:as|per) (?:discussed|agreed|requested|suggested|mentioned|noted|reported|described|explained"
              r"|decided|planned)\b",
    "per": r"\bper (?:the |our |your |a )?(?:[\w'-]+ ){0,3}?(?:discussion|review|reviews|comments?|feedback|request"
           r"|suggestion|conversation|meeting|call|chat|thread|email|slack|ticket|issue|jira)\b",
    "see": r"\bsee (?:the |this |that |our |my |attached |linked )?(?:jira |github |gitlab )?(?:ticket|issue|jira|bug"
           r"|pr|mr|pull request|merge request|link|above|below|thread|discussion|comments?|description|attachment"
           r"|slack|email|mail|doc|docs|details|wiki|confluence|spec|commit|changelog|#\d+|gh-\d+|[a-z][a-z0-9]*-\d+)",
    "details context background more info information rationale reasoning explanation":
        r"\b(?:details|context|background|more|info|information|rationale|reasoning|explanation) (?:is |are |can be"
        r" found )?(?:in|on|at) (?:the )?(?:ticket|issue|jira|pr|mr|pull request|thread|slack|wiki|confluence|doc"
        r"|linked|attached|email)\b",
    "requested suggested asked proposed reported recommended":
        r"\b(?:requested|suggested|asked|proposed|reported|recommended) by\b",
    "review pr mr": r"\b(?:review|pr|mr) (?:comments|feedback|remarks|suggestions)\b",
    "address addresses addressed addressing": r"\baddress(?:es|ed|ing)? (?:the |some |all )?(?:review|comments"
                                              r"|feedback)\b",
    "feedback": r"\bfrom (?:user|customer|team|review|code review) feedback\b",
    "apply applied applies applying": r"\b(?:apply|applied|applies|applying) (?:[\w'-]+ ){0,2}?(?:suggestion"
                                      r"|suggestions|feedback|review)\b",
    "fixes fixed fix closes closed close resolves resolved resolve refs references see for part implements "
    "addresses related relates":
        r"\b(?:fixes|fixed|fix|closes|closed|close|resolves|resolved|resolve|refs|references|see|for|part of"
        r"|implements|addresses|related to|relates to) (?:#\d+|gh-\d+|issue #?\d+|bug #?\d+|[a-z][a-z0-9]*-\d+)",
}


_POINTER_PATTERNS = _by_trigger(_POINTERS)
_POINTER_WORDS = frozenset(_POINTER_PATTERNS)
#: The words that point elsewhere only before a reference ("fixes #12"), which holds a digit.
_REFERENCE_WORDS = _bytes_set(
    "fixes fixed fix closes closed close resolves resolved resolve refs references for part implements related "
    "relates"
)
_DIGIT = regex(r"\d")
_SPACES = regex(r"\s+")

# --- Context sentences ----------------------------------------------------------------------------
# A body also says why when it states the situation the change answers, in plain sentences that
# carry no cue word: "The hook asked git for the comment char only when a line started with one of
# its auto candidates." Such a sentence is told from a description of the change by how it starts:
# a change is described from its verb ("Add ...", "Adds ...", "Added ...", "This commit adds ..."),
# a situation from what it is about ("The hook ...", "judge() ...", "On pull_request, ...").

#: Verbs that start a description of the change, in every form.
_CHANGE_VERB_BASES = """
    add adjust align allow annotate append apply backport bump build cache call change check clarify clean
    combine comment compile configure consolidate convert copy correct create declare define delete deprecate
    describe disable document downgrade drop emit enable ensure exclude expand explain expose extend extract
    factor fix format generate give group handle hide implement import improve include increase inline install
    integrate introduce keep let limit link load log lower make mark mention merge migrate move optimize
    organize override parametrize parameterize pass pin point polish port prefer prepare print provide publish put raise
    read refactor reformat regenerate register reimplement release remove rename render reorder reorganize
    replace reset restore restructure retry return reuse revert review reword rewrite run sanitize save set
    share shorten show simplify skip sort specify split start store support switch sync tag take test tidy
    touch trigger try tweak unify unpin update upgrade use validate verify wrap write
"""
_CHANGE_STARTS = frozenset(
    form.encode()
    for base in _CHANGE_VERB_BASES.split()
    for form in (base, base + "s", base + "es", base + "d", base + "ed", base + "ing", base[:-1] + "ing",
                 base + base[-1] + "ed", base + base[-1] + "ing", base[:-1] + "ies", base[:-1] + "ied")
) | frozenset(b"""this these it now also then and plus finally additionally here i i've i'm i'd i'll we've we'll
    hopefully maybe perhaps probably thanks thank cheers please sorry oops tested made put set ran wrote
    built kept let took gave split hid read bumped will won't instead don't do never still todo o""".split())
#: Words after which "this"/"the" names the change itself ("This commit adds ...").
_CHANGE_NOUNS = _bytes_set("commit change changes patch pr mr diff changeset update fix refactoring")
#: Where a sentence ends: after its punctuation, before a list item, at a dash between clauses. Every
#: alternative starts with a literal, which the regex engine finds fast.
_SENTENCE_END = _Lazy(r"(?<=[.!?;:])[ \t\n]+|\n[ \t]*(?:[-*\u2022+]|\d+[.)])[ \t]+| - ")
#: Words that make a sentence of a list item: a finite verb other than the change's own.
_FINITE_WORDS = _bytes_set("""is are was were be been being has have had does do did can could will would should
    must may might shall cannot can't couldn't won't wouldn't doesn't don't didn't isn't aren't wasn't weren't
    hasn't haven't hadn't shouldn't needs need needed takes took gets got keeps kept leaves left gives gave
    holds held shows showed means meant makes made works worked seems seemed looks looked comes came goes went
    says said knows knew assumes assumed treats treated counts counted reports reported prints printed uses
    used requires required contains contained depends depended calls called sees saw hides hid costs cost
    spends spent pays paid runs ran reads writes wrote expects expected returns returned matches matched
    passes passed lets allows allowed blocks blocked checks checked points pointed refers referred relies
    relied stays stayed tries tried turns turned waits waited wants wanted happens happened exists existed
    lives lived belongs belonged breaks wastes wasted loses lost misses missed ignores ignored skips skipped
    drops dropped stops stopped starts started ends ended grows grew built builds loads slows fills floods
    hits spikes saturates overloads locks burns eats consumes repeats triggers fires sends creates opens adds
    puts increases doubles triples halves""")
#: Credits are no reason: "Patch by ...", "Reviewed by ...", "Thanks to ...".
_CREDIT = regex(
    r"\b(?:patch|patches|contributed|submitted|reviewed|reported|authored|written|provided|sponsored|tested"
    r"|thanks|thank you|kudos) (?:by|to|from|for)\b"
)
#: The leading words of a sentence that are labels, not its start: ticket keys, numbers.
_LABEL = re.compile(rb"[a-z][a-z0-9]*-\d+|\d+")
_CONTEXT_MIN_WORDS = 6
_BULLETS = ("- ", "* ", "+ ", "\u2022 ")
#: Sentences of a paragraph read for context: the situation comes first, and a long pasted log
#: must not cost a range check more than its opening.
_CONTEXT_MAX_SENTENCES = 6


def _prose(text: str) -> str:
    """`text` lower-cased, without URLs and without the lines that are not the author's prose."""
    lowered = text.lower()
    if "://" in lowered:  # every URL match holds one; most texts have none
        lowered = _URL.sub(" ", lowered)
    if "\n" in lowered:  # noise is whole lines: a subject has one
        if lowered[:1] in ("<", ">"):
            lowered = "\n" + lowered
        for mark in _NOISE_MARKS:  # a plain loop: any() over a generator costs more than the search here
            if mark in lowered:
                lowered = _NOISE_LINE.get().sub("", lowered)
                break
    if "`" in lowered:
        lowered = _CODE.get().sub(" ", lowered)
    if "\u2019" in lowered:
        lowered = lowered.replace("\u2019", "'")
    return lowered


#: The first words of the fix verbs a failing case may follow ("Fix X when Y").
_FIX_TRIGGERS = _bytes_set(
    "fix fixes fixed fixing correct corrects corrected correcting repair repairs repaired resolve resolves resolved "
    "handle handles handled guard guards work works worked bugfix hotfix"
)
_FILLER_BYTES = frozenset(w.encode() for w in _FILLER_WORDS)
_STOP_BYTES = frozenset(w.encode() for w in _STOPWORDS)


def _cue(text: _Text) -> str | None:
    """The words of a text that give a reason, or None."""
    tokens = text.tokens
    hits = _TRIGGERS.intersection(tokens)
    if not hits or (len(tokens) < 3 and sum(1 for t in tokens if not _LABEL.fullmatch(t)) < 2):
        return None  # "because" alone, "PAY-1: because": a word, not a reason
    for word in sorted(hits) if len(hits) > 1 else hits:  # sorted: the same cue whatever the set's order
        pattern = _CUE_PATTERNS[word]
        if pattern is None:
            return word.decode()
        match = pattern.get().search(text.flat)
        if match:
            return match.group(0).strip()
    return None


def _without_labels(flat: str) -> str:
    """A subject without its leading labels (`[LANG-12]`, `area:`, `Fixed #12 --`)."""
    match = _SUBJECT_PREFIX.get().match(flat)
    return flat[match.end():] if match else flat


def _subject_cue(subject: _Text) -> str | None:
    """The words of a subject that give a reason, or None."""
    found = _cue(subject)
    if found is not None or _FIX_TRIGGERS.isdisjoint(subject.tokens):
        return found
    flat = subject.flat
    rest = _without_labels(flat)
    if not rest.startswith(_FIX_VERBS):
        if not flat.startswith(("fix", "bugfix", "hotfix")):
            return None
        rest = "fix " + rest  # `fix(parser): crash on ...`: the label is the verb
    match = _FIX_CASE.get().match(rest)
    return match.group(0) if match else None


def _pointer(text: _Text) -> str | None:
    """The words of a text that point to where the reason lives, or None."""
    hits = _POINTER_WORDS.intersection(text.tokens)
    if not hits or (hits <= _REFERENCE_WORDS and not _DIGIT.search(text.prose)):
        return None  # "fix ...", "for ...": a reference needs a number
    for word in sorted(hits) if len(hits) > 1 else hits:
        match = _POINTER_PATTERNS[word].get().search(text.flat)
        if match:
            return match.group(0)
    return None


def _is_filler(tokens: list[bytes]) -> bool:
    return all(map(_FILLER_BYTES.__contains__, tokens))


def _restates(tokens: list[bytes], subject_words: frozenset[bytes]) -> bool:
    """Whether a text's content words are (at least 80%) the subject's own. The filters run in C."""
    content = list(filterfalse(_STOP_BYTES.__contains__, tokens))
    return bool(content) and sum(map(subject_words.__contains__, content)) >= 0.8 * len(content)


def _quote(text: str, limit: int = 60) -> str:
    """The words judged, on one line, in quotes; cut to `limit` characters with an ASCII " ...".

    ASCII, not "…": every console encoding can print it, and a finding's text stays ASCII when the
    commit's is. One "…" makes Python store a whole report as two bytes per character and encode
    it character by character: 3% of a long range's time in JSON, 2% in text, measured.
    """
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 4].rstrip() + ' ...'}'"


def _words(text: str, cfg: Config) -> list[str]:
    if "://" in text:
        text = _URL.sub(" ", text)
    text = cfg.tickets.remove(text)
    if ":" in text:  # likewise for `Key: value` reference lines
        text = _REF_LINE.sub(" ", text)
    return _WORD.findall(text.lower())


@per_config
def _low_information(cfg: Config) -> tuple[frozenset[str], dict[str, list[str]]]:
    """The config's extra phrases, and every phrase indexed by its first word, longest first."""
    extra = frozenset(" ".join(w.split()) for w in cfg.strings("low-information"))
    index: dict[str, list[str]] = {}
    for known in sorted(_LOW_INFO | extra, key=lambda k: (-len(k.split()), k)):
        if known:
            index.setdefault(known.split()[0], []).append(known)
    return extra, index


def _repeats(words: list[str], subject: str) -> bool:
    """Whether the content words of a text are (at least 80%) the subject's own."""
    subject_words = set(_WORD.findall(subject.lower()))
    content = list(filterfalse(_STOPWORDS.__contains__, words))
    return bool(content) and sum(map(subject_words.__contains__, content)) >= 0.8 * len(content)


def judge(text: str, subject: str, min_words: int, cfg: Config) -> str | None:
    """None when `text`, given as the reason itself (a `Why:` trailer, `annotate --why`), holds one;
    otherwise why it does not, in a few words.

    A text offered as the reason needs no cue words, only content: it is refused when it points
    elsewhere, is filler, repeats the subject, or is shorter than `min_words`.
    """
    words = _words(text, cfg)
    phrase = " ".join(words)
    extra, by_first_word = _low_information(cfg)
    if not words:
        return "holds only references"
    pointer = _pointer(_Text(text))
    if phrase in _LOW_INFO or phrase in extra:
        return f"points elsewhere: {_quote(text)}" if pointer else f"is filler: {_quote(text)}"
    # The filters run in C (filterfalse, map): a paragraph can hold hundreds of words.
    meaningful = list(filterfalse(_FILLER.__contains__, words))
    # Strip a leading low-information phrase ("minor fix ..."): the longest that fits, so the
    # verdict does not depend on set iteration order (which changes with every process).
    starting = by_first_word.get(meaningful[0], ()) if meaningful else ()
    if starting:
        remaining = " ".join(meaningful)
        for known in starting:
            if remaining.startswith(known + " ") or remaining == known:
                meaningful = meaningful[len(known.split()):]
                break
    if len(meaningful) < 2:
        if pointer:
            return f"points elsewhere: {_quote(pointer)}"
        return f"is filler: {_quote(text)}"
    if _repeats(words, subject):
        return f"repeats the subject: {_quote(text)}"
    if len(words) < min_words:
        return f"is too short to explain why ({len(words)} words; at least {min_words})"
    return None


def assess(msg: Message, cfg: Config) -> tuple[str, str]:
    """("ok", where the reason is), ("weak", why the body or trailer is no reason) or ("missing",
    what the subject does instead)."""
    verdict = msg.rationale_verdict
    if verdict is None:
        verdict = msg.rationale_verdict = _assess(msg, cfg)
    return verdict


@per_config
def _policy(cfg: Config) -> tuple[frozenset[str], int, bool, tuple[str, ...]]:
    """(rationale trailer keys in lower case, minimum words of a body paragraph, whether the subject
    may carry the reason, the config's extra low-information phrases), once per config."""
    return (
        frozenset(key.lower() for key in cfg.strings("rationale-trailers")),
        cfg.number("rationale-min-words"),
        cfg.flag("rationale-in-subject"),
        tuple(" ".join(p.lower().split()) for p in cfg.strings("low-information") if p.strip()),
    )


def _sentences(prose: str) -> list[str]:
    """The sentences of a body paragraph; a line that starts with a change verb starts one too
    (an unpunctuated list of changes, one per line)."""
    sentences: list[str] = []
    for part in _SENTENCE_END.get().split("\n" + prose.lstrip() if prose.lstrip()[:2] in _BULLETS else prose):
        if "\n" not in part:
            sentences.append(part)
            continue
        current: list[str] = []
        for line in part.split("\n"):
            words = line.encode("utf-8", "replace").translate(_SPLIT_TABLE).split()
            if current and words and words[0] in _CHANGE_STARTS:
                sentences.append(" ".join(current))
                current = []
            current.append(line)
        sentences.append(" ".join(current))
    return sentences


def _context(text: _Text, subject_words: frozenset[bytes]) -> str | None:
    """The first sentence of a body paragraph that states the situation, or None."""
    if len(text.tokens) < _CONTEXT_MIN_WORDS:
        return None
    for sentence in _sentences(text.prose)[:_CONTEXT_MAX_SENTENCES]:
        sentence = sentence.lstrip(" \t\n*-+")
        if sentence.startswith("[") and "]" in sentence:  # a label: "[javadoc] fix ..."
            sentence = sentence[sentence.index("]") + 1:]
        words = sentence.encode("utf-8", "replace").translate(_SPLIT_TABLE)
        tokens = words.split()
        if len(tokens) < _CONTEXT_MIN_WORDS or b"now" in tokens:  # "X now does Y" describes the change
            continue
        if _FINITE_WORDS.isdisjoint(tokens) and b"ed " not in words.replace(b"\n", b" ") + b" ":
            continue  # no finite verb (nor a past tense): a fragment, a list of nouns
        start = 0
        while start < len(tokens) - 1 and (_LABEL.fullmatch(tokens[start]) or not tokens[start].strip(b"-'")):
            start += 1
        first = tokens[start]
        if first in _CHANGE_STARTS:
            # ... unless it is a name ("prepare() is ...") or a gerund subject ("Reading it twice made ...")
            head = sentence.lstrip(" \t\n*-`'\"[(")
            named = head[len(first):len(first) + 1] in ("(", ".", "`", "_")
            if not named and not (first.endswith(b"ing") and not _FINITE_WORDS.isdisjoint(tokens[start + 1:])):
                continue
        elif first in (b"this", b"the", b"that") and tokens[start + 1] in _CHANGE_NOUNS:
            continue
        if _restates(tokens, subject_words) or _CREDIT.search(sentence):
            continue
        line = _Text(sentence)
        if _pointer(line) is not None:
            continue
        return sentence
    return None


def _assess(msg: Message, cfg: Config) -> tuple[str, str]:
    weak: list[str] = []
    trailer_keys, min_words, in_subject, extra = _policy(cfg)
    if msg.trailers:
        for trailer in msg.trailers:
            if trailer.folded in trailer_keys:
                problem = judge(trailer.value, msg.subject, 2, cfg)
                if problem is None:
                    return "ok", "trailer"
                weak.append(f"the {trailer.key} trailer {problem}")
    body = msg.body
    if body and _may_hold(body, _DECISION_WORDS) and DECISION_LINK.search(body):
        return "ok", "decision record"
    subject = _Text(msg.subject)
    if in_subject and not (_TRIGGERS.isdisjoint(subject.tokens) and _FIX_TRIGGERS.isdisjoint(subject.tokens)):
        if _subject_cue(subject) is not None:
            return "ok", "subject"
    paragraphs = msg.body_paragraphs
    if not paragraphs:
        return ("weak", weak[0]) if weak else ("missing", _subject_problem(msg.subject, subject, in_subject))
    texts = [_Text(p, extra) for p in paragraphs]
    subject_words = frozenset(subject.tokens)
    for text in texts:
        if len(text.tokens) >= min_words and _cue(text) is not None and not _restates(text.tokens, subject_words):
            return "ok", "body"
    for text in texts:
        if _context(text, subject_words) is not None:
            return "ok", "body"
    # No reason anywhere: say what the body does instead, quoting the words judged.
    return "weak", weak[0] if weak else _body_problem(paragraphs, texts, subject_words, min_words)


def _subject_problem(raw: str, subject: _Text, in_subject: bool) -> str:
    if not in_subject:
        cue = _subject_cue(subject)
        if cue is not None:
            return (f"the subject gives a reason ({_quote(cue, 40)}), but this project wants it in the body "
                    "(rationale-in-subject = false)")
    if _is_filler(subject.tokens):
        return f"the subject is filler: {_quote(raw)}"
    pointer = _pointer(subject)
    if pointer is not None:
        if 2 * len(pointer) >= len(_without_labels(subject.flat)):
            return f"the subject only points elsewhere: {_quote(raw)}"
        return f"the subject only says what changed and points elsewhere: {_quote(pointer)}"
    return f"the subject only says what changed: {_quote(raw)}"


def _body_problem(paragraphs: list[str], texts: list[_Text], subject_words: frozenset[bytes],
                  min_words: int) -> str:
    """Why the body paragraphs are no reason: a pointer first, else filler, else what they say."""
    found: list[tuple[int, str]] = []
    for paragraph, text in zip(paragraphs, texts):
        pointer = _pointer(text)
        if pointer is not None:
            found.append((0, f"points elsewhere: {_quote(pointer)}"))
        elif _is_filler(text.tokens):
            found.append((1, f"is filler: {_quote(paragraph)}"))
        elif len(text.tokens) < min_words and _cue(text) is not None:
            found.append((2, f"is too short to explain why ({len(text.tokens)} words; at least {min_words})"))
        elif _restates(text.tokens, subject_words):
            found.append((3, f"repeats the subject: {_quote(paragraph)}"))
        else:
            found.append((4, f"only says what changed: {_quote(paragraph)}"))
    return "the body " + min(found)[1]


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when no match is possible: ASCII text holding none of `words` in any case.

    Non-ASCII text always says True: with IGNORECASE, `i`, `s` and `k` also match dotless i, long s and
    the Kelvin sign, which lower() would not bring back to ASCII.
    """
    if not text.isascii():
        return True
    lowered = text.lower()
    for word in words:  # a plain loop: any() over a generator costs more than the search here
        if word in lowered:
            return True
    return False


def _trailer_hint(cfg: Config) -> str:
    keys = cfg.strings("rationale-trailers")
    return f"a '{keys[0]}:' trailer" if keys else "a body paragraph"


@per_config
def _missing_hint(cfg: Config) -> str:
    """How CTX201 says to fix it, naming the configured rationale trailer."""
    if not cfg.flag("rationale-in-subject"):
        return (f"; add a body paragraph that says why (the problem, its cause or the goal), {_trailer_hint(cfg)}, "
                "or a link to a decision record")
    return ("; add why: the problem, its cause or the goal, in the subject or a body paragraph, "
            f"{_trailer_hint(cfg)}, or a link to a decision record")


@check("CTX201")
def missing_rationale(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    status, detail = assess(msg, cfg)
    if status != "missing":
        return ()
    return (f"no rationale recorded: {detail}{_missing_hint(cfg)}",)


@check("CTX202")
def low_information_rationale(msg: Message, ctx: CommitContext, cfg: Config) -> Sequence[str]:
    status, detail = assess(msg, cfg)
    if status != "weak":
        return ()
    return (f"the rationale does not say why: {detail}; write the reason itself: the problem, its cause or the goal",)
