"""Outlet names, bylines and dates: the rules, on made-up names, and properties that
must hold for any input (never a URL as an outlet, never a crash)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.ingest.meta import (
    author_name,
    copyright_holder,
    feed_outlet,
    http_url,
    names_domain,
    outlet_name,
    plausible,
    readable_domain,
    title_suffix,
    url_date,
)
from digest.ingest.values import parse_datetime

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    ("title", "link", "rights", "expected"),
    [
        (
            "QPD > Metro",
            "https://www.qpdaily.example/metro",
            "© 2026 The Quincy Post Daily Inc.",
            "The Quincy Post Daily",
        ),
        ("QPD > Metro", "https://www.qpdaily.example/metro", "", "QPD"),
        ("QTV.example - RSS Channel - World", "https://qtv.example/world", "", "QTV"),
        ("Quincy Radio - Home", "https://www.quincyradio.example/", "", "Quincy Radio"),
        (
            "World | The Quincy Post",
            "https://www.thequincypost.example/world",
            "",
            "The Quincy Post",
        ),
        (
            "Top Stories - Breaking News",
            "https://www.quincypost.example/",
            "",
            "Quincypost.example",
        ),
        ("Quincy Gardening Club", "https://gardens.example/feed", "", "Quincy Gardening Club"),
        ("RSS Feed", "https://qn.example/rss", "", "QN.example"),
        (None, "https://www.qn.co.example/rss", "", "QN.co.example"),
    ],
)
def test_feed_outlets(title: str | None, link: str, rights: str, expected: str) -> None:
    assert feed_outlet(title, link, rights) == expected


def test_the_readable_domain_keeps_its_ending_and_capitalises() -> None:
    assert readable_domain("https://www.nj.example/news/x") == "NJ.example"
    assert readable_domain("https://news.quincypost.co.uk/x") == "Quincypost.co.uk"
    assert readable_domain(None) is None and readable_domain("file:///x.html") is None


def test_names_domain() -> None:
    assert names_domain("The Quincy Post", "thequincypost.example")
    assert names_domain("QPD", "qpdaily.example")
    assert names_domain("Quincy Post Daily", "qpd.example")
    assert not names_domain("World News", "qpdaily.example")


def test_copyright_holder() -> None:
    assert copyright_holder("Copyright (c) 2026 Quincy Media Group, Inc. All Rights Reserved.") == (
        "Quincy Media"
    )
    assert copyright_holder("Quincy News Limited or its affiliates. All rights reserved.") == (
        "Quincy News"
    )
    assert copyright_holder(None) is None


def test_title_suffix_only_when_the_rest_is_the_headline() -> None:
    assert title_suffix("Bridge reopens | Quincy Now", "Bridge reopens") == "Quincy Now"
    assert title_suffix("Bridge reopens - the quay fights back", "Bridge reopens") is None
    assert title_suffix("Bridge reopens", "Bridge reopens") is None


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jo Reporter", "Jo Reporter"),
        ("JO REPORTER; Staff Writer", "Jo Reporter"),
        ("Analysis by Jo Reporter; Quincy Post Editor-at-large", "Jo Reporter"),
        ("Jo Reporter is a reporter for the Post", "Jo Reporter"),
        ("desk@quincypost.example (Jo Reporter)", "Jo Reporter"),
        ("Jo Reporter, Al Hunt", "Jo Reporter, Al Hunt"),
        ("admin", None),
        ("https://quincypost.example/staff/jo", None),
        ("", None),
    ],
)
def test_author_names(byline: str, expected: str | None) -> None:
    assert author_name(byline) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0001-01-01T00:00:00Z", False),
        ("1989-12-31", False),
        ("1990-01-01", True),
        ("2026-11-22T23:00:00Z", True),  # a day ahead: time zones
        ("2026-11-23T01:00:00Z", False),
    ],
)
def test_plausible_dates(value: str, ok: bool) -> None:
    assert plausible(parse_datetime(value), TODAY) is ok


def test_a_written_out_year_one_is_no_date() -> None:
    assert parse_datetime("Mon, 01 Jan 0001 00:00:00 GMT") is None
    assert parse_datetime("Fri, 20 Nov 26 09:00:00 GMT") is not None  # two-digit years stay


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://q.example/2026/11/18/bridge.html", dt.date(2026, 11, 18)),
        ("https://q.example/world/2026/nov/18/bridge", dt.date(2026, 11, 18)),
        ("https://q.example/news/bridge-2026-11-18.html", dt.date(2026, 11, 18)),
        ("https://q.example/a/20261118/bridge", dt.date(2026, 11, 18)),
        ("https://q.example/2026/13/40/bridge", None),
        ("https://q.example/item/12345678", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, expected: dt.date | None) -> None:
    found = url_date(url)
    assert (found.date() if found else None) == expected


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(
    st.lists(st.one_of(st.none(), names), max_size=4),
    st.sampled_from(
        [None, "https://www.quincypost.example/x", "https://a.b.c.example/", "http://[::1]/x"]
    ),
)
def test_an_outlet_is_never_a_url_and_never_crashes(
    candidates: list[str | None], url: str | None
) -> None:
    outlet = outlet_name(candidates, url)
    assert outlet is None or not outlet.lower().startswith(("http:", "https:", "www."))


@given(st.text(max_size=120))
def test_url_dates_and_bylines_never_crash(text: str) -> None:
    url_date(f"https://q.example/{text}")
    author_name(text)
    parse_datetime(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("http://news.example:8080/a", "http://news.example:8080/a"),
        ("ftp://news.example/a", None),
        ("file://news.example/etc/passwd", None),
        ("javascript://news.example/%0Aalert(1)", None),
        ("https://news.example:99999/a", None),
        ("https:///a", None),
        (None, None),
    ],
)
def test_only_an_http_url_with_a_host_is_a_canonical_url(
    value: str | None, expected: str | None
) -> None:
    assert http_url(value) == expected
