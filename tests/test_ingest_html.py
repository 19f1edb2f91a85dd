"""Web pages, as files and as URLs: main text, metadata, charsets, non-articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.build import read_sources
from digest.clean import clean
from digest.errors import IngestError, NothingUsableError
from digest.ingest import IngestOptions, ingest
from digest.ingest.fetch import Fetcher, FetchLimits
from digest.ingest.html import html_to_text, page_published, read_page

from .webserver import PARAGRAPHS, Site, add_hostile_routes, article_html, serve

FAST = Fetcher(limits=FetchLimits(connect_timeout=0.5, total_timeout=1.0, max_bytes=200_000))


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    add_hostile_routes(site)
    site.static("/budget", article_html(), "text/html; charset=utf-8")
    latin = article_html("Café owners welcome the budget", charset_meta=None).encode("latin-1")
    site.static("/wrong-charset", latin, "text/html; charset=utf-8")
    site.static("/no-charset", latin, "text/html")
    site.static("/no-canonical", article_html(canonical=None), "text/html")
    with serve(site):
        yield site


def test_a_page_is_reduced_to_its_article_with_metadata() -> None:
    data = read_page(article_html().encode(), source="budget.html")
    assert data.title == "Council passes the budget"
    assert data.url == "https://news.example/budget"
    assert data.outlet == "Springfield Times"
    assert data.author == "Ann Writer"
    assert data.published == dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
    assert data.published.utcoffset() == dt.timedelta(hours=1)
    lines = data.text.splitlines()
    assert PARAGRAPHS[0] in lines and "What happens next" in lines
    for junk in ("<", "tracking", "Home", "Copyright", "Council passes the budget"):
        assert junk not in data.text


def test_page_text_reaches_clean_as_headings_and_paragraphs() -> None:
    article = clean(read_page(article_html().encode(), source="budget.html"))
    kinds = {(b.kind, b.text) for b in article.blocks}
    assert ("heading", "What happens next") in kinds
    assert article.paragraphs[0].startswith("The city council approved")


def test_a_local_html_file_is_ingested(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(article_html(), encoding="utf-8")
    result = ingest([tmp_path])
    assert [a.title for a in result.articles] == ["Council passes the budget"]


def test_a_page_url_is_fetched_and_read(site: Site) -> None:
    result = ingest([site.url("/budget")], IngestOptions(fetcher=FAST))
    (article,) = result.articles
    assert article.path == site.url("/budget")
    assert article.url == "https://news.example/budget"  # the canonical URL, not the fetched one


def test_without_a_canonical_link_the_fetched_url_is_kept(site: Site) -> None:
    (article,) = ingest([site.url("/no-canonical")], IngestOptions(fetcher=FAST)).articles
    assert article.url == site.url("/no-canonical")


@pytest.mark.parametrize("path", ["/wrong-charset", "/no-charset"])
def test_wrong_or_missing_charsets_still_decode(site: Site, path: str) -> None:
    (article,) = ingest([site.url(path)], IngestOptions(fetcher=FAST)).articles
    assert article.title == "Café owners welcome the budget"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/index.html", "no article found on the page"),
        ("/endless", "byte limit"),
        ("/slow", "timed out"),
        ("/loop-a", "redirect loop"),
        ("/image.png", "is image/png, not a web page or feed"),
        ("/empty", "empty body"),
    ],
)
def test_a_hostile_url_is_a_one_line_warning_and_the_build_goes_on(
    site: Site, tmp_path: Path, path: str, message: str
) -> None:
    good = tmp_path / "good.html"
    good.write_text(article_html(), encoding="utf-8")
    result = ingest([site.url(path), good], IngestOptions(fetcher=FAST))
    assert len(result.articles) == 1
    (problem,) = result.problems
    assert message in str(problem) and str(problem).startswith(site.url(path))
    assert "\n" not in str(problem)


def test_all_sources_failing_is_an_error(site: Site) -> None:
    with pytest.raises(NothingUsableError, match="no usable article"):
        read_sources([site.url("/index.html"), site.url("/loop-a")], IngestOptions(fetcher=FAST))


def test_a_non_http_url_is_refused_without_touching_anything(tmp_path: Path) -> None:
    with pytest.raises(NothingUsableError, match="scheme 'ftp' is not fetched"):
        read_sources(["ftp://example.com/a.html"])


def test_an_empty_page_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<html><body><p>Hi</p></body></html>")
    with pytest.raises(NothingUsableError, match="no article found"):
        read_sources([tmp_path / "a.html"])


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta itemprop="datePublished" content="2026-01-02T03:04:05Z">', "2026-01-02T03:04:05"),
        (
            '<script type="application/ld+json">{"@graph": [{"datePublished": '
            '"2026-03-04T10:00:00-05:00"}]}</script>',
            "2026-03-04T15:00:00",
        ),
        ('<meta name="date" content="Tue, 10 Nov 2026 08:00:00 GMT">', "2026-11-10T08:00:00"),
    ],
)
def test_published_dates_are_tz_aware_from_any_markup(head: str, expected: str) -> None:
    published = page_published(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert published is not None and published.tzinfo is not None
    assert published.astimezone(dt.UTC).replace(tzinfo=None).isoformat() == expected


def test_html_to_text_strips_markup_and_keeps_blocks() -> None:
    html = (
        "<h2>Heading</h2><p>One <b>bold</b> &amp; <a href='x'>linked</a>.<br>Two.</p>"
        "<script>alert(1)</script><style>p{}</style><!-- note --><ul><li>A</li><li>B</li></ul>"
    )
    assert html_to_text(html) == "Heading\nOne bold & linked.\nTwo.\n• A\n• B"


@given(st.text(max_size=200))
def test_html_to_text_never_leaves_a_tag(text: str) -> None:
    out = html_to_text(f"<p>{text}</p><script>{text}</script>")
    assert "<script" not in out.lower() and "<p>" not in out


def test_extraction_never_raises_anything_but_ingest_error() -> None:
    for body in (b"\x00\x01garbage", b"<html", b"<?xml version='1.0'?><a/>", b"   "):
        with pytest.raises(IngestError):
            read_page(body, source="x.html")
