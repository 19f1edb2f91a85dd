"""Ingest: find the articles named on the command line (or in ``digest.toml``) and read them.

A source is a file, a folder (read recursively, in sorted order) or an http(s)
URL. Readers are registered by file suffix (as pelican registers its readers by
``file_extensions``); a fetched URL is recognised by what it holds (feed, OPML
list, or web page). Everything becomes :class:`~digest.model.ArticleData`; a
source that cannot be read becomes a :class:`Problem` and the batch goes on.

The network is touched only for URLs the user gave (and, with ``fetch_full``,
for the pages that teaser-only feed entries link to). URLs are fetched in
parallel, within :class:`~digest.ingest.fetch.FetchLimits`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

from digest.errors import IngestError, NothingUsableError
from digest.ingest.feeds import looks_like_feed, parse_feed
from digest.ingest.fetch import Fetcher, FetchError, Response, fetch_many, is_url
from digest.ingest.files import read_markdown, read_text
from digest.ingest.html import read_page
from digest.ingest.opml import looks_like_opml, parse_opml
from digest.model import ArticleData

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


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why (one line)."""

    path: str
    message: str

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[ArticleData, ...]
    problems: tuple[Problem, ...]


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
                Problem(str(source), f"{source}: no such file or folder; check the path")
            )
        elif source.is_dir():
            files = sorted(
                (p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES),
                key=lambda p: p.relative_to(source).as_posix(),
            )
            if not files:
                problems.append(
                    Problem(str(source), f"{source}: folder has no article files ({suffixes})")
                )
            found.extend(files)
        elif source.suffix.lower() not in SUFFIXES:
            problems.append(
                Problem(
                    str(source),
                    f"{source}: unsupported file type {source.suffix or '(none)'!r}; "
                    f"give a file ending in one of {suffixes}",
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
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(
            "looks like a binary file, not an article",
            path=str(path),
            fix="give a UTF-8 .txt or .md file",
        )
    if not raw.strip():
        raise IngestError("is empty", path=str(path), fix="remove it or add the article's text")
    return raw


def read_file(path: Path) -> ArticleData:
    """Read one text article (``.txt``, ``.md``) with the reader registered for its suffix."""
    reader = READERS[path.suffix.lower()]
    raw = read_bytes(path)
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
    children: tuple[_Document, ...] = ()


@dataclass(frozen=True)
class IngestOptions:
    """How URLs are fetched; the defaults touch the network only for URLs given."""

    #: The fetcher (limits, cache); None: a default one without a cache file.
    fetcher: Fetcher | None = None
    #: Fetch the linked page for feed entries that carry only a teaser.
    fetch_full: bool = False
    #: Progress bar factory, used when more than :data:`PROGRESS_MIN` URLs are fetched.
    progress: ProgressFactory | None = None


def ingest(sources: Sequence[Path | str], options: IngestOptions | None = None) -> IngestResult:
    """Read every article under ``sources``; skip (and report) the bad ones.

    ``sources`` are paths or http(s) URLs. A fetched body is read as a feed,
    an OPML list (whose feeds are then read) or a web page. With
    ``fetch_full``, feed entries that carry only a teaser are replaced by the
    page they link to (keeping the feed's metadata where the page has none).

    Raises :class:`NothingUsableError` when no article could be read at all.
    """
    options = options or IngestOptions()
    fetcher = options.fetcher or Fetcher()
    fetch_full = options.fetch_full
    progress = options.progress
    problems: list[Problem] = []
    top = _expand(sources, problems)
    _read_round(top, fetcher, problems, progress)
    # OPML lists add feeds; those are read in a second round (one level only)
    children = [child for doc in top for child in doc.children]
    _read_round(children, fetcher, problems, progress, nested=True)
    if fetch_full:
        _fetch_full(top, fetcher, problems, progress)
    fetcher.cache.save()
    articles = _unique(a for doc in top for a in _flatten(doc))
    if not articles:
        detail = f" ({problems[0]})" if len(problems) == 1 else ""
        raise NothingUsableError(
            f"no usable article in {', '.join(str(s) for s in sources)}{detail}",
            fix="give .txt, .md or .html files, feeds, or article URLs",
        )
    return IngestResult(tuple(articles), tuple(problems))


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
) -> None:
    remote = [doc for doc in docs if doc.url]
    responses = _fetch_all(fetcher, [doc.url for doc in remote if doc.url], progress, "Fetching")
    for doc, response in zip(remote, responses, strict=True):
        if isinstance(response, FetchError):
            problems.append(Problem(doc.source, str(response)))
            doc.url = None  # nothing to read
        else:
            doc.response = response
    for doc in docs:
        if doc.path is None and doc.response is None:
            continue
        try:
            _read_document(doc, nested)
        except IngestError as exc:
            problems.append(Problem(doc.source, str(exc)))


def _read_document(doc: _Document, nested: bool) -> None:
    if doc.path is not None:
        suffix = doc.path.suffix.lower()
        if suffix in READERS:
            doc.articles = (read_file(doc.path),)
            return
        body = read_bytes(doc.path)
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
        doc.articles = (read_page(body, source=doc.source, url=base, charset=charset),)
    elif kind == "feed":
        feed = parse_feed(body, source=doc.source, base_url=base, charset=charset)
        doc.articles = tuple(entry.article for entry in feed.entries)
        doc.teasers = tuple(i for i, entry in enumerate(feed.entries) if entry.teaser)
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
) -> None:
    """Replace teaser entries by the page they link to."""
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
            problems.append(Problem(url, f"{response}; kept the feed's summary"))
            continue
        try:
            page = read_page(
                response.body, source=url, url=response.final_url, charset=response.charset
            )
        except IngestError as exc:
            problems.append(Problem(url, f"{exc}; kept the feed's summary"))
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


def _flatten(doc: _Document) -> Iterator[ArticleData]:
    for sub in _walk([doc]):
        yield from sub.articles


def _unique(articles: Iterable[ArticleData]) -> list[ArticleData]:
    """Drop repeats: the same file twice, or the same URL from two feeds (first kept)."""
    seen: set[str] = set()
    out = []
    for article in articles:
        local = not is_url(article.path) and "#" not in article.path
        key = article.url or (str(Path(article.path).resolve()) if local else article.path)
        if key not in seen:
            seen.add(key)
            out.append(article)
    return out
