"""RSS and Atom feeds: each entry an article.

feedparser does the parsing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, broken XML
recovered where it can be). It is always handed *bytes*, never a string that
could be taken for a URL, so it never touches the network itself.

**The body** is the entry's own text: its content, else its summary or
description. feedparser files a Media RSS ``media:description`` (a photo's
caption) under the same keys, so that on a feed like the New York Times' the
caption takes the place of the real description; the feed is therefore also
read with lxml (no DTD, no entities, no network) to collect every
``media:*`` text, and a value that is one of them is never a body. A value
that is only markup (a tracking pixel, empty paragraphs) is no body either.
An entry left with a title and a link is a *headline-only* article.

**The outlet** is the feed's publisher, not its title: "NYT > World News"
is The New York Times, "CNN.com - RSS Channel - World" is CNN
(:func:`digest.ingest.meta.feed_outlet`).

**Dates** before 1990 or after the build's day are ignored; the entry's
next date (updated, created), then the date in its link's path, is taken.

An entry that carries only a teaser (no full content, a short summary, or
nothing but its headline) is marked :attr:`FeedEntry.teaser`; with
``--fetch-full`` the ingest step fetches the linked page for it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from digest.errors import IngestError
from digest.ingest.html import html_to_text
from digest.ingest.meta import (
    author_name,
    feed_outlet,
    first_plausible,
    http_url,
    registrable_domain,
    url_date,
)
from digest.ingest.values import parse_datetime
from digest.model import ArticleData
from digest.text import fold_space, text_or_none

#: The Media RSS namespace: captions, credits, titles of an entry's pictures.
MEDIA_NS = "http://search.yahoo.com/mrss/"
#: Local names of the elements that hold an entry's own text, in any namespace but Media RSS.
_BODY_TAGS = frozenset({"description", "summary", "content", "encoded"})
#: A summary shorter than this (in words) is a teaser, not the article.
TEASER_WORDS = 120
_ELLIPSIS_END = re.compile(
    r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|read more\.?|continue reading\.?)\s*$", re.I
)
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
#: A numeric character reference (``&#xD800;``, ``&#55296;``).
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as an article."""

    article: ArticleData
    #: True when the entry holds only a summary of the linked article.
    teaser: bool
    #: True for an advertisement placed among the entries: undated, in a feed
    #: whose entries are dated, and leading off the publisher's site.
    sponsored: bool = False


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title and its entries, in feed order."""

    title: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a body is an RSS or Atom document (by media type or its first element)."""
    if content_type in (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    ):
        return True
    return bool(_FEED_START.search(body[:2048]))


def parse_feed(
    body: bytes,
    *,
    source: str,
    base_url: str | None = None,
    charset: str | None = None,
    today: dt.date | None = None,
) -> ParsedFeed:
    """Parse a feed document; :class:`IngestError` when it is not one or has no entries.

    ``today`` is the build's date: entry dates after it (by more than a day)
    are not believed.
    """
    headers: dict[str, str] = {}
    if base_url:
        headers["content-location"] = base_url
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    body = _no_surrogate_refs(body)
    try:
        parsed: Any = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    except (ValueError, LookupError, RecursionError) as exc:  # UnicodeError is a ValueError
        raise IngestError(
            f"not a feed that can be read ({type(exc).__name__})",
            path=source,
            fix="check that the URL or file is an RSS or Atom feed",
        ) from None
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo"):
            raise IngestError(
                f"not a valid feed ({_bozo_message(parsed.get('bozo_exception'))})",
                path=source,
                fix="check that the URL or file is an RSS or Atom feed",
            )
        raise IngestError("feed has no entries", path=source)
    feed = parsed.get("feed") or {}
    title = text_or_none(feed.get("title"))
    first_link = next(
        (text_or_none(e.get("link")) for e in entries if text_or_none(e.get("link"))), None
    )
    outlet = feed_outlet(
        title,
        text_or_none(feed.get("link")) or base_url or first_link,
        text_or_none(feed.get("rights")),
    )
    captions = media_texts(body)
    out = [
        _entry(entry, i, source=source, outlet=outlet, captions=captions, today=today)
        for i, entry in enumerate(entries)
    ]
    home = registrable_domain(text_or_none(feed.get("link")) or base_url)
    dated = sum(1 for e in out if e.article.published is not None)
    if home and dated >= len(out) / 2:
        out = [
            replace(e, sponsored=True) if _placed_ad(e.article, entry, home) else e
            for e, entry in zip(out, entries, strict=True)
        ]
    return ParsedFeed(title=title, entries=tuple(out))


def _no_surrogate_refs(body: bytes) -> bytes:
    """``body`` with each character reference to no character (a surrogate such as
    ``&#xD800;``, or past U+10FFFF) made U+FFFD: feedparser fails on them."""
    if b"&#" not in body:
        return body

    def fix(match: re.Match[bytes]) -> bytes:
        code = int(match[1], 16) if match[1] else int(match[2])
        return b"&#xFFFD;" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else match[0]

    return _CHAR_REF.sub(fix, body)


def _placed_ad(article: ArticleData, entry: Any, home: str) -> bool:
    """An undated entry whose destination is another site: an ad slot, not an article."""
    if article.published is not None or next(entry_dates(entry), None) is not None:
        return False
    destinations = [article.url, text_or_none(entry.get("id")), text_or_none(entry.get("link"))]
    domains = {registrable_domain(d) for d in destinations}
    return any(d and d != home for d in domains)


def media_texts(body: bytes) -> frozenset[str]:
    """Every caption, credit and title a feed gives its media, as plain text.

    Read with lxml and no entity resolution, DTD or network: a hostile feed
    can make it read nothing. Texts that are also some entry's own
    description (a feed that repeats the summary in ``media:description``)
    are left out: those are the entry's words, not a caption.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return frozenset()
    if root is None:
        return frozenset()
    try:
        return _media_texts(root)
    except ValueError:  # text lxml's recovery let through but cannot decode
        return frozenset()


def _media_texts(root: Any) -> frozenset[str]:
    media: set[str] = set()
    own: set[str] = set()
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions, unresolved entities
        namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if namespace == MEDIA_NS:
            text = _plain("".join(element.itertext()))
            if text:
                media.add(text)
        elif local.lower() in _BODY_TAGS:
            text = _plain("".join(element.itertext()))
            if text:
                own.add(text)
    return frozenset(media - own)


def _plain(value: str) -> str:
    return fold_space(html_to_text(value))


def _entry(
    entry: Any,
    index: int,
    *,
    source: str,
    outlet: str | None,
    captions: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> FeedEntry:
    link = http_url(text_or_none(entry.get("link")))
    entry_id = text_or_none(entry.get("id"))
    original = http_url(text_or_none(dict.get(entry, "feedburner_origlink")))
    if original:
        url: str | None = original  # the page a feed-proxy link redirects to
    elif _same_page(entry_id, link):
        url = entry_id  # a permalink id is the link without its tracking query
    else:
        url = link
    bodies = [
        (text, True)
        for text in (html_to_text(str(c.get("value") or "")) for c in entry.get("content") or [])
    ] + [(html_to_text(_raw(entry.get("summary"))), False)]
    bodies = [
        (text, full) for text, full in bodies if _has_words(text) and not _caption(text, captions)
    ]
    contents = [text for text, full in bodies if full]
    body = max(contents, key=len) if contents else (bodies[0][0] if bodies else "")
    teaser = not body or len(body.split()) < TEASER_WORDS or bool(_ELLIPSIS_END.search(body))
    title = text_or_none(html_to_text(entry.get("title") or "")) if entry.get("title") else None
    path = url or f"{source}#{entry_id or f'entry-{index + 1}'}"
    return FeedEntry(
        article=ArticleData(
            path=path,
            text=body,
            title=title,
            url=url,
            outlet=outlet,
            published=first_plausible(chain(entry_dates(entry), [url_date(url)]), today),
            author=author_name(entry.get("author")),
        ),
        teaser=teaser,
    )


def _raw(value: object) -> str:
    return value if isinstance(value, str) else ""


def _has_words(text: str) -> bool:
    """Whether converted markup left any word (a pixel or empty paragraphs leave none)."""
    return any(ch.isalnum() for ch in text)


def _caption(text: str, captions: frozenset[str]) -> bool:
    return fold_space(text) in captions


def _same_page(entry_id: str | None, link: str | None) -> bool:
    """Whether an entry's id is an http(s) URL for the same page as its link."""
    if not http_url(entry_id) or not link:
        return False
    assert entry_id is not None
    a, b = urlsplit(entry_id), urlsplit(link)
    return (a.hostname, a.path.rstrip("/")) == (b.hostname, b.path.rstrip("/")) and not a.query


def entry_published(entry: Any, today: dt.date | None = None) -> dt.datetime | None:
    """The entry's first plausible date: published, else updated, else created, else its
    link's path date (see :func:`digest.ingest.meta.plausible`)."""
    link = text_or_none(entry.get("link"))
    return first_plausible(chain(entry_dates(entry), [url_date(link)]), today)


def entry_dates(entry: Any) -> Iterator[dt.datetime]:
    """The entry's published, updated and created times, tz-aware, in that order.

    The raw string is parsed first so the source's own zone is kept; the
    feedparser-normalised UTC time is the fallback for odd formats.
    """
    for key in ("published", "updated", "created"):
        # plain dict access: feedparser's own .get("updated") falls back to
        # "published" with a DeprecationWarning
        raw = dict.get(entry, key)
        parsed = parse_datetime(raw) if isinstance(raw, str) and raw.strip() else None
        if parsed is not None:
            yield parsed
            continue
        struct = dict.get(entry, f"{key}_parsed")
        if struct:
            try:
                yield dt.datetime.fromtimestamp(calendar.timegm(struct), dt.UTC)
            except (OverflowError, ValueError, OSError):
                continue


def _bozo_message(exc: object) -> str:
    if exc is None:
        return "unreadable"
    line = getattr(exc, "getLineNumber", None)
    message = getattr(exc, "getMessage", None)
    if callable(line) and callable(message):
        return f"XML error at line {line()}: {message()}"
    return fold_space(str(exc))[:120] or type(exc).__name__
