"""Ingest: find the articles named on the command line (or in ``digest.toml``) and read them.

A source is a file, a folder (read recursively, in sorted order) or an http(s)
URL. Readers are registered by file suffix (as pelican registers its readers by
``file_extensions``); a fetched URL is recognised by what it holds (feed, OPML
list, or web page). Everything becomes :class:`~digest.model.ArticleData`; a
source that cannot be read becomes a :class:`Problem` and the batch goes on.
An article read twice (the same canonical URL, or the same title from the
same outlet on the same day: two section feeds of one paper) is kept once,
the repeat noted as a ``duplicate`` problem; feed advertisements are noted as
``sponsored``. The build's date (:attr:`IngestOptions.date`) bounds the
publication dates the readers believe.

The network is touched only for URLs the user gave (and, with ``fetch_full``,
for the pages that teaser-only feed entries link to). URLs are fetched in
parallel, within :class:`~digest.ingest.fetch.FetchLimits`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from digest.config import Settings
from digest.errors import IngestError
from digest.ingest.dedup import repeated_file, unique
from digest.ingest.documents import Document, flatten, walk
from digest.ingest.fetch import FetchCache, Fetcher, FetchError, FetchLimits, is_url
from digest.ingest.local import find_files, read_bytes, read_file
from digest.ingest.remote import fetch_all, fetch_pages
from digest.ingest.results import (
    PROGRESS_MIN,
    FileRead,
    IngestResult,
    KnownFiles,
    Problem,
    ProgressFactory,
    Reason,
)
from digest.ingest.sources import Body, kind_of_body, kind_of_file, kind_of_suffix
from digest.names import FETCH_CACHE

__all__ = [
    "PROGRESS_MIN",
    "FileRead",
    "IngestOptions",
    "IngestResult",
    "KnownFiles",
    "Problem",
    "ProgressFactory",
    "Reason",
    "find_files",
    "ingest",
    "read_bytes",
    "read_file",
]


@dataclass(frozen=True)
class IngestOptions:
    """How URLs are fetched; the defaults touch the network only for URLs given."""

    #: The fetcher (limits, cache); None: a default one without a cache file.
    fetcher: Fetcher | None = None
    #: Fetch the linked page for feed entries that carry only a teaser.
    fetch_full: bool = False
    #: Progress bar factory, used when more than :data:`PROGRESS_MIN` URLs are fetched.
    progress: ProgressFactory | None = None
    #: The build's date: publication dates more than a day after it are not
    #: believed (None: only dates before 1990 are ignored).
    date: dt.date | None = None
    #: Files and bodies read before whose articles are all used: not parsed again.
    known: KnownFiles | None = None

    @classmethod
    def for_build(
        cls, settings: Settings, out: Path, *, date: dt.date, progress: ProgressFactory | None
    ) -> IngestOptions:
        """How a build into ``out`` reads: the settings' fetch limits, the
        fetch cache in ``out``, and ``--fetch-full``."""
        fetcher = Fetcher(
            limits=FetchLimits.from_settings(settings), cache=FetchCache(out / FETCH_CACHE)
        )
        return cls(fetcher=fetcher, fetch_full=settings.fetch_full, progress=progress, date=date)


def ingest(sources: Sequence[Path | str], options: IngestOptions | None = None) -> IngestResult:
    """Read every article under ``sources``; skip (and report) the bad ones.

    ``sources`` are paths or http(s) URLs. A fetched body is read as a feed,
    an OPML list (whose feeds are then read) or a web page. With
    ``fetch_full``, feed entries that carry only a teaser are replaced by the
    page they link to (keeping the feed's metadata where the page has none).

    Never raises for what it reads: when nothing could be read at all, the
    result holds no article and says why in its problems (the build raises
    :class:`~digest.errors.NothingUsableError`, :func:`digest.build.read_sources`).
    """
    options = options or IngestOptions()
    fetcher = options.fetcher or Fetcher()
    fetch_full = options.fetch_full
    progress = options.progress
    problems: list[Problem] = []
    top = _expand(sources, problems)
    known = options.known
    _read_round(top, fetcher, problems, progress, today=options.date, known=known)
    # OPML lists add feeds; those are read in a second round (one level only)
    children = [child for doc in top for child in doc.children]
    _read_round(children, fetcher, problems, progress, nested=True, today=options.date, known=known)
    if fetch_full:
        fetch_pages(top, fetcher, problems, progress, today=options.date)
    fetcher.cache.save()
    articles = unique(flatten(top), problems)
    knew = [doc.known for doc in walk(top) if doc.known is not None]
    where = {id(article): i for i, article in enumerate(articles)}
    files = tuple(
        FileRead(
            *doc.seen,
            tuple(where.get(id(a), -1) for a in doc.articles),
            doc.known.articles if doc.known is not None and doc.moved else None,
        )
        for doc in walk(top)
        if doc.seen is not None and (doc.articles or (doc.known is not None and doc.moved))
    )
    return IngestResult(
        tuple(articles),
        tuple(problems),
        files,
        sum(k.used for k in knew),
        sum(k.stale for k in knew),
    )


def _expand(sources: Sequence[Path | str], problems: list[Problem]) -> list[Document]:
    docs: list[Document] = []
    paths: list[Path] = []

    def flush() -> None:
        files, found_problems = find_files(paths)
        problems.extend(found_problems)
        docs.extend(Document(str(f), path=f) for f in files)
        paths.clear()

    for source in sources:
        text = str(source)
        if isinstance(source, str) and is_url(source):
            flush()
            docs.append(Document(text, url=source))
        else:
            paths.append(Path(source))
    flush()
    seen: set[str] = set()
    unique = []
    for doc in docs:
        key = doc.url or str(doc.path.resolve() if doc.path else doc.source)
        if key not in seen:
            seen.add(key)
            unique.append(doc)
    return unique


def _read_round(
    docs: list[Document],
    fetcher: Fetcher,
    problems: list[Problem],
    progress: ProgressFactory | None,
    nested: bool = False,
    today: dt.date | None = None,
    known: KnownFiles | None = None,
    digests: dict[str, str] | None = None,
) -> None:
    digests = {} if digests is None else digests
    remote = [doc for doc in docs if doc.url]
    responses = fetch_all(fetcher, [doc.url for doc in remote if doc.url], progress, "Fetching")
    for doc, response in zip(remote, responses, strict=True):
        if isinstance(response, FetchError):
            problems.append(Problem(doc.source, str(response), "fetch failed"))
            doc.url = None  # nothing to read
        else:
            doc.response = response
    for doc in docs:
        if doc.path is None and doc.response is None:
            continue
        try:
            if _known(doc, known, digests, problems):
                continue
            _read_document(doc, nested, today)
        except IngestError as exc:
            reason: Reason = "no article" if "no article" in exc.message else "unreadable"
            problems.append(Problem(doc.source, str(exc), reason))
        for ad in doc.sponsored:
            problems.append(
                Problem(
                    doc.source,
                    f"left out the advertisement {ad.title or ad.path!r} "
                    "(undated, leads off the publisher's site)",
                    "sponsored",
                )
            )


def _known(
    doc: Document, known: KnownFiles | None, digests: dict[str, str], problems: list[Problem]
) -> bool:
    """Note what the archive's record of files needs about ``doc``; True when it
    need not be read: ``known`` says that every article in it is used (or
    old news: older than the last issue and never used), or (when reading
    incrementally, so that a copy of a known file is counted as what it is)
    it is a one-article file with the same bytes as one before it in this
    batch, noted as a ``duplicate``.

    A file is looked up by its path, size and modification time (no read at
    all), else by the SHA-256 of its bytes (a copy, a file touched or moved);
    a fetched body by its SHA-256. ``digests`` maps the SHA-256 of the files
    seen so far in the batch to their source.
    """
    if doc.path is not None:
        try:
            stat = doc.path.stat()
            source = str(doc.path.resolve())
        except (OSError, RuntimeError):
            return False  # reading it says what is wrong
        digest = known.recorded(source, stat.st_size, stat.st_mtime_ns) if known else None
        placed = digest is not None
        if digest is None:
            doc.raw = read_bytes(doc.path)
            digest = hashlib.sha256(doc.raw).hexdigest()
        doc.seen = (source, stat.st_size, stat.st_mtime_ns, digest)
        one_article = kind_of_suffix(doc.path.suffix.lower()).one_article
        if repeated_file(doc.source, digest, digests, problems, one_article and known is not None):
            doc.raw, doc.seen = None, None
            return True
    elif doc.response is not None:
        digest = hashlib.sha256(doc.response.body).hexdigest()
        doc.seen = (doc.source, len(doc.response.body), 0, digest)
        placed = False
    else:
        return False
    found = known.known(digest) if known else None
    if found is None:
        return False
    doc.known = found
    doc.moved = not placed  # recorded again at its new place or time
    doc.raw = None
    return True


def _read_document(doc: Document, nested: bool, today: dt.date | None = None) -> None:
    """Read ``doc`` with the source kind it is (:mod:`digest.ingest.sources`)."""
    if doc.path is not None:
        data = doc.raw if doc.raw is not None else read_bytes(doc.path)
        doc.raw = None  # the articles hold what is needed
        kind = kind_of_file(doc.path, data)
        body = Body(data, doc.source, path=doc.path, today=today)
    else:
        assert doc.response is not None
        data = doc.response.body
        if not data.strip():
            raise IngestError("the server sent an empty body", path=doc.source)
        kind = kind_of_body(data, doc.response.content_type, doc.source)
        body = Body(
            data,
            doc.source,
            base_url=doc.response.final_url,
            charset=doc.response.charset,
            today=today,
        )
    if kind.lists_sources and nested:
        raise IngestError("an OPML list inside an OPML list is not followed", path=doc.source)
    read = kind.read(body)
    doc.articles, doc.teasers, doc.sponsored = read.articles, read.teasers, read.sponsored
    doc.children = tuple(_child(doc, sub.url) for sub in read.subscriptions)


def _child(doc: Document, url: str) -> Document:
    """The document a list (``doc``) names as ``url``: a URL, else relative to the list."""
    if is_url(url):
        return Document(url, url=url)
    if doc.path is not None:
        local = doc.path.parent / url
        return Document(str(local), path=local)
    absolute = urljoin(doc.response.final_url if doc.response else "", url)
    return Document(absolute, url=absolute)
