"""digest.render's template machinery and digest.render.stories' layout, piece
by piece: what an override template can do and how its mistakes are reported,
what no rendered file may hold, and how a story's sources are chosen,
numbered and listed.

The goldens and test_render cover the seeds' issue; these cover the rest (an
override, a broken template, a story of many sources and outlets), so that a
change the mutation run makes to one of these functions fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from digest.errors import RenderError, TemplateNotFoundError
from digest.model import Difference, Sentence, Source, Story
from digest.render import (
    environment,
    long_date,
    render_template,
    renderable,
    source_label,
    templates_dir,
)
from digest.render.context import EntryContext, IndexContext, StoryContext
from digest.render.stories import (
    CitedSentence,
    ListedSource,
    StoryLayout,
    hanging,
    lay_out,
    lay_out_for_reader,
    listed_source,
    paragraphs,
    plain_paragraph,
    same_words,
    web_url,
)

from .test_render import make_digest

# -- what no rendered file may hold ---------------------------------------------------


def test_renderable_drops_exactly_the_unrenderable_characters() -> None:
    dropped = [*map(chr, range(0x00, 0x09)), "\x0b", "\x0c", *map(chr, range(0x0E, 0x20))]
    dropped += [*map(chr, range(0x7F, 0xA0)), "\ufffe", "\uffff", "\ud800", "\udfff"]
    for char in dropped:
        assert renderable(f"a{char}b") == "ab", repr(char)
    kept = "\t\n\r ~\xa0\ud7ff\ue000\ufffd\U0001f389"
    assert renderable(f"a{kept}b") == f"a{kept}b"


# -- the environment ------------------------------------------------------------------


def entry(intro: str = "Two stories.") -> EntryContext:
    return EntryContext(intro=intro, stories=())


def test_markup_templates_are_escaped_and_text_templates_are_not() -> None:
    autoescape = environment().autoescape
    assert callable(autoescape)
    for name in ("a.html.j2", "a.mjml.j2", "a.xml.j2", "a.html", "a.mjml", "a.xml"):
        assert autoescape(name), name
    for name in ("email.txt.j2", "a.j2", "a.txt", "a.html.txt", None):
        assert not autoescape(name), name


def test_an_override_wins_and_can_extend_the_packaged_template(tmp_path: Path) -> None:
    (tmp_path / "entry.html.j2").write_text(
        '{% extends "default:entry.html.j2" %}', encoding="utf-8"
    )
    extended = render_template("entry.html.j2", tmp_path, entry("<b>Two</b> stories."))
    assert extended == render_template("entry.html.j2", None, entry("<b>Two</b> stories."))
    assert "<p>&lt;b&gt;Two&lt;/b&gt; stories.</p>" in extended
    (tmp_path / "entry.html.j2").write_text("<p>{{ intro }}</p>\n\n", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "entry.html.j2").write_text("  {% if intro %}\n<i>{{ intro }}</i>\n  {% endif %}\n")
    # the trailing newline is kept; a block tag's line leaves nothing behind
    assert render_template("entry.html.j2", tmp_path, entry("A & B")) == "<p>A &amp; B</p>\n\n"
    assert render_template("entry.html.j2", other, entry("A")) == "<i>A</i>\n"


def test_the_environment_gives_templates_their_filters_and_globals(tmp_path: Path) -> None:
    source = Source("Ferry vote", "https://a.example/1", "Harbour Times", None, "a.md")
    template = (
        "{{ 0 | markers }} {{ 2 | markers }}|{{ day | longdate }}|{{ source | source_label }}|"
        "{{ web_url('javascript:x') }} {{ web_url('https://a.example/ x') }}|"
        "{{ lay_out is callable }} {{ lay_out_issue is callable }}|"
        "{{ 'a b c' | hanging('> ', '  ', 4) }}"
    )
    env = environment(tmp_path)
    out = env.from_string(template).render(day=dt.date(2026, 12, 1), source=source)
    assert out == (
        "[1] [3]|1 December 2026|Harbour Times: Ferry vote|"
        "None https://a.example/%20x|True True|> a\n  b\n  c"
    )
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()


def test_a_template_with_another_template_s_context_is_refused() -> None:
    with pytest.raises(
        TypeError,
        match=r"^entry\.html\.j2 is rendered with a .*EntryContext'>, not .*StoryContext'>$",
    ):
        render_template("entry.html.j2", None, StoryContext(None, None, None, ""))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^nothing\.j2 is rendered with a None, not "):
        render_template("nothing.j2", None, entry())


# -- a broken template is one line ---------------------------------------------------


def test_a_missing_template_names_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.render import context

    monkeypatch.setitem(context.CONTEXTS, "missing.html.j2", EntryContext)
    with pytest.raises(TemplateNotFoundError) as caught:
        render_template("missing.html.j2", tmp_path, entry())
    assert str(caught.value) == (
        f"template 'missing.html.j2' not found; searched {tmp_path}, {templates_dir()}"
    )
    with pytest.raises(TemplateNotFoundError) as caught:
        render_template("missing.html.j2", None, entry())
    assert str(caught.value) == f"template 'missing.html.j2' not found; searched {templates_dir()}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<p>\n{% if %}</p>",
            "entry.html.j2: line 2: Expected an expression, got 'end of statement block'",
        ),
        ("<p>\n\n{{ nothing.here }}</p>", "entry.html.j2: line 3: 'nothing' is undefined"),
        (
            '{% include "gone.j2" %}',
            "entry.html.j2: line 1: the template 'gone.j2' it extends or includes is not found",
        ),
        (
            "{{ intro | no_such_filter }}",
            "entry.html.j2: line 1: No filter named 'no_such_filter'.",
        ),
    ],
    ids=["syntax", "undefined", "include", "filter"],
)
def test_a_broken_override_is_one_line_naming_its_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "entry.html.j2").write_text(text, encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", tmp_path, entry())
    error = caught.value
    where = str(tmp_path / "entry.html.j2")
    assert error.message in (message, message.replace("entry.html.j2", where, 1)), error.message
    assert "\n" not in error.message
    assert error.fix == "fix the template, or leave it out of --templates"


@pytest.mark.parametrize("suffix", [".html", ".txt", ".xml", ".mjml", ".j2"])
def test_a_runtime_error_in_an_included_override_names_that_file(
    tmp_path: Path, suffix: str
) -> None:
    part = f"part{suffix}"
    (tmp_path / "entry.html.j2").write_text(f'<p>\n{{% include "{part}" %}}</p>', encoding="utf-8")
    (tmp_path / part).write_text("one\ntwo {{ missing.attr }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", tmp_path, entry())
    assert caught.value.message == f"{tmp_path / part}: line 2: 'missing' is undefined"


def test_the_templates_are_found_beside_the_package_else_in_the_checkout() -> None:
    import digest

    package = Path(digest.__file__).parent
    beside = package / "templates"
    expected = beside if beside.is_dir() else package.parent / "templates"
    assert templates_dir() == expected
    assert (templates_dir() / "email.mjml.j2").is_file()


# -- small filters --------------------------------------------------------------------


def test_long_date_is_day_month_year_without_a_leading_zero() -> None:
    assert long_date(dt.date(2026, 12, 1)) == "1 December 2026"
    assert long_date(dt.date(2026, 11, 21)) == "21 November 2026"


def test_a_source_is_labelled_by_outlet_and_title_or_what_it_has() -> None:
    assert source_label(Source("Vote", "https://a.example/", "Times", None, "a")) == "Times: Vote"
    assert source_label(Source("Times", "https://a.example/", "Times", None, "a")) == "Times"
    assert source_label(Source("Vote", None, None, None, "notes/a.md")) == "Vote"
    assert source_label(Source("", "https://a.example/x", None, None, "a")) == "a.example"
    assert source_label(Source(" ", "file:///etc/passwd", " ", None, "a")) == "Untitled article"


# -- web_url and listed sources ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("  HTTP://a.example/a b  ", "HTTP://a.example/a%20b"),
        ("https://a.example:8080/", "https://a.example:8080/"),
        ("https://a.example:99999/", None),
        ("http://[::1", None),
        ("https:///path", None),
        ("ftp://a.example/", None),
        ("javascript:alert(1)", None),
        ("https://a.example/\nx", None),
        ("https://a.example/\x1fx", None),
        ("https://a.example/\x7fx", None),
        ("https://a.example/\x80x", "https://a.example/\x80x"),
        ("", None),
        (None, None),
    ],
)
def test_web_url_is_an_absolute_http_url_or_nothing(url: str | None, expected: str | None) -> None:
    assert web_url(url) == expected


def test_a_listed_source_carries_its_number_outlet_title_date_and_link() -> None:
    published = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    source = Source(" Ferry vote ", "https://a.example/1", " Harbour Times ", published, "a.md")
    assert listed_source(source, 3) == ListedSource(
        3, "Harbour Times", "Ferry vote", dt.date(2026, 11, 20), "https://a.example/1"
    )
    bare = Source("", "javascript:x", None, None, "a.md")
    assert listed_source(bare, None) == ListedSource(None, None, "Untitled article", None, None)
    assert listed_source(replace_url(bare, "https://b.example/x"), 1).title == "b.example"
    assert listed_source(Source("", None, "Times", None, "a"), 1).title == "Times"


def replace_url(source: Source, url: str) -> Source:
    return Source(source.title, url, source.outlet, source.published, source.path)


def test_labels_markers_and_runs() -> None:
    one = ListedSource(1, "Times", "Vote", None, None)
    assert one.label == "Times: Vote"
    assert ListedSource(1, "Times", "Times", None, None).label == "Times"
    assert ListedSource(1, None, "Vote", None, None).label == "Vote"
    three, four, six = (ListedSource(n, None, "x", None, None) for n in (3, 4, 6))
    assert CitedSentence("A.", (one, three)).marker == "[1, 3]"
    assert CitedSentence("A.", ()).marker == ""
    layout = StoryLayout("H", True, (), (one, three, four, six), ())
    assert layout.cited_runs == ((one,), (three, four), (six,))
    assert layout.also_label == "Also covered by"
    assert StoryLayout("H", True, (), (), (one,)).also_label == "Covered by"
    assert layout.sources == (one, three, four, six)
    assert layout.more_label == ""
    assert StoryLayout("H", True, (), (), (), more=1, more_outlets=1).more_label == (
        "and 1 more from 1 outlet"
    )
    assert StoryLayout("H", True, (), (), (), more=212, more_outlets=31).more_label == (
        "and 212 more from 31 outlets"
    )
    assert StoryLayout("H", True, (), (), (), more=5).more_label == "and 5 more"


# -- choosing the sources a short edition shows ------------------------------------------


def sources(outlets: str) -> tuple[Source, ...]:
    """One source per letter: the letter is its outlet."""
    return tuple(
        Source(f"Article {i + 1}", f"https://{o}.example/{i}", o.upper(), None, f"{i}.md")
        for i, o in enumerate(outlets)
    )


def numbers(layout: StoryLayout) -> list[list[int | None]]:
    return [[s.number for s in sentence.cites] for p in layout.paragraphs for sentence in p]


def titles(listed: tuple[ListedSource, ...]) -> list[str]:
    return [s.title for s in listed]


def test_a_sentence_cites_at_most_two_sources_of_different_outlets_first() -> None:
    story = Story("H", (Sentence("One.", (0, 1, 2, 3)),), sources("aabc"))
    layout = lay_out(story, short=True)
    # two numbers: the first source, then one of another outlet than it
    assert numbers(layout) == [[1, 2]]
    assert titles(layout.cited) == ["Article 1", "Article 3"]
    # the others are listed (up to four in all), new outlets first
    assert titles(layout.also) == ["Article 2", "Article 4"]
    full = lay_out(story)
    assert numbers(full) == [[1, 2]] and titles(full.also) == ["Article 2", "Article 4"]


def test_a_source_already_cited_is_cited_again_before_a_new_one() -> None:
    story = Story(
        "H",
        (Sentence("One.", (0,)), Sentence("Two.", (1, 2, 0))),
        sources("abc"),
    )
    layout = lay_out(story, short=True)
    assert numbers(layout) == [[1], [1, 2]]
    assert titles(layout.cited) == ["Article 1", "Article 2"]


def test_once_four_are_cited_a_new_one_only_for_a_sentence_citing_none() -> None:
    story = Story(
        "H",
        (
            Sentence("One.", (0, 1)),
            Sentence("Two.", (2, 3)),
            Sentence("Three.", (4, 0)),  # room for no new source: cites 1 only
            Sentence("Four.", (5,)),  # cites nothing yet: a new one
        ),
        sources("abcdef"),
    )
    layout = lay_out(story, short=True)
    assert numbers(layout) == [[1, 2], [3, 4], [1], [5]]
    assert titles(layout.cited) == [f"Article {n}" for n in (1, 2, 3, 4, 6)]
    assert titles(layout.also) == [] and layout.more == 1 and layout.more_outlets == 1


def test_a_short_edition_lists_four_sources_new_outlets_first_and_counts_the_rest() -> None:
    story = Story("H", (Sentence("One.", (0,)),), sources("aabbcdde"))
    layout = lay_out(story, short=True)
    assert titles(layout.cited) == ["Article 1"]
    # three more places: outlets b, c, d first (in the story's order)
    assert titles(layout.also) == ["Article 3", "Article 5", "Article 6"]
    assert layout.more == 4 and layout.more_outlets == 4  # a, b, d, e
    assert layout.more_label == "and 4 more from 4 outlets"
    full = lay_out(story)
    assert len(full.also) == 7 and full.more == 0


def test_places_left_after_new_outlets_go_to_the_others_in_order() -> None:
    story = Story("H", (Sentence("One.", (0,)),), sources("aaaaaa"))
    layout = lay_out(story, short=True)
    assert titles(layout.also) == ["Article 2", "Article 3", "Article 4"]
    assert layout.more == 2 and layout.more_outlets == 1


def test_more_outlets_is_unknown_when_a_source_left_out_names_none() -> None:
    unnamed = (*sources("abcd"), Source("T", None, None, None, "x.md"))
    layout = lay_out(Story("H", (Sentence("One.", (0,)),), unnamed), short=True)
    assert layout.more == 1 and layout.more_outlets is None
    assert layout.more_label == "and 1 more"


def test_a_difference_cites_both_sides_and_is_renumbered() -> None:
    story = Story(
        "H",
        (Sentence("One.", (2,)),),
        sources("abc"),
        differences=(Difference("Sources differ: [3] says 5, [1] says 6.", (2, 0)),),
    )
    layout = lay_out(story, short=True)
    assert titles(layout.cited) == ["Article 3", "Article 1"]
    assert [d.text for d in layout.differences] == ["Sources differ: [1] says 5, [2] says 6."]
    two = Story(
        "H",
        (Sentence("One.", (2,)),),
        sources("abc"),
        differences=(Difference("Differ:  [3, 1]  and\n[2]", (2, 0, 1)),),
    )
    assert [d.text for d in lay_out(two).differences] == ["Differ: [1, 2] and [3]"]


@pytest.mark.parametrize(
    "difference",
    [
        Difference("No marker at all.", (0,)),
        Difference("Cites [2] it does not name.", (0,)),
        Difference("Cites [9].", (8,)),
        Difference("Cites [1].", ()),
        Difference("Cites [1].", (-1,)),
    ],
)
def test_a_difference_that_names_a_source_it_does_not_cite_is_left_out(
    difference: Difference,
) -> None:
    story = Story("H", (Sentence("One.", (0,)),), sources("ab"), differences=(difference,))
    assert lay_out(story).differences == ()


def test_a_source_index_out_of_range_is_not_cited() -> None:
    story = Story("H", (Sentence("One.", (-1, 5, 1)),), sources("ab"))
    assert numbers(lay_out(story)) == [[1]] and titles(lay_out(story).cited) == ["Article 2"]


def test_numbering_from_a_start_and_unlinked_sources_after_the_links() -> None:
    linked_and_not = (
        Source("Local", None, "Paper", None, "a.md"),
        *sources("ab"),
    )
    story = Story("H", (Sentence("One.", (0, 1)), Sentence("Two.", (2,))), linked_and_not)
    layout = lay_out(story, start=4, unlinked_start=20)
    assert [(s.title, s.number) for s in layout.cited] == [
        ("Article 1", 4),
        ("Article 2", 5),
        ("Local", 20),
    ]
    assert numbers(layout) == [[4, 20], [5]]
    assert [s.number for s in lay_out(story, start=4).cited] == [4, 5, 6]


def test_a_feed_entry_numbers_sources_as_a_reader_numbers_its_links() -> None:
    digest = make_digest()
    lead, other = lay_out_for_reader(digest.stories, digest.title)
    # the lead cites its linked source (link 1) and an unlinked one, numbered after
    # every link of the entry: the lead's one link and the other story's one
    assert [(s.title, s.number) for s in lead.cited] == [
        ("Budget passed", 1),
        ("Vote on budget", 3),
    ]
    assert [(s.title, s.number) for s in other.cited] == [("Budget passed", 2)]
    assert lead.show_headline and other.show_headline
    (alone,) = lay_out_for_reader(digest.stories[:1], links_after=1)
    assert [s.number for s in alone.cited] == [1, 3]  # link 2 is the issue's
    titled = lay_out_for_reader(digest.stories, "council PASSES budget.")
    assert not titled[0].show_headline and titled[1].show_headline


def test_the_lead_headline_is_left_out_only_when_it_is_the_title() -> None:
    from digest.render.stories import lay_out_issue

    digest = make_digest()
    assert [s.show_headline for s in lay_out_issue(digest)] == [True, True]
    same = digest.__class__(**{**digest.__dict__, "title": " Council  passes budget! "})
    assert [s.show_headline for s in lay_out_issue(same)] == [False, True]
    second = digest.__class__(**{**digest.__dict__, "title": "Stadium opens"})
    assert [s.show_headline for s in lay_out_issue(second)] == [True, True]


def test_same_words_ignores_case_spacing_and_end_punctuation() -> None:
    assert same_words("Council passes budget", " council  PASSES budget.!?:;, ")
    assert not same_words("Council passes budget", "Council passes budgets")
    assert not same_words("Council passes budget", "Council, passes budget")


# -- paragraphs and plain text ----------------------------------------------------------------


def sentences(*lengths: int) -> list[CitedSentence]:
    return [CitedSentence("x" * n, ()) for n in lengths]


def test_a_short_story_is_one_paragraph_and_a_long_one_two_balanced() -> None:
    assert paragraphs([]) == ()
    assert paragraphs(sentences(160, 160, 160)) == (tuple(sentences(160, 160, 160)),)
    assert [len(p) for p in paragraphs(sentences(160, 160, 161))] == [2, 1]
    assert [len(p) for p in paragraphs(sentences(10, 10, 10, 10))] == [2, 2]
    assert paragraphs(sentences(900)) == (tuple(sentences(900)),)
    # the split that best balances the two: 100+100 | 150+60, not 100 | 100+150+60
    assert [len(p) for p in paragraphs(sentences(100, 100, 150, 60, 1))] == [2, 3]
    assert [len(p) for p in paragraphs(sentences(300, 100, 100, 300))] == [2, 2]
    # on a tie the earlier split wins: 250 | 10+250 and 250+10 | 250 are as even
    assert [len(p) for p in paragraphs(sentences(250, 10, 250))] == [1, 2]
    assert [len(p) for p in paragraphs(sentences(500, 1))] == [1, 1]


def test_a_plain_paragraph_wraps_at_72_and_keeps_a_marker_with_its_sentence() -> None:
    cite = ListedSource(12, None, "x", None, None)
    other = ListedSource(3, None, "x", None, None)
    words = " ".join(["word"] * 13)  # 64 characters
    text = plain_paragraph([CitedSentence(words + " end.", (other, cite))])
    assert text == " ".join(["word"] * 13) + "\nend. [3, 12]"
    assert plain_paragraph([CitedSentence("a", ())], width=1) == "a"
    assert plain_paragraph([CitedSentence("", (cite,))]) == "[12]"
    assert plain_paragraph([CitedSentence("one two", ()), CitedSentence("three", ())], 7) == (
        "one two\nthree"
    )
    assert plain_paragraph([CitedSentence("one two", ()), CitedSentence("three", ())], 13) == (
        "one two three"
    )
    assert plain_paragraph([]) == ""


def test_hanging_wraps_after_a_first_line_prefix_and_keeps_words_whole() -> None:
    text = "See https://a.example/a-very-long-path-that-is-longer-than-the-width and\tmore\n"
    assert hanging(text, "[1] ", "    ", 30) == (
        "[1] See\n"
        "    https://a.example/a-very-long-path-that-is-longer-than-the-width\n"
        "    and more"
    )
    assert hanging("two\N{NO-BREAK SPACE}words", width=5) == "two words"
    assert hanging("  a  b  ") == "a b"


# -- the index's entries ------------------------------------------------------------------


def test_an_index_entry_counts_its_stories() -> None:
    from digest.render.context import IndexEntry

    assert IndexEntry(make_digest(), "issues/2026-11-21.html").story_count == 2
    assert set(IndexContext.documented_fields()) == {
        "settings",
        "issues",
        "root",
        "palette",
        "dark",
    }
    assert IndexContext.documented_fields()["root"] == (
        "The path from the page to the output folder's root."
    )


def test_a_context_field_without_help_reads_as_undocumented() -> None:
    """What the template-context check relies on: an undocumented field's help is ""."""
    from dataclasses import dataclass, field

    from digest.render.context import TemplateContext

    @dataclass(frozen=True)
    class Partly(TemplateContext):
        documented: str = field(metadata={"help": "Has help."})
        bare: str = ""

    assert Partly.documented_fields() == {"documented": "Has help.", "bare": ""}
    assert Partly("a", "b").as_dict() == {"documented": "a", "bare": "b"}


def test_the_default_widths_are_72_and_later_lines_are_not_indented() -> None:
    line = "x" * 36 + " " + "y" * 36  # 73 characters
    assert plain_paragraph([CitedSentence(line, ())]) == "x" * 36 + "\n" + "y" * 36
    assert plain_paragraph([CitedSentence(line[:-1], ())]) == line[:-1]  # 72 fit
    assert hanging(line) == "x" * 36 + "\n" + "y" * 36
    assert hanging(line[:-1]) == line[:-1]


def test_a_difference_citing_one_past_the_last_source_is_left_out() -> None:
    story = Story(
        "H",
        (Sentence("One.", (0,)),),
        sources("ab"),
        differences=(Difference("Cites [3].", (2,)),),
    )
    assert lay_out(story).differences == ()


def test_the_issue_layout_is_short_only_when_asked() -> None:
    from digest.render.stories import lay_out_issue

    many = Story("Many", (Sentence("One.", (0,)),), sources("abcdefg"))
    digest = make_digest()
    digest = digest.__class__(**{**digest.__dict__, "stories": (many,)})
    (full,) = lay_out_issue(digest)
    assert full.more == 0 and len(full.sources) == 7
    (short,) = lay_out_issue(digest, short=True)
    assert short.more == 3 and len(short.sources) == 4


def test_a_feed_entry_counts_only_the_links_it_shows_before_its_unlinked_sources() -> None:
    """A short edition lists four of the eight sources, three of them linked: the
    unlinked one is numbered 4, after the links shown, not after all seven."""
    linked = sources("abcdefg")
    local = Source("Local", None, "Paper", None, "x.md")
    story = Story("Many", (Sentence("One.", (0, 7)), Sentence("Two.", (1,))), (*linked, local))
    (layout,) = lay_out_for_reader([story])
    assert [(s.title, s.number) for s in layout.cited] == [
        ("Article 1", 1),
        ("Article 2", 2),
        ("Local", 4),
    ]
    assert len([s for s in layout.sources if s.url]) == 3


def test_only_the_lead_story_loses_a_headline_that_is_the_title() -> None:
    digest = make_digest()
    layouts = lay_out_for_reader(digest.stories, "Stadium opens")
    assert [s.show_headline for s in layouts] == [True, True]


def test_unlinked_sources_are_numbered_on_across_the_stories_of_an_entry() -> None:
    def story(name: str) -> Story:
        own = (
            Source(f"{name} online", f"https://{name}.example/", name, None, f"{name}.md"),
            Source(f"{name} in print", None, name, None, f"{name}-print.md"),
        )
        return Story(name, (Sentence("One.", (0, 1)),), own)

    first, second = lay_out_for_reader([story("a"), story("b")])
    # links 1 and 2 are the two stories' linked sources; the unlinked ones follow
    assert [s.number for s in first.cited] == [1, 3]
    assert [s.number for s in second.cited] == [2, 4]


def test_a_new_source_once_three_are_cited_leaves_room_for_no_other() -> None:
    story = Story(
        "H",
        (Sentence("One.", (0, 1)), Sentence("Two.", (2,)), Sentence("Three.", (3, 4))),
        sources("abcde"),
    )
    layout = lay_out(story, short=True)
    assert numbers(layout) == [[1, 2], [3], [4]]
    assert titles(layout.cited) == [f"Article {n}" for n in (1, 2, 3, 4)]


def test_sources_without_an_outlet_are_told_apart_by_their_link_or_file() -> None:
    def bare(i: int, url: str | None) -> Source:
        return Source(f"Article {i + 1}", url, None, None, f"{i}.md")

    for first, second in [
        (bare(0, "https://x.example/1"), bare(1, "https://x.example/2")),
        (bare(0, None), bare(1, None)),
    ]:
        third = Source("Article 3", "https://b.example/", "B", None, "2.md")
        story = Story("H", (Sentence("One.", (0, 1, 2)),), (first, second, third))
        # two outlets already: the first two, each its own
        assert titles(lay_out(story, short=True).cited) == ["Article 1", "Article 2"]


def test_a_sentence_citing_one_past_the_last_source_cites_nothing_there() -> None:
    story = Story("H", (Sentence("One.", (2, 0)),), sources("ab"))
    assert numbers(lay_out(story)) == [[1]] and lay_out(story).show_headline


def test_unlinked_sources_are_numbered_upwards_and_counted_per_story() -> None:
    local = [Source(f"Print {n}", None, f"P{n}", None, f"p{n}.md") for n in (1, 2)]
    two = Story("T", (Sentence("One.", (0, 2)), Sentence("Two.", (1, 3))), (*sources("ab"), *local))
    layout = lay_out(two, start=1, unlinked_start=20)
    assert [s.number for s in layout.cited if not s.url] == [20, 21]
    # two links and one unlinked source, then one link and one unlinked: the
    # three links come first, the unlinked ones are 4 (first story) and 5
    first = Story(
        "F", (Sentence("One.", (0, 2)), Sentence("Two.", (1,))), (*sources("ab"), local[0])
    )
    second = Story("S", (Sentence("One.", (0, 1)),), (*sources("c"), local[1]))
    first_layout, second_layout = lay_out_for_reader([first, second])
    assert [s.number for s in first_layout.cited] == [1, 2, 4]
    assert [s.number for s in second_layout.cited] == [3, 5]
