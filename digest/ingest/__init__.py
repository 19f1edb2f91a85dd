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
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urljoin

from digest.config import Settings
from digest.errors import IngestError
from digest.ingest.feeds import looks_like_feed, parse_feed
from digest.ingest.fetch import (
    FetchCache,
    Fetcher,
    FetchError,
    FetchLimits,
    Response,
    fetch_many,
    is_url,
)
from digest.ingest.files import read_markdown, read_text
from digest.ingest.html import read_page
from digest.ingest.opml import looks_like_opml, parse_opml
from digest.keys import canonical_url, normalized_text
from digest.model import ArticleData
from digest.names import FETCH_CACHE
from digest.records import KnownFile, RecordedArticle

Reader = Callable[[Path, str], ArticleData]
#: What a document read from bytes is.
DocumentKind = Literal["page", "feed", "opml"]

#: Text article suffix -> reader. Keys are lower-case and include the dot.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}
#: Document suffix -> kind; these are read from bytes (their charset is their own).
DOCUMENTS: dict[str, DocumentKind] = {
    ".html": "page",
    ".htm": "page",
    ".xhtml": "page",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".opml": "opml",
}
#: Every suffix ingest reads.
SUFFIXES = frozenset(READERS) | frozenset(DOCUMENTS)
#: Show a progress bar when fetching more URLs than this.
PROGRESS_MIN = 4

#: ``progress(total, label)`` returns a context manager yielding ``advance(n)``.
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


#: Why an input was skipped, for the build's summary line; ``kept`` marks a
#: note about an article that was still read (a ``--fetch-full`` page that
#: failed, so the feed's summary was kept).
Reason = Literal[
    "not found", "unreadable", "fetch failed", "no article", "sponsored", "duplicate", "kept"
]


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why (one line)."""

    path: str
    message: str
    #: Why, in a word or two (see :data:`Reason`). The default is the cleaner's:
    #: an article with no text left.
    reason: Reason = "no article"

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


class KnownFiles(Protocol):
    """What earlier builds read: the archive's record of files (a
    :class:`digest.decide.FileIndex`)."""

    def recorded(self, source: str, size: int, mtime_ns: int) -> str | None:
        """The SHA-256 recorded for the file at ``source`` when it had this size
        and modification time (so it need not be read to know it), else None."""
        ...

    def known(self, digest: str) -> KnownFile | None:
        """What the file or fetched body with these bytes gave, when reading it
        again would only find every article of it used or old news; else None."""
        ...


@dataclass(frozen=True)
class FileRead:
    """A file (or fetched body) that was read, for the archive's record of files."""

    #: The resolved path, or the URL as given.
    source: str
    size: int
    #: Modification time in nanoseconds (0 for a URL).
    mtime_ns: int
    #: SHA-256 of the bytes, hex.
    digest: str
    #: Indexes into :attr:`IngestResult.articles` of the articles it gave (-1: one
    #: dropped as a repeat).
    articles: tuple[int, ...]
    #: For a known file found by its bytes (moved, touched, copied; not read
    #: again): its articles, as recorded (:meth:`KnownFiles.known`).
    recorded: tuple[RecordedArticle, ...] | None = None


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[ArticleData, ...]
    #: Inputs skipped, and repeats of an article already read (reason ``duplicate``).
    problems: tuple[Problem, ...]
    #: The files and fetched bodies read, with the articles each gave.
    files: tuple[FileRead, ...] = ()
    #: Articles not read again, their file or body being known
    #: (:class:`KnownFiles`): those in earlier issues ...
    known: int = 0
    #: ... and those older than the last issue.
    known_stale: int = 0


def find_files(sources: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, sorted) into readable files.

    A missing path or a folder with no article in it is a :class:`Problem`.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    suffixes = ", ".join(sorted(SUFFIXES))
    for source in sources:
        if not source.exists():
            problems.append(
                Problem(
                    str(source), f"{source}: no such file or folder; check the path", "not found"
                )
            )
        elif source.is_dir():
            files = sorted(
                (p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES),
                key=lambda p: p.relative_to(source).as_posix(),
            )
            if not files:
                problems.append(
                    Problem(
                        str(source),
                        f"{source}: folder has no article files ({suffixes})",
                        "not found",
                    )
                )
            found.extend(files)
        elif source.suffix.lower() not in SUFFIXES:
            problems.append(
                Problem(
                    str(source),
                    f"{source}: unsupported file type {source.suffix or '(none)'!r}; "
                    f"give a file ending in one of {suffixes}",
                    "unreadable",
                )
            )
        else:
            found.append(source)
    return found, problems


def read_bytes(path: Path) -> bytes:
    """A file's bytes; :class:`IngestError` when unreadable, binary or empty."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if (
        b"\x00" in raw[:8192]
        and not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        and not _utf16_markup(raw)
    ):
        raise IngestError(
            "looks like a binary file, not an article",
            path=str(path),
            fix="give a UTF-8 .txt or .md file",
        )
    if not raw.strip():
        raise IngestError("is empty", path=str(path), fix="remove it or add the article's text")
    return raw


def _utf16_markup(raw: bytes) -> bool:
    """An XML or HTML document in UTF-16 without a byte order mark.

    Its NULs are the high bytes of ASCII markup (``<\\0?\\0x\\0`` little-endian,
    ``\\0<\\0?`` big-endian): after any spaces it starts with a tag (``<`` then
    ``?``, ``!`` or a letter) of printable ASCII up to its ``>``, and no NUL
    character follows.
    """
    head = raw[:512]
    head = head[: len(head) - len(head) % 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = head.decode(codec, errors="replace").lstrip(" \t\r\n")
        tag, closed, _ = text.partition(">")
        if (
            closed
            and re.match(r"<[?!A-Za-z]", tag)
            and tag.isascii()
            and tag.isprintable()
            and "\x00" not in text
        ):
            return True
    return False


def read_file(path: Path) -> ArticleData:
    """Read one text article (``.txt``, ``.md``) with the reader registered for its suffix."""
    return _read_text_file(path, read_bytes(path))


def _read_text_file(path: Path, raw: bytes) -> ArticleData:
    reader = READERS[path.suffix.lower()]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"is not valid UTF-8 (byte {exc.start})",
            path=str(path),
            fix="re-save it as UTF-8",
        ) from exc
    if not text.strip():
        raise IngestError("is empty", path=str(path), fix="remove it or add the article's text")
    return reader(path, text)


@dataclass
class _Document:
    """A file or URL still to be read, and what reading it gave."""

    source: str
    path: Path | None = None
    url: str | None = None
    response: Response | None = None
    articles: tuple[ArticleData, ...] = ()
    teasers: tuple[int, ...] = ()
    #: Feed entries left out as advertisements.
    sponsored: tuple[ArticleData, ...] = ()
    children: tuple[_Document, ...] = ()
    #: The file's bytes, once read.
    raw: bytes | None = None
    #: What the archive's record of files needs: (source, size, mtime_ns, digest).
    seen: tuple[str, int, int, str] | None = None
    #: What :class:`KnownFiles` said of the file, when it is not read again.
    known: KnownFile | None = None
    #: Whether it was found by its bytes, not its place (so recorded again).
    moved: bool = False


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
        _fetch_full(top, fetcher, problems, progress, today=options.date)
    fetcher.cache.save()
    articles = _unique(_flatten(top), problems)
    knew = [doc.known for doc in _walk(top) if doc.known is not None]
    where = {id(article): i for i, article in enumerate(articles)}
    files = tuple(
        FileRead(
            *doc.seen,
            tuple(where.get(id(a), -1) for a in doc.articles),
            doc.known.articles if doc.known is not None and doc.moved else None,
        )
        for doc in _walk(top)
        if doc.seen is not None and (doc.articles or (doc.known is not None and doc.moved))
    )
    return IngestResult(
        tuple(articles),
        tuple(problems),
        files,
        sum(k.used for k in knew),
        sum(k.stale for k in knew),
    )


def _expand(sources: Sequence[Path | str], problems: list[Problem]) -> list[_Document]:
    docs: list[_Document] = []
    paths: list[Path] = []

    def flush() -> None:
        files, found_problems = find_files(paths)
        problems.extend(found_problems)
        docs.extend(_Document(str(f), path=f) for f in files)
        paths.clear()

    for source in sources:
        text = str(source)
        if isinstance(source, str) and is_url(source):
            flush()
            docs.append(_Document(text, url=source))
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
    docs: list[_Document],
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
    responses = _fetch_all(fetcher, [doc.url for doc in remote if doc.url], progress, "Fetching")
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
    doc: _Document, known: KnownFiles | None, digests: dict[str, str], problems: list[Problem]
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
        suffix = doc.path.suffix.lower()
        first = digests.setdefault(digest, doc.source)
        one_article = suffix in READERS or DOCUMENTS.get(suffix) == "page"
        if known is not None and first != doc.source and one_article:
            problems.append(
                Problem(
                    doc.source,
                    f"{doc.source}: the same file as {first}; read once",
                    "duplicate",
                )
            )
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


def _read_document(doc: _Document, nested: bool, today: dt.date | None = None) -> None:
    if doc.path is not None:
        suffix = doc.path.suffix.lower()
        raw = doc.raw if doc.raw is not None else read_bytes(doc.path)
        doc.raw = None  # the articles hold what is needed
        if suffix in READERS:
            doc.articles = (_read_text_file(doc.path, raw),)
            return
        body = raw
        kind = DOCUMENTS[suffix]
        if kind == "feed" and not looks_like_feed(body) and looks_like_opml(body):
            kind = "opml"
        base, charset = None, None
    else:
        assert doc.response is not None
        body = doc.response.body
        if not body.strip():
            raise IngestError("the server sent an empty body", path=doc.source)
        base, charset = doc.response.final_url, doc.response.charset
        if looks_like_opml(body):
            kind = "opml"
        elif looks_like_feed(body, doc.response.content_type):
            kind = "feed"
        elif doc.response.content_type in ("", "text/html", "application/xhtml+xml") or (
            doc.response.content_type.startswith("text/")
        ):
            kind = "page"
        else:
            raise IngestError(
                f"is {doc.response.content_type}, not a web page or feed",
                path=doc.source,
                fix="give the URL of an article, a feed or an OPML list",
            )
    if kind == "page":
        doc.articles = (read_page(body, source=doc.source, url=base, charset=charset, today=today),)
    elif kind == "feed":
        feed = parse_feed(body, source=doc.source, base_url=base, charset=charset, today=today)
        entries = [entry for entry in feed.entries if not entry.sponsored]
        doc.articles = tuple(entry.article for entry in entries)
        doc.teasers = tuple(i for i, entry in enumerate(entries) if entry.teaser)
        doc.sponsored = tuple(entry.article for entry in feed.entries if entry.sponsored)
    else:
        if nested:
            raise IngestError("an OPML list inside an OPML list is not followed", path=doc.source)
        children = []
        for sub in parse_opml(body, source=doc.source):
            if is_url(sub.url):
                children.append(_Document(sub.url, url=sub.url))
            elif doc.path is not None:
                local = doc.path.parent / sub.url
                children.append(_Document(str(local), path=local))
            else:
                absolute = urljoin(doc.response.final_url if doc.response else "", sub.url)
                children.append(_Document(absolute, url=absolute))
        doc.children = tuple(children)


def _fetch_full(
    docs: list[_Document],
    fetcher: Fetcher,
    problems: list[Problem],
    progress: ProgressFactory | None,
    today: dt.date | None = None,
) -> None:
    """Replace teaser entries (and headline-only ones) by the page they link to."""
    wanted: list[tuple[_Document, int, str]] = []
    for doc in _walk(docs):
        for index in doc.teasers:
            url = doc.articles[index].url
            if url:
                wanted.append((doc, index, url))
    responses = _fetch_all(fetcher, [url for _, _, url in wanted], progress, "Fetching pages")
    for (doc, index, url), response in zip(wanted, responses, strict=True):
        teaser = doc.articles[index]
        if isinstance(response, FetchError):
            problems.append(Problem(url, f"{response}; kept the feed's summary", "kept"))
            continue
        try:
            page = read_page(
                response.body,
                source=url,
                url=response.final_url,
                charset=response.charset,
                today=today,
            )
        except IngestError as exc:
            problems.append(Problem(url, f"{exc}; kept the feed's summary", "kept"))
            continue
        full = replace(
            teaser,
            text=page.text,
            title=teaser.title or page.title,
            url=page.url or teaser.url,
            published=teaser.published or page.published,
            author=teaser.author or page.author,
        )
        articles = list(doc.articles)
        articles[index] = full
        doc.articles = tuple(articles)


def _fetch_all(
    fetcher: Fetcher, urls: list[str], progress: ProgressFactory | None, label: str
) -> list[Response | FetchError]:
    if not urls:
        return []
    if progress is None or len(urls) <= PROGRESS_MIN:
        return fetch_many(fetcher, urls)
    with progress(len(urls), label) as advance:
        return fetch_many(fetcher, urls, advance)


def _walk(docs: Iterable[_Document]) -> Iterator[_Document]:
    for doc in docs:
        yield doc
        yield from _walk(doc.children)


def _flatten(docs: Iterable[_Document]) -> Iterator[tuple[str, ArticleData]]:
    """Every article read, with the source (file, feed, URL) it came from."""
    for doc in _walk(docs):
        for article in doc.articles:
            yield doc.source, article


def _unique(
    articles: Iterable[tuple[str, ArticleData]], problems: list[Problem]
) -> list[ArticleData]:
    """Drop repeats (first kept), each noted as a ``duplicate`` problem.

    A repeat is the same file twice, the same canonical URL (two feeds, or a
    feed and a page), or the same title from the same outlet on the same day
    (two section feeds of one paper, with different links). Articles with
    the same title from one outlet on different days are a recurring column,
    not a repeat.
    """
    seen: dict[str, tuple[str, ArticleData]] = {}
    out = []
    for source, article in articles:
        keys = _identities(article)
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            where = "" if first[0] == source else f" in {first[0]}"
            what = f"{article.title!r}" if article.title else article.path
            problems.append(
                Problem(
                    source,
                    f"{source}: {what} is the same article as one read{where}; read once",
                    "duplicate",
                )
            )
            continue
        seen.update(dict.fromkeys(keys, (source, article)))
        out.append(article)
    return out


def _identities(article: ArticleData) -> list[str]:
    local = not is_url(article.path) and "#" not in article.path
    keys = [
        "url:" + canonical_url(article.url)
        if article.url
        else "path:" + (str(Path(article.path).resolve()) if local else article.path)
    ]
    title = normalized_text(article.title or "")
    if title and article.outlet:
        day = article.published.astimezone(dt.UTC).date().isoformat() if article.published else ""
        keys.append(f"title:{normalized_text(article.outlet)}:{title}:{day}")
    return keys
