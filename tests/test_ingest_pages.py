"""Web pages as an editor reads them: no article lost to a too-strict extractor,
no placeholder date, the publisher's own name as the outlet, a byline as the author.

The pages are made up for the test, modelled on what real pages do (a CMS's
"0001-01-01" in JSON-LD, ``og:site_name`` holding a URL or a slug, an article
inside a block that trafilatura's precision mode throws away).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import trafilatura

from digest.clean import clean
from digest.errors import IngestError
from digest.ingest.html import is_article, merge_extractions, page_published, read_page

TODAY = dt.date(2026, 11, 21)
STORY = (
    "The harbour bridge will be rebuilt from next spring, the council decided on Tuesday night.",
    "Engineers found cracks in two of its piers last year, and lorries have been banned since.",
    "The work will cost forty million and take three years, with one lane kept open throughout.",
    "Ferry crossings will double while the bridge is closed at night, the transport office said.",
    "Shop owners on the quay welcomed the decision but asked for help with the lost trade.",
)


def page(
    body: str,
    *,
    head: str = "",
    title: str = "Harbour bridge to be rebuilt",
    url: str | None = "https://www.harbourtimes.example/2026/11/18/bridge.html",
) -> str:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{canonical}"
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
        f"{body}<footer>Contact us</footer></body></html>"
    )


def article(paragraphs: tuple[str, ...] = STORY) -> str:
    return (
        "<article><h1>Harbour bridge to be rebuilt</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article>"
    )


def json_ld(**data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_page_precision_mode_empties_is_still_read() -> None:
    # a block whose class trafilatura's precision mode discards as page chrome
    html = page(
        "<section class='bottom-bar'>" + "".join(f"<p>{p}</p>" for p in STORY) + "</section>"
    )
    # what the old reader relied on: precision alone finds only the menu
    assert not is_article(trafilatura.extract(html, favor_precision=True) or "")
    data = read_page(html, source="bridge.html", today=TODAY)
    assert all(p in data.text for p in STORY)
    assert clean(data).paragraphs == STORY


def test_a_page_without_prose_is_still_rejected() -> None:
    links = "".join(f"<li><a href='/s/{i}'>Section number {i}</a></li>" for i in range(40))
    with pytest.raises(IngestError, match="no article found"):
        read_page(page(f"<ul>{links}</ul>"), source="index.html")


def test_a_japanese_article_is_not_taken_for_an_empty_page() -> None:
    sentences = (
        "港の橋は来年の春から建て替えられることが火曜日の夜の議会で決まりました。",
        "技術者は昨年、二本の橋脚にひびを見つけ、それ以来大型車は通行できません。",
        "工事には三年かかり、その間も一車線は開いたままにする予定だと市は説明しました。",
        "橋が夜間に閉鎖される間、フェリーの便は倍に増やされると交通局は話しています。",
    )
    data = read_page(page(article(sentences)), source="hashi.html", today=TODAY)
    assert clean(data).paragraphs == sentences


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (json_ld(datePublished="0001-01-01T00:00:00Z"), dt.date(2026, 11, 18)),
        (
            json_ld(datePublished="0001-01-01T00:00:00Z")
            + '<meta property="article:published_time" content="2026-11-17T08:00:00Z">',
            dt.date(2026, 11, 17),
        ),
        (json_ld(datePublished="2031-05-01T00:00:00Z"), dt.date(2026, 11, 18)),
        (json_ld(datePublished="1970-01-01T00:00:00Z"), dt.date(2026, 11, 18)),
    ],
    ids=["year 1 -> URL date", "year 1 -> meta date", "future -> URL date", "epoch -> URL"],
)
def test_an_implausible_page_date_gives_way_to_the_next_best(head: str, expected: dt.date) -> None:
    data = read_page(page(article(), head=head), source="bridge.html", today=TODAY)
    assert data.published is not None and data.published.date() == expected


def test_page_published_passes_over_a_placeholder() -> None:
    head = json_ld(datePublished="0001-01-01T00:00:00Z") + "<time datetime='2026-11-16'>"
    html = f"<html><head>{head}</head><body><p>x</p></body></html>"
    published = page_published(html, TODAY)
    assert published is not None and published.date() == dt.date(2026, 11, 16)


@pytest.mark.parametrize(
    ("head", "title", "expected"),
    [
        ('<meta property="og:site_name" content="Harbour Times">', "x", "Harbour Times"),
        (
            '<meta property="og:site_name" content="https://www.harbourtimes.example">'
            + json_ld(**{"@type": "NewsArticle", "publisher": {"name": "The Harbour Times"}}),
            "x",
            "The Harbour Times",
        ),
        (
            '<meta property="og:site_name" content="https://www.harbourtimes.example">',
            "Harbour bridge to be rebuilt | Harbour Times Now",
            "Harbour Times Now",
        ),
        ('<meta property="og:site_name" content="harbourtimes">', "x", "Harbourtimes.example"),
        (
            '<meta property="og:site_name" content="Harbour Times | News, Sport and Weather">',
            "x",
            "Harbour Times",
        ),
        ('<meta property="og:site_name" content="Copyright 2026">', "x", "Harbourtimes.example"),
        ("", "Harbour bridge to be rebuilt - the quay fights back", "Harbourtimes.example"),
    ],
    ids=[
        "og:site_name",
        "URL -> JSON-LD",
        "URL -> title suffix",
        "slug",
        "tagline",
        "copyright",
        "no name",
    ],
)
def test_the_outlet_is_the_site_name_never_a_url(head: str, title: str, expected: str) -> None:
    data = read_page(page(article(), head=head, title=title), source="bridge.html", today=TODAY)
    assert data.outlet == expected


def test_a_short_domain_reads_as_a_name() -> None:
    html = page(article(), url="https://www.hb.example/2026/11/18/bridge.html")
    assert read_page(html, source="bridge.html").outlet == "HB.example"


def test_the_author_is_the_byline_without_job_titles_or_the_site() -> None:
    head = (
        json_ld(
            **{
                "@type": "NewsArticle",
                "author": [{"@type": "Person", "name": "JO REPORTER"}, {"name": "Staff Writer"}],
                "publisher": {"name": "Harbour Times"},
            }
        )
        + '<meta name="author" content="Harbour Times">'
    )
    data = read_page(page(article(), head=head), source="bridge.html")
    assert data.author == "Jo Reporter"
    site_only = (
        '<meta property="og:site_name" content="Harbour Times">'
        '<meta name="author" content="Harbour Times">'
    )
    assert read_page(page(article(), head=site_only), source="b.html").author is None


def test_merge_keeps_the_default_wording_where_precision_places_the_article() -> None:
    precise = "\n".join(
        [
            "The council said that for the bridge.",  # precision lost a link's text
            STORY[1],
            STORY[3],
        ]
    )
    full = "\n".join(
        [
            "Harbour bridge to be rebuilt",
            "The council said that the money is there for the bridge.",
            STORY[1],
            STORY[2],  # a paragraph precision pruned, inside the article
            "- Related: ferry timetable",
            STORY[3],
            "Sign up for our newsletter and never miss a story from the quay again.",
        ]
    )
    merged = merge_extractions(precise, full).splitlines()
    assert merged == [
        "The council said that the money is there for the bridge.",
        STORY[1],
        STORY[2],
        STORY[3],
    ]


def test_is_article_wants_prose_not_a_menu() -> None:
    assert is_article("\n".join(STORY))
    assert not is_article("\n".join(f"Section {i} news and more" for i in range(60)))


def test_digest_json_carries_the_author() -> None:
    from digest.build import make_digest
    from digest.model import digest_to_dict

    head = '<meta name="author" content="By Jo Reporter">'
    cleaned = clean(read_page(page(article(), head=head), source="bridge.html"))
    data = digest_to_dict(make_digest([cleaned], date=TODAY).digest)
    assert [s["author"] for st in data["stories"] for s in st["sources"]] == ["Jo Reporter"]


def test_hostile_metadata_never_sinks_the_page() -> None:
    nested = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    head = nested + '<link rel="canonical" href="http://[::1/x">'
    data = read_page(page(article(), head=head, url=None), source="bridge.html", today=TODAY)
    assert data.url is None and data.text
