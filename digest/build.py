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


def read_articles(
    sources: Sequence[Path | str], fetching: IngestOptions | None = None
) -> tuple[list[Article], list[Problem]]:
    """Ingest and clean ``sources`` (paths or URLs): the usable articles, and what was skipped.

    URLs are fetched as ``fetching`` says (limits, cache, progress).
    Raises :class:`NothingUsableError` when no article is usable.
    """
    ingested = ingest(sources, fetching)
    problems = list(ingested.problems)
    articles: list[Article] = []
    for data in ingested.articles:
        try:
            articles.append(clean(data))
        except IngestError as exc:
            problems.append(Problem(data.path, str(exc)))
    if not articles:
        raise NothingUsableError(
            "no usable article: " + "; ".join(str(p) for p in problems[:3]),
            fix="give .txt, .md or .html files, feeds or URLs that hold an article's text",
        )
    return articles, problems


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
