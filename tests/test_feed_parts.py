"""digest.render.feeds and digest.render.outputs piece by piece: what each feed
says about its issue or story, read back with feedparser and json, and how the
renderer registry refuses a renderer that writes what it did not declare.

The seeds' goldens and test_feeds cover a real build; these cover what the
seeds never hold (an empty archive, an untitled story, a time not in UTC, a
feed of one kind or the other), so a change the mutation run makes to one of
them fails here.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from digest.config import Site
from digest.errors import RenderError
from digest.model import Digest, Sentence, Story
from digest.names import FEEDS
from digest.records import IssueRecord, make_record
from digest.render import outputs
from digest.render.feeds import (
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
from digest.render.outputs import (
    Edition,
    Output,
    RenderContext,
    output_files,
    register_renderer,
    render_edition,
)

from .test_render import make_digest

SITE = Site(
    name="Harbour Weekly",
    site_url="https://news.example/harbour",  # no trailing slash: base_url adds one
    author="Ana Editor",
    language="fr",
)
HOST = SITE.site_host
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def record(digest: Digest | None = None) -> IssueRecord:
    return make_record(digest or make_digest(), HOST)


def item(**changes: object) -> FeedItem:
    base = FeedItem(
        id="tag:news.example,2026-11-21:issue/2026-11-21",
        title='Ferry <vote> & "more"',
        url="https://news.example/harbour/issues/2026-11-21.html",
        published=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        summary="The board voted.",
        html="<p>The board voted.</p>",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# -- text for XML and for RSS -------------------------------------------------------


def test_xml_text_drops_exactly_what_xml_cannot_hold() -> None:
    refused = [*map(chr, range(0x00, 0x09)), "\x0b", "\x0c", *map(chr, range(0x0E, 0x20))]
    refused += ["\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff"]
    for char in refused:
        assert xml_text(f"a{char}b") == "ab", repr(char)
    kept = "\t\n\r \x7f\x85\u00a0\ud7ff\ue000\ufffd\U0001f389"
    assert xml_text(f"a{kept}b") == f"a{kept}b"


def test_rss_html_escapes_markup_but_not_quotes() -> None:
    assert rss_html("a \"b\" 'c' <d> & e\x01") == "a \"b\" 'c' &lt;d&gt; &amp; e"


def test_shorten_keeps_text_up_to_its_limit_and_cuts_whole_words_after() -> None:
    assert shorten("  a   few\nwords ") == "a few words"
    text = "x" * 300
    assert shorten(text) == text  # the default limit is 300
    # a word longer than the limit is cut, as the one thing left to do
    assert shorten(text + "y") == "x" * 299 + "…"
    assert shorten("one two three", 13) == "one two three"
    assert shorten("one two three", 12) == "one two…"
    assert shorten("one two, three", 12) == "one two…"  # no comma before the ellipsis
    for mark in ",;:.-–—":
        assert shorten(f"one two{mark} three four", 14) == "one two…", mark
    assert shorten("one two! three four", 14) == "one two!…"
    assert shorten("One TAX two three four", 11) == "One TAX…"  # only punctuation goes
    assert shorten("one two three", 9) == "one two…"  # the cut falls on a space
    # a word that ends right at the cut is whole and stays
    assert shorten("one two three four", 8) == "one two…"
    assert shorten("one two, three four", 9) == "one two…"


# -- items ------------------------------------------------------------------------


def test_issue_items_title_link_and_summary() -> None:
    (first,) = issue_items([record()], SITE)
    assert first.id == "tag:news.example,2026-11-21:issue/2026-11-21"
    assert first.title == "Springfield this week"
    assert first.url == "https://news.example/harbour/issues/2026-11-21.html"
    assert first.published == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    assert first.summary == "2 stories from 3 articles."
    assert first.html.startswith("<p>2 stories from 3 articles.</p>")
    view = replace(SITE, view_url="https://view.example/{date}/")
    assert issue_items([record()], view)[0].url == "https://view.example/2026-11-21/"


def test_an_issue_item_without_title_or_intro() -> None:
    digest = replace(make_digest(), title="  ", intro="")
    (first,) = issue_items([record(digest)], SITE)
    assert first.title == "Issue of 2026-11-21"
    assert first.summary == ""
    titled = replace(make_digest(), intro="")
    assert issue_items([record(titled)], SITE)[0].summary == "Springfield this week"


def test_story_items_title_link_and_summary() -> None:
    rec = record()
    first, second = story_items([rec], SITE)
    assert [first.id, second.id] == [s.id for s in rec.stories]
    assert first.title == "Council passes budget"
    page = "https://news.example/harbour/issues/2026-11-21.html"
    assert first.url == f"{page}#{rec.stories[0].anchor}"
    assert second.url == f"{page}#{rec.stories[1].anchor}"
    assert first.summary == "The council voted. Parks get money."  # its first two sentences
    assert second.summary == "The stadium opened."
    assert first.published == rec.stories[0].published
    assert f'<a href="{page}">Harbour Weekly, 21 November 2026: Springfield this week</a>' in (
        first.html
    )


def test_a_story_item_without_a_headline_is_titled_by_its_text_or_its_number() -> None:
    long = "The harbour board voted on Monday to approve the new ferry terminal after a long debate"
    story = Story(
        " ",
        (Sentence(long, (0,)), Sentence("Second.", (0,)), Sentence("Third.", (0,))),
        make_digest().stories[0].sources,
    )
    empty = Story("", (), make_digest().stories[0].sources)
    digest = replace(make_digest(), stories=(story, empty))
    first, second = story_items([record(digest)], SITE)
    assert first.title == shorten(f"{long} Second.", 80)
    assert len(first.title) <= 80 and first.title.endswith("…")
    assert first.summary == f"{long} Second."
    assert second.title == "Story 2 of 2026-11-21"
    assert second.summary == ""


def test_a_story_summary_falls_back_to_its_headline() -> None:
    story = Story("Ferry vote", (), make_digest().stories[0].sources)
    (only,) = story_items([record(replace(make_digest(), stories=(story,)))], SITE)
    assert (only.title, only.summary) == ("Ferry vote", "Ferry vote")


def test_items_of_one_time_are_ordered_newest_issue_date_first() -> None:
    older = record()
    newer = replace(record(replace(make_digest(), date=dt.date(2026, 11, 28))))
    same_time = replace(newer, published=older.published)
    for items in (issue_items, story_items):
        urls = [i.url for i in items([older, same_time], SITE)]
        assert "2026-11-28" in urls[0] and "2026-11-21" in urls[-1], items
        urls = [i.url for i in items([same_time, older], SITE)]
        assert "2026-11-28" in urls[0] and "2026-11-21" in urls[-1], items


# -- the feeds ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["issues", "stories"])
def test_atom_feed_head_and_entries(kind: str) -> None:
    items = [
        item(),
        item(id="tag:x,2026-11-28:issue/2", published=dt.datetime(2026, 11, 28, tzinfo=dt.UTC)),
    ]
    data = render_atom(items, SITE, kind)  # type: ignore[arg-type]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = parsed.feed
    name = "atom.xml" if kind == "issues" else "stories.atom.xml"
    assert feed.id == (
        "https://news.example/harbour/" if kind == "issues" else SITE.base_url + name
    )
    assert feed.title == ("Harbour Weekly" if kind == "issues" else "Harbour Weekly: stories")
    assert feed.subtitle == (
        "Harbour Weekly: the news, digested."
        if kind == "issues"
        else "Harbour Weekly: every story of every issue, one entry each."
    )
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": SITE.base_url + name, "alternate": "https://news.example/harbour/"}
    assert feed.updated == "2026-11-28T00:00:00+00:00"  # the newest entry's
    assert feed.author == "Ana Editor"
    assert feed.generator == "digest"
    assert feed.language == "fr" or 'xml:lang="fr"' in data.decode()
    # in the order given, not sorted again
    assert [e.id for e in parsed.entries] == [i.id for i in items]
    entry = parsed.entries[0]
    assert entry.title == 'Ferry <vote> & "more"' and entry.title_detail.type == "text/plain"
    assert entry.link == items[0].url
    assert entry.author == "Ana Editor"
    assert entry.published == entry.updated == "2026-11-21T00:00:00+00:00"
    assert entry.summary == "The board voted."
    assert entry.content[0].type == "text/html"
    assert entry.content[0].value == "<p>The board voted.</p>"


@pytest.mark.parametrize("kind", ["issues", "stories"])
def test_rss_feed_head_and_entries(kind: str) -> None:
    items = [
        item(),
        item(id="tag:x,2026-11-28:issue/2", published=dt.datetime(2026, 11, 28, tzinfo=dt.UTC)),
    ]
    data = render_rss(items, SITE, kind)  # type: ignore[arg-type]
    root = ET.fromstring(data)
    channel = root.find("channel")
    assert channel is not None
    name = "rss.xml" if kind == "issues" else "stories.rss.xml"
    assert channel.findtext("title") == (
        "Harbour Weekly" if kind == "issues" else "Harbour Weekly: stories"
    )
    assert channel.findtext("link") == "https://news.example/harbour/"
    assert [(a.get("rel"), a.get("href")) for a in channel.findall(f"{ATOM}link")] == [
        ("self", SITE.base_url + name)
    ]
    assert channel.findtext("language") == "fr"
    assert channel.findtext("generator") == "digest"
    assert channel.findtext("lastBuildDate") == "Sat, 28 Nov 2026 00:00:00 +0000"
    entries = channel.findall("item")
    assert [e.findtext("guid") for e in entries] == [i.id for i in items]
    first = entries[0]
    guid = first.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "false"
    assert first.findtext("title") == 'Ferry &lt;vote&gt; &amp; "more"'  # HTML, read as text
    assert first.findtext("link") == items[0].url
    assert first.findtext(f"{DC}creator") == "Ana Editor"
    assert first.find("author") is None  # RSS's author is an email address
    assert first.findtext("pubDate") == "Sat, 21 Nov 2026 00:00:00 +0000"
    assert first.findtext("description") == "The board voted."
    assert first.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == (
        "<p>The board voted.</p>"
    )
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.entries[0].title_detail.type == "text/html"
    assert html.unescape(parsed.entries[0].title) == 'Ferry <vote> & "more"'


def test_an_empty_feed_is_dated_at_the_epoch_every_time() -> None:
    atom = feedparser.parse(render_atom([], SITE))
    assert atom.feed.updated == "1970-01-01T00:00:00+00:00" and atom.entries == []
    rss = ET.fromstring(render_rss([], SITE)).find("channel")
    assert rss is not None and rss.findtext("lastBuildDate") == "Thu, 01 Jan 1970 00:00:00 +0000"
    assert render_atom([], SITE) == render_atom([], SITE)


def test_a_time_not_in_utc_is_written_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    late = item(published=dt.datetime(2026, 11, 21, 1, 30, tzinfo=paris))
    feed = json.loads(render_json([late], SITE))
    assert feed["items"][0]["date_published"] == "2026-11-20T23:30:00Z"
    assert feed["items"][0]["date_modified"] == "2026-11-20T23:30:00Z"


@pytest.mark.parametrize("kind", ["issues", "stories"])
def test_json_feed_head_and_items(kind: str) -> None:
    items = [item(title="Zürich \x01vote", summary="Ça \x7fva")]
    data = render_json(items, SITE, kind)  # type: ignore[arg-type]
    assert data.endswith(b"}\n") and "Zürich".encode() in data  # UTF-8, not \u escapes
    feed = json.loads(data)
    name = "feed.json" if kind == "issues" else "stories.json"
    assert {k: v for k, v in feed.items() if k != "items"} == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour Weekly" if kind == "issues" else "Harbour Weekly: stories",
        "home_page_url": "https://news.example/harbour/",
        "feed_url": SITE.base_url + name,
        "description": "Harbour Weekly: the news, digested."
        if kind == "issues"
        else "Harbour Weekly: every story of every issue, one entry each.",
        "language": "fr",
        "authors": [{"name": "Ana Editor"}],
    }
    assert feed["items"] == [
        {
            "id": items[0].id,
            "url": items[0].url,
            "title": "Zürich vote",
            "content_html": "<p>The board voted.</p>",
            "summary": "Ça va",
            "date_published": "2026-11-21T00:00:00Z",
            "date_modified": "2026-11-21T00:00:00Z",
            "authors": [{"name": "Ana Editor"}],
            "language": "fr",
        }
    ]
    assert data.decode().startswith('{\n  "version"')  # indented for people reading it


def test_render_feeds_writes_both_kinds_in_every_format() -> None:
    rec = record()
    feeds = render_feeds([rec], SITE)
    assert tuple(feeds) == FEEDS
    assert [e.id for e in feedparser.parse(feeds["atom.xml"]).entries] == [rec.id]
    assert [e.id for e in feedparser.parse(feeds["rss.xml"]).entries] == [rec.id]
    assert [i["id"] for i in json.loads(feeds["feed.json"])["items"]] == [rec.id]
    story_ids = [s.id for s in rec.stories]
    for name in ("stories.atom.xml", "stories.rss.xml"):
        assert [e.id for e in feedparser.parse(feeds[name]).entries] == story_ids, name
    assert [i["id"] for i in json.loads(feeds["stories.json"])["items"]] == story_ids


# -- the registry -------------------------------------------------------------------


def edition(issues: int = 1) -> Edition:
    records = [
        record(replace(make_digest(), date=dt.date(2026, 11, 21) - dt.timedelta(days=7 * n)))
        for n in range(issues)
    ]
    return Edition(records[0].digest, records[0], tuple(records))


def test_a_second_renderer_of_one_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "RENDERERS", dict(outputs.RENDERERS))

    def extra(e: Edition, c: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
        return {"extra.txt": done["digest.json"][:1]}

    with pytest.raises(ValueError, match="an output named 'json' is already registered"):
        register_renderer("json", extra, ("extra.txt",))
    assert outputs.RENDERERS["json"].files == ("digest.json",)
    register_renderer("extra", extra, ("extra.txt",))
    assert list(outputs.RENDERERS)[-1] == "extra"
    assert output_files()[-1] == "extra.txt"
    files = render_edition(edition(), RenderContext(SITE))
    assert files["extra.txt"] == b"{" and list(files)[-1] == "extra.txt"


def test_output_files_are_every_fixed_file_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert output_files() == (
        "digest.json",
        "email.html",
        "email.txt",
        "digest.eml",
        *FEEDS,
        "index.html",
    )
    monkeypatch.setattr(outputs, "RENDERERS", {"a": Output(outputs._json, None)})
    assert output_files() == ()


def test_a_renderer_must_write_its_files_in_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def swapped(e: Edition, c: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
        made = outputs._email(e, c, done)
        return {"email.txt": made["email.txt"], "email.html": made["email.html"]}

    monkeypatch.setitem(outputs.RENDERERS, "email", Output(swapped, ("email.html", "email.txt")))
    with pytest.raises(RenderError) as caught:
        render_edition(edition(), RenderContext(SITE))
    assert caught.value.message == (
        "the 'email' output wrote ['email.html', 'email.txt'], "
        "not its files ['email.html', 'email.txt']"
    )


def test_the_issue_page_renderer_may_write_any_file() -> None:
    files = render_edition(edition(), RenderContext(SITE))
    assert list(files)[-1] == "issues/2026-11-21.html"
    assert list(files)[:-1] == list(output_files())


def test_digest_json_is_the_issue_as_indented_utf8_json() -> None:
    digest = replace(make_digest(), title="Zürich")
    rec = record(digest)
    data = render_edition(Edition(digest, rec, (rec,)), RenderContext(SITE))["digest.json"]
    assert data.startswith(b'{\n  "') and data.endswith(b"}\n")
    assert "Zürich".encode() in data
    assert json.loads(data)["title"] == "Zürich"


def test_the_eml_wraps_the_email_parts_rendered_before_it() -> None:
    files = render_edition(edition(), RenderContext(SITE))
    eml = files["digest.eml"]
    parsed = email.message_from_bytes(eml, policy=email.policy.default)
    text, html = parsed.iter_parts()  # type: ignore[attr-defined]
    assert text.get_content().replace("\r\n", "\n") == files["email.txt"].decode()
    assert html.get_content().replace("\r\n", "\n").rstrip("\n") == files["email.html"].decode()


@pytest.mark.parametrize(("feed_issues", "entries"), [(0, 1), (1, 1), (2, 2), (20, 3)])
def test_the_feeds_carry_the_newest_issues_and_at_least_one(feed_issues: int, entries: int) -> None:
    made = edition(3)
    files = render_edition(made, RenderContext(SITE, None, feed_issues))
    ids = [e.id for e in feedparser.parse(files["atom.xml"]).entries]
    assert ids == [r.id for r in made.issues[:entries]]
    # the index lists every issue whatever the feeds carry
    index = files["index.html"].decode()
    assert all(r.date.isoformat() in index for r in made.issues)


def test_a_template_override_reaches_the_feeds(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "entry.html.j2").write_text("<p>OVERRIDE {{ intro }}</p>\n", encoding="utf-8")
    files = render_edition(edition(), RenderContext(SITE, folder))
    entry = feedparser.parse(files["atom.xml"]).entries[0]
    assert entry.content[0].value.strip() == "<p>OVERRIDE 2 stories from 3 articles.</p>"


def test_a_story_entry_numbers_its_unlinked_sources_after_the_issue_link() -> None:
    (first, _) = story_items([record()], SITE)
    # link 1 is its one source, link 2 the issue: the unlinked source is 3
    assert "The council voted.&nbsp;[1, 3] Parks get money.&nbsp;[3]" in first.html
    assert '<ol start="3">\n<li>Vote on budget</li>' in first.html
    assert "<h2>" not in first.html  # the headline is the entry's title


def test_an_issue_entry_heads_its_lead_story_unless_it_is_the_title() -> None:
    (plain,) = issue_items([record()], SITE)
    assert "<h2>Council passes budget</h2>" in plain.html and "<h2>Stadium opens</h2>" in plain.html
    titled = replace(make_digest(), title="Council passes budget")
    (entry,) = issue_items([record(titled)], SITE)
    assert "<h2>Council passes budget</h2>" not in entry.html
    assert "<h2>Stadium opens</h2>" in entry.html


def test_a_story_template_override_reaches_the_stories_feeds(tmp_path: Path) -> None:
    (tmp_path / "story.html.j2").write_text(
        "<p>STORY {{ story.headline }} of {{ issue_url }}</p>\n", encoding="utf-8"
    )
    feeds = render_feeds([record()], SITE, tmp_path)
    entry = feedparser.parse(feeds["stories.atom.xml"]).entries[0]
    assert entry.content[0].value.strip() == (
        "<p>STORY Council passes budget of https://news.example/harbour/issues/2026-11-21.html</p>"
    )
    issue = feedparser.parse(feeds["atom.xml"]).entries[0]
    assert "STORY" not in issue.content[0].value


def test_every_renderer_reads_the_override_templates(tmp_path: Path) -> None:
    overrides = {
        "email.txt.j2": "TEXT {{ digest.title }}\n",
        "email.mjml.j2": (
            "<mjml><mj-body><mj-section><mj-column><mj-text>HTML {{ digest.title }}"
            "</mj-text></mj-column></mj-section></mj-body></mjml>\n"
        ),
        "index.html.j2": "<p>INDEX {{ issues | length }}</p>\n",
        "issue.html.j2": "<p>PAGE {{ digest.title }}</p>\n",
    }
    for name, text in overrides.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = render_edition(edition(), RenderContext(SITE, tmp_path))
    assert files["email.txt"] == b"TEXT Springfield this week\n"
    assert b"HTML Springfield this week" in files["email.html"]
    assert files["index.html"] == b"<p>INDEX 1</p>\n"
    assert files["issues/2026-11-21.html"] == b"<p>PAGE Springfield this week</p>\n"
    eml = email.message_from_bytes(files["digest.eml"], policy=email.policy.default)
    text, _ = eml.iter_parts()  # type: ignore[attr-defined]
    assert text.get_content().replace("\r\n", "\n") == "TEXT Springfield this week\n"


def test_each_kind_of_feed_is_titled_and_linked_as_its_own() -> None:
    feeds = render_feeds([record()], SITE)
    for name, title in [
        ("atom.xml", "Harbour Weekly"),
        ("rss.xml", "Harbour Weekly"),
        ("stories.atom.xml", "Harbour Weekly: stories"),
        ("stories.rss.xml", "Harbour Weekly: stories"),
    ]:
        parsed = feedparser.parse(feeds[name])
        assert parsed.feed.title == title, name
        assert {link.rel: link.href for link in parsed.feed.links}["self"] == SITE.base_url + name
    for name, title in [
        ("feed.json", "Harbour Weekly"),
        ("stories.json", "Harbour Weekly: stories"),
    ]:
        feed = json.loads(feeds[name])
        assert (feed["title"], feed["feed_url"]) == (title, SITE.base_url + name)


def test_json_feed_dates_do_not_depend_on_the_machine_s_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    late = item(published=dt.datetime(2026, 11, 21, 1, 30, tzinfo=dt.UTC))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        feed = json.loads(render_json([late], SITE))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert feed["items"][0]["date_published"] == "2026-11-21T01:30:00Z"


def test_xml_feeds_are_indented_for_people_reading_them() -> None:
    for render in (render_atom, render_rss):
        lines = render([item()], SITE).decode().splitlines()
        assert len(lines) > 10 and any(line.startswith("    <") for line in lines), render


def test_a_record_without_a_story_s_id_is_refused_not_published_without_it() -> None:
    rec = record()
    with pytest.raises(ValueError, match="zip"):
        story_items([replace(rec, stories=rec.stories[:1])], SITE)


def test_an_untitled_story_s_title_is_its_text_up_to_80_characters() -> None:
    text = "x" * 40 + " " + "y" * 39  # 80 characters: the whole title
    longer = text + "z"  # 81: cut at the last word
    for first, title in [(text, text), (longer, "x" * 40 + "…")]:
        story = Story("", (Sentence(first, (0,)),), make_digest().stories[0].sources)
        (only,) = story_items([record(replace(make_digest(), stories=(story,)))], SITE)
        assert only.title == title
