"""Text helpers the summarizer leans on for speed: each must say exactly what
the slow, obvious form says (hypothesis compares them)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.summarize.resolve import has_pronoun, people, resolve_pronoun
from digest.summarize.sentences import standalone
from digest.text import _WORD, any_of, words

_LETTERS = "abcé’' -.#©(@:|–—"
needles = st.lists(st.text(alphabet=_LETTERS, min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=300)
@given(needles, st.text(alphabet=_LETTERS, max_size=40))
def test_any_of_finds_a_needle_exactly_when_one_is_in_the_text(found: list[str], text: str) -> None:
    assert (any_of(found).search(text) is not None) == any(n in text for n in found)


def test_any_of_needs_a_needle_and_matches_nothing_without_one() -> None:
    with pytest.raises(ValueError):
        any_of(["app", ""])
    assert any_of([]).search("anything") is None
    # a needle that is a prefix of another still matches on its own
    assert any_of(["app", "apple"]).search("an app store")
    assert any_of(["(@", "#"]).search("follow (@digest)")
    assert not any_of(["(@", "#"]).search("a plain sentence")


@given(st.text(alphabet="aZ’'é İ-_.1", max_size=30))
def test_words_of_any_text_are_its_words_lower_cased(text: str) -> None:
    # the ASCII fast path lower-cases the text before finding words
    assert words(text) == [w.lower().replace("’", "'") for w in _WORD.findall(text)]


_ARTICLE = [
    "Mayor Ann Lee opened the new bridge over the river on Monday morning.",
    "She said the bridge would cut the commute across town by half.",
    "“It is a great day,” she said, before the crowd began to cheer loudly.",
    "But she warned that the toll would rise next year to pay for repairs.",
    "The council had voted for the bridge three years ago after a long debate.",
]


_OPENERS = ("He", "She", "His", "Her", "The mayor", "Lee", "“Yes,” she", "“No,” he", "Ann Lee")
_MIDDLES = (" said", " warned", " opened", " told reporters", " plan", " bridge,")
_ENDS = (" the bridge would open in May.", " that the toll would rise.", " it was a great day.")


@given(st.sampled_from(_OPENERS), st.sampled_from(_MIDDLES), st.sampled_from(_ENDS))
def test_resolve_pronoun_changes_only_a_sentence_has_pronoun_finds(
    opener: str, middle: str, end: str
) -> None:
    # standalone() asks has_pronoun() before it finds the article's people: a
    # sentence it passes over must be one resolve_pronoun would leave alone
    sentence = opener + middle + end
    known = people(_ARTICLE)
    assert known  # the mayor is known, so only the pronoun test can leave a sentence alone
    if resolve_pronoun(sentence, _ARTICLE[0], known) != sentence:
        assert has_pronoun(sentence), sentence


@pytest.mark.parametrize(
    ("sentence", "pronoun"),
    [
        ("She said the bridge would open in May.", True),
        ("His plan was approved by the council on Monday.", True),
        ("“It is a great day,” she said, before the crowd cheered.", True),
        ("The mayor said the bridge would open in May.", False),
        ("Shelters opened across the city on Monday night.", False),
        ("But she warned that the toll would rise next year.", False),  # the link word is first
    ],
)
def test_has_pronoun_finds_an_opening_or_speaking_pronoun(sentence: str, pronoun: bool) -> None:
    assert has_pronoun(sentence) is pronoun
    if not pronoun:
        assert resolve_pronoun(sentence, _ARTICLE[0], people(_ARTICLE)) == sentence


def test_standalone_resolves_the_pronouns_of_an_article_whose_people_it_finds_late() -> None:
    # people() runs only once a pronoun needs it; the result is as if it ran first
    out = standalone(_ARTICLE)
    assert out[1].startswith("Ann Lee said")
    assert out[3].startswith("Ann Lee warned")
    assert out[0] == _ARTICLE[0] and out[4] == _ARTICLE[4]
    assert (
        standalone(["The bridge opened on Monday after years of delay and debate."] * 2)
        == ["The bridge opened on Monday after years of delay and debate."] * 2
    )
