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


def reference_stem(word: str) -> str:
    """The stemmer as its rules read: every suffix tried in `_SUFFIXES` order."""
    result = word
    if len(word) > 3 and not word[0].isdigit():
        if word.endswith(("ss", "us", "is")):
            return word
        for suffix, replacement in terms._SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
                stem_part = word[: -len(suffix)]
                if suffix in terms._NEEDS_VOWEL and not terms._VOWEL.search(stem_part):
                    continue
                result = stem_part + replacement
                break
        if result.endswith("e") and len(result) > 3:
            result = result[:-1]
        if len(result) > 3 and result[-1] == result[-2] and result[-1] not in "lsz":
            result = result[:-1]
    return result


@settings(max_examples=500, deadline=None)
@given(root=st.text(alphabet="abcdeilnorstyz0", min_size=0, max_size=6),
       ending=st.sampled_from(["", *(suffix for suffix, _ in terms._SUFFIXES), "ss", "us", "is", "e", "y"]))
def test_the_stemmer_tries_the_suffixes_in_their_order(root: str, ending: str) -> None:
    word = root + ending
    if word:
        assert terms.stem(word) == reference_stem(word)
