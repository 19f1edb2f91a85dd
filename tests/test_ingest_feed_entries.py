"""Feed entries as an editor reads them: the real description, not a photo caption;
headline-only entries; the feed's publisher as the outlet; plausible dates; one
article from two feeds; advertisements left out.

Every feed here is made up for the test, modelled on what real feeds do
(Media RSS captions beside the description, a tracking pixel as the whole
summary, "Paper > Section" titles, ad slots among the entries).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digest.build import read_articles
from digest.clean import clean
from digest.ingest import IngestOptions, ingest
from digest.ingest.feeds import media_texts, parse_feed
from digest.ingest.fetch import Fetcher, FetchLimits

OFFLINE = Fetcher(limits=FetchLimits(workers=0))
TODAY = dt.date(2026, 11, 21)

DESCRIPTION = (
    "The council voted to rebuild the old harbour bridge, ending a decade of delays. "
    "Work starts in the spring."
)
CAPTION = "A ferry passing under the harbour bridge late on Tuesday evening."
CREDIT = "Jo Lens for The Springfield Gazette"


def media_rss(items: str, title: str = "SG > City News", rights: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>https://www.springfieldgazette.example/section/city</link>"
        f"<copyright>{rights}</copyright>{items}</channel></rss>"
    )


def item(
    title: str,
    link: str,
    *,
    date: str | None = "Fri, 20 Nov 2026 09:00:00 GMT",
    body: str = "",
    guid: str | None = None,
) -> str:
    pub = f"<pubDate>{date}</pubDate>" if date else ""
    ident = f'<guid isPermaLink="true">{guid}</guid>' if guid else ""
    return f"<item><title>{title}</title><link>{link}</link>{ident}{pub}{body}</item>"


def entries(text: str, today: dt.date | None = TODAY):  # type: ignore[no-untyped-def]
    return parse_feed(text.encode(), source="feed.rss", today=today).entries


CAPTIONED = {
    "caption after the description": (
        f"<description>{DESCRIPTION}</description>"
        '<media:content url="https://img.example/bridge.jpg" medium="image"/>'
        f"<media:credit>{CREDIT}</media:credit>"
        f"<media:description>{CAPTION}</media:description>"
    ),
    "caption before the description": (
        f"<media:description>{CAPTION}</media:description>"
        f"<media:credit>{CREDIT}</media:credit>"
        f"<description>{DESCRIPTION}</description>"
    ),
    "caption in a media group": (
        f"<description>{DESCRIPTION}</description>"
        "<media:group><media:content url='https://img.example/b.jpg'/>"
        f"<media:description type='html'>&lt;p&gt;{CAPTION}&lt;/p&gt;</media:description>"
        "</media:group>"
    ),
}


@pytest.mark.parametrize("body", CAPTIONED.values(), ids=CAPTIONED.keys())
def test_a_photo_caption_beside_the_description_is_never_the_body(body: str) -> None:
    link = "https://www.springfieldgazette.example/2026/11/20/bridge.html"
    (entry,) = entries(media_rss(item("Harbour bridge to be rebuilt", link, body=body)))
    assert entry.article.text == DESCRIPTION
    assert CAPTION not in entry.article.text and CREDIT not in entry.article.text


def test_a_caption_only_entry_is_headline_only_and_survives_cleaning() -> None:
    body = f"<media:description>{CAPTION}</media:description><media:credit>{CREDIT}</media:credit>"
    link = "https://www.springfieldgazette.example/2026/11/20/ferry.html"
    (entry,) = entries(media_rss(item("Ferry service resumes", link, body=body)))
    assert entry.article.text == "" and entry.teaser
    article = clean(entry.article)
    assert article.title == "Ferry service resumes" and article.blocks == ()
    assert article.url == link


def test_a_feed_that_repeats_its_description_as_media_description_keeps_it() -> None:
    body = (
        f"<description>{DESCRIPTION}</description>"
        f"<media:description>{DESCRIPTION}</media:description>"
    )
    (entry,) = entries(
        media_rss(item("Bridge", "https://www.springfieldgazette.example/b", body=body))
    )
    assert entry.article.text == DESCRIPTION


def test_media_texts_never_read_an_external_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CAPTION TEXT", encoding="utf-8")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>'
        "<item><title>A</title><media:description>&x; caption</media:description></item>"
        "</channel></rss>"
    )
    assert not any("SECRET" in text for text in media_texts(feed.encode()))


@pytest.mark.parametrize(
    "summary",
    [
        '<img src="https://pixel.example/t.gif" width="1" height="1" alt=""/>',
        "<p></p><p>&nbsp;</p><br/>",
        '<div><img src="https://img.example/x.jpg"/></div>',
    ],
    ids=["tracking pixel", "empty paragraphs", "image only"],
)
def test_a_markup_only_summary_gives_a_headline_only_article(summary: str) -> None:
    link = "https://edition.news.example/2026/11/19/world/fires/index.html"
    text = media_rss(
        item(
            "Wildfires spread north", link, body=f"<description><![CDATA[{summary}]]></description>"
        )
    )
    (entry,) = entries(text)
    assert entry.article.text == "" and entry.teaser
    assert entry.article.title == "Wildfires spread north"


def test_headline_only_feed_entries_are_built_into_a_digest(tmp_path: Path) -> None:
    pixel = (
        '<description><![CDATA[<img src="https://p.example/1" width="1" height="1"/>]]>'
        "</description>"
    )
    real = f"<description>{DESCRIPTION}</description>"
    items = item(
        "Wildfires spread north", "https://www.springfieldgazette.example/fires", body=pixel
    ) + item("Harbour bridge to be rebuilt", "https://www.springfieldgazette.example/b", body=real)
    (tmp_path / "feed.rss").write_text(media_rss(items), encoding="utf-8")
    articles, problems = read_articles([tmp_path / "feed.rss"])
    assert problems == []
    assert [(a.title, len(a.blocks)) for a in articles] == [
        ("Wildfires spread north", 0),
        ("Harbour bridge to be rebuilt", 1),
    ]


def test_fetch_full_reads_the_page_of_a_headline_only_entry(tmp_path: Path) -> None:
    from .webserver import PARAGRAPHS, Site, article_html, serve

    site = Site()
    with serve(site):
        site.static("/fires", article_html("Wildfires spread north"), "text/html")
        pixel = '<description><![CDATA[<img src="https://p.example/1"/>]]></description>'
        site.static("/feed.xml", media_rss(item("Wildfires", site.url("/fires"), body=pixel)))
        fetcher = Fetcher(limits=FetchLimits(connect_timeout=0.5, total_timeout=1.0))
        result = ingest([site.url("/feed.xml")], IngestOptions(fetcher=fetcher, fetch_full=True))
    (article,) = result.articles
    assert PARAGRAPHS[0] in article.text and article.title == "Wildfires"


@pytest.mark.parametrize(
    ("title", "rights", "expected"),
    [
        (
            "SG > City News",
            "Copyright 2026 The Springfield Gazette Company",
            "The Springfield Gazette",
        ),
        ("Springfieldgazette.example - RSS Channel - City", "", "Springfieldgazette.example"),
        ("City News | The Springfield Gazette", "", "The Springfield Gazette"),
        ("Springfield Gazette - Home", "", "Springfield Gazette"),
        ("City News - Breaking News, Top Stories", "", "Springfieldgazette.example"),
        ("The Springfield Gazette", "", "The Springfield Gazette"),
    ],
)
def test_the_outlet_is_the_publisher_not_the_feed_title(
    title: str, rights: str, expected: str
) -> None:
    link = "https://www.springfieldgazette.example/2026/11/20/x.html"
    (entry,) = entries(media_rss(item("Bridge", link), title=title, rights=rights))
    assert entry.article.outlet == expected


def test_an_acronym_site_name_drops_its_domain_ending() -> None:
    feed = media_rss(item("Bridge", "https://www.sgn.example/x"), title="SGN.example - RSS Channel")
    feed = feed.replace("www.springfieldgazette.example", "www.sgn.example")
    (entry,) = entries(feed)
    assert entry.article.outlet == "SGN"


@pytest.mark.parametrize(
    ("date", "link", "expected"),
    [
        (
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "https://g.example/2026/11/18/x.html",
            dt.date(2026, 11, 18),
        ),
        ("Thu, 01 Jan 1970 00:00:00 GMT", "https://g.example/news/x.html", None),
        ("Tue, 01 Dec 2026 09:00:00 GMT", "https://g.example/2026/nov/19/x", dt.date(2026, 11, 19)),
        ("Sun, 22 Nov 2026 09:00:00 GMT", "https://g.example/x", dt.date(2026, 11, 22)),
    ],
    ids=["year 1", "epoch, no URL date", "far future", "a day ahead is fine"],
)
def test_implausible_entry_dates_give_way_to_the_next_best(
    date: str, link: str, expected: dt.date | None
) -> None:
    (entry,) = entries(media_rss(item("Bridge", link, date=date)))
    published = entry.article.published
    assert (published.date() if published else None) == expected


def test_a_permalink_guid_drops_the_tracking_query_of_the_link() -> None:
    page = "https://www.springfieldgazette.example/2026/11/20/bridge.html"
    (entry,) = entries(media_rss(item("Bridge", f"{page}?emc=rss&partner=rss", guid=page)))
    assert entry.article.url == page


def test_the_same_article_in_two_feeds_of_one_build_is_read_once(tmp_path: Path) -> None:
    page = "https://www.springfieldgazette.example/2026/11/20/bridge.html"
    body = f"<description>{DESCRIPTION}</description>"
    city = media_rss(item("Bridge to be rebuilt", f"{page}?emc=rss", body=body))
    # the same story in the science section, under a section link of its own
    science = media_rss(
        item(
            "Bridge to be rebuilt",
            "https://www.springfieldgazette.example/science/bridge",
            body=body,
        )
        + item(
            "Comet seen over the bay", "https://www.springfieldgazette.example/comet", body=body
        ),
        title="SG > Science",
        rights="Copyright 2026 The Springfield Gazette Company",
    )
    city = city.replace(
        "<copyright></copyright>", "<copyright>© 2026 The Springfield Gazette Co.</copyright>"
    )
    (tmp_path / "city.rss").write_text(city, encoding="utf-8")
    (tmp_path / "science.rss").write_text(science, encoding="utf-8")
    result = ingest(
        [tmp_path / "city.rss", tmp_path / "science.rss"], IngestOptions(fetcher=OFFLINE)
    )
    assert [a.title for a in result.articles] == ["Bridge to be rebuilt", "Comet seen over the bay"]
    (duplicate,) = result.problems
    assert duplicate.reason == "duplicate" and "city.rss" in duplicate.message


def test_a_recurring_column_title_on_other_days_is_not_a_duplicate(tmp_path: Path) -> None:
    body = f"<description>{DESCRIPTION}</description>"
    items = item(
        "Corrections and clarifications",
        "https://g.example/c/1",
        date="Thu, 19 Nov 2026 08:00:00 GMT",
        body=body,
    ) + item(
        "Corrections and clarifications",
        "https://g.example/c/2",
        date="Fri, 20 Nov 2026 08:00:00 GMT",
        body=body,
    )
    (tmp_path / "feed.rss").write_text(media_rss(items, title="The Gazette"), encoding="utf-8")
    result = ingest([tmp_path / "feed.rss"], IngestOptions(fetcher=OFFLINE))
    assert len(result.articles) == 2 and result.problems == ()


def test_an_undated_entry_that_leads_off_the_site_is_an_advertisement(tmp_path: Path) -> None:
    body = f"<description>{DESCRIPTION}</description>"
    items = item("Bridge", "https://www.springfieldgazette.example/b", body=body) + item(
        "Refinance today and save", "https://ads.lender.example/?campaign=refi", date=None
    )
    (tmp_path / "feed.rss").write_text(media_rss(items), encoding="utf-8")
    result = ingest([tmp_path / "feed.rss"], IngestOptions(fetcher=OFFLINE))
    assert [a.title for a in result.articles] == ["Bridge"]
    (ad,) = result.problems
    assert ad.reason == "sponsored" and "Refinance today" in ad.message


def test_an_undated_entry_on_the_site_itself_is_kept() -> None:
    items = item("Bridge", "https://www.springfieldgazette.example/b") + item(
        "Letters to the editor", "https://www.springfieldgazette.example/letters", date=None
    )
    assert [e.sponsored for e in entries(media_rss(items))] == [False, False]


def test_a_feed_entry_author_is_a_name() -> None:
    items = (
        "<item><title>Bridge</title><link>https://www.springfieldgazette.example/b</link>"
        "<author>desk@springfieldgazette.example (Jo Reporter)</author></item>"
    )
    (entry,) = entries(media_rss(items))
    assert entry.article.author == "Jo Reporter"


def test_a_headline_only_entry_makes_a_story_the_summarizer_can_tell(tmp_path: Path) -> None:
    from digest.build import make_digest

    pixel = '<description><![CDATA[<img src="https://p.example/1"/>]]></description>'
    link = "https://www.springfieldgazette.example/2026/11/20/fires.html"
    (tmp_path / "feed.rss").write_text(
        media_rss(item("Wildfires spread north", link, body=pixel)), encoding="utf-8"
    )
    articles, _ = read_articles([tmp_path / "feed.rss"])
    (story,) = make_digest(articles, date=TODAY).digest.stories
    assert story.headline == "Wildfires spread north"
    (source,) = story.sources
    assert (source.url, source.outlet) == (link, "SG")


def test_links_that_cannot_parse_are_no_urls(tmp_path: Path) -> None:
    body = f"<description>{DESCRIPTION}</description>"
    items = item("Bridge", "http://www.springfieldgazette.example:99999/b", body=body) + item(
        "Ferry", "http://[::1/ferry", body=body
    )
    (tmp_path / "feed.rss").write_text(media_rss(items), encoding="utf-8")
    articles, _ = read_articles([tmp_path / "feed.rss"])
    assert [(a.title, a.url) for a in articles] == [("Bridge", None), ("Ferry", None)]


@pytest.mark.parametrize("reference", ["&#xD800;", "&#55296;", "&#xDFFF;", "&#x110000;"])
def test_a_reference_to_no_character_never_loses_the_feed(reference: str) -> None:
    """feedparser and lxml fail on a character reference to a surrogate or past
    U+10FFFF; the entry is read with U+FFFD in its place (the cleaner then drops it)."""
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://news.example/</link><item>"
        f"<title>Harbour{reference} vote</title><link>https://news.example/a</link>"
        f"<description>The board voted{reference} on Monday.</description></item></channel></rss>"
    )
    (entry,) = parse_feed(feed.encode(), source="f.rss").entries
    assert entry.article.title == "Harbour\ufffd vote"
    assert "voted\ufffd on Monday" in entry.article.text
