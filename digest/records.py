"""Records: a published issue and its stories as the archive holds them, and
the files a build read.

Plain frozen dataclasses; the archive (:mod:`digest.archive`) stores them, the
decider (:mod:`digest.decide`) judges by them, the feeds and web pages render
them. All datetimes are tz-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from digest.keys import article_keys, get_hash, issue_id, issue_time, story_id, story_key
from digest.model import Article, Digest


@dataclass(frozen=True)
class StoryRecord:
    """A published story's identity. All datetimes are tz-aware UTC."""

    #: The story's feed entry id; fixed when the story was first published.
    id: str
    #: :func:`story_key` of the story.
    key: str
    #: When the story was first published.
    published: dt.datetime

    @property
    def anchor(self) -> str:
        """The story's fragment id on its issue page."""
        return "s-" + self.key[:12]


@dataclass(frozen=True)
class IssueRecord:
    """One issue as the archive holds it. All datetimes are tz-aware UTC."""

    #: The issue's feed entry id; fixed when the issue was first published.
    id: str
    digest: Digest
    #: When the issue was first published.
    published: dt.datetime
    #: One record per story of :attr:`digest`, in the same order.
    stories: tuple[StoryRecord, ...]
    #: The keys of every article the issue was made from (:func:`article_keys`).
    article_keys: tuple[str, ...] = ()
    #: The keys of articles its editor left out of a draft (:mod:`digest.draft`):
    #: not used, and not old news for the next issue, so they can come back.
    held_keys: tuple[str, ...] = ()

    @property
    def date(self) -> dt.date:
        return self.digest.date


def make_record(
    digest: Digest,
    host: str,
    articles: Sequence[Article] = (),
    previous: IssueRecord | None = None,
    *,
    kept: int = 0,
) -> IssueRecord:
    """The record of ``digest`` on the site at ``host`` (its ids are tag URIs
    of that host). When it replaces ``previous`` (the same date),
    the issue keeps its id and time, and every story already published keeps
    its id and time; the first ``kept`` stories are ``previous``'s own, as
    they were."""
    published = previous.published if previous else issue_time(digest.date)
    known = {s.key: s for s in previous.stories} if previous else {}
    stories = list(previous.stories[:kept]) if previous else []
    taken: set[str] = {s.key for s in stories}
    for story in digest.stories[len(stories) :]:
        key = story_key(story, articles)
        while key in taken:  # two stories from the same articles: keep both ids distinct
            key = get_hash({"after": key})
        taken.add(key)
        stories.append(
            known.get(key) or StoryRecord(story_id(digest.date, key, host), key, published)
        )
    # a rebuilt issue keeps the keys it had, even of articles not given again:
    # an article once published is never used by another issue
    keys: dict[str, None] = dict.fromkeys(previous.article_keys) if previous else {}
    for article in articles:
        keys.update(dict.fromkeys(article_keys(article)))
    return IssueRecord(
        id=previous.id if previous else issue_id(digest.date, host),
        digest=digest,
        published=published,
        stories=tuple(stories),
        article_keys=tuple(keys),
    )


#: An article as the record of files keeps it: its keys (:func:`article_keys`),
#: and when it was published (ISO 8601) if known.
RecordedArticle = tuple[tuple[str, ...], str | None]


@dataclass(frozen=True)
class KnownFile:
    """A file or body that need not be read again (:meth:`FileIndex.known`)."""

    #: Its articles, as recorded.
    articles: tuple[RecordedArticle, ...]
    #: How many of them are in earlier issues ...
    used: int
    #: ... and how many no issue used but are older than the last issue.
    stale: int


@dataclass(frozen=True)
class FileRecord:
    """A file or fetched body a build read, and each article it gave: its keys
    (:func:`article_keys`) and its published time (ISO 8601) if known."""

    source: str
    size: int
    mtime_ns: int
    digest: str
    articles: tuple[RecordedArticle, ...]
