"""RSS and Atom feeds: each entry an article.

feedparser does the parsing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, broken XML
recovered where it can be). It is always handed *bytes*, never a string that
could be taken for a URL, so it never touches the network itself.

An entry that carries only a teaser (no full content, a short summary) is
marked :attr:`FeedEntry.teaser`; with ``--fetch-full`` the ingest step fetches
the linked page for it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import feedparser

from digest.errors import IngestError
from digest.ingest.files import parse_datetime
from digest.ingest.html import html_to_text
from digest.model import ArticleData

#: A summary shorter than this (in words) is a teaser, not the article.
TEASER_WORDS = 120
_ELLIPSIS_END = re.compile(
    r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|read more\.?|continue reading\.?)\s*$", re.I
)
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as an article."""

    article: ArticleData
    #: True when the entry holds only a summary of the linked article.
    teaser: bool


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
    body: bytes, *, source: str, base_url: str | None = None, charset: str | None = None
) -> ParsedFeed:
    """Parse a feed document; :class:`IngestError` when it is not one or has no entries."""
    headers: dict[str, str] = {}
    if base_url:
        headers["content-location"] = base_url
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    parsed: Any = feedparser.parse(body, response_headers=headers, sanitize_html=True)
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
    outlet = _text(feed.get("title"))
    out = [_entry(entry, i, source=source, outlet=outlet) for i, entry in enumerate(entries)]
    return ParsedFeed(title=outlet, entries=tuple(out))


def _entry(entry: Any, index: int, *, source: str, outlet: str | None) -> FeedEntry:
    link = _text(entry.get("link"))
    if link and not link.startswith(("http://", "https://")):
        link = None
    contents = [c for c in entry.get("content") or [] if _text(c.get("value"))]
    summary = _text(entry.get("summary")) or ""
    if contents:
        body = html_to_text(_longest(contents))
        teaser = False
    else:
        body = html_to_text(summary)
        teaser = len(body.split()) < TEASER_WORDS or bool(_ELLIPSIS_END.search(body))
    title = _text(html_to_text(entry.get("title") or "")) if entry.get("title") else None
    entry_id = _text(entry.get("id"))
    path = link or f"{source}#{entry_id or f'entry-{index + 1}'}"
    return FeedEntry(
        article=ArticleData(
            path=path,
            text=body,
            title=title,
            url=link,
            outlet=outlet,
            published=entry_published(entry),
            author=_text(entry.get("author")),
        ),
        teaser=teaser,
    )


def entry_published(entry: Any) -> dt.datetime | None:
    """The entry's published (else updated, else created) time, tz-aware.

    The raw string is parsed first so the source's own zone is kept; the
    feedparser-normalised UTC time is the fallback for odd formats.
    """
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            parsed = parse_datetime(raw)
            if parsed is not None:
                return parsed
        struct = entry.get(f"{key}_parsed")
        if struct:
            return dt.datetime.fromtimestamp(calendar.timegm(struct), dt.UTC)
    return None


def _longest(contents: list[Any]) -> str:
    return str(max(contents, key=lambda c: len(str(c.get("value") or ""))).get("value"))


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _bozo_message(exc: object) -> str:
    if exc is None:
        return "unreadable"
    line = getattr(exc, "getLineNumber", None)
    message = getattr(exc, "getMessage", None)
    if callable(line) and callable(message):
        return f"XML error at line {line()}: {message()}"
    return " ".join(str(exc).split())[:120] or type(exc).__name__
