"""The feeds field by field: what a reader sees of each feed and entry (ids, links, dates,
authors, summaries, escaping), read back with ElementTree, feedparser and json."""

from __future__ import annotations

import datetime as dt
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from digest.config import Settings
from digest.model import Digest, Sentence, Source, Story
from digest.records import IssueRecord, make_record
from digest.render.feeds import (
    SUMMARY_CHARS,
    FeedItem,
    issue_items,
    render_atom,
    render_feeds,
    render_json,
    render_rss,
    rss_html,
    shorten,
    story_items,
    xml_text,
)

from .test_render import make_digest

SITE_URL = "https://news.example/alita/"
SETTINGS = Settings(site_url=SITE_URL, name="Alita Weekly", author="Ana Lopez", language="fr")
SITE = SETTINGS.site
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def record(digest: Digest | None = None) -> IssueRecord:
    return make_record(digest or make_digest(), SITE.site_host)


def item(n: int, published: dt.datetime) -> FeedItem:
    return FeedItem(
        id=f"tag:news.example,2026:item/{n}",
        title=f"Item {n}",
        url=f"{SITE_URL}issues/{n}.html",
        published=published,
        summary=f"Summary {n}",
        html=f"<p>Body {n}</p>",
    )


# -- the feed ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["issues", "stories"])
def test_atom_feed_names_itself_its_site_its_author_and_language(kind: str) -> None:
    self_name = "atom.xml" if kind == "issues" else "stories.atom.xml"
    root = ET.fromstring(render_atom([], SITE, kind))  # type: ignore[arg-type]
    # the issues feed is the site's; the stories feed is its own document
    assert root.findtext(f"{ATOM}id") == (SITE_URL if kind == "issues" else SITE_URL + self_name)
    assert root.get(XML_LANG) == "fr"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": SITE_URL + self_name, "alternate": SITE_URL}
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Ana Lopez"
    assert root.findtext(f"{ATOM}generator") == "digest"
    title, subtitle = root.findtext(f"{ATOM}title"), root.findtext(f"{ATOM}subtitle")
    if kind == "issues":
        assert (title, subtitle) == ("Alita Weekly", "Alita Weekly: the news, digested.")
    else:
        assert title == "Alita Weekly: stories"
        assert subtitle == "Alita Weekly: every story of every issue, one entry each."


@pytest.mark.parametrize("kind", ["issues", "stories"])
def test_rss_channel_links_the_site_and_itself(kind: str) -> None:
    self_name = "rss.xml" if kind == "issues" else "stories.rss.xml"
    channel = ET.fromstring(render_rss([], SITE, kind)).find("channel")  # type: ignore[arg-type]
    assert channel is not None
    assert channel.findtext("link") == SITE_URL, "a reader's 'visit site' goes to the site"
    assert [(a.get("rel"), a.get("href")) for a in channel.findall(f"{ATOM}link")] == [
        ("self", SITE_URL + self_name)
    ]
    assert channel.findtext("language") == "fr"
    assert channel.findtext("generator") == "digest"
    stories = kind == "stories"
    assert channel.findtext("title") == ("Alita Weekly: stories" if stories else "Alita Weekly")
    assert channel.findtext("description", "").startswith("Alita Weekly: ")


def test_a_feed_without_entries_is_dated_the_epoch_not_now() -> None:
    atom = ET.fromstring(render_atom([], SITE))
    assert atom.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"
    rss = ET.fromstring(render_rss([], SITE))
    assert rss.findtext("channel/lastBuildDate") == "Thu, 01 Jan 1970 00:00:00 +0000"
    assert render_atom([], SITE) == render_atom([], SITE)


def test_a_feed_is_dated_by_its_newest_entry_whatever_their_order() -> None:
    old = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    new = dt.datetime(2026, 11, 8, tzinfo=dt.UTC)
    items = [item(1, new), item(2, old)]
    atom = ET.fromstring(render_atom(items[::-1], SITE))
    assert atom.findtext(f"{ATOM}updated") == "2026-11-08T00:00:00+00:00"
    rss = ET.fromstring(render_rss(items[::-1], SITE))
    assert rss.findtext("channel/lastBuildDate") == "Sun, 08 Nov 2026 00:00:00 +0000"


# -- the entries -------------------------------------------------------------------


def test_entries_keep_the_order_given() -> None:
    """The renderers do not sort: issue_items and story_items did (newest first)."""
    old = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    items = [item(1, old), item(2, old + dt.timedelta(days=1)), item(3, old)]
    for data in (render_atom(items, SITE), render_rss(items, SITE)):
        assert [e.id for e in feedparser.parse(data).entries] == [i.id for i in items]
    assert [i["id"] for i in json.loads(render_json(items, SITE))["items"]] == [i.id for i in items]


def test_atom_entry_fields() -> None:
    published = dt.datetime(2026, 11, 21, 6, 30, tzinfo=dt.UTC)
    entry = ET.fromstring(render_atom([item(7, published)], SITE)).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}id") == "tag:news.example,2026:item/7"
    assert entry.findtext(f"{ATOM}title") == "Item 7"
    assert entry.findtext(f"{ATOM}published") == "2026-11-21T06:30:00+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-21T06:30:00+00:00"
    assert entry.findtext(f"{ATOM}summary") == "Summary 7", "a reader's list shows it"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ana Lopez"
    links = [(a.get("rel", "alternate"), a.get("href")) for a in entry.findall(f"{ATOM}link")]
    assert links == [("alternate", f"{SITE_URL}issues/7.html")]  # feedgen leaves out the default
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert content.text == "<p>Body 7</p>"


def test_rss_item_fields() -> None:
    published = dt.datetime(2026, 11, 21, 6, 30, tzinfo=dt.UTC)
    rss = ET.fromstring(render_rss([item(7, published)], SITE))
    entry = rss.find("channel/item")
    assert entry is not None
    guid = entry.find("guid")
    assert guid is not None and guid.text == "tag:news.example,2026:item/7"
    assert guid.get("isPermaLink") == "false", "a tag URI is no link"
    assert entry.findtext("title") == "Item 7"
    assert entry.findtext("link") == f"{SITE_URL}issues/7.html"
    assert entry.findtext("pubDate") == "Sat, 21 Nov 2026 06:30:00 +0000"
    assert entry.findtext("description") == "Summary 7"
    assert entry.findtext(CONTENT) == "<p>Body 7</p>"
    # RSS's <author> must be an address: the name goes in dc:creator
    assert entry.find("author") is None
    assert entry.findtext(f"{DC}creator") == "Ana Lopez"
    parsed = feedparser.parse(render_rss([item(7, published)], SITE))
    assert not parsed.bozo and parsed.entries[0].author == "Ana Lopez"


def test_json_feed_fields() -> None:
    published = dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    data = render_json([item(7, published)], SITE, "stories")
    assert data.endswith(b"}\n") and data.startswith(b'{\n  "version"')
    feed = json.loads(data)
    assert feed["title"] == "Alita Weekly: stories"
    assert feed["description"] == "Alita Weekly: every story of every issue, one entry each."
    assert feed["home_page_url"] == SITE_URL
    assert feed["feed_url"] == SITE_URL + "stories.json"
    assert (feed["language"], feed["authors"]) == ("fr", [{"name": "Ana Lopez"}])
    assert feed["items"] == [
        {
            "id": "tag:news.example,2026:item/7",
            "url": f"{SITE_URL}issues/7.html",
            "title": "Item 7",
            "content_html": "<p>Body 7</p>",
            "summary": "Summary 7",
            # RFC 3339 in UTC, whatever zone the time was given in
            "date_published": "2026-11-21T06:30:00Z",
            "date_modified": "2026-11-21T06:30:00Z",
            "authors": [{"name": "Ana Lopez"}],
            "language": "fr",
        }
    ]


def test_json_feed_keeps_non_ascii_as_it_is() -> None:
    settings = replace(SITE, name="Crónica", author="Zoë")
    data = render_json(
        [replace(item(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)), title="Año")], settings
    )
    text = data.decode("utf-8")
    assert '"title": "Crónica"' in text and '"name": "Zoë"' in text and '"title": "Año"' in text


# -- escaping ----------------------------------------------------------------------


def test_xml_text_drops_exactly_what_xml_cannot_carry() -> None:
    dropped = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800\udfff"
    kept = "\t\n\r \x7f\x85\u00a0\ud7ff\ue000\ufffd é"
    assert xml_text(f"a{dropped}b{kept}c") == f"ab{kept}c"


def test_rss_html_escapes_markup_but_not_quotes() -> None:
    assert rss_html("<b>\"Tom\" & 'Jerry'</b>\x01") == "&lt;b&gt;\"Tom\" &amp; 'Jerry'&lt;/b&gt;"


def test_rss_titles_are_html_and_atom_titles_text() -> None:
    hostile = replace(
        item(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)), title="<b>x</b>", summary="<i>y</i>"
    )
    settings = replace(SITE, name="<N>")
    rss = ET.fromstring(render_rss([hostile], settings, "stories"))
    assert rss.findtext("channel/title") == "&lt;N&gt;: stories"
    assert rss.findtext("channel/description", "").startswith("&lt;N&gt;: every story")
    assert rss.findtext("channel/item/title") == "&lt;b&gt;x&lt;/b&gt;"
    assert rss.findtext("channel/item/description") == "&lt;i&gt;y&lt;/i&gt;"
    atom = ET.fromstring(render_atom([hostile], settings, "stories"))
    assert atom.findtext(f"{ATOM}title") == "<N>: stories"
    assert atom.findtext(f"{ATOM}subtitle", "").startswith("<N>: every story")
    assert atom.findtext(f"{ATOM}entry/{ATOM}title") == "<b>x</b>"
    assert atom.findtext(f"{ATOM}entry/{ATOM}summary") == "<i>y</i>"


def test_control_characters_in_settings_never_break_a_feed() -> None:
    settings = replace(SITE, name="A\x01B", author="C\x02D")
    for data in (
        render_atom([item(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))], settings),
        render_rss([item(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))], settings),
    ):
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title == "AB" and parsed.entries[0].author == "CD"
    feed = json.loads(render_json([item(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))], settings))
    assert feed["items"][0]["title"] == "Item 1"


# -- summaries -----------------------------------------------------------------------


def test_shorten_keeps_text_up_to_the_summary_length() -> None:
    assert SUMMARY_CHARS == 300
    exact = ("abcd " * 60).strip() + "e"  # 300 characters
    assert len(exact) == 300 and shorten(exact) == exact
    longer = exact + "f"
    cut = shorten(longer)
    assert cut == ("abcd " * 59).strip() + "…" and len(cut) <= 300
    assert shorten("a  b\n c") == "a b c"


@pytest.mark.parametrize("mark", [",", ";", ":", ".", "-", "–", "—"])
def test_shorten_drops_a_dangling_mark_before_the_ellipsis(mark: str) -> None:
    text = f"one two{mark} three four five six"
    assert shorten(text, 12) == "one two…"


def test_shorten_keeps_a_word_ending_in_any_other_letter() -> None:
    assert shorten("one twoX three four five six", 12) == "one twoX…"
    assert shorten("one twoXX three four five six", 13) == "one twoXX…"


# -- items from the archive ------------------------------------------------------------


def three_sentence_digest(headline: str = "", title: str = "Springfield this week") -> Digest:
    sources = (Source("Budget passed", "https://a.example/1", "Times", None, "a.txt"),)
    story = Story(
        headline,
        (
            Sentence("First sentence here.", (0,)),
            Sentence("Second one.", (0,)),
            Sentence("Third is left out.", (0,)),
        ),
        sources,
    )
    return Digest(title=title, date=dt.date(2026, 11, 21), stories=(story, story), intro="")


def test_story_items_title_summary_url_and_fallbacks() -> None:
    rec = record(three_sentence_digest(headline="  "))
    items = story_items([rec], SITE)
    assert [i.id for i in items] == [s.id for s in rec.stories]
    assert [i.url for i in items] == [
        f"{SITE_URL}issues/2026-11-21.html#{s.anchor}" for s in rec.stories
    ]
    # no headline: the first two sentences stand in as the title and the summary
    assert items[0].title == "First sentence here. Second one."
    assert items[0].summary == "First sentence here. Second one."
    assert [i.published for i in items] == [s.published for s in rec.stories]


def test_a_story_without_headline_or_text_is_numbered() -> None:
    story = Story("", (), ())
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(story, story), intro="")
    items = story_items([record(digest)], SITE)
    assert [i.title for i in items] == ["Story 1 of 2026-11-21", "Story 2 of 2026-11-21"]
    assert [i.summary for i in items] == ["", ""]


def test_a_long_first_sentence_is_cut_to_eighty_characters_as_a_title() -> None:
    long = " ".join(["word"] * 30)  # 149 characters; 16 words end at the 79th
    story = Story("", (Sentence(long, ()),), ())
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(story,), intro="")
    title = story_items([record(digest)], SITE)[0].title
    assert title == " ".join(["word"] * 16) + "…" and len(title) == 80
    assert story_items([record(digest)], SITE)[0].summary == long


def test_a_story_with_a_headline_is_summarised_by_its_text_or_headline() -> None:
    items = story_items([record(three_sentence_digest(headline="Budget  news "))], SITE)
    assert items[0].title == "Budget  news"
    assert items[0].summary == "First sentence here. Second one."
    story = Story("Only a headline", (), ())
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(story,), intro="")
    assert story_items([record(digest)], SITE)[0].summary == "Only a headline"


def test_issue_items_title_summary_and_url() -> None:
    rec = record(replace(make_digest(), title="  Springfield  ", intro=""))
    (only,) = issue_items([rec], SITE)
    assert only.id == rec.id and only.published == rec.published
    assert only.title == "Springfield"
    assert only.summary == "Springfield", "no intro: the title is the summary"
    assert only.url == f"{SITE_URL}issues/2026-11-21.html"
    blank = issue_items([record(replace(make_digest(), title=" \n "))], SITE)[0]
    assert blank.title == "Issue of 2026-11-21"
    view = replace(SITE, view_url="https://view.example/{date}/")
    assert issue_items([rec], view)[0].url == "https://view.example/2026-11-21/"
    assert story_items([rec], view)[0].url.startswith("https://view.example/2026-11-21/#s-")


def test_issues_published_at_the_same_time_are_newest_date_first() -> None:
    at = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    older = replace(record(), published=at)
    newer = replace(record(replace(make_digest(), date=dt.date(2026, 11, 28))), published=at)
    for given in ([older, newer], [newer, older]):
        assert [i.url for i in issue_items(given, SITE)] == [
            f"{SITE_URL}issues/2026-11-28.html",
            f"{SITE_URL}issues/2026-11-21.html",
        ]


def test_an_issue_published_later_comes_first_whatever_its_date() -> None:
    later = replace(record(), published=dt.datetime(2026, 12, 5, tzinfo=dt.UTC))
    earlier = replace(
        record(replace(make_digest(), date=dt.date(2026, 11, 28))),
        published=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    )
    assert [i.id for i in issue_items([earlier, later], SITE)] == [later.id, earlier.id]


def test_render_feeds_writes_every_file_of_both_kinds() -> None:
    rec = record()
    feeds = render_feeds([rec], SITE)
    assert list(feeds) == [
        "atom.xml",
        "rss.xml",
        "feed.json",
        "stories.atom.xml",
        "stories.rss.xml",
        "stories.json",
    ]
    issue_ids = [rec.id]
    story_ids = [s.id for s in rec.stories]
    for name, ids in (("atom.xml", issue_ids), ("stories.atom.xml", story_ids)):
        assert [e.id for e in feedparser.parse(feeds[name]).entries] == ids
    for name, ids in (("rss.xml", issue_ids), ("stories.rss.xml", story_ids)):
        assert [e.id for e in feedparser.parse(feeds[name]).entries] == ids
    for name, ids in (("feed.json", issue_ids), ("stories.json", story_ids)):
        assert [i["id"] for i in json.loads(feeds[name])["items"]] == ids


# -- template overrides ----------------------------------------------------------------


def test_override_templates_shape_the_feed_entries(tmp_path: Path) -> None:
    (tmp_path / "entry.html.j2").write_text(
        "<p>ENTRY {{ intro }} {{ stories|length }}</p>\n", encoding="utf-8"
    )
    (tmp_path / "story.html.j2").write_text(
        "<p>STORY {{ story.headline }} {{ issue_url }}</p>\n", encoding="utf-8"
    )
    rec = record()
    feeds = render_feeds([rec], SITE, tmp_path)
    entry = feedparser.parse(feeds["atom.xml"]).entries[0]
    assert entry.content[0].value.strip() == "<p>ENTRY 2 stories from 3 articles. 2</p>"
    stories = json.loads(feeds["stories.json"])["items"]
    assert stories[0]["content_html"] == (
        f"<p>STORY Council passes budget {SITE_URL}issues/2026-11-21.html</p>\n"
    )
    assert [i.html for i in issue_items([rec], SITE, tmp_path)] == [
        "<p>ENTRY 2 stories from 3 articles. 2</p>\n"
    ]
    assert story_items([rec], SITE, tmp_path)[1].html.startswith("<p>STORY Stadium opens ")


def test_an_issue_entry_leaves_out_a_lead_headline_that_is_the_title() -> None:
    digest = replace(make_digest(headline="Springfield this week"))
    html = issue_items([record(digest)], SITE)[0].html
    assert "<h2>Springfield this week</h2>" not in html and "<h2>Stadium opens</h2>" in html
    html = issue_items([record(make_digest())], SITE)[0].html
    assert "<h2>Council passes budget</h2>" in html


def test_a_story_entry_numbers_its_links_then_its_issue_link() -> None:
    """A story entry's unlinked sources are numbered after its links and the
    link to its issue (newsboat numbers that link too)."""
    html = story_items([record()], SITE)[0].html
    assert "[1, 3]" in html and '<ol start="3">' in html
    issue = issue_items([record()], SITE)[0].html
    # an issue entry: the links of both stories (2), then its unlinked source
    assert "[1, 3]" in issue and '<ol start="3">' in issue


def test_shorten_keeps_a_word_that_ends_right_at_the_cut() -> None:
    # 8 characters before the ellipsis end in a space: "two" is whole, keep it
    assert shorten("one two three four", 9) == "one two…"
    # 7 characters end in "two" and the 8th is a space: "two" is whole too
    assert shorten("one two three four", 8) == "one two…"
    # the 8th is inside "three": its start goes, "two" stays
    assert shorten("one two three four", 10) == "one two…"


def test_a_record_of_another_story_count_is_refused_not_cut() -> None:
    """Each story's id comes from the record beside it: a record that does not
    match its digest story for story is an error, never a feed of misfiled ids."""
    rec = record()
    with pytest.raises(ValueError, match="zip"):
        story_items([replace(rec, stories=rec.stories[:1])], SITE)


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is not UTC (as on most editors' laptops)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_new_york")
def test_json_feed_dates_are_utc_whatever_the_machines_zone() -> None:
    published = dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    (only,) = json.loads(render_json([item(1, published)], SITE))["items"]
    assert only["date_published"] == only["date_modified"] == "2026-11-21T06:30:00Z"


def test_render_feeds_gives_the_stories_feeds_their_own_identity() -> None:
    feeds = render_feeds([record()], SITE)
    for name in ("stories.atom.xml", "stories.rss.xml"):
        parsed = feedparser.parse(feeds[name])
        assert parsed.feed.title == "Alita Weekly: stories", name
    assert json.loads(feeds["stories.json"])["title"] == "Alita Weekly: stories"
    assert json.loads(feeds["stories.json"])["feed_url"] == SITE_URL + "stories.json"
    assert feedparser.parse(feeds["atom.xml"]).feed.title == "Alita Weekly"


def test_xml_feeds_are_indented_one_element_a_line() -> None:
    """Readable and diffable by the editor who publishes them."""
    published = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    atom = render_atom([item(1, published)], SITE).decode()
    assert "\n  <entry>\n    <id>tag:news.example,2026:item/1</id>\n" in atom
    rss = render_rss([item(1, published)], SITE).decode()
    assert "\n  <channel>\n    <title>Alita Weekly</title>\n" in rss
    assert "\n    <item>\n      <title>Item 1</title>\n" in rss


def test_the_issues_json_feed_describes_the_newsletter() -> None:
    feed = json.loads(render_json([], SITE))
    assert (feed["title"], feed["description"]) == (
        "Alita Weekly",
        "Alita Weekly: the news, digested.",
    )
    assert feed["feed_url"] == SITE_URL + "feed.json"
