"""The source registry: what kinds of input ingest reads, and how it tells them apart.

A source kind (:class:`SourceKind`) is a reader (:class:`SourceReader`: a body's
bytes in, articles out) registered with what identifies it, as pelican
registers its readers by ``file_extensions`` and lemon24/reader mounts
parsers by MIME type:

* **suffix**: a file is read by the kind registered for its suffix; a kind may
  name others a file of its suffix can really be (``.xml``: a feed, or an OPML
  list), tried by sniffing when its own sniffer says no;
* **sniffing**: a fetched body is read by the first kind, in registration
  order, whose sniffer recognises its bytes (and ``Content-Type``);
* **media type**: else by the kind registered for its ``Content-Type``
  (``text/*`` matches every text type).

Adding a source kind is a reader in its own module and one
:func:`register_source` call here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from digest.errors import IngestError
from digest.ingest.feeds import looks_like_feed, parse_feed
from digest.ingest.files import read_markdown, read_text
from digest.ingest.html import read_page
from digest.ingest.opml import Subscription, looks_like_opml, parse_opml
from digest.model import ArticleData


@dataclass(frozen=True)
class Body:
    """The bytes of one file or fetched body, and what is known about them."""

    data: bytes
    #: The path or URL as given, for messages.
    source: str
    #: The file read, if it is one.
    path: Path | None = None
    #: The URL the body came from (after redirects), for relative links.
    base_url: str | None = None
    #: The charset the server named, if any.
    charset: str | None = None
    #: The build's date: later publication dates are not believed.
    today: dt.date | None = None


@dataclass(frozen=True)
class SourceRead:
    """What reading one body gave."""

    articles: tuple[ArticleData, ...] = ()
    #: Indexes into :attr:`articles` of feed entries that carry only a teaser.
    teasers: tuple[int, ...] = ()
    #: Feed entries left out as advertisements.
    sponsored: tuple[ArticleData, ...] = ()
    #: The feeds an OPML list names, to be read in turn.
    subscriptions: tuple[Subscription, ...] = ()


class SourceReader(Protocol):
    """Read one body; raise :class:`~digest.errors.IngestError` when it holds no article."""

    def __call__(self, body: Body) -> SourceRead: ...


#: ``sniff(data, content_type)``: whether the bytes are of this kind.
Sniffer = Callable[[bytes, str], bool]


@dataclass(frozen=True)
class SourceKind:
    """One kind of input, with how it is recognised."""

    name: str
    read: SourceReader
    #: File suffixes, lower-case with the dot.
    suffixes: tuple[str, ...] = ()
    #: ``Content-Type`` values (without parameters); ``text/*`` matches any text type.
    media_types: tuple[str, ...] = ()
    sniff: Sniffer | None = None
    #: Names of the kinds a file of these suffixes may really be, tried by
    #: sniffing when :attr:`sniff` says no.
    instead: tuple[str, ...] = ()
    #: A file of this kind holds one article (a copy of one is the same article).
    one_article: bool = False
    #: It lists other sources (read one level deep, never from a nested list).
    lists_sources: bool = False

    def takes(self, content_type: str) -> bool:
        return any(
            content_type == t or (t.endswith("/*") and content_type.startswith(t[:-1]))
            for t in self.media_types
        )


#: Every kind, in registration order (the order sniffing tries them).
SOURCES: dict[str, SourceKind] = {}


def register_source(kind: SourceKind) -> None:
    """Add ``kind``; its suffixes must be new."""
    taken = {s for other in SOURCES.values() for s in other.suffixes}
    if kind.name in SOURCES or taken.intersection(kind.suffixes):
        raise ValueError(f"source kind {kind.name!r} clashes with one already registered")
    SOURCES[kind.name] = kind


def suffixes() -> frozenset[str]:
    """Every file suffix ingest reads."""
    return frozenset(s for kind in SOURCES.values() for s in kind.suffixes)


def kind_of_suffix(suffix: str) -> SourceKind:
    """The kind registered for a file suffix (lower-case, with the dot)."""
    return next(k for k in SOURCES.values() if suffix in k.suffixes)


def kind_of_file(path: Path, data: bytes) -> SourceKind:
    """The kind a file is read as: by its suffix, corrected by sniffing."""
    kind = kind_of_suffix(path.suffix.lower())
    if kind.sniff is not None and not kind.sniff(data, ""):
        for name in kind.instead:
            other = SOURCES[name]
            if other.sniff is not None and other.sniff(data, ""):
                return other
    return kind


def kind_of_body(data: bytes, content_type: str, source: str) -> SourceKind:
    """The kind a fetched body is read as: by sniffing, else by its media type."""
    for kind in SOURCES.values():
        if kind.sniff is not None and kind.sniff(data, content_type):
            return kind
    for kind in SOURCES.values():
        if kind.takes(content_type):
            return kind
    raise IngestError(
        f"is {content_type}, not a web page or feed",
        path=source,
        fix="give the URL of an article, a feed or an OPML list",
    )


# -- the built-in kinds -----------------------------------------------------------


def _text_reader(read: Callable[[Path, str], ArticleData]) -> SourceReader:
    """A reader of UTF-8 text files (``.txt``, ``.md``)."""

    def reader(body: Body) -> SourceRead:
        assert body.path is not None, "text articles are read from files"
        try:
            text = body.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"is not valid UTF-8 (byte {exc.start})",
                path=str(body.path),
                fix="re-save it as UTF-8",
            ) from exc
        if not text.strip():
            raise IngestError(
                "is empty", path=str(body.path), fix="remove it or add the article's text"
            )
        return SourceRead(articles=(read(body.path, text),))

    return reader


def _page(body: Body) -> SourceRead:
    page = read_page(
        body.data, source=body.source, url=body.base_url, charset=body.charset, today=body.today
    )
    return SourceRead(articles=(page,))


def _feed(body: Body) -> SourceRead:
    feed = parse_feed(
        body.data,
        source=body.source,
        base_url=body.base_url,
        charset=body.charset,
        today=body.today,
    )
    entries = [entry for entry in feed.entries if not entry.sponsored]
    return SourceRead(
        articles=tuple(entry.article for entry in entries),
        teasers=tuple(i for i, entry in enumerate(entries) if entry.teaser),
        sponsored=tuple(entry.article for entry in feed.entries if entry.sponsored),
    )


def _opml(body: Body) -> SourceRead:
    return SourceRead(subscriptions=tuple(parse_opml(body.data, source=body.source)))


register_source(SourceKind("text", _text_reader(read_text), (".txt",), one_article=True))
register_source(
    SourceKind("markdown", _text_reader(read_markdown), (".md", ".markdown"), one_article=True)
)
# sniffed first: an OPML list is XML that a feed sniffer might take
register_source(
    SourceKind(
        "opml", _opml, (".opml",), sniff=lambda data, _: looks_like_opml(data), lists_sources=True
    )
)
register_source(
    SourceKind(
        "feed",
        _feed,
        (".rss", ".atom", ".xml"),
        sniff=lambda data, content_type: looks_like_feed(data, content_type),
        instead=("opml",),
    )
)
register_source(
    SourceKind(
        "page",
        _page,
        (".html", ".htm", ".xhtml"),
        media_types=("", "text/html", "application/xhtml+xml", "text/*"),
        one_article=True,
    )
)
