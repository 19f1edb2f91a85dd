"""The cleaner's rules, shown on articles made up for the purpose.

The seeds' junk (an affiliate disclaimer, a "YouTube Thumbnail" caption, a
"check out our guide" promotion, a "4 Minutes" badge, "Leave a Comment", a
garbled "(note: ...)" fragment) is covered by the golden tests; these tests
prove the rules are general by using other wordings of the same junk.
"""

from __future__ import annotations

import pytest

from digest.clean import clean, is_boilerplate, is_junk_line, mend_fragment
from digest.errors import IngestError
from digest.model import ArticleData, Block

PROSE = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "The plan adds money for parks and cuts spending on roads."
)


def _clean(text: str, title: str | None = None):  # type: ignore[no-untyped-def]
    return clean(ArticleData(path="made-up.txt", text=text, title=title))


def _all_text(article) -> str:  # type: ignore[no-untyped-def]
    return " ".join([article.title or "", *(b.text for b in article.blocks)])


DISCLOSURES = [
    "This site earns a small commission from purchases made through links on this page.",
    "We may receive compensation when you click on affiliate links.",
    "As an Amazon Associate we earn from qualifying purchases.",
    "Our affiliate partnerships do not influence our reviews.",
]
PROMOTIONS = [
    "For more, see our list of the best parks in the state.",
    "While you wait, check out our roundup of the year's best budgets.",
    "Read our review of the new stadium.",
    "Sign up for our newsletter to get updates in your inbox.",
    "Follow us on Twitter for more.",
    "Click here to download the full budget report from the city website.",
]
FURNITURE = [
    "© 2026 Springfield Media Group.",
    "Copyright Springfield Times, all rights reserved.",
    "By continuing you agree to our privacy policy and terms of use.",
    "We use cookies to improve your experience on this site.",
]


@pytest.mark.parametrize("disclosure", DISCLOSURES)
def test_affiliate_disclosures_are_removed(disclosure: str) -> None:
    article = _clean(f"Council passes budget\n{disclosure}\n{PROSE}")
    assert "commission" not in _all_text(article).lower()
    assert "affiliate" not in _all_text(article).lower()
    assert "associate" not in _all_text(article).lower()
    assert article.title == "Council passes budget"
    assert article.paragraphs == (PROSE,)


@pytest.mark.parametrize("pointer", ["Read more", "Learn more.", "Find out more"])
def test_a_pointer_left_alone_after_a_disclosure_goes_too(pointer: str) -> None:
    article = _clean(f"Budget news\nWe earn a commission on sales from links. {pointer}\n{PROSE}")
    # an unpunctuated pointer left behind would become a heading, not a paragraph
    assert article.blocks == (Block("paragraph", PROSE),)


@pytest.mark.parametrize("promo", PROMOTIONS)
def test_self_promotion_is_removed_wherever_it_sits(promo: str) -> None:
    article = _clean(f"Budget news\n{PROSE} {promo}")
    assert article.paragraphs == (PROSE,)


@pytest.mark.parametrize(
    "line",
    [
        "5 min read",
        "12 Minutes",
        "Reading time: 3 minutes",
        "Leave a reply",
        "14 Comments",
        "Post a comment",
        "Share this article",
        "Photo: Getty Images",
        "Image credit: City of Springfield",
        "Video Thumbnail",
        "Instagram embed",
        "ADVERTISEMENT",
        "Sponsored content",
    ],
)
def test_lines_that_are_not_prose_are_removed(line: str) -> None:
    assert is_junk_line(line)
    article = _clean(f"Budget news\n{line}\n{PROSE}\n{line}")
    assert line.lower() not in _all_text(article).lower()


def test_a_sentence_that_mentions_a_photo_is_prose_and_stays() -> None:
    sentence = "The mayor said a photo credit dispute delayed the parks plan for nearly two months."
    assert not is_junk_line(sentence)
    assert _clean(f"Budget news\n{sentence}").paragraphs == (sentence,)


def test_a_read_time_glued_to_the_last_sentence_is_cut() -> None:
    article = _clean(f"Budget news\n{PROSE}7 min read")
    assert article.paragraphs == (PROSE,)
    article = _clean(f"Budget news\n{PROSE}3 Minutes")
    assert article.paragraphs == (PROSE,)


def test_numbers_of_minutes_inside_prose_stay() -> None:
    text = "The meeting ran for 45 minutes before the vote was taken by the council members."
    assert _clean(f"Budget news\n{text}").paragraphs == (text,)


@pytest.mark.parametrize(
    "broken",
    [
        "Speaking after the vote on Springfield: The Budget Comm? (note: the mayor attended)",
        "The report [TODO: add figures] shows growth.",
        "The plan was \ufffd\ufffd approved by most members.",
    ],
)
def test_garbled_fragments_are_dropped(broken: str) -> None:
    article = _clean(f"Budget news\n{PROSE} {broken}")
    assert article.paragraphs == (PROSE,)


def test_a_garbled_leading_clause_is_cut_and_the_sentence_kept() -> None:
    broken = (
        "Returning from the Springfield Budget Summ? (note: the summit ended Monday), "
        "she said the parks money will be spent before the end of the year."
    )
    assert mend_fragment(broken) == (
        "She said the parks money will be spent before the end of the year."
    )


@pytest.mark.parametrize(
    "rest",
    [
        "she said.",  # too short to stand alone
        "she said the parks money will be spent before the end of the",  # no ending
        "she said the parks money [TODO: check] will be spent by the end of the year.",
    ],
)
def test_a_cut_leading_clause_leaves_nothing_when_the_rest_cannot_stand(rest: str) -> None:
    assert (
        mend_fragment(f"Returning from the Springfield Budget Summ? (note: it ended), {rest}")
        is None
    )


def test_a_question_in_prose_is_not_mistaken_for_a_cut_word() -> None:
    sentence = "Will the council act? The mayor thinks so, and she said it will happen soon."
    assert mend_fragment(sentence) == sentence


def test_short_unpunctuated_lines_are_headings_and_the_first_is_the_title() -> None:
    article = _clean(f"Council passes budget\nWhat happens next\n{PROSE}\nThe vote\n{PROSE}")
    assert article.title == "Council passes budget"
    assert [b.kind for b in article.blocks] == ["heading", "paragraph", "heading", "paragraph"]


def test_a_heading_with_no_text_after_it_is_dropped() -> None:
    article = _clean(f"Council passes budget\n{PROSE}\nWhat happens next")
    assert article.blocks == (Block("paragraph", PROSE),)


def test_a_long_unpunctuated_line_is_prose_not_a_heading() -> None:
    dek = (
        "The council approved a budget that adds money for parks and cuts road spending "
        "after a debate that lasted well into the night"
    )
    article = _clean(f"Council passes budget\n{dek}\n{PROSE}")
    assert article.blocks[0].kind == "paragraph"


def test_metadata_title_wins_over_the_first_line() -> None:
    article = _clean(f"A kicker line\n{PROSE}", title="The real title")
    assert article.title == "The real title"
    assert article.blocks[0].kind == "heading"


def test_an_article_of_only_junk_is_an_error_naming_the_file() -> None:
    with pytest.raises(IngestError, match=r"made-up\.txt: has no article text"):
        _clean("Leave a comment\n5 min read\nPhoto: Getty Images")


@pytest.mark.parametrize("furniture", FURNITURE)
def test_site_furniture_is_removed(furniture: str) -> None:
    assert _clean(f"Budget news\n{PROSE} {furniture}").paragraphs == (PROSE,)


@pytest.mark.parametrize(
    "sentence", [*DISCLOSURES, *PROMOTIONS, *FURNITURE, "5 min read", "Leave a comment"]
)
def test_is_boilerplate_knows_every_rule_the_cleaner_applies(sentence: str) -> None:
    # the summarizer asks is_boilerplate about text that never went through clean()
    assert is_boilerplate(sentence)


@pytest.mark.parametrize(
    "prose",
    [
        PROSE,
        "Our reporter saw the council vote on the budget for our city on Tuesday.",
        "The company said its privacy rules would change for customers next year.",
        "Subscribers to the city's water service will pay more from January.",
    ],
)
def test_is_boilerplate_leaves_prose_alone(prose: str) -> None:
    assert not is_boilerplate(prose)
