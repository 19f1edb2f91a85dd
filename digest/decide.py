"""The decider: what to build, from what the archive holds. Pure: no I/O, no clock.

After lemon24/reader's ``Decider``: :func:`decide` takes the keys the archive
has used, the candidate articles and the issue date, and returns a
:class:`Plan`; :class:`FileIndex` judges, the same way, which files need not
be read again. The archive (:mod:`digest.archive`) does the I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from digest.keys import article_keys
from digest.model import Article
from digest.records import FileRecord, KnownFile

Action = Literal["new", "update", "rebuild", "nothing"]


@dataclass(frozen=True)
class Plan:
    """What a build should do; made by :func:`decide`."""

    #: ``new``: a new issue; ``update``: the issue of that date gains stories
    #: from new articles (its own stories stay as published); ``rebuild``:
    #: ``--force`` on an existing issue; ``nothing``.
    action: Action
    #: The articles to summarize, in input order: for ``rebuild`` every given
    #: article of the issue, for ``new`` and ``update`` the new ones.
    articles: tuple[Article, ...]
    #: How many of :attr:`articles` no issue has used yet.
    new: int
    #: Candidates left out because an issue already used them.
    used: int
    #: The latest issue in the archive, if any (for "nothing new since ...").
    latest: dt.date | None
    #: Unused articles left out because they were published before the last
    #: issue (older news than the archive already covers).
    stale: int = 0
    #: Candidates left out as repeats of an earlier candidate of this batch
    #: (the same URL or the same text).
    duplicates: int = 0


def decide(
    used_keys: Mapping[str, dt.date],
    candidates: Sequence[Article],
    date: dt.date,
    *,
    issue_exists: bool,
    force: bool = False,
    held: Mapping[str, dt.date] | None = None,
) -> Plan:
    """Choose the articles for the issue of ``date``. Pure: no I/O, no clock.

    ``used_keys`` maps each article key in the archive to the date of the issue
    that used it. An article whose key belongs to another issue is never used
    again; one that belongs to this date's issue is used again only when the
    issue is rebuilt (``force``). Duplicates within the batch (same URL or
    text) count once: the first is judged, the others are counted in
    :attr:`Plan.duplicates`, so that every candidate is counted exactly once
    (duplicates + used + stale + the articles chosen). ``held`` maps the keys
    of articles an editor left out of an issue's draft to its date: those of
    the last issue are not old news (:func:`_held_back`).
    """
    latest = max(used_keys.values(), default=None)
    # "new since the last issue": an article no issue used, but published
    # before the day of the last issue before this one, is old news (a feed's
    # back catalogue on a first subscription). Undated articles are judged by
    # their keys alone.
    cutoff = max((d for d in used_keys.values() if d < date), default=None)
    seen: set[str] = set()
    same_issue: list[Article] = []
    fresh: list[Article] = []
    ordered: list[Article] = []
    duplicates = used = stale = 0
    for article in candidates:
        keys = article_keys(article)
        if seen.intersection(keys):
            duplicates += 1
            continue
        seen.update(keys)
        owners = {used_keys[k] for k in keys if k in used_keys}
        if owners and owners != {date}:
            used += 1
            continue
        if (
            not owners
            and cutoff is not None
            and article.published is not None
            and article.published.astimezone(dt.UTC).date() < cutoff
            and not _held_back(keys, held, cutoff)
        ):
            stale += 1
            continue
        ordered.append(article)
        (same_issue if owners else fresh).append(article)
    if issue_exists and force and ordered:
        return Plan("rebuild", tuple(ordered), len(fresh), used, latest, stale, duplicates)
    used += len(same_issue)
    if issue_exists and fresh:
        return Plan("update", tuple(fresh), len(fresh), used, latest, stale, duplicates)
    if fresh:
        return Plan("new", tuple(fresh), len(fresh), used, latest, stale, duplicates)
    return Plan("nothing", (), 0, used, latest, stale, duplicates)


class FileIndex:
    """The archive's record of files, judged against the issues: which need no reading.

    A file (or body) is *known* when reading it again would only find each of
    its articles used (in an issue) or old news (never used, and published
    before the last issue before ``date``), exactly as :func:`decide` would
    judge them. For ``--force`` (``force``) articles of the issue of ``date``
    are not used: a rebuild needs them, so a file that gave one is read.
    Implements :class:`digest.ingest.KnownFiles`.
    """

    def __init__(
        self,
        records: Sequence[FileRecord],
        used: Mapping[str, dt.date],
        date: dt.date,
        *,
        force: bool = False,
        held: Mapping[str, dt.date] | None = None,
    ) -> None:
        self._by_source = {r.source: r for r in records}
        self._by_digest: dict[str, FileRecord] = {}
        for record in records:
            self._by_digest.setdefault(record.digest, record)
        self._used = used
        self._date = date
        self._force = force
        self._cutoff = max((d for d in used.values() if d < date), default=None)
        self._held = held

    def recorded(self, source: str, size: int, mtime_ns: int) -> str | None:
        record = self._by_source.get(source)
        if record is None or (record.size, record.mtime_ns) != (size, mtime_ns):
            return None
        return record.digest

    def known(self, digest: str) -> KnownFile | None:
        record = self._by_digest.get(digest)
        if record is None or not record.articles:
            return None
        used = stale = 0
        for keys, published in record.articles:
            owners = {self._used[k] for k in keys if k in self._used}
            if owners:
                if self._force and self._date in owners:
                    return None
                used += 1
            elif (
                published is not None
                and self._cutoff is not None
                and dt.datetime.fromisoformat(published).astimezone(dt.UTC).date() < self._cutoff
                and not _held_back(keys, self._held, self._cutoff)
            ):
                stale += 1
            else:
                return None
        return KnownFile(record.articles, used, stale)


def _held_back(keys: Sequence[str], held: Mapping[str, dt.date] | None, cutoff: dt.date) -> bool:
    """Whether the editor of the last issue (of ``cutoff``) left this article out of
    its draft: it comes back in the next issue, once, whenever it was published."""
    return held is not None and any(k in held and held[k] >= cutoff for k in keys)
