"""The digest's data model: plain frozen dataclasses, shared by every stage.

Two layers, as in lemon24/reader's ``_types.py`` / ``types.py``:

* :class:`ArticleData` is an article *as ingested*: raw text plus whatever
  metadata its source carried. Readers in :mod:`digest.ingest` produce it.
* :class:`Article` is an article *as modelled*: cleaned, split into titled
  blocks, with junk removed. Only :mod:`digest.clean` makes it.

The summarizer turns articles into :class:`Story` objects; a :class:`Digest`
is one issue of the newsletter.

All datetimes are timezone-aware (UTC where the source gave no zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass(frozen=True)
class ArticleData:
    """An article as a reader found it, before cleaning."""

    #: Where the article came from: a file path (as given) or a URL.
    path: str
    #: The raw body text, paragraphs separated by blank lines or newlines.
    text: str
    #: Title from metadata (front matter, feed entry), if any.
    title: str | None = None
    #: Canonical URL of the article, if known.
    url: str | None = None
    #: Name of the publication, if known.
    outlet: str | None = None
    #: When the article was published (tz-aware), if known.
    published: dt.datetime | None = None
    #: Who wrote it (page byline, feed entry author), if known.
    author: str | None = None


@dataclass(frozen=True)
class Block:
    """One block of an article's body."""

    #: ``"heading"`` for a short title-like line, ``"paragraph"`` for prose,
    #: ``"item"`` for a list item or table row (kept, but never quoted as prose).
    kind: BlockKind
    #: The block's text, whitespace-normalised.
    text: str


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready for the summarizer."""

    path: str
    #: The headline (from metadata, else the first headline-like line).
    title: str | None
    #: Body blocks in reading order, junk removed; empty for a headline-only
    #: article (a feed entry that carried only a title and a link).
    blocks: tuple[Block, ...]
    url: str | None = None
    outlet: str | None = None
    published: dt.datetime | None = None
    #: Who wrote it, as the source names them, if known.
    author: str | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The prose paragraphs only (headings left out)."""
        return tuple(b.text for b in self.blocks if b.kind == "paragraph")


@dataclass(frozen=True)
class Source:
    """One article cited by a story."""

    title: str | None
    url: str | None
    outlet: str | None
    published: dt.datetime | None
    path: str | None
    #: Who wrote the article, if the source names them.
    author: str | None = None

    @classmethod
    def from_article(cls, article: Article) -> Source:
        return cls(
            title=article.title,
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            path=article.path,
            author=article.author,
        )


@dataclass(frozen=True)
class Sentence:
    """One sentence of a story, with the sources that support it."""

    text: str
    #: Indexes into the story's :attr:`Story.sources`, ascending.
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Difference:
    """One thing the sources of a story disagree on, as one short line."""

    #: The line, naming each side by its place in :attr:`Story.sources` counted
    #: from 1: "Sources differ: [1] says the interview was with Variety, [2]
    #: with Empire." Renderers turn these markers into citation numbers.
    text: str
    #: Indexes into the story's :attr:`Story.sources` of the sources it cites, ascending.
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Story:
    """Coverage of one event: a headline, chosen sentences, their sources."""

    headline: str
    sentences: tuple[Sentence, ...]
    sources: tuple[Source, ...]
    #: Where the sources disagree (empty when they do not, or nobody can tell).
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class Digest:
    """One issue of the newsletter."""

    title: str
    #: The issue date.
    date: dt.date
    stories: tuple[Story, ...]
    #: A one-line introduction to the issue.
    intro: str = ""
    #: How many articles were read (after skipping unreadable ones).
    article_count: int = 0
    #: Topic the digest was focused on, if any.
    topic: str | None = None
    #: Articles left out because they were off the topic.
    off_topic: int = field(default=0)


# -- JSON -------------------------------------------------------------------

SCHEMA_VERSION = 1


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def source_to_dict(source: Source) -> dict[str, Any]:
    return {
        "title": source.title,
        "url": source.url,
        "outlet": source.outlet,
        "published": _iso(source.published),
        "path": source.path,
        "author": source.author,
    }


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "headline": story.headline,
        "sentences": [{"text": s.text, "sources": list(s.sources)} for s in story.sentences],
        "sources": [source_to_dict(s) for s in story.sources],
        "differences": [{"text": d.text, "sources": list(d.sources)} for d in story.differences],
    }


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """The ``digest.json`` shape documented in the README."""
    return {
        "version": SCHEMA_VERSION,
        "title": digest.title,
        "date": digest.date.isoformat(),
        "intro": digest.intro,
        "topic": digest.topic,
        "article_count": digest.article_count,
        "stories": [story_to_dict(s) for s in digest.stories],
    }


def _parse_datetime(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def digest_from_dict(data: dict[str, Any]) -> Digest:
    """Inverse of :func:`digest_to_dict`."""
    stories = tuple(
        Story(
            headline=s["headline"],
            sentences=tuple(
                Sentence(text=x["text"], sources=tuple(x["sources"])) for x in s["sentences"]
            ),
            sources=tuple(
                Source(
                    title=src["title"],
                    url=src["url"],
                    outlet=src["outlet"],
                    published=_parse_datetime(src["published"]),
                    path=src["path"],
                    author=src.get("author"),
                )
                for src in s["sources"]
            ),
            # Digests written before differences were found have none.
            differences=tuple(
                Difference(text=d["text"], sources=tuple(d["sources"]))
                for d in s.get("differences", ())
            ),
        )
        for s in data["stories"]
    )
    return Digest(
        title=data["title"],
        date=dt.date.fromisoformat(data["date"]),
        stories=stories,
        intro=data.get("intro", ""),
        article_count=data.get("article_count", 0),
        topic=data.get("topic"),
    )
