"""The analysis of a text into index terms: the quick forms (`term_set`, the cached `words`) give
what the plain analysis gives, with or without room in the token cache."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.decisions import terms
from linter.decisions.terms import term_set, words

#: Tokens of every kind the analysis treats apart: stop words, synonyms, plurals of abbreviations,
#: British spellings, names glued to years, short numbers, symbols that join or split tokens.
_PIECES = ("the", "and", "queue", "queues", "Queueing", "PostgreSQL", "postgres", "k8s", "ALBs", "certs",
           "behaviour", "centre", "manylinux2014", "v2", "12", "2024", "C++", "C#", "#42", "-", ",", ".",
           "stopped", "deprecation", "organisation", "analyses", "über", "naïve", "日本", "\n\n")

texts = st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join)


def plain_words(text: str) -> list[str]:
    """The analysis without any cache: one token at a time."""
    return [t for t in map(terms._term, terms._TOKEN.findall(text.lower())) if t]


@settings(max_examples=300, deadline=None)
@given(text=texts, limit=st.integers(min_value=1, max_value=50))
def test_the_quick_forms_give_the_plain_analysis(text: str, limit: int) -> None:
    assert words(text) == plain_words(text)
    assert term_set(text, limit) == set(plain_words(text)[:limit])


def test_a_full_token_cache_changes_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Move the job queues from PostgreSQL to Redis: the behaviour of ALBs under k8s, again and again"
    monkeypatch.setattr(terms, "_TERM_CACHE", {})
    monkeypatch.setattr(terms, "_TERM_CACHE_SIZE", 3)
    assert words(text) == plain_words(text)
    assert term_set(text) == set(plain_words(text))
    assert len(terms._TERM_CACHE) <= 3


class _EverySuffix(dict[str, tuple[tuple[str, str], ...]]):
    """The stemmer's suffix groups as if every word could end with every suffix: its rules as they read."""

    def get(self, key: str, default: object = None) -> tuple[tuple[str, str], ...]:  # type: ignore[override]
        return terms._SUFFIXES


@settings(max_examples=500, deadline=None)
@given(roots=st.lists(st.text(alphabet="abcdeilnorstyz0", min_size=0, max_size=6), min_size=1, max_size=20),
       ending=st.sampled_from(["", *(suffix for suffix, _ in terms._SUFFIXES), "ss", "us", "is", "e", "y"]))
def test_the_stemmer_tries_the_suffixes_in_their_order(roots: list[str], ending: str) -> None:
    words = [root + ending for root in roots if root + ending]
    quick = [terms.stem(word) for word in words]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(terms, "_SUFFIXES_BY_LAST", _EverySuffix())
        patch.setattr(terms, "_STEM_CACHE", {})
        assert [terms.stem(word) for word in words] == quick
