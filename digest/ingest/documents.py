"""A file or URL on its way through ingest, and what reading it gave."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.ingest.fetch import Response
from digest.model import ArticleData
from digest.records import KnownFile


@dataclass
class Document:
    """A file or URL still to be read, and what reading it gave."""

    source: str
    path: Path | None = None
    url: str | None = None
    response: Response | None = None
    articles: tuple[ArticleData, ...] = ()
    teasers: tuple[int, ...] = ()
    #: Feed entries left out as advertisements.
    sponsored: tuple[ArticleData, ...] = ()
    children: tuple[Document, ...] = ()
    #: The file's bytes, once read.
    raw: bytes | None = None
    #: What the archive's record of files needs: (source, size, mtime_ns, digest).
    seen: tuple[str, int, int, str] | None = None
    #: What :class:`KnownFiles` said of the file, when it is not read again.
    known: KnownFile | None = None
    #: Whether it was found by its bytes, not its place (so recorded again).
    moved: bool = False


def walk(docs: Iterable[Document]) -> Iterator[Document]:
    for doc in docs:
        yield doc
        yield from walk(doc.children)


def flatten(docs: Iterable[Document]) -> Iterator[tuple[str, ArticleData]]:
    """Every article read, with the source (file, feed, URL) it came from."""
    for doc in walk(docs):
        for article in doc.articles:
            yield doc.source, article
