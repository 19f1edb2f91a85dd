"""The orchestrator: ingest -> clean -> summarize -> digest model.

This is the only module that strings the stages together; each stage stays
pure and testable on its own. Rendering and writing files happen afterwards
(:mod:`digest.publish`), so a digest is always built whole before anything is
written (pelican's two phases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.archive import FileRecord, article_keys
from digest.clean import clean
from digest.errors import IngestError, NothingUsableError
from digest.ingest import IngestOptions, Problem, ingest
from digest.model import Article, Digest, Story
from digest.summarize import SummaryOptions, get_summarizer, make_intro, rank_stories


@dataclass(frozen=True)
class BuildResult:
    """A built digest plus what happened on the way."""

    digest: Digest
    #: Inputs that were skipped, one line each.
    problems: tuple[Problem, ...]
    #: The cleaned articles the digest was made from.
    articles: tuple[Article, ...]


def build_digest(
    sources: Sequence[Path | str],
    *,
    date: dt.date,
    title: str | None = None,
    options: SummaryOptions | None = None,
) -> BuildResult:
    """Read ``sources`` and build the digest for ``date``."""
    articles, problems = read_articles(sources)
    return make_digest(articles, problems, date=date, title=title, options=options)


@dataclass(frozen=True)
class Reading:
    """What reading the sources gave."""

    #: The usable articles, cleaned, in input order.
    articles: tuple[Article, ...]
    #: Inputs that were skipped, one line each.
    problems: tuple[Problem, ...]
    #: The files and fetched bodies read, with the keys of their articles, for
    #: the archive's record of files (one whose article did not survive
    #: cleaning, or was a repeat, is left out: it is read again next time).
    files: tuple[FileRecord, ...] = ()
    #: Articles not read again, their files being known: those in earlier issues ...
    known: int = 0
    #: ... and those older than the last issue.
    known_stale: int = 0


def read_sources(sources: Sequence[Path | str], fetching: IngestOptions | None = None) -> Reading:
    """Ingest and clean ``sources`` (paths or URLs).

    URLs are fetched as ``fetching`` says (limits, cache, progress); files it
    says are known (:attr:`IngestOptions.known`) are not read again. Raises
    :class:`NothingUsableError` when no article is usable and none was known.
    """
    ingested = ingest(sources, fetching)
    problems = list(ingested.problems)
    cleaned: list[Article | None] = []
    for data in ingested.articles:
        try:
            cleaned.append(clean(data))
        except IngestError as exc:
            problems.append(Problem(data.path, str(exc)))
            cleaned.append(None)
    articles = tuple(a for a in cleaned if a is not None)
    if not articles and not (ingested.known or ingested.known_stale):
        raise NothingUsableError(
            "no usable article: " + "; ".join(str(p) for p in problems[:3]),
            fix="give .txt, .md or .html files, feeds or URLs that hold an article's text",
        )
    files = []
    for read in ingested.files:
        recorded = read.recorded  # known, at a new place or time: recorded again
        if recorded is None:
            found = [cleaned[i] if i >= 0 else None for i in read.articles]
            if not all(found):
                continue
            recorded = tuple(
                (article_keys(a), a.published.isoformat() if a.published else None)
                for a in found
                if a is not None
            )
        files.append(FileRecord(read.source, read.size, read.mtime_ns, read.digest, recorded))
    return Reading(articles, tuple(problems), tuple(files), ingested.known, ingested.known_stale)


def read_articles(
    sources: Sequence[Path | str], fetching: IngestOptions | None = None
) -> tuple[list[Article], list[Problem]]:
    """Ingest and clean ``sources`` (paths or URLs): the usable articles, and what was skipped.

    URLs are fetched as ``fetching`` says (limits, cache, progress).
    Raises :class:`NothingUsableError` when no article is usable.
    """
    reading = read_sources(sources, fetching)
    return list(reading.articles), list(reading.problems)


def make_digest(
    articles: Sequence[Article],
    problems: Sequence[Problem] = (),
    *,
    date: dt.date,
    title: str | None = None,
    options: SummaryOptions | None = None,
) -> BuildResult:
    """Summarize already-read ``articles`` into the digest for ``date``."""
    options = options or SummaryOptions()
    articles = list(articles)
    summary = get_summarizer()(articles, options)
    # Most important first: most distinct outlets, then most recent.
    stories = rank_stories(summary.stories)
    title = title or default_title(stories, date)
    used = sum(len(story.sources) for story in stories)
    digest = Digest(
        title=title,
        date=date,
        stories=stories,
        intro=make_intro(stories, used, options.topic, title),
        article_count=len(articles),
        topic=options.topic,
        off_topic=summary.off_topic,
    )
    return BuildResult(digest=digest, problems=tuple(problems), articles=tuple(articles))


def default_title(stories: Sequence[Story], date: dt.date) -> str:
    """The lead story's headline, else a dated title."""
    if stories:
        return stories[0].headline
    return f"Digest for {date.isoformat()}"
