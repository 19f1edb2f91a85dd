"""Feeds from the archive: Atom 1.0, RSS 2.0 and JSON Feed 1.1, for issues and for stories.

Two kinds of feed, three formats each:

* the **issues** feed (``atom.xml``, ``rss.xml``, ``feed.json``): one entry per
  issue, the whole issue as HTML;
* the **stories** feed (``stories.atom.xml``, ``stories.rss.xml``,
  ``stories.json``): one entry per story, for readers who want items.

Every id and date comes from an :class:`~digest.records.IssueRecord`: ids are
tag URIs fixed when the issue or story was first published, dates are its
first-published time. Nothing here reads the clock, so rendering the same
records always gives the same bytes, and a rebuild never makes a reader show
an entry twice.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feedgen.feed import FeedGenerator

from digest.config import Site
from digest.model import Digest, Story
from digest.names import FEED_FILES, FeedKind
from digest.records import IssueRecord
from digest.render import render_template, renderable
from digest.render.context import EntryContext, StoryContext
from digest.render.stories import lay_out_for_reader
from digest.text import fold_space

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

#: A feed with no entries still needs a date; this one never changes.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

#: Longest plain-text summary (RSS ``description``, Atom ``summary``), in characters.
SUMMARY_CHARS = 300


def entry_html(digest: Digest, override: Path | None = None) -> str:
    """The full issue as feed-safe HTML (its own template, not the email's tables)."""
    context = EntryContext(
        intro=digest.intro,
        stories=lay_out_for_reader(digest.stories, digest.title),
    )
    return render_template("entry.html.j2", override, context)


def story_html(story: Story, digest: Digest, settings: Site, override: Path | None = None) -> str:
    """One story as feed-safe HTML, with a link to its issue."""
    context = StoryContext(
        story=lay_out_for_reader([story], links_after=1)[0],
        digest=digest,
        settings=settings,
        issue_url=settings.issue_url(digest.date.isoformat()),
    )
    return render_template("story.html.j2", override, context)


#: Characters XML 1.0 cannot carry at all (lxml refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` without the characters no XML document may hold."""
    return _NOT_XML.sub("", text)


def rss_html(text: str) -> str:
    """Plain ``text`` as the HTML an RSS 2.0 ``<title>`` or ``<description>`` is read as.

    RSS descriptions are HTML and readers (feedparser among them) treat
    titles as HTML too, so article text is escaped for HTML here and then for
    XML by feedgen: ``<script>`` reaches the reader as the text it is.
    """
    return html.escape(xml_text(text), quote=False)


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = fold_space(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    # drop the last word only when the cut falls inside it
    cut = (head if text[limit - 1] == " " else head.rsplit(" ", 1)[0]).rstrip(",;:.-–—")
    return cut + "…"


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, whatever its format."""

    id: str
    title: str
    url: str
    published: dt.datetime
    #: Short plain text.
    summary: str
    #: The full entry as feed-safe HTML.
    html: str


def issue_items(
    issues: Sequence[IssueRecord], settings: Site, override: Path | None = None
) -> list[FeedItem]:
    """One item per issue, newest first."""
    return [
        FeedItem(
            id=record.id,
            title=record.digest.title.strip() or f"Issue of {record.date.isoformat()}",
            url=settings.issue_url(record.date.isoformat()),
            published=record.published,
            summary=shorten(record.digest.intro or record.digest.title),
            html=entry_html(record.digest, override),
        )
        for record in _newest_first(issues)
    ]


def story_items(
    issues: Sequence[IssueRecord], settings: Site, override: Path | None = None
) -> list[FeedItem]:
    """One item per story: newest issue first, each issue's stories in order."""
    items = []
    for record in _newest_first(issues):
        page = settings.issue_url(record.date.isoformat())
        stories = zip(record.digest.stories, record.stories, strict=True)
        for number, (story, meta) in enumerate(stories, start=1):
            first = " ".join(s.text for s in story.sentences[:2])
            # a feed entry needs a title: never fail on a story without a headline
            fallback = shorten(first, 80) or f"Story {number} of {record.date.isoformat()}"
            items.append(
                FeedItem(
                    id=meta.id,
                    title=story.headline.strip() or fallback,
                    url=f"{page}#{meta.anchor}",
                    published=meta.published,
                    summary=shorten(first or story.headline),
                    html=story_html(story, record.digest, settings, override),
                )
            )
    return items


def _newest_first(issues: Sequence[IssueRecord]) -> list[IssueRecord]:
    return sorted(issues, key=lambda r: (r.published, r.date), reverse=True)


def _title(kind: FeedKind, settings: Site) -> str:
    return settings.name if kind == "issues" else f"{settings.name}: stories"


def _subtitle(kind: FeedKind, settings: Site) -> str:
    if kind == "issues":
        return f"{settings.name}: the news, digested."
    return f"{settings.name}: every story of every issue, one entry each."


def _feedgen(items: Sequence[FeedItem], settings: Site, kind: FeedKind, fmt: str) -> FeedGenerator:
    self_url = settings.base_url + FEED_FILES[kind][fmt]
    # RSS titles and descriptions are read as HTML; Atom's are typed text
    text = rss_html if fmt == "rss" else xml_text
    fg = FeedGenerator()
    fg.id(settings.base_url if kind == "issues" else self_url)
    fg.title(text(_title(kind, settings)))
    fg.subtitle(text(_subtitle(kind, settings)))
    # feedgen's RSS <link> is the last link added: self first, then the site
    fg.link(href=self_url, rel="self")
    fg.link(href=settings.base_url, rel="alternate")
    fg.language(settings.language)
    fg.author({"name": xml_text(settings.author)})
    fg.generator("digest")
    if fmt == "rss":  # RSS's own <author> must be an email address: name the author in dc:creator
        fg.load_extension("dc", atom=False, rss=True)
    newest = max((item.published for item in items), default=_EPOCH)
    fg.updated(newest)  # atom:updated and RSS's lastBuildDate both
    for item in items:
        entry = fg.add_entry(order="append")
        # the Atom id and the RSS guid both; the guid is a tag URI, not a URL,
        # so isPermaLink="false"
        entry.guid(item.id, permalink=False)
        entry.title(text(item.title))
        entry.link(href=item.url, rel="alternate")
        if fmt == "rss":
            entry.dc.dc_creator(xml_text(settings.author))
        else:
            entry.author({"name": xml_text(settings.author)})
        entry.published(item.published)
        entry.updated(item.published)
        entry.description(text(item.summary), isSummary=True)  # Atom: <summary>
        entry.content(xml_text(item.html), type="html")
    return fg


def render_atom(items: Sequence[FeedItem], settings: Site, kind: FeedKind = "issues") -> bytes:
    """An Atom 1.0 feed of ``items`` (in the order given)."""
    return bytes(_feedgen(items, settings, kind, "atom").atom_str(pretty=True))


def render_rss(items: Sequence[FeedItem], settings: Site, kind: FeedKind = "issues") -> bytes:
    """An RSS 2.0 feed of ``items``: ``content:encoded`` carries the HTML,
    ``description`` a short text, ``atom:link rel="self"`` the feed's URL."""
    return bytes(_feedgen(items, settings, kind, "rss").rss_str(pretty=True))


def _rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_json(items: Sequence[FeedItem], settings: Site, kind: FeedKind = "issues") -> bytes:
    """A JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of ``items``."""
    author = {"name": settings.author}
    feed = {
        "version": JSON_FEED_VERSION,
        "title": _title(kind, settings),
        "home_page_url": settings.base_url,
        "feed_url": settings.base_url + FEED_FILES[kind]["json"],
        "description": _subtitle(kind, settings),
        "language": settings.language,
        "authors": [author],
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": renderable(item.title),
                "content_html": item.html,
                "summary": renderable(item.summary),
                "date_published": _rfc3339(item.published),
                "date_modified": _rfc3339(item.published),
                "authors": [author],
                "language": settings.language,
            }
            for item in items
        ],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_feeds(
    issues: Sequence[IssueRecord], settings: Site, override: Path | None = None
) -> dict[str, bytes]:
    """Every feed of ``issues`` (already cut to the last N), keyed by file name."""
    out: dict[str, bytes] = {}
    kinds: list[tuple[FeedKind, list[FeedItem]]] = [
        ("issues", issue_items(issues, settings, override)),
        ("stories", story_items(issues, settings, override)),
    ]
    for kind, items in kinds:
        names = FEED_FILES[kind]
        out[names["atom"]] = render_atom(items, settings, kind)
        out[names["rss"]] = render_rss(items, settings, kind)
        out[names["json"]] = render_json(items, settings, kind)
    return out
