"""Fetching: many URLs at once (with a progress bar past a few), and the full
page behind each teaser-only feed entry (``--fetch-full``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from digest.errors import IngestError
from digest.ingest.documents import Document, walk
from digest.ingest.fetch import Fetcher, FetchError, Response, fetch_many
from digest.ingest.html import read_page
from digest.ingest.results import PROGRESS_MIN, Problem, ProgressFactory


def fetch_pages(
    docs: list[Document],
    fetcher: Fetcher,
    problems: list[Problem],
    progress: ProgressFactory | None,
    today: dt.date | None = None,
) -> None:
    """Replace teaser entries (and headline-only ones) by the page they link to."""
    wanted: list[tuple[Document, int, str]] = []
    for doc in walk(docs):
        for index in doc.teasers:
            url = doc.articles[index].url
            if url:
                wanted.append((doc, index, url))
    responses = fetch_all(fetcher, [url for _, _, url in wanted], progress, "Fetching pages")
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


def fetch_all(
    fetcher: Fetcher, urls: list[str], progress: ProgressFactory | None, label: str
) -> list[Response | FetchError]:
    if not urls:
        return []
    if progress is None or len(urls) <= PROGRESS_MIN:
        return fetch_many(fetcher, urls)
    with progress(len(urls), label) as advance:
        return fetch_many(fetcher, urls, advance)
