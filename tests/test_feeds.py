"""Feeds and web pages from the archive: every feed parses, ids and dates never change."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.config import Settings
from digest.publish import FEEDS, render_outputs
from digest.records import make_record
from digest.render.feeds import (
    FEED_FILES,
    JSON_FEED_VERSION,
    issue_items,
    render_feeds,
    render_json,
    shorten,
    story_items,
    xml_text,
)

from .conftest import SEEDS
from .hostile import MARKUP_VECTORS
from .test_archive import NEW_ARTICLE
from .test_render import HOSTILE, make_digest

runner = CliRunner()
SITE = "https://news.example/alita/"
XML_FEEDS = [n for n in FEEDS if n.endswith(".xml")]
JSON_FEEDS = [n for n in FEEDS if n.endswith(".json")]


def build(inputs: Path, out: Path, date: str, *extra: str) -> str:
    result = runner.invoke(
        app, ["build", str(inputs), "--out", str(out), "--date", date, "--site-url", SITE, *extra]
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two issues: the seeds on 21 November, one new article on 22 November."""
    root = tmp_path_factory.mktemp("feeds")
    inputs = root / "in"
    inputs.mkdir()
    for seed in SEEDS.iterdir():
        (inputs / seed.name).write_bytes(seed.read_bytes())
    build(inputs, root / "out", "2026-11-21")
    (root / "first").mkdir()
    for name in FEEDS:
        (root / "first" / name).write_bytes((root / "out" / name).read_bytes())
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(inputs, root / "out", "2026-11-22")
    return root


# -- parsing ----------------------------------------------------------------------


@pytest.mark.parametrize("name", XML_FEEDS)
def test_every_xml_feed_parses_cleanly(site: Path, name: str) -> None:
    parsed = feedparser.parse((site / "out" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title.startswith("Digest")
    assert parsed.feed.get("language") == "en" or "xml:lang" in (site / "out" / name).read_text()
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids)) >= 2
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True), "newest first"
    for entry in parsed.entries:
        assert entry.link.startswith(SITE + "issues/2026-11-2")
        assert entry.content[0].value and "<table" not in entry.content[0].value
        assert entry.author == "Digest editors"


def test_issue_feeds_carry_one_entry_per_issue_with_the_tag_scheme(site: Path) -> None:
    for name in FEED_FILES["issues"].values():
        data = (site / "out" / name).read_bytes()
        ids = (
            [item["id"] for item in json.loads(data)["items"]]
            if name.endswith(".json")
            else [e.id for e in feedparser.parse(data).entries]
        )
        assert ids == [
            "tag:news.example,2026-11-22:issue/2026-11-22",
            "tag:news.example,2026-11-21:issue/2026-11-21",
        ], name


def test_stories_feeds_carry_one_entry_per_story(site: Path) -> None:
    store = Archive(site / "out" / "archive.sqlite3")
    expected = [s.id for record in store.issues() for s in record.stories]
    for name in FEED_FILES["stories"].values():
        data = (site / "out" / name).read_bytes()
        if name.endswith(".json"):
            ids = [item["id"] for item in json.loads(data)["items"]]
        else:
            ids = [e.id for e in feedparser.parse(data).entries]
        assert ids == expected, name
    assert all(re.fullmatch(r"tag:news\.example,2026-11-2[12]:story/[0-9a-f]{20}", i) for i in ids)


def test_rss_has_guid_self_link_content_and_short_description(site: Path) -> None:
    for name in (FEED_FILES["issues"]["rss"], FEED_FILES["stories"]["rss"]):
        root = ET.fromstring((site / "out" / name).read_bytes())
        atom = "{http://www.w3.org/2005/Atom}"
        content = "{http://purl.org/rss/1.0/modules/content/}encoded"
        self_links = root.findall(f"channel/{atom}link[@rel='self']")
        assert [link.get("href") for link in self_links] == [SITE + name]
        for item in root.findall("channel/item"):
            guid = item.find("guid")
            assert guid is not None and guid.text and guid.text.startswith("tag:")
            assert guid.get("isPermaLink") == "false"
            html = item.findtext(content) or ""
            description = item.findtext("description") or ""
            assert "<p>" in html and "<" not in description
            assert 0 < len(description) <= 300 and len(description) < len(html)


def test_dates_come_from_the_archive_not_the_clock(site: Path) -> None:
    parsed = feedparser.parse((site / "out" / "atom.xml").read_bytes())
    assert [e.published for e in parsed.entries] == [
        "2026-11-22T00:00:00+00:00",
        "2026-11-21T00:00:00+00:00",
    ]
    assert parsed.feed.updated == "2026-11-22T00:00:00+00:00"


# -- JSON Feed 1.1 ------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
_ITEM = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


def _absolute(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and "//" in url


def json_feed_problems(feed: Any) -> list[str]:
    """Check a JSON Feed against the rules of https://jsonfeed.org/version/1.1."""
    problems = []
    if not isinstance(feed, dict):
        return ["the top level is not an object"]
    if feed.get("version") != JSON_FEED_VERSION:
        problems.append("version must be the 1.1 URL")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title is required")
    for key in ("home_page_url", "feed_url"):
        if key in feed and not _absolute(feed[key]):
            problems.append(f"{key} must be an absolute URL")
    problems += [f"unknown top-level key {k}" for k in feed if k not in _TOP and k[0] != "_"]
    for author in feed.get("authors", []):
        if not (set(author) & {"name", "url", "avatar"}):
            problems.append("an author needs a name, url or avatar")
    if not isinstance(feed.get("items"), list):
        return [*problems, "items must be an array"]
    seen = set()
    for i, item in enumerate(feed["items"]):
        where = f"items[{i}]"
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}.id must be a non-empty string")
        elif item["id"] in seen:
            problems.append(f"{where}.id is not unique")
        seen.add(item.get("id"))
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{where} needs content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item and not _RFC3339.match(item[key]):
                problems.append(f"{where}.{key} is not RFC 3339")
        if "url" in item and not _absolute(item["url"]):
            problems.append(f"{where}.url must be absolute")
        problems += [f"{where}: unknown key {k}" for k in item if k not in _ITEM and k[0] != "_"]
    return problems


@pytest.mark.parametrize("name", JSON_FEEDS)
def test_json_feeds_follow_the_specification(site: Path, name: str) -> None:
    data = (site / "out" / name).read_bytes()
    feed = json.loads(data)
    assert json_feed_problems(feed) == []
    assert feed["feed_url"] == SITE + name and feed["language"] == "en"
    assert feed["authors"] == [{"name": "Digest editors"}]
    dates = [item["date_published"] for item in feed["items"]]
    assert dates == sorted(dates, reverse=True)


def test_the_json_checker_catches_mistakes() -> None:
    bad = {"version": "1", "items": [{"id": 3, "date_published": "22 Nov 2026"}], "x": 1}
    problems = json_feed_problems(bad)
    for needle in ("version", "title", "id must", "content_html", "RFC 3339", "unknown"):
        assert any(needle in p for p in problems), needle


# -- stability ------------------------------------------------------------------------


def test_published_entries_never_change_id_or_date(site: Path) -> None:
    """The first issue's entries read the same in the feeds after the second issue."""
    for name in XML_FEEDS:
        first = feedparser.parse((site / "first" / name).read_bytes()).entries
        now = {e.id: e for e in feedparser.parse((site / "out" / name).read_bytes()).entries}
        for entry in first:
            assert entry.id in now, name
            assert now[entry.id].published == entry.published
            assert now[entry.id].title == entry.title
    for name in JSON_FEEDS:
        first = json.loads((site / "first" / name).read_bytes())["items"]
        now = {i["id"]: i for i in json.loads((site / "out" / name).read_bytes())["items"]}
        for item in first:
            assert now[item["id"]] == item, name


def test_a_rebuild_gives_byte_identical_feeds(site: Path) -> None:
    before = {name: (site / "out" / name).read_bytes() for name in FEEDS}
    stdout = build(site / "in", site / "out", "2026-11-22", "--force")
    assert "rebuilt the issue of 2026-11-22" in stdout
    assert {name: (site / "out" / name).read_bytes() for name in FEEDS} == before


def test_feeds_carry_the_last_n_issues(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "arch").write_bytes((site / "out" / "archive.sqlite3").read_bytes())
    archive = str(tmp_path / "arch")
    build(site / "in", out, "2026-11-22", "--force", "--feed-issues", "1", "--archive", archive)
    entries = feedparser.parse((out / "atom.xml").read_bytes()).entries
    assert [e.id for e in entries] == ["tag:news.example,2026-11-22:issue/2026-11-22"]
    index = (out / "index.html").read_text()
    assert "issues/2026-11-21.html" in index and "issues/2026-11-22.html" in index


def test_settings_name_author_and_language_reach_the_feeds() -> None:
    settings = Settings(name="Alita Weekly", author="Ana", language="fr", site_url=SITE)
    files = render_outputs(make_digest(), settings)
    for name in XML_FEEDS:
        parsed = feedparser.parse(files[name])
        assert parsed.feed.title.startswith("Alita Weekly"), name
        assert parsed.entries[0].author == "Ana"
    feed = json.loads(render_json([], settings.site))
    assert (feed["title"], feed["language"], feed["authors"]) == (
        "Alita Weekly",
        "fr",
        [{"name": "Ana"}],
    )
    assert json_feed_problems(feed) == []
    assert '<html lang="fr">' in files["issues/2026-11-21.html"].decode()


def test_the_default_site_url_warns(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["build", str(SEEDS), "--out", str(tmp_path), "--date", "2026-11-21"]
    )
    assert result.exit_code == 0
    assert "warning: no --site-url" in result.stderr and "will not resolve" in result.stderr


def test_untrusted_text_stays_text_in_every_feed_and_page() -> None:
    files = render_outputs(make_digest(headline=HOSTILE, text=HOSTILE), Settings(site_url=SITE))
    for name in (*XML_FEEDS, "issues/2026-11-21.html", "index.html"):
        parsed = feedparser.parse(files[name]) if name.endswith(".xml") else None
        html = parsed.entries[0].content[0].value if parsed else files[name].decode()
        assert "<script" not in html and "<img" not in html, name
    for name in JSON_FEEDS:
        html = " ".join(item["content_html"] for item in json.loads(files[name])["items"])
        assert "<script" not in html and "&lt;script&gt;" in html, name


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short") == "short"
    cut = shorten("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…") and "  " not in cut
    text = "The council, after a long night, voted; the budget passed. " * 5
    for limit in range(20, 60):
        cut = shorten(text, limit)
        kept = cut.removesuffix("…").split()
        assert len(cut) <= limit and cut.endswith("…")
        assert kept[:-1] == text.split()[: len(kept) - 1], "only whole words"
        assert text.split()[len(kept) - 1].startswith(kept[-1]), "only whole words"
        assert text.split()[len(kept) - 1].rstrip(",;:.") == kept[-1], "no cut word or comma"


def test_feed_items_are_newest_first_whatever_the_order_given() -> None:
    settings = Settings(site_url=SITE)
    older = make_record(make_digest(), settings.site_host)
    newer = make_record(replace(make_digest(), date=dt.date(2026, 11, 28)), settings.site_host)
    for items in (issue_items, story_items):
        published = [i.published for i in items([older, newer], settings)]
        assert published[0] == newer.published and published[-1] == older.published
        assert published == sorted(published, reverse=True)


# -- web archive ----------------------------------------------------------------------


def test_web_pages_list_issues_and_anchor_stories(site: Path) -> None:
    out = site / "out"
    index = (out / "index.html").read_text()
    assert index.index("issues/2026-11-22.html") < index.index("issues/2026-11-21.html")
    assert index.startswith("<!DOCTYPE html>") and '<html lang="en">' in index
    for alternate in ("application/atom+xml", "application/rss+xml", "application/feed+json"):
        assert f'type="{alternate}"' in index
    page = (out / "issues" / "2026-11-22.html").read_text()
    assert "Rodriguez shares first Alita 2 concept art" in page
    assert f'<link rel="canonical" href="{SITE}issues/2026-11-22.html">' in page
    stories = json.loads((out / "stories.json").read_bytes())["items"]
    for item in stories:
        page_name, anchor = urlsplit(item["url"]).path.rsplit("/", 1)[1], item["url"].split("#")[1]
        assert f'id="{anchor}"' in (out / "issues" / page_name).read_text()
    assert (out / "issues" / "2026-11-21.html").exists(), "earlier pages stay"


def test_the_email_links_to_the_issue_page(site: Path) -> None:
    assert f"{SITE}issues/2026-11-22.html" in (site / "out" / "email.txt").read_text()


def test_issue_page_date_is_the_issue_date() -> None:
    files = render_outputs(make_digest(), Settings(site_url=SITE))
    page = files["issues/2026-11-21.html"].decode()
    assert '<time datetime="2026-11-21">21 November 2026</time>' in page
    assert dt.date(2026, 11, 21).isoformat() in page


def test_build_help_names_the_archive_options() -> None:
    result = runner.invoke(app, ["build", "--help"], terminal_width=200)
    for option in ("--archive", "--force", "--feed-issues", "--author", "--language"):
        assert option in result.stdout, option


# -- hostile markup in the RSS feeds (issue 16, item 2) ----------------------------


class _Tags(HTMLParser):
    """Every start tag in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags(fragment: str) -> list[str]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def decoded(detail: Any, value: str) -> str:
    """What a reader shows: HTML is unescaped, text is taken as it is."""
    return html.unescape(value) if detail.type == "text/html" else value


def hostile_feeds(vector: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every feed of an issue whose every text is ``vector``, and each RSS
    feed's plain summary of its first entry."""
    digest = replace(make_digest(headline=vector, text=vector), title=vector, intro=vector)
    settings = Settings(site_url=SITE, name=vector, author=vector)
    records = [make_record(digest, settings.site_host)]
    summaries = {
        "rss.xml": issue_items(records, settings.site)[0].summary,
        "stories.rss.xml": story_items(records, settings.site)[0].summary,
    }
    return render_feeds(records, settings.site), summaries


@pytest.mark.parametrize("vector", MARKUP_VECTORS, ids=range(len(MARKUP_VECTORS)))
@pytest.mark.parametrize("name", ["rss.xml", "stories.rss.xml"])
def test_rss_titles_are_the_text_and_descriptions_carry_no_markup(vector: str, name: str) -> None:
    text = xml_text(vector)  # XML cannot carry a NUL at all
    feeds, summaries = hostile_feeds(vector)
    data = feeds[name]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert decoded(parsed.feed.title_detail, parsed.feed.title).startswith(text)
    entry = parsed.entries[0]
    assert decoded(entry.title_detail, entry.title) == text
    assert tags(entry.title) == [], "a title a reader would render as markup"
    # the description is HTML whose every character is text: no element at all,
    # so no sanitizer has anything to remove
    assert tags(entry.summary) == []
    assert decoded(entry.summary_detail, entry.summary) == xml_text(summaries[name])
    for item in ET.fromstring(data).iter("item"):
        for field in ("title", "description"):
            raw = item.findtext(field) or ""
            assert "<" not in raw, f"live markup in <{field}>: {raw[:60]}"


@pytest.mark.parametrize("vector", MARKUP_VECTORS, ids=range(len(MARKUP_VECTORS)))
def test_atom_and_json_titles_stay_the_text(vector: str) -> None:
    text = xml_text(vector)
    feeds, _ = hostile_feeds(vector)
    for name in ("atom.xml", "stories.atom.xml"):
        entry = feedparser.parse(feeds[name]).entries[0]
        assert decoded(entry.title_detail, entry.title) == text
        content = entry.content[0].value
        assert "<script" not in content.lower() and "onerror" not in tags(content)
    for name in ("feed.json", "stories.json"):
        item = json.loads(feeds[name])["items"][0]
        assert item["title"] == text  # the text, without the characters no file may hold


def test_a_story_or_issue_without_a_title_still_makes_every_feed() -> None:
    digest = replace(make_digest(headline="", text="..."), title="")
    settings = Settings(site_url=SITE)
    feeds = render_feeds([make_record(digest, settings.site_host)], settings.site)
    for name in XML_FEEDS:
        assert all(e.title for e in feedparser.parse(feeds[name]).entries), name
    assert feedparser.parse(feeds["rss.xml"]).entries[0].title == "Issue of 2026-11-21"
