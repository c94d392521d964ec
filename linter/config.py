"""Load and validate `[tool.ctxlint]` (pyproject.toml) or `.ctxlint.toml`.

Every key is declared once in SCHEMA with its type, default and meaning; that table drives the
validation, `ctxlint init` and the README's configuration reference. An invalid file gives one
line naming the file, the key and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from linter import TYPE_CHECKING
from linter.errors import CtxlintError
from linter.regexcache import regex
from linter.regexguard import Regex, builtin
from linter.releases import DEFAULT_RELEASE_PATTERN, DefaultReleaseMatcher
from linter.tickets import TRACKERS, TicketMatcher

SEVERITIES = ("error", "warning", "off")
CONFIG_FILES = (".ctxlint.toml", "pyproject.toml")

DEFAULT_BOT_AUTHORS = [
    r"\[bot\]",
    r"^dependabot",
    r"^renovate",
    r"^github-actions",
    r"^snyk-bot",
    r"^pre-commit-ci",
    r"^greenkeeper",
]
class Key:
    """One config key: its kind (bool, int, str, choice, list, regex, regex-list, severity-map)."""

    __slots__ = ("choices", "default", "doc", "kind")

    def __init__(self, kind: str, default: object, doc: str, choices: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.default = default
        self.doc = doc
        self.choices = choices


#: section name ("" for the top level) -> key -> Key. Sections are TOML tables under [tool.ctxlint].
SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "trackers": Key("list", list(TRACKERS),
                        "Ticket forms that count: jira, github, gitlab, linear, azure, bugzilla.", TRACKERS),
        "project-keys": Key("list", [], "Only these Jira/Linear project keys count (e.g. [\"ABC\", \"OPS\"]); "
                            "empty means any key."),
        "ticket-patterns": Key("regex-list", [], "Extra regexes; any match counts as a ticket reference."),
        "branch-pattern": Key("regex", "", "Regex whose first group takes the ticket from a branch name; "
                              "empty uses the ticket forms above."),
        "ticket-placement": Key("choice", "trailer", "Where prepare-commit-msg puts a branch's ticket: "
                                "`trailer` (Refs: KEY) or `subject-prefix` (KEY: subject).",
                                ("trailer", "subject-prefix")),
        "ticket-trailer": Key("str", "Refs", "Trailer key used when inserting a ticket."),
        "rationale-trailers": Key("list", ["Why", "Rationale", "Reason"],
                                  "Trailers whose value counts as rationale."),
        "rationale-min-words": Key("int", 3, "Words a body paragraph needs to count as rationale."),
        "rationale-in-subject": Key("bool", True, "Whether a reason given in the subject counts (\"Avoid "
                                    "compilation warnings\"); false requires it in the body or a trailer."),
        "low-information": Key("list", [], "Extra phrases that count as no rationale "
                               "(added to the built-in list: fix, wip, see ticket, as discussed, ...)."),
        "skip-trailer": Key("str", "Ctxlint-Skip", "Trailer that skips all checks; it must give a reason."),
    },
    "exempt": {
        "merges": Key("bool", True, "Merge commits (two or more parents, or MERGE_HEAD at commit time)."),
        "reverts": Key("bool", True, "Real git reverts (`This reverts commit <sha>`)."),
        "fixups": Key("bool", True, "`fixup!`, `squash!` and `amend!` commits, squashed away before merging."),
        "bots": Key("bool", True, "Commits whose author matches `bot-authors`."),
        "releases": Key("bool", True, "Release and version-bump commits matching `release-pattern`."),
        "bot-authors": Key("regex-list", DEFAULT_BOT_AUTHORS, "Regexes matched against `Name <email>`."),
        "release-pattern": Key("regex", DEFAULT_RELEASE_PATTERN,
                               "Regex matched against the subject (case-insensitive)."),
    },
    "rules": {
        "*": Key("severity", None, "Severity per rule, by code or name: error, warning or off."),
    },
    # Filled in by the decision-records work (issue #4).
    "decisions": {
        "paths": Key("list", [], "Folders holding decision records; empty autodetects doc/adr, docs/adr, "
                     "docs/decisions, docs/architecture/decisions, docs/architecture-decisions, adr, decisions, "
                     "else any *decision*/adr/adrs folder at most three levels deep that holds numbered records."),
        "stale-proposal-days": Key("int", 90, "Days a proposed record may stay open before CTX308 reports it; "
                                   "0 turns the check off."),
        "threshold": Key("int", 55, "How closely (0-100) a text must match a closed decision's topic to be "
                         "reported as reopening it; higher reports less."),
        "reopen-trailers": Key("list", ["Reopens", "Refs", "Supersedes", "Revisits"],
                               "Trailers whose ADR reference acknowledges a reopening (with a new rationale)."),
    },
    # Filled in by the CI gate (issue #3).
    "ci": {
        "policy": Key("choice", "both", "What `ctxlint ci` requires to comply: `both` the PR title/body and "
                      "every commit, `commits` every commit only, or `pr` the PR title/body only "
                      "(squash-merge teams; a one-commit PR's commit is checked too).",
                      ("both", "commits", "pr")),
    },
    # Filled in by the audit (issue #5).
    "audit": {
        "trend": Key("choice", "auto", "Trend granularity in text, Markdown and HTML reports: auto (the "
                     "finest that fits 40 periods), week, month, quarter or year.",
                     ("auto", "week", "month", "quarter", "year")),
        "top": Key("int", 20, "Rows per breakdown table (authors, folders, owners, projects)."),
        "missing-limit": Key("int", 50, "How many of the largest commits lacking context the report lists."),
        "folder-depth": Key("int", 1, "Path segments that make a folder in the by-folder breakdown."),
        "fail-under": Key("int", 0, "Default for --fail-under: exit 1 when coverage is below this percent "
                          "(0: off)."),
        "cache": Key("bool", True, "Cache per-commit results under the git directory (incremental audits)."),
        "workers": Key("int", 0, "Lint worker processes; 0 picks one per core, at most 4."),
    },
}

def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Config:
    """Validated settings with defaults filled in. `Config()` is the zero-config default."""

    __slots__ = ("_derived", "_lists", "_matcher", "_values", "source")

    def __init__(self, values: dict[str, object] | None = None, source: str | None = None) -> None:
        self._values = values or {}
        self.source = source
        self._matcher: TicketMatcher | None = None
        #: full key -> its list of strings, for `strings`
        self._lists: dict[str, list[str]] = {}
        #: `per_config` function -> its value for this config
        self._derived: dict[Callable[[Config], Any], Any] = {}

    def get(self, key: str, section: str = "") -> object:
        """The value of `key` in `section`, or its default."""
        full = f"{section}.{key}" if section else key
        if full in self._values:
            return self._values[full]
        spec = SCHEMA[section][key]
        # Built-in defaults are reviewed and run on `re`; only user patterns need RE2 (regexguard).
        ignore_case = section == "exempt"
        if spec.kind == "regex" and isinstance(spec.default, str):
            # The default release pattern is searched one form at a time (linter/releases.py).
            faster = DefaultReleaseMatcher() if spec.default is DEFAULT_RELEASE_PATTERN else None
            value: object = builtin(spec.default, ignore_case, faster) if spec.default else None
        elif spec.kind == "regex-list" and isinstance(spec.default, list):
            value = [builtin(p, ignore_case) for p in spec.default]
        else:
            value = spec.default
        self._values[full] = value
        return value

    def flag(self, key: str, section: str = "") -> bool:
        return bool(self.get(key, section))

    def number(self, key: str, section: str = "") -> int:
        value = self.get(key, section)
        return value if isinstance(value, int) else 0

    def text(self, key: str, section: str = "") -> str:
        value = self.get(key, section)
        return value if isinstance(value, str) else ""

    def strings(self, key: str, section: str = "") -> list[str]:
        """The list value of `key` (shared: callers must not change it)."""
        full = f"{section}.{key}"
        cached = self._lists.get(full)
        if cached is None:
            value = self.get(key, section)
            cached = self._lists[full] = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return cached

    def patterns(self, key: str, section: str = "") -> list[Regex]:
        value = self.get(key, section)
        return [v for v in value if isinstance(v, Regex)] if isinstance(value, list) else []

    def pattern(self, key: str, section: str = "") -> Regex | None:
        value = self.get(key, section)
        return value if isinstance(value, Regex) else None

    @property
    def has_rule_overrides(self) -> bool:
        """Whether the config sets any rule's severity."""
        return any(key.startswith("rules.") for key in self._values)

    def rule_severity(self, code: str) -> tuple[str, str]:
        """(name, severity) of a rule: this config's override, else the catalogue's default."""
        from linter.rulebook import essentials

        name, default = essentials(code)
        return name, self.severity_override(code, name) or default

    def severity_override(self, code: str, name: str) -> str | None:
        """The configured severity of a rule, by code or by name, if any."""
        for key in (code, name):
            value = self._values.get(f"rules.{key}")
            if isinstance(value, str):
                return value
        return None

    @property
    def tickets(self) -> TicketMatcher:
        if self._matcher is None:
            self._matcher = TicketMatcher(
                self.strings("trackers"), self.strings("project-keys"), self.patterns("ticket-patterns")
            )
        return self._matcher


if TYPE_CHECKING:
    from typing import Any, TypeVar

    _Derived = TypeVar("_Derived")


def per_config(make: Callable[[Config], _Derived]) -> Callable[[Config], _Derived]:
    """`make(cfg)`, computed on the first call for a config and kept as long as the config lives.

    For values derived from the settings alone (a hint naming the configured trailer, a phrase
    index) that a check would otherwise rebuild for every commit of a range. A run loads its config
    once, so this is once per run; the function itself is the key, so two values never collide
    and each keeps its own type.
    """

    def derived(cfg: Config) -> _Derived:
        try:
            value: _Derived = cfg._derived[make]
        except KeyError:
            value = cfg._derived[make] = make(cfg)
        return value

    derived.__doc__ = make.__doc__
    return derived


def _compile(pattern: str | list[str], key: str, where: str, ignore_case: bool = False) -> Regex | list[Regex]:
    """A user's pattern (or list of them) compiled on RE2, or one line naming the key and why not."""
    from linter.regexguard import (
        MAX_LINE_PROGRAM_SIZE,
        MAX_PROGRAM_SIZE,
        UnsafePattern,
        compile_user,
        compile_user_list,
    )

    # Ticket patterns run over whole messages; the others over one short line each.
    budget = MAX_PROGRAM_SIZE if key == "ticket-patterns" else MAX_LINE_PROGRAM_SIZE
    try:
        if isinstance(pattern, list):
            return compile_user_list(pattern, ignore_case, budget)
        return compile_user(pattern, ignore_case, budget)[0]
    except UnsafePattern as exc:
        raise CtxlintError(f"{where}: key {key!r}: {exc}") from None


def _kind_name(kind: str) -> str:
    return {
        "bool": "true or false",
        "int": "a whole number",
        "str": "a string",
        "choice": "one of",
        "list": "a list of strings",
        "regex": "a regex string",
        "regex-list": "a list of regex strings",
        "severity": "error, warning or off",
    }[kind]


def _validate_value(spec: Key, value: object, full: str, where: str) -> object:
    problem = f"{where}: key {full!r}"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise CtxlintError(f"{problem}: expected true or false, got {value!r}")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CtxlintError(f"{problem}: expected a whole number >= 0, got {value!r}")
        return value
    if spec.kind in ("str", "regex"):
        if not isinstance(value, str):
            raise CtxlintError(f"{problem}: expected {_kind_name(spec.kind)}, got {value!r}")
        if spec.kind == "regex":
            return _compile(value, full, where, full.startswith("exempt.")) if value else None
        return value
    if spec.kind == "choice":
        if value not in spec.choices:
            raise CtxlintError(f"{problem}: expected one of {', '.join(spec.choices)}, got {value!r}")
        return value
    if spec.kind in ("list", "regex-list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CtxlintError(f"{problem}: expected {_kind_name(spec.kind)}, got {value!r}")
        if spec.choices:
            for item in value:
                if item not in spec.choices:
                    raise CtxlintError(
                        f"{problem}: unknown value {item!r}{_did_you_mean(item, list(spec.choices))}; "
                        f"expected some of {', '.join(spec.choices)}"
                    )
        if full == "project-keys":
            for item in value:
                if not regex(r"[A-Za-z][A-Za-z0-9_]*").fullmatch(item):
                    raise CtxlintError(f"{problem}: {item!r} is not a project key (letters, digits, _)")
        if spec.kind == "regex-list":
            return _compile(list(value), full, where, full.startswith("exempt."))
        return list(value)
    if spec.kind == "severity":
        if value not in SEVERITIES:
            raise CtxlintError(f"{problem}: expected error, warning or off, got {value!r}")
        return value
    raise AssertionError(spec.kind)  # pragma: no cover


def validate(table: dict[str, object], where: str) -> Config:
    """Turn a raw `[tool.ctxlint]` table into a Config, or raise CtxlintError naming the key."""
    values: dict[str, object] = {}
    sections = [s for s in SCHEMA if s]
    for key, value in table.items():
        if key in SCHEMA and key:
            if not isinstance(value, dict):
                raise CtxlintError(f"{where}: key {key!r}: expected a table ([tool.ctxlint.{key}])")
            for sub, subvalue in value.items():
                full = f"{key}.{sub}"
                if key == "rules":
                    _check_rule_name(sub, where)
                    values[full] = _validate_value(SCHEMA["rules"]["*"], subvalue, full, where)
                    continue
                spec = SCHEMA[key].get(sub)
                if spec is None:
                    hint = _did_you_mean(sub, list(SCHEMA[key]))
                    raise CtxlintError(f"{where}: unknown key {full!r}{hint}")
                values[full] = _validate_value(spec, subvalue, full, where)
            continue
        spec = SCHEMA[""].get(key)
        if spec is None:
            hint = _did_you_mean(key, list(SCHEMA[""]) + sections)
            raise CtxlintError(f"{where}: unknown key {key!r}{hint}")
        values[key] = _validate_value(spec, value, key, where)
    return Config(values, where)


def _check_rule_name(name: str, where: str) -> None:
    from linter.rulebook import catalogue

    rules = catalogue()
    known = {r.code for r in rules} | {r.name for r in rules}
    if name not in known:
        raise CtxlintError(
            f"{where}: unknown rule {('rules.' + name)!r}{_did_you_mean(name, sorted(known))}; "
            "`ctxlint rules` lists them"
        )


#: The largest config file read: real ones are a few KiB, so more means a wrong (or hostile) file.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _read_config(path: str) -> bytes:
    """The config file's bytes: a regular file within the cap, else one line naming it."""
    from linter.files import Unreadable, read_regular_file

    try:
        return read_regular_file(path, MAX_CONFIG_BYTES)
    except Unreadable as exc:
        raise CtxlintError(f"{path}: cannot read config: {exc.reason}") from None
    except OSError as exc:
        raise CtxlintError(f"{path}: cannot read config: {exc.strerror}") from None


def _load_toml(path: str) -> dict[str, object]:
    from linter.tomlfile import parse_toml

    data = _read_config(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CtxlintError(
            f"{path}: not valid TOML: byte 0x{data[exc.start]:02x} on line {line} is not UTF-8 "
            "(TOML files must be UTF-8)"
        ) from None
    return parse_toml(text, path)


def load_file(path: str) -> Config:
    """Load a config file: `.ctxlint.toml` (top-level keys) or any TOML with [tool.ctxlint].

    No key of the user's is dropped unread: ctxlint's keys at the top level of a pyproject-shaped
    file, a key both at the top level and in [tool.ctxlint], or another tool's table in ctxlint's
    own file are refused by name.
    """
    data = _load_toml(path)
    tool = data.get("tool", {})
    nested = tool.get("ctxlint") if isinstance(tool, dict) else None
    if not isinstance(tool, dict) or not isinstance(nested, (dict, type(None))):
        raise CtxlintError(f"{path}: [tool{'.ctxlint' * isinstance(tool, dict)}] must be a table")
    top = {key: value for key, value in data.items() if key != "tool"}
    ours = sorted(key for key in top if key in SCHEMA[""] or (key in SCHEMA and key))
    name = os.path.basename(path)
    if name == CONFIG_FILES[1] or (name != CONFIG_FILES[0] and nested is not None and not ours):
        # pyproject-shaped: ctxlint's table is [tool.ctxlint], the rest belongs to other tools.
        if ours:
            raise CtxlintError(f"{path}: {ours[0]!r} is a ctxlint key at the top level; "
                               "move it under [tool.ctxlint]")
        return validate(nested or {}, path)
    others = sorted(key for key in tool if key != "ctxlint")
    if others:
        raise CtxlintError(f"{path}: [tool.{others[0]}] is not ctxlint's; this file holds ctxlint's keys "
                           "at the top level (or under [tool.ctxlint])")
    both = sorted(set(top) & set(nested or {}))
    if both:
        raise CtxlintError(f"{path}: {both[0]!r} is set both at the top level and in [tool.ctxlint]; keep one")
    return validate({**top, **(nested or {})}, path)


def load(root: str | None = None, explicit: str | None = None) -> Config:
    """The config for the repository at `root`: `.ctxlint.toml`, else pyproject's [tool.ctxlint]."""
    if explicit:
        if not os.path.exists(explicit):
            raise CtxlintError(f"{explicit}: config file not found")
        return load_file(explicit)
    if root is None:
        return Config()
    dotfile = os.path.join(root, CONFIG_FILES[0])
    if os.path.exists(dotfile):  # a FIFO or folder of that name is refused, never silently passed over
        return load_file(dotfile)
    pyproject = os.path.join(root, CONFIG_FILES[1])
    if not os.path.exists(pyproject):
        return Config()
    head = _read_config(pyproject)
    # Most pyproject files say nothing about ctxlint: skip the TOML parser on the hook's hot path.
    if b"ctxlint" not in head:
        return Config()
    return load_file(pyproject)
