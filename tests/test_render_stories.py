"""How a story is laid out (digest/render/stories.py), rule by rule: labels, markers,
which sources a short edition lists, numbering for feed readers, paragraphs, wrapping."""

from __future__ import annotations

import datetime as dt

import pytest

from digest.model import Difference, Digest, Sentence, Source, Story
from digest.render.stories import (
    ONE_PARAGRAPH_CHARS,
    ONE_PARAGRAPH_SENTENCES,
    SHOWN_CITES,
    SHOWN_SOURCES,
    CitedSentence,
    ListedSource,
    StoryLayout,
    hanging,
    lay_out,
    lay_out_for_reader,
    lay_out_issue,
    listed_source,
    paragraphs,
    plain_paragraph,
    same_words,
    web_url,
)

DAY = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def src(n: int, outlet: str | None = None, url: str | None = "") -> Source:
    link = f"https://s{n}.example/a" if url == "" else url
    return Source(f"Title {n}", link, outlet if outlet is not None else f"Outlet {n}", DAY, None)


def listed(number: int | None, title: str = "T", outlet: str | None = None) -> ListedSource:
    return ListedSource(number, outlet, title, None, None)


def numbers(layout: StoryLayout) -> list[list[int | None]]:
    return [[c.number for c in s.cites] for p in layout.paragraphs for s in p]


# -- small parts ----------------------------------------------------------------------


def test_constants() -> None:
    assert (SHOWN_CITES, SHOWN_SOURCES) == (2, 4)
    assert (ONE_PARAGRAPH_CHARS, ONE_PARAGRAPH_SENTENCES) == (480, 3)


def test_a_source_label_names_outlet_and_title_once_each() -> None:
    assert listed(1, "Budget", "Times").label == "Times: Budget"
    assert listed(1, "Times", "Times").label == "Times"
    assert listed(1, "Budget", None).label == "Budget"
    assert listed(1, "Budget", "").label == "Budget"


def test_a_marker_lists_the_numbers_cited() -> None:
    assert CitedSentence("x", ()).marker == ""
    assert CitedSentence("x", (listed(1), listed(3))).marker == "[1, 3]"
    assert CitedSentence("x", (listed(12),)).marker == "[12]"


def test_layout_labels() -> None:
    base = StoryLayout("H", True, (), (listed(1),), (listed(None),))
    assert base.also_label == "Also covered by" and base.more_label == ""
    assert base.sources == (listed(1), listed(None))
    uncited = StoryLayout("H", True, (), (), (listed(None),))
    assert uncited.also_label == "Covered by"
    assert StoryLayout("H", True, (), (), (), more=3).more_label == "and 3 more"
    one = StoryLayout("H", True, (), (), (), more=3, more_outlets=1)
    assert one.more_label == "and 3 more from 1 outlet"
    two = StoryLayout("H", True, (), (), (), more=3, more_outlets=2)
    assert two.more_label == "and 3 more from 2 outlets"
    assert StoryLayout("H", True, (), (), (), more=0, more_outlets=2).more_label == ""


def test_cited_runs_split_at_a_gap_in_the_numbers() -> None:
    layout = StoryLayout("H", True, (), tuple(listed(n) for n in (1, 2, 3, 5, 6, 9)), ())
    assert [[s.number for s in run] for run in layout.cited_runs] == [[1, 2, 3], [5, 6], [9]]
    assert StoryLayout("H", True, (), (), ()).cited_runs == ()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://a.example/x", "HTTPS://a.example/x"),
        ("http://a.example:8080/x", "http://a.example:8080/x"),
        ("http://a.example:99999/x", None),
        ("http://a.example:abc/x", None),
        ("http://[::1", None),
        ("ftp://a.example/x", None),
        ("http:///x", None),
        ("https://a.example/\tx", None),
        ("https://a.example/\x1fx", None),
        ("https://a.example/\x7fx", None),
        ("https://a.example/ x y", "https://a.example/%20x%20y"),
        ("https://a.example/~x", "https://a.example/~x"),
        ("  ", None),
    ],
)
def test_web_url(url: str, expected: str | None) -> None:
    assert web_url(url) == expected


def test_a_listed_source_is_named_by_title_then_outlet_then_host() -> None:
    full = listed_source(Source(" Budget  passed ", "https://a.example/1", " Times ", DAY, None), 2)
    assert full == ListedSource(2, "Times", "Budget passed", dt.date(2026, 11, 20), full.url)
    assert full.url == "https://a.example/1"
    assert listed_source(Source(" ", None, "Times", None, None), None).title == "Times"
    by_host = listed_source(Source(None, "https://Www.A.example:81/p", " ", None, "a.md"), 1)
    assert (by_host.title, by_host.outlet, by_host.date) == ("www.a.example", None, None)
    nothing = listed_source(Source(None, "file:///etc/passwd", None, None, "/etc/passwd"), 1)
    assert (nothing.title, nothing.url) == ("Untitled article", None)


def test_same_words_ignores_case_spacing_and_end_punctuation() -> None:
    assert same_words("Council  passes Budget!", "council passes budget")
    assert same_words("Budget: ", "budget")
    assert same_words("Budget,;.?", "BUDGET")
    assert not same_words("Council passes budget", "Council passed budget")
    assert not same_words("Budget x", "Budget")


# -- which sources a layout shows ----------------------------------------------------


def test_a_sentence_shows_two_numbers_distinct_outlets_first() -> None:
    sources = (src(0, "Times"), src(1, "Times"), src(2, "Post"), src(3, "Star"))
    story = Story("H", (Sentence("One.", (0, 1, 2, 3)),), sources)
    layout = lay_out(story)
    # Times and Post: a second Times source only after every other outlet
    assert [s.title for s in layout.cited] == ["Title 0", "Title 2"]
    assert numbers(layout) == [[1, 2]]
    assert [s.title for s in layout.also] == ["Title 1", "Title 3"]


def test_outlets_compare_without_case_or_spaces_and_fall_back_to_the_url() -> None:
    sources = (src(0, "Times"), src(1, " TIMES "), src(2, "Post"))
    story = Story("H", (Sentence("One.", (0, 1, 2)),), sources)
    assert [s.title for s in lay_out(story).cited] == ["Title 0", "Title 2"]
    no_outlet = (
        Source("A", "https://x.example/1", None, None, None),
        Source("B", "https://x.example/2", None, None, None),
        Source("C", "https://x.example/1", None, None, None),
    )
    story = Story("H", (Sentence("One.", (0, 2, 1)),), no_outlet)
    assert [s.title for s in lay_out(story).cited] == ["A", "B"], "the same URL: one outlet"
    by_path = (Source("A", None, None, None, "a.md"), Source("B", None, None, None, "a.md"))
    story = Story("H", (Sentence("One.", (0, 1)),), (*by_path, Source("C", None, None, None, "c")))
    story = Story("H", (Sentence("One.", (0, 1, 2)),), story.sources)
    assert [s.title for s in lay_out(story).cited] == ["A", "C"]


def test_a_source_already_cited_is_cited_again_before_a_new_one() -> None:
    sources = tuple(src(n) for n in range(4))
    story = Story("H", (Sentence("One.", (2,)), Sentence("Two.", (0, 1, 2))), sources)
    layout = lay_out(story)
    # the second sentence cites 2 again (number 1), then the first of the rest (0)
    assert numbers(layout) == [[1], [1, 2]]
    assert [s.title for s in layout.cited] == ["Title 2", "Title 0"]


def test_once_four_are_cited_a_new_source_only_for_a_sentence_citing_none() -> None:
    sources = tuple(src(n) for n in range(7))
    sentences = (
        Sentence("A.", (0, 1)),
        Sentence("B.", (2, 3)),
        Sentence("C.", (4, 0)),  # four cited: 0 again, not 4
        Sentence("D.", (5, 6)),  # cites none of the four: one new source
    )
    layout = lay_out(Story("H", sentences, sources))
    assert numbers(layout) == [[1, 2], [3, 4], [1], [5]]
    assert [s.title for s in layout.cited] == [f"Title {n}" for n in (0, 1, 2, 3, 5)]
    assert [s.title for s in layout.also] == ["Title 4", "Title 6"]


def test_the_third_citation_waits_for_room() -> None:
    sources = tuple(src(n) for n in range(6))
    sentences = (Sentence("A.", (0, 1)), Sentence("B.", (2, 3, 4)))
    # three cited after the first number of B: one more fits (four in all)
    assert numbers(lay_out(Story("H", sentences, sources))) == [[1, 2], [3, 4]]
    sentences = (Sentence("A.", (0, 1)), Sentence("B.", (2,)), Sentence("C.", (3, 4)))
    assert numbers(lay_out(Story("H", sentences, sources))) == [[1, 2], [3], [4]]


def test_repeated_indexes_in_a_sentence_count_once() -> None:
    sources = (src(0), src(1))
    layout = lay_out(Story("H", (Sentence("A.", (1, 1, 0)),), sources))
    assert numbers(layout) == [[1, 2]]
    assert [s.title for s in layout.cited] == ["Title 1", "Title 0"], "as the sentence names them"


def test_a_short_layout_lists_four_sources_new_outlets_first_and_counts_the_rest() -> None:
    sources = (
        src(0, "Times"),
        src(1, "Times"),
        src(2, "Times"),
        src(3, "Post"),
        src(4, "Star"),
        src(5, "Star"),
        src(6, "Sun"),
    )
    story = Story("H", (Sentence("A.", (0,)),), sources)
    short = lay_out(story, short=True)
    assert [s.title for s in short.cited] == ["Title 0"]
    assert [s.title for s in short.also] == ["Title 3", "Title 4", "Title 6"]
    assert (short.more, short.more_outlets) == (3, 2)
    full = lay_out(story)
    assert len(full.also) == 6 and (full.more, full.more_outlets) == (0, 0)


def test_a_short_layout_fills_up_with_outlets_already_listed() -> None:
    sources = (src(0, "Times"), src(1, "Times"), src(2, "Times"), src(3, "Post"), src(4, "Times"))
    story = Story("H", (Sentence("A.", (0,)),), sources)
    short = lay_out(story, short=True)
    assert [s.title for s in short.also] == ["Title 1", "Title 2", "Title 3"]
    assert (short.more, short.more_outlets) == (1, 1)


def test_uncounted_outlets_when_a_source_left_out_names_none() -> None:
    anon = Source("Anon", "https://anon.example/", None, None, None)
    sources = (*(src(n) for n in range(5)), anon)
    short = lay_out(Story("H", (Sentence("A.", (0,)),), sources), short=True)
    assert short.more == 2 and short.more_outlets is None
    assert short.more_label == "and 2 more"


def test_a_short_layout_with_more_than_four_cited_lists_no_other() -> None:
    sources = tuple(src(n) for n in range(7))
    sentences = (Sentence("A.", (0, 1)), Sentence("B.", (2, 3)), Sentence("C.", (5,)))
    short = lay_out(Story("H", sentences, sources), short=True)
    assert len(short.cited) == 5 and short.also == () and short.more == 2


# -- numbering -------------------------------------------------------------------------


def test_numbers_start_where_asked() -> None:
    story = Story("H", (Sentence("A.", (1, 0)),), (src(0), src(1)))
    assert [s.number for s in lay_out(story, start=4).cited] == [4, 5]


def test_unlinked_sources_are_numbered_after_the_links() -> None:
    sources = (src(0, url=None), src(1), src(2, url="a.md"), src(3))
    story = Story("H", (Sentence("A.", (0, 1)), Sentence("B.", (2, 3))), sources)
    layout = lay_out(story, start=3, unlinked_start=10)
    by_title = {s.title: s.number for s in layout.cited}
    assert by_title == {"Title 1": 3, "Title 3": 4, "Title 0": 10, "Title 2": 11}
    assert [s.title for s in layout.cited] == ["Title 1", "Title 3", "Title 0", "Title 2"]
    assert numbers(layout) == [[3, 10], [4, 11]], "each sentence's numbers ascending"


def test_a_reader_entry_numbers_links_across_stories_then_the_rest() -> None:
    one = Story("First", (Sentence("A.", (0, 1)),), (src(0), src(1, url=None), src(2)))
    two = Story("Second", (Sentence("B.", (0, 1)),), (src(3, url=None), src(4)))
    first, second = lay_out_for_reader([one, two], links_after=2)
    # links: one's cited (1), one's uncited (2), two's (3); then 2 more links; then the rest
    assert [(s.title, s.number) for s in first.cited] == [("Title 0", 1), ("Title 1", 6)]
    assert [(s.title, s.url is not None) for s in first.also] == [("Title 2", True)]
    assert [(s.title, s.number) for s in second.cited] == [("Title 4", 3), ("Title 3", 7)]
    assert first.show_headline and second.show_headline


def test_a_reader_entry_heads_the_lead_unless_it_is_the_title() -> None:
    stories = [Story("Budget passes", (), ()), Story("Budget passes", (), ())]
    assert [s.show_headline for s in lay_out_for_reader(stories, "budget passes.")] == [
        False,
        True,
    ]
    assert [s.show_headline for s in lay_out_for_reader(stories, "Other")] == [True, True]
    assert [s.show_headline for s in lay_out_for_reader(stories)] == [True, True]


def test_a_reader_entry_is_short() -> None:
    story = Story("H", (Sentence("A.", (0,)),), tuple(src(n) for n in range(7)))
    (layout,) = lay_out_for_reader([story])
    assert len(layout.sources) == 4 and layout.more == 3


def test_an_issue_heads_each_story_but_a_lead_that_is_the_title() -> None:
    stories = (Story("Budget", (), ()), Story("Budget", (), ()))
    digest = Digest(title="Budget!", date=dt.date(2026, 11, 21), stories=stories, intro="")
    assert [s.show_headline for s in lay_out_issue(digest)] == [False, True]
    many = Story("H", (Sentence("A.", (0,)),), tuple(src(n) for n in range(7)))
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(many,), intro="")
    assert len(lay_out_issue(digest)[0].sources) == 7
    assert len(lay_out_issue(digest, short=True)[0].sources) == 4


# -- differences -----------------------------------------------------------------------


def test_a_difference_is_shown_with_citation_numbers() -> None:
    sources = (src(0), src(1), src(2))
    difference = Difference("Sources differ: [3] says   9, [1] says 10, [1,3] agree on x.", (0, 2))
    story = Story("H", (Sentence("A.", (2,)),), sources, (difference,))
    layout = lay_out(story)
    assert [d.text for d in layout.differences] == [
        "Sources differ: [1] says 9, [2] says 10, [1, 2] agree on x."
    ]
    assert [d.cites for d in layout.differences] == [()]
    assert [s.title for s in layout.cited] == ["Title 2", "Title 0"], "its sources are cited"


@pytest.mark.parametrize(
    "difference",
    [
        Difference("[1] says 9, [2] says 10.", ()),  # cites nothing
        Difference("[1] says 9, [5] says 10.", (0, 4)),  # no fifth source
        Difference("[1] says 9, [4] says 10.", (0, 3)),  # no fourth source
        Difference("[1] says 9, [2] says 10.", (0, -1)),  # no such source
        Difference("[1] says 9, [3] says 10.", (0, 1)),  # marks a source it does not cite
        Difference("They differ.", (0, 1)),  # no marker at all
    ],
)
def test_a_difference_that_does_not_add_up_is_left_out(difference: Difference) -> None:
    story = Story("H", (Sentence("A.", (0,)),), (src(0), src(1), src(2)), (difference,))
    layout = lay_out(story)
    assert layout.differences == ()
    assert [s.title for s in layout.cited] == ["Title 0"]


# -- paragraphs and plain text ---------------------------------------------------------


def sentence(length: int) -> CitedSentence:
    return CitedSentence("x" * length, ())


def test_three_short_sentences_are_one_paragraph_four_are_two() -> None:
    assert [len(p) for p in paragraphs([sentence(10)] * 3)] == [3]
    assert [len(p) for p in paragraphs([sentence(10)] * 4)] == [2, 2]
    assert [len(p) for p in paragraphs([sentence(160)] * 3)] == [3], "480 characters"
    assert [len(p) for p in paragraphs([sentence(160), sentence(160), sentence(161)])] == [2, 1]
    assert [len(p) for p in paragraphs([sentence(900)])] == [1]


def test_two_paragraphs_split_where_their_lengths_are_closest() -> None:
    split = paragraphs([sentence(n) for n in (100, 100, 100, 300)])
    assert [len(p) for p in split] == [3, 1]
    split = paragraphs([sentence(n) for n in (300, 100, 100, 100)])
    assert [len(p) for p in split] == [1, 3]
    split = paragraphs([sentence(n) for n in (200, 100, 100, 200)])
    assert [len(p) for p in split] == [2, 2], "the first of two equal splits"
    split = paragraphs([sentence(n) for n in (100, 200, 200, 100)])
    assert [len(p) for p in split] == [2, 2]


def test_plain_paragraph_wraps_at_the_width_and_keeps_markers() -> None:
    one = CitedSentence("aaa bbb ccc", (listed(1), listed(2)))
    two = CitedSentence("ddd", ())
    assert plain_paragraph([one, two], 12) == "aaa bbb\nccc [1, 2]\nddd"
    assert plain_paragraph([one, two], 22) == "aaa bbb ccc [1, 2] ddd"
    assert plain_paragraph([one, two], 21) == "aaa bbb ccc [1, 2]\nddd"
    assert plain_paragraph([one, two]) == "aaa bbb ccc [1, 2] ddd"
    assert plain_paragraph([CitedSentence("  ", (listed(3),))]) == "[3]"
    assert plain_paragraph([]) == ""
    long = CitedSentence(" ".join(["word"] * 20), ())
    assert [len(line) for line in plain_paragraph([long]).splitlines()] == [69, 29]


def test_hanging_indents_later_lines_and_keeps_words_whole() -> None:
    assert hanging("one two three four", "- ", "  ", 10) == "- one two\n  three\n  four"
    assert hanging("a\u00a0b c", "", "", 3) == "a b\nc"
    assert hanging(" x\t\ny \r\f\v z ") == "x y z"
    assert hanging("a-very-long-word b", "", "", 5) == "a-very-long-word\nb"
    assert hanging(" ".join(["word"] * 20)).count("\n") == 1


def test_a_story_is_headed_unless_told_otherwise() -> None:
    story = Story("H", (Sentence("A.", (0,)),), (src(0),))
    assert lay_out(story).show_headline is True
    assert lay_out(story, show_headline=False).show_headline is False


def test_the_reader_numbers_count_only_the_links_a_short_entry_shows() -> None:
    sources = (src(0), src(1, url=None), *(src(n) for n in range(2, 8)))
    story = Story("H", (Sentence("A.", (0, 1)),), sources)
    (layout,) = lay_out_for_reader([story])
    assert [s.title for s in layout.sources if s.url] == ["Title 0", "Title 2", "Title 3"]
    # three links shown, so the unlinked source is the fourth number, not the eighth
    assert [(s.title, s.number) for s in layout.cited] == [("Title 0", 1), ("Title 1", 4)]


def test_each_unlinked_source_of_a_reader_entry_gets_its_own_number() -> None:
    one = Story(
        "One", (Sentence("A.", (0, 1)), Sentence("B.", (2,))), (src(0), src(1), src(2, url=None))
    )
    two = Story("Two", (Sentence("C.", (0,)),), (src(3, url=None),))
    first, second = lay_out_for_reader([one, two])
    assert [s.number for s in first.cited] == [1, 2, 3]
    assert [s.number for s in second.cited] == [4]


def test_equal_splits_favour_the_shorter_first_paragraph() -> None:
    split = paragraphs([sentence(n) for n in (300, 100, 300)])
    assert [len(p) for p in split] == [1, 2]


def test_plain_text_wraps_at_72_by_default() -> None:
    line = " ".join(["word"] * 14 + ["abc"])  # 73 characters
    assert plain_paragraph([CitedSentence(line, ())]).splitlines() == [line[:69], "abc"]
    assert plain_paragraph([CitedSentence(line[:-1], ())]) == line[:-1]


def test_hanging_defaults_to_72_columns_and_no_indent() -> None:
    line = " ".join(["word"] * 14 + ["abc"])  # 73 characters
    assert hanging(line) == line[:69] + "\nabc"
    assert hanging(line[:-1]) == line[:-1]


def test_a_citation_one_past_the_last_source_is_ignored() -> None:
    layout = lay_out(Story("H", (Sentence("A.", (0, 2)),), (src(0), src(1))))
    assert numbers(layout) == [[1]]
    assert [s.title for s in layout.also] == ["Title 1"]
