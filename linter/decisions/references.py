"""References: does a text, a trailer or a link name a decision record?

The one place that decides it, for the hook, `why`, the record hook and the decision log's
health: seven slightly different copies used to disagree on `ADR-0007` against `0007-x.md`.
Nothing is compiled at import: the commit-msg hook imports this module.
"""

from __future__ import annotations

import re

from linter.regexcache import regex

_REF_ID = r"\b(?:ADR|DR|PEP|decision)[-_ #]?0*(\d{1,6})\b"
_NUMBER_IN_NAME = r"^(?:adr|dr|pep|rfc)?[-_ ]?0*(\d{1,6})(?=[-_. ]|$)"
_RECORD_SUFFIXES = (".md", ".markdown")


def reference_number(ref: str) -> int | None:
    """The record number a reference names: `ADR-7`, `ADR-0007`, `7`, `0007-foo.md`, `adr/0007-x.md`."""
    found = regex(_REF_ID, re.IGNORECASE).search(ref)
    if found:
        return int(found.group(1))
    found = regex(_NUMBER_IN_NAME, re.IGNORECASE).match(ref.replace("\\", "/").rsplit("/", 1)[-1])
    return int(found.group(1)) if found else None


def refers_to(ref: str, path: str, number: int | None, holder: str = "", *, link: bool = False) -> bool:
    """Whether `ref` (ADR-7, ADR-0007, 7, a path or a file name) names the record at `path`.

    `holder` is the repo-relative path of the record the reference is written in, if any: a link
    such as `../adr/0003-x.md` is relative to it. A file reference is matched by its path, never by
    the number in its name, so `0007-old.md` does not name a renumbered `0007-new.md`.

    With `link`, a file reference is a Markdown link of the holder's and is read only as one, from
    the holder's folder: a supersede link must lead where a reader's click leads (CTX303 reports one
    that does not). Without it, a file reference may also be repo-relative or a bare file name, as
    in a trailer (`Reopens: docs/adr/0007-x.md`) or a link that the reopening rule only needs to
    recognise.
    """
    import posixpath

    ref = ref.strip().strip("<>`'\"").split("#", 1)[0].strip()
    if not ref:
        return False
    is_file = ref.lower().endswith(_RECORD_SUFFIXES)
    if not is_file:
        wanted = reference_number(ref)
        return wanted is not None and wanted == number
    norm = ref.replace("\\", "/")
    if holder and not norm.startswith("/"):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(holder), norm))
        if joined == path:
            return True
        if link:
            norm = joined
    norm = norm.lstrip("./")
    return bool(norm) and (path == norm or path.endswith("/" + norm) or posixpath.basename(path) == norm)


def whole_reference(text: str) -> str | None:
    """`text` when the whole of it is one reference (ADR-7, "decision 7", 7, a path), else None: a
    query such as `ctxlint why ADR-7` asks for that record, not for records about "ADR"."""
    text = text.strip()
    if regex(r"(?:ADR|decision)[-_ #]?0*\d{1,6}", re.IGNORECASE).fullmatch(text) is None and len(text.split()) != 1:
        return None
    return text


def mentions(text: str, path: str, number: int | None) -> bool:
    """Whether free text names the record at `path`: ADR-7, decision 7, its file name, or the slug
    of its file name ("bosh-access-with-mtls" of `ADR041-bosh-access-with-mtls.html.md`, as in a
    diagram named after the record)."""
    if number is not None:
        for found in regex(r"\b(?:ADR|decision)[-_ #]?0*(\d{1,6})\b", re.IGNORECASE).finditer(text):
            if int(found.group(1)) == number:
                return True
    base = path.rsplit("/", 1)[-1]
    if base in text:
        return True
    slug = regex(r"^(?:adr|dr|pep|rfc)?[-_ ]?\d+[-_ ]*", re.IGNORECASE).sub("", base.split(".", 1)[0])
    return slug.count("-") >= 2 and slug.lower() in text.lower()


class Referable:
    """What a reference can name: a decision record's path and number. The parsed `Record` and the
    index's `Entry` are both one, so that `ADR-7` and "does this name it" mean one thing for both."""

    __slots__ = ()

    path: str
    number: int | None

    @property
    def id(self) -> str:
        """`ADR-7` for numbered records, else the file name without its extension."""
        if self.number is not None:
            return f"ADR-{self.number}"
        import posixpath

        return posixpath.splitext(posixpath.basename(self.path))[0]

    def refers_to(self, ref: str, holder: str = "", *, link: bool = False) -> bool:
        """Whether `ref`, as written in the record at `holder` if any, names this record (see `refers_to`)."""
        return refers_to(ref, self.path, self.number, holder, link=link)

    def named_in(self, text: str) -> bool:
        """Whether free text names this record (see `mentions`)."""
        return mentions(text, self.path, self.number)
