"""Detect the CI and read the pull (merge) request from it: GitHub Actions, GitLab CI, or flags.

Everything here reads the environment and the event file only: no network, no token, no API.
That is what lets the gate run on pull requests from forks (which get no token) and under
`pull_request_target` (where the PR's code must never run: ctxlint only reads git objects).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from linter.errors import CtxlintError

#: GitHub events that carry a pull request payload.
GITHUB_PR_EVENTS = ("pull_request", "pull_request_target")
#: The merge queue's event: a base and a head, but no PR title or body.
GITHUB_QUEUE_EVENT = "merge_group"

#: The largest event file read; GitHub's own are far smaller, so more means a wrong file.
MAX_EVENT_BYTES = 25 * 1024 * 1024

_SHA = re.compile(r"[0-9a-f]{7,64}")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True)
class PullRequest:
    """What the gate needs to know about one pull or merge request, wherever it came from."""

    provider: str  # "github", "gitlab" or "generic"
    event: str  # pull_request, pull_request_target, merge_group, merge_request_event, generic
    base: str  # a revision (a sha from CI; anything git resolves in generic mode)
    head: str
    number: int | None = None
    title: str | None = None  # None: this event carries no PR text (merge queue, generic w/o --title)
    body: str = ""
    author: str = ""  # login of the PR's author, for the bot exemption
    url: str | None = None
    base_ref: str | None = None  # branch names, for messages only
    head_ref: str | None = None
    from_fork: bool = False
    commit_count: int | None = None  # as the CI counted them, to cross-check our walk
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_text(self) -> bool:
        """Whether there is a PR title (and body) to lint."""
        return self.title is not None

    @property
    def label(self) -> str:
        """How reports name the PR: `PR #12`, `MR !7`, or `pull request`."""
        if self.number is None:
            return "merge queue group" if self.event == GITHUB_QUEUE_EVENT else "pull request"
        return f"MR !{self.number}" if self.provider == "gitlab" else f"PR #{self.number}"

    @property
    def message(self) -> str:
        """Title and body as one commit message: what a squash merge would record."""
        body = strip_template_comments(self.body).strip()
        title = " ".join((self.title or "").split())
        return f"{title}\n\n{body}\n" if body else f"{title}\n"

    def fix_hint(self) -> str:
        """The one-line fix for a clone too shallow to hold the PR's history, per CI."""
        if self.provider == "github":
            return "set `fetch-depth: 0` on actions/checkout, or run `ctxlint ci --deepen`"
        if self.provider == "gitlab":
            return "set `GIT_DEPTH: 0` in the job's variables, or run `ctxlint ci --deepen`"
        return "fetch more history (`git fetch --deepen=200`, or `--unshallow`), or run `ctxlint ci --deepen`"


def strip_template_comments(text: str) -> str:
    """Drop `<!-- ... -->` blocks: PR templates' instructions are not the author's words."""
    return _HTML_COMMENT.sub("", text) if "<!--" in text else text


@dataclass(frozen=True)
class Overrides:
    """Values given on the command line; each wins over what the CI says."""

    base: str | None = None
    head: str | None = None
    title: str | None = None
    body: str | None = None
    provider: str | None = None  # "github", "gitlab", "generic" or None to detect


def detect(env: Mapping[str, str] | None = None, overrides: Overrides | None = None) -> PullRequest:
    """The pull request this run is about, from the CI's environment and the command line."""
    env = os.environ if env is None else env
    given = overrides or Overrides()
    provider = given.provider or _provider(env)
    if provider == "github" and (
        env.get("GITHUB_EVENT_NAME") in (*GITHUB_PR_EVENTS, GITHUB_QUEUE_EVENT) or not given.base
    ):
        pr = from_github(env)
    elif provider == "gitlab" and (env.get("CI_MERGE_REQUEST_IID") or not given.base):
        pr = from_gitlab(env)
    else:
        # Any other CI, or a CI run that is not about a PR (a push) but was given a range.
        if not given.base:
            raise CtxlintError(
                "no pull request found: not a GitHub pull_request/merge_group run or a GitLab merge request "
                "pipeline; give the range yourself with --base REV [--head REV] "
                "[--title TEXT --body-file FILE]"
            )
        pr = PullRequest(provider="generic", event="generic", base=given.base, head=given.head or "HEAD")
    return _scrubbed(_apply(pr, given))


#: The PR's free text: an event's JSON may hold lone surrogates ("\ud800"), and argv or the
#: environment bytes that are not UTF-8 (decoded as lone surrogates too).
_TEXT_FIELDS = ("title", "body", "author", "url", "base_ref", "head_ref")


def _scrubbed(pr: PullRequest) -> PullRequest:
    """The PR with lone surrogates in its text replaced by U+FFFD, so every report can encode it."""
    from linter.report.safety import scrub

    changes = {}
    for name in _TEXT_FIELDS:
        value = getattr(pr, name)
        if isinstance(value, str) and scrub(value) is not value:
            changes[name] = scrub(value)
    if not changes:
        return pr
    from dataclasses import replace

    return replace(pr, **changes)  # type: ignore[arg-type]


def _provider(env: Mapping[str, str]) -> str:
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true" or env.get("CI_MERGE_REQUEST_IID"):
        return "gitlab"
    return "generic"


def _apply(pr: PullRequest, given: Overrides) -> PullRequest:
    changes: dict[str, object] = {}
    if given.base:
        changes["base"] = given.base
    if given.head:
        changes["head"] = given.head
    if given.title is not None:
        changes["title"] = given.title
    if given.body is not None:
        changes["body"] = given.body
        if pr.title is None and given.title is None:
            changes["title"] = ""
    if not changes:
        return pr
    from dataclasses import replace

    return replace(pr, **changes)  # type: ignore[arg-type]


def read_event(path: str) -> dict[str, object]:
    """The GitHub event payload, as a dict; one clear line when it is missing or not JSON."""
    from linter.files import Unreadable, read_regular_file

    try:
        data = read_regular_file(path, MAX_EVENT_BYTES)
    except Unreadable as exc:
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: cannot read: {exc.reason}") from None
    except OSError as exc:
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: cannot read: {exc.strerror}") from None
    try:
        event = json.loads(data.decode("utf-8", "replace"))
    except ValueError as exc:
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: not valid JSON: {exc}") from None
    except RecursionError:
        # json recurses once per nested array or object; a real event is a few levels deep.
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: not valid JSON: arrays or objects nested too deeply") from None
    if not isinstance(event, dict):
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: expected a JSON object")
    return event


def _obj(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sha(value: object, what: str) -> str:
    text = _str(value)
    if not text or not _SHA.fullmatch(text):
        raise CtxlintError(f"the event gives no valid {what} sha ({value!r})")
    return text


def _branch(ref: str | None) -> str | None:
    return ref.removeprefix("refs/heads/") if ref else None


def from_github(env: Mapping[str, str]) -> PullRequest:
    """Read a `pull_request`, `pull_request_target` or `merge_group` run's event file."""
    name = env.get("GITHUB_EVENT_NAME", "")
    if name not in (*GITHUB_PR_EVENTS, GITHUB_QUEUE_EVENT):
        raise CtxlintError(
            f"GitHub event {name or '(unset)'!r} is not a pull request: run `ctxlint ci` on pull_request, "
            "pull_request_target or merge_group, `ctxlint check-range` elsewhere, or pass --base"
        )
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        raise CtxlintError("GITHUB_EVENT_PATH is not set; cannot read the pull request")
    event = read_event(path)
    if name == GITHUB_QUEUE_EVENT:
        group = _obj(event.get("merge_group"))
        return PullRequest(
            provider="github",
            event=name,
            base=_sha(group.get("base_sha"), "merge_group base"),
            head=_sha(group.get("head_sha"), "merge_group head"),
            base_ref=_branch(_str(group.get("base_ref"))),
            head_ref=_branch(_str(group.get("head_ref"))),
            notes=("merge_group events carry no PR title or body: linting the queued commits only",),
        )
    pull = _obj(event.get("pull_request"))
    if not pull:
        raise CtxlintError(f"GITHUB_EVENT_PATH {path}: a {name} event without a pull_request object")
    base, head = _obj(pull.get("base")), _obj(pull.get("head"))
    head_repo, base_repo = _obj(head.get("repo")), _obj(base.get("repo"))
    fork = bool(head_repo.get("fork")) or (
        bool(head_repo.get("full_name")) and head_repo.get("full_name") != base_repo.get("full_name")
    )
    return PullRequest(
        provider="github",
        event=name,
        base=_sha(base.get("sha"), "pull_request base"),
        head=_sha(head.get("sha"), "pull_request head"),
        number=_int(pull.get("number")) or _int(event.get("number")),
        title=_str(pull.get("title")) or "",
        body=_str(pull.get("body")) or "",
        author=_str(_obj(pull.get("user")).get("login")) or "",
        url=_str(pull.get("html_url")),
        base_ref=_str(base.get("ref")),
        head_ref=_str(head.get("ref")),
        from_fork=fork,
        commit_count=_int(pull.get("commits")),
    )


def from_gitlab(env: Mapping[str, str]) -> PullRequest:
    """Read a merge request pipeline's `CI_MERGE_REQUEST_*` variables."""
    iid = env.get("CI_MERGE_REQUEST_IID")
    if not iid:
        raise CtxlintError(
            "this GitLab pipeline is not a merge request pipeline (no CI_MERGE_REQUEST_IID): add "
            '`rules: [{if: $CI_PIPELINE_SOURCE == "merge_request_event"}]` to the job, or pass --base'
        )
    # DIFF_BASE_SHA is the merge base GitLab diffs against; TARGET_BRANCH_SHA exists only in merged
    # results pipelines. SOURCE_BRANCH_SHA is the MR's head there, where CI_COMMIT_SHA is the
    # temporary merge commit instead.
    base = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA") or env.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
    head = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or env.get("CI_COMMIT_SHA")
    notes: list[str] = []
    if env.get("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED") == "true":
        notes.append(
            "GitLab truncated the merge request description in CI_MERGE_REQUEST_DESCRIPTION; "
            "only its start was checked"
        )
    source, target = env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_PATH"), env.get("CI_MERGE_REQUEST_PROJECT_PATH")
    return PullRequest(
        provider="gitlab",
        event=env.get("CI_MERGE_REQUEST_EVENT_TYPE") or "merge_request_event",
        base=_sha(base, "CI_MERGE_REQUEST_DIFF_BASE_SHA"),
        head=_sha(head, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA/CI_COMMIT_SHA"),
        number=int(iid) if iid.isdigit() else None,
        title=env.get("CI_MERGE_REQUEST_TITLE", ""),
        body=env.get("CI_MERGE_REQUEST_DESCRIPTION", ""),
        # who started the pipeline: for a bot's MR (renovate, dependabot-gitlab) that is the bot
        author=env.get("GITLAB_USER_LOGIN", ""),
        url=(
            f"{env['CI_MERGE_REQUEST_PROJECT_URL']}/-/merge_requests/{iid}"
            if env.get("CI_MERGE_REQUEST_PROJECT_URL")
            else None
        ),
        base_ref=env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        head_ref=env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        from_fork=bool(source and target and source != target),
        notes=tuple(notes),
    )
