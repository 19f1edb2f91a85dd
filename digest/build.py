"""The issue's model: read and clean the sources, then group, summarize and model them.

Each function is one step of the pipeline that :func:`digest.publish.publish`
runs (read -> clean -> decide -> group -> summarize -> model -> render ->
publish); each stage it calls stays pure and testable on its own:

* :func:`read_sources`: ingest and clean, with the build's one "no usable
  article" error;
* :func:`make_digest`: group and summarize articles into a
  :class:`~digest.model.Digest` (a new issue, or one extended by an update);
* :func:`make_issue`: the digest and its archive record, as the decider's
  :class:`~digest.decide.Plan` says;
* :func:`build_digest`: read and make, with no archive (a draft, the goldens).

Nothing here renders or writes: a digest is always built whole before any
file is written (pelican's two phases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from digest.clean import clean
from digest.config import Settings
from digest.decide import Plan
from digest.errors import IngestError, NothingUsableError
from digest.ingest import IngestOptions, Problem, ingest
from digest.keys import article_keys
from digest.language import language_name, other_language
from digest.model import Article, Digest, Story
from digest.records import FileRecord, IssueRecord, make_record
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
    language: str = Settings.language,
) -> BuildResult:
    """Read ``sources`` and build the digest for ``date`` (in ``language``)."""
    articles, problems = read_articles(sources, language=language)
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


def read_sources(
    sources: Sequence[Path | str],
    fetching: IngestOptions | None = None,
    language: str = Settings.language,
) -> Reading:
    """Ingest and clean ``sources`` (paths or URLs).

    URLs are fetched as ``fetching`` says (limits, cache, progress); files it
    says are known (:attr:`IngestOptions.known`) are not read again. An article
    surely written in another language than ``language`` (the digest's, a BCP 47
    tag) is left out with a note (:func:`digest.language.other_language`). Raises
    :class:`NothingUsableError` when no article is usable and none was known.
    """
    ingested = ingest(sources, fetching)
    problems = list(ingested.problems)
    cleaned: list[Article | None] = []
    for data in ingested.articles:
        article: Article | None = None
        try:
            article = clean(data)
        except IngestError as exc:
            problems.append(Problem(data.path, str(exc)))
        else:
            written_in = other_language(article, language)
            if written_in is not None:
                problems.append(_other_language(data.path, written_in, language))
                article = None
        cleaned.append(article)
    articles = tuple(a for a in cleaned if a is not None)
    if not articles and not (ingested.known or ingested.known_stale):
        raise _nothing_usable(sources, ingested.problems, problems, read=bool(ingested.articles))
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


def _other_language(path: str, found: str, language: str) -> Problem:
    name = language_name(found)
    return Problem(
        path,
        f"left out: written in {name}, not {language_name(language)} "
        f'(to make a digest in {name}, set language = "{found}")',
        "other language",
    )


def _nothing_usable(
    sources: Sequence[Path | str],
    reading: Sequence[Problem],
    cleaning: Sequence[Problem],
    *,
    read: bool,
) -> NothingUsableError:
    """The one error for a build with nothing to make an issue of: nothing
    could be read at all (``read`` false), or nothing read survived cleaning."""
    if not read:
        detail = f" ({reading[0]})" if len(reading) == 1 else ""
        return NothingUsableError(
            f"no usable article in {', '.join(str(s) for s in sources)}{detail}",
            fix="give .txt, .md or .html files, feeds, or article URLs",
        )
    return NothingUsableError(
        "no usable article: " + "; ".join(str(p) for p in cleaning[:3]),
        fix="give .txt, .md or .html files, feeds or URLs that hold an article's text",
    )


def read_articles(
    sources: Sequence[Path | str],
    fetching: IngestOptions | None = None,
    language: str = Settings.language,
) -> tuple[list[Article], list[Problem]]:
    """Ingest and clean ``sources`` (paths or URLs): the usable articles, and what was skipped.

    URLs are fetched as ``fetching`` says (limits, cache, progress); articles
    not in ``language`` are skipped (:func:`read_sources`).
    Raises :class:`NothingUsableError` when no article is usable.
    """
    reading = read_sources(sources, fetching, language)
    return list(reading.articles), list(reading.problems)


def make_digest(
    articles: Sequence[Article],
    problems: Sequence[Problem] = (),
    *,
    date: dt.date,
    title: str | None = None,
    options: SummaryOptions | None = None,
    extending: Digest | None = None,
) -> BuildResult:
    """Group and summarize already-read ``articles`` into the digest for ``date``.

    ``extending`` is the issue of ``date`` as published: its stories stay as
    they are, and the new ones follow them (an update).
    """
    options = options or SummaryOptions()
    articles = list(articles)
    summary = get_summarizer()(articles, options)
    # Most important first: most distinct outlets, then most recent.
    stories = rank_stories(summary.stories)
    if extending is None:
        digest = _new_digest(stories, len(articles), summary.off_topic, date, title, options)
    else:
        digest = _extended(extending, stories, len(articles), summary.off_topic, title)
    return BuildResult(digest=digest, problems=tuple(problems), articles=tuple(articles))


def _new_digest(
    stories: tuple[Story, ...],
    article_count: int,
    off_topic: int,
    date: dt.date,
    title: str | None,
    options: SummaryOptions,
) -> Digest:
    title = title or default_title(stories, date)
    used = sum(len(story.sources) for story in stories)
    return Digest(
        title=title,
        date=date,
        stories=stories,
        intro=make_intro(stories, used, options.topic, title),
        article_count=article_count,
        topic=options.topic,
        off_topic=off_topic,
    )


def _extended(
    issue: Digest,
    more: tuple[Story, ...],
    article_count: int,
    off_topic: int,
    title: str | None,
) -> Digest:
    """``issue`` with the stories ``more`` after its own."""
    stories = (*issue.stories, *more)
    count = issue.article_count + article_count
    title = title or issue.title
    return replace(
        issue,
        title=title,
        stories=stories,
        intro=make_intro(stories, count, issue.topic, title),
        article_count=count,
        off_topic=issue.off_topic + off_topic,
    )


@dataclass(frozen=True)
class Issue:
    """An issue ready to render and publish: its digest and its archive record."""

    #: The digest, and what happened on the way to it.
    build: BuildResult
    #: The issue as the archive will hold it (ids, first-published times).
    record: IssueRecord
    #: The articles its new stories cite (what the record marks as used).
    used: tuple[Article, ...] = ()

    @property
    def digest(self) -> Digest:
        return self.build.digest


def make_issue(
    plan: Plan,
    previous: IssueRecord | None,
    problems: Sequence[Problem] = (),
    *,
    date: dt.date,
    host: str,
    title: str | None = None,
    options: SummaryOptions | None = None,
) -> Issue:
    """The issue of ``date`` that ``plan`` says to make (:func:`digest.decide.decide`), as a model.

    ``previous`` is the archive's issue of the same date, if any: an update
    keeps its stories and adds the new ones; a rebuild keeps its ids. ``host``
    is the site's host, which the ids are tag URIs of. Pure but for the
    summarizer's caches: reads and writes nothing.
    """
    extending = previous.digest if plan.action == "update" and previous is not None else None
    built = make_digest(
        plan.articles, problems, date=date, title=title, options=options, extending=extending
    )
    kept = len(extending.stories) if extending is not None else 0
    # only the articles of the stories published are used: those of stories
    # past the story limit (or off the topic) stay new for a later issue
    shown = {(s.path, s.url) for story in built.digest.stories[kept:] for s in story.sources}
    used = [a for a in plan.articles if (a.path, a.url) in shown]
    return Issue(built, make_record(built.digest, host, used, previous, kept=kept), tuple(used))


def default_title(stories: Sequence[Story], date: dt.date) -> str:
    """The lead story's headline, else a dated title."""
    if stories:
        return stories[0].headline
    return f"Digest for {date.isoformat()}"
