"""RSS/Atom feeds and OPML lists, as files and URLs; ``fetch_full`` for teasers."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.build import read_sources
from digest.errors import IngestError, NothingUsableError
from digest.ingest import PROGRESS_MIN, IngestOptions, ingest
from digest.ingest.feeds import parse_feed
from digest.ingest.fetch import Fetcher, FetchLimits
from digest.ingest.opml import Subscription, looks_like_opml, opml_document, parse_opml

from .webserver import PARAGRAPHS, Site, add_hostile_routes, article_html, rss, serve

FAST = Fetcher(limits=FetchLimits(connect_timeout=0.5, total_timeout=1.0, max_bytes=200_000))
FULL_TEXT = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Shelbyville Post</title>
<id>urn:x</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title>Bridge &amp; tunnel reopen</title><id>urn:1</id>
<link rel="alternate" href="/bridge"/><published>2026-11-19T18:15:00-05:00</published>
<updated>2026-11-20T10:00:00Z</updated><author><name>Bo Reporter</name></author>
<content type="html">{content}</content></entry></feed>"""


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    add_hostile_routes(site)
    for n in range(6):
        page = article_html(f"Full story {n}", canonical=f"https://news.example/{n}")
        site.static(f"/a/{n}", page, "text/html; charset=utf-8")
    teasers = [
        (f"Story {n}", f"/a/{n}", f"Fri, 2{n} Nov 2026 0{n}:00:00 +0000", "A short teaser...")
        for n in range(6)
    ]
    site.static("/teasers.xml", rss(teasers), "application/rss+xml")
    site.static(
        "/atom.xml",
        ATOM.format(content=FULL_TEXT.replace("<", "&lt;").replace(">", "&gt;")),
        "application/atom+xml",
    )
    site.static(
        "/list.opml",
        opml_document(
            [Subscription("/atom.xml", "Post"), Subscription(site.url("/broken.xml"), "Bad")]
        ),
        "text/x-opml",
    )
    with serve(site):
        yield site


def test_an_atom_feed_entry_becomes_an_article_with_its_metadata(site: Site) -> None:
    result = ingest([site.url("/atom.xml")], IngestOptions(fetcher=FAST))
    (article,) = result.articles
    assert article.title == "Bridge & tunnel reopen"
    assert article.url == site.url("/bridge")  # relative link resolved against the feed
    assert article.outlet == "Shelbyville Post"
    assert article.author == "Bo Reporter"
    assert article.published == dt.datetime(2026, 11, 19, 23, 15, tzinfo=dt.UTC)
    assert article.published.utcoffset() == dt.timedelta(hours=-5)
    assert article.text.splitlines()[0] == PARAGRAPHS[0]
    assert "<" not in article.text


def test_a_local_rss_file_is_read_without_the_network(tmp_path: Path) -> None:
    items = [("Budget passes", "https://news.example/b", "Fri, 20 Nov 2026 09:00:00 GMT", "x")]
    (tmp_path / "feed.rss").write_text(rss(items), encoding="utf-8")
    (article,) = ingest(
        [tmp_path / "feed.rss"], IngestOptions(fetcher=Fetcher(limits=FetchLimits(workers=0)))
    ).articles
    assert article.path == "https://news.example/b" and article.outlet == "Springfield Times"
    assert article.published == dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


def test_teasers_stay_teasers_without_fetch_full(site: Site) -> None:
    result = ingest([site.url("/teasers.xml")], IngestOptions(fetcher=FAST))
    assert [a.text for a in result.articles] == ["A short teaser..."] * 6
    assert site.hits["/a/0"] == 0


def test_fetch_full_replaces_teasers_by_the_linked_pages_with_a_progress_bar(site: Site) -> None:
    bars: list[tuple[int, str, int]] = []

    @contextmanager
    def progress(total: int, label: str) -> Iterator[object]:
        done: list[int] = []
        yield done.append
        bars.append((total, label, sum(done)))

    result = ingest(
        [site.url("/teasers.xml")], IngestOptions(fetcher=FAST, fetch_full=True, progress=progress)
    )  # type: ignore[arg-type]
    assert len(result.articles) == 6 and result.problems == ()
    first = result.articles[0]
    assert first.title == "Story 0"  # the feed's metadata is kept
    assert first.url == "https://news.example/0"  # the page's canonical URL
    assert PARAGRAPHS[1] in first.text
    assert bars == [(6, "Fetching pages", 6)] and PROGRESS_MIN < 6


def test_an_opml_list_reads_its_feeds_and_reports_the_bad_one(site: Site) -> None:
    result = ingest([site.url("/list.opml")], IngestOptions(fetcher=FAST))
    assert [a.outlet for a in result.articles] == ["Shelbyville Post"]
    (problem,) = result.problems
    assert str(problem).startswith(site.url("/broken.xml"))
    assert "not a valid feed" in str(problem)


def test_broken_xml_is_a_clear_problem(site: Site) -> None:
    with pytest.raises(NothingUsableError, match=r"not a valid feed \(XML error at line \d+"):
        read_sources([site.url("/broken.xml")], IngestOptions(fetcher=FAST))


def test_a_feed_with_no_entries_is_a_problem() -> None:
    with pytest.raises(IngestError, match="feed has no entries"):
        parse_feed(rss([]).encode(), source="empty.rss")


def test_a_local_opml_file_may_list_local_feeds(tmp_path: Path) -> None:
    items = [("Budget passes", "https://news.example/b", "Fri, 20 Nov 2026 09:00:00 GMT", "x")]
    (tmp_path / "feed.rss").write_text(rss(items), encoding="utf-8")
    (tmp_path / "subs.opml").write_text(opml_document([Subscription("feed.rss", "Local")]))
    (article,) = ingest([tmp_path / "subs.opml"]).articles
    assert article.title == "Budget passes"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<opml><body><outline text='folder'/></body></opml>", "lists no feeds"),
        (b"<opml><body><outline", "not valid OPML"),
        (b"<html/>", "not an OPML document"),
        (b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml>&x;</opml>', "OPML"),
    ],
)
def test_bad_opml_is_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse_opml(body, source="subs.opml")


_xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s)


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9/]{0,12}", fullmatch=True),
            _xml_text,
        ),
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_opml_round_trips(pairs: list[tuple[str, str]]) -> None:
    subs = [Subscription(url, title) for url, title in pairs]
    if not subs:
        return
    assert parse_opml(opml_document(subs).encode(), source="x") == subs


def test_build_from_urls_warns_about_the_bad_one_and_goes_on(site: Site, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from digest.cli import app

    args = ["build", site.url("/atom.xml"), site.url("/loop-a"), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--date", "2026-11-21"])
    assert result.exit_code == 0, result.stderr
    assert "redirect loop" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.startswith("Read 2 articles: skipped 1 (fetch failed); made 1 story")


def test_build_with_only_failing_urls_is_an_error(site: Site, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from digest.cli import app

    args = ["build", site.url("/broken.xml"), site.url("/missing"), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3
    assert "no usable article" in result.stderr


# -- the guards, each with a test that fails without it (issue 11, item 4) --------------


def reads_external_entity(parse: Any, tmp_path: Path, template: str) -> bool:
    """Whether ``parse(body)`` opens the file an external entity names.

    The entity names a FIFO: opening it for reading blocks until a writer comes,
    so while the parser runs, a writer that opens it without blocking tells that
    the parser is reading it. A parser that resolves no entity never opens it.
    """
    fifo = tmp_path / "entity.fifo"
    os.mkfifo(fifo)
    body = template.format(fifo=fifo).encode()
    done = threading.Event()

    def run() -> None:
        try:
            parse(body)
        except IngestError:
            pass
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not done.is_set() and time.monotonic() < deadline:
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader has it open
            time.sleep(0.01)
            continue
        os.write(writer, b"SECRET")
        os.close(writer)
        thread.join(5)
        return True
    thread.join(5)
    return not done.is_set()


OPML_XXE = (
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{fifo}">]>'
    '<opml version="2.0"><head><title>&x;</title></head><body>'
    '<outline text="Feed" xmlUrl="https://news.example/feed.xml"/></body></opml>'
)
FEED_XXE = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{fifo}">]>'
    '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>'
    "<link>https://news.example/</link><item><title>A</title><link>https://news.example/a</link>"
    "<description>&x; text</description><media:description>&x;</media:description></item>"
    "</channel></rss>"
)


def test_an_opml_list_never_reads_an_external_entity(tmp_path: Path) -> None:
    assert not reads_external_entity(lambda b: parse_opml(b, source="s.opml"), tmp_path, OPML_XXE)
    # and the list itself is still read
    subs = parse_opml(OPML_XXE.format(fifo=tmp_path / "none").encode(), source="s.opml")
    assert subs == [Subscription("https://news.example/feed.xml", "Feed")]


def test_a_feed_never_reads_an_external_entity(tmp_path: Path) -> None:
    assert not reads_external_entity(lambda b: parse_feed(b, source="f.rss"), tmp_path, FEED_XXE)


def test_opml_reads_every_kind_of_subscription_once() -> None:
    body = (
        b'<?xml version="1.0"?><opml version="1.0"><head><title>S</title></head><body>'
        b'<outline text="Folder"><outline title="Lower" xmlurl=" https://a.example/f.xml "/>'
        b'<outline type="LINK" text="A page" url="https://b.example/page"/>'
        b'<outline type="rss" text="Not a link" url="https://c.example/ignored"/>'
        b'<outline text="Again" xmlUrl="https://a.example/f.xml"/></outline>'
        b"<!-- a comment --></body></opml>"
    )
    assert parse_opml(body, source="s.opml") == [
        Subscription("https://a.example/f.xml", "Lower"),
        Subscription("https://b.example/page", "A page"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<opml><body><outline text='folder'/></body></opml>", "s.opml: OPML file lists no feeds"),
        (
            b"<opml>\n<body><outline",
            "s.opml: not valid OPML (XML error at line 2: Couldn't find end of Start Tag outline",
        ),
        (b"<html/>", "s.opml: not an OPML document (no <opml> element)"),
    ],
)
def test_bad_opml_names_the_file_the_line_and_the_fix(body: bytes, message: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_opml(body, source="s.opml")
    assert str(caught.value).startswith(message)
    if b"outline" in body and b"folder" not in body:
        assert str(caught.value).endswith(
            "export the subscription list again from your feed reader"
        )


def test_opml_is_known_by_its_first_kilobyte() -> None:
    assert looks_like_opml(b" " * 1019 + b"<OPML>")
    assert not looks_like_opml(b" " * 1020 + b"<opml>")


def test_an_outline_without_a_title_or_url_adds_nothing_made_up() -> None:
    body = (
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example/f.xml"/>'
        b'<outline type="link" text="No url"/></body></opml>'
    )
    assert parse_opml(body, source="s.opml") == [Subscription("https://a.example/f.xml", None)]


def test_opml_nested_deeper_than_any_reader_writes_is_refused() -> None:
    body = (
        b'<opml version="2.0"><body>'
        + b'<outline text="f">' * 300
        + b'<outline xmlUrl="https://a.example/f.xml"/>'
        + b"</outline>" * 300
        + b"</body></opml>"
    )
    with pytest.raises(IngestError, match="not valid OPML"):
        parse_opml(body, source="s.opml")


def test_an_opml_document_is_written_exactly() -> None:
    subs = [Subscription("https://a.example/f.xml?a=1&b=2", 'Ann & "Bo" <x>'), Subscription("u")]
    assert opml_document(subs, title="News & <views>") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0">\n'
        "  <head><title>News &amp; &lt;views&gt;</title></head>\n"
        "  <body>\n"
        """    <outline type="rss" text='Ann &amp; "Bo" &lt;x&gt;' """
        """title='Ann &amp; "Bo" &lt;x&gt;' xmlUrl="https://a.example/f.xml?a=1&amp;b=2"/>\n"""
        '    <outline type="rss" xmlUrl="u"/>\n'
        "  </body>\n"
        "</opml>\n"
    )


def test_only_outlines_are_subscriptions() -> None:
    body = (
        b'<opml version="2.0"><head xmlUrl="https://head.example/f.xml"><title>S</title></head>'
        b'<body><link xmlUrl="https://not.example/f.xml"/>'
        b'<outline text="Feed" xmlUrl="https://a.example/f.xml"/></body></opml>'
    )
    assert parse_opml(body, source="s.opml") == [Subscription("https://a.example/f.xml", "Feed")]
