"""Stable identities (:mod:`digest.keys`): the hashes, keys and ids the archive
stores and feed readers know entries by. They are persisted, so a change to any
of them changes every published id: the recipes and values are pinned here."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from digest.keys import (
    article_keys,
    canonical_url,
    fingerprint,
    get_hash,
    issue_id,
    issue_time,
    normalized_text,
    source_identity,
    story_id,
    story_key,
    url_key,
)
from digest.model import Article, Block, Source, Story


def _article(
    text: str = "The council voted.", *, path: str = "a.md", url: str | None = None
) -> Article:
    return Article(path, "Budget passed", (Block("paragraph", text),), url=url)


def _source(path: str | None = "a.md", url: str | None = None) -> Source:
    return Source("Budget passed", url, None, None, path)


def _sha(version: int, text: str) -> str:
    return hashlib.sha256(bytes([version]) + text.encode("utf-8")).hexdigest()


# -- hashes ---------------------------------------------------------------------


def test_a_hash_is_sha256_of_the_version_byte_and_compact_sorted_json() -> None:
    assert get_hash({"b": "café", "a": [1, 2]}) == _sha(1, '{"a":[1,2],"b":"café"}')
    assert get_hash({"b": "café", "a": [1, 2]}) == (
        "2db3d84d18944ad3d3743fbf30ba1066230a1ff312b894fa9efe14ba168e39cb"
    )
    assert get_hash({}) == _sha(1, "{}")


def test_empty_fields_are_left_out_at_every_depth_and_other_values_kept() -> None:
    assert get_hash({"a": {"b": 1, "c": None, "d": "", "e": (), "f": [], "g": {}}}) == (
        get_hash({"a": {"b": 1}})
    )
    # inside a list, too: a mapping in a list loses its empty fields
    assert get_hash({"a": [{"b": 1, "c": None}]}) == _sha(1, '{"a":[{"b":1}]}')
    # but list items are never dropped, and false values are values
    assert get_hash({"a": [None, ""]}) == _sha(1, '{"a":[null,""]}')
    assert get_hash({"a": 0, "b": False}) == _sha(1, '{"a":0,"b":false}')
    # keys of any type are their text, so mixed keys still sort
    assert get_hash({1: "x", "b": "y"}) == _sha(1, '{"1":"x","b":"y"}')
    assert get_hash(("a", ["b"])) == _sha(1, '["a",["b"]]')


# -- URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example/Story", "https://news.example/Story"),
        ("http://news.example/story", "https://news.example/story"),
        ("ftp://www.news.example/story", "ftp://news.example/story"),
        ("https://www.news.example:443/", "https://news.example/"),
        ("http://news.example:80", "https://news.example/"),
        ("http://news.example:443/a", "https://news.example:443/a"),
        ("https://news.example:80/a", "https://news.example:80/a"),
        ("https://news.example:8443/a/", "https://news.example:8443/a"),
        ("https://news.example/a//", "https://news.example/a"),
        ("https://news.example//", "https://news.example/"),
        ("https://news.example/LUX/", "https://news.example/LUX"),
        ("https://wwwnews.example/a", "https://wwwnews.example/a"),
        ("  https://news.example/a  ", "https://news.example/a"),
        ("https://news.example/a?b=2&a=&c", "https://news.example/a?a=&b=2&c="),
        ("https://news.example/a?b=2&b=1", "https://news.example/a?b=1&b=2"),
        ("https://news.example/a?x=1#frag", "https://news.example/a?x=1"),
        ("https://news.example/a?UTM_Source=n&id=3", "https://news.example/a?id=3"),
        (
            "https://news.example/a?fbclid=1&gclid=2&dclid=3&mc_cid=4&mc_eid=5"
            "&igshid=6&ref_src=7&cmpid=8&utm_medium=9&utm_x=10",
            "https://news.example/a",
        ),
        # only whole names are tracking parameters
        (
            "https://news.example/a?xfbclid=1&fbclid2=2&ref=3",
            "https://news.example/a?fbclid2=2&ref=3&xfbclid=1",
        ),
    ],
)
def test_canonical_url_is_one_spelling(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert url_key(url) == "url:" + canonical


@pytest.mark.parametrize(
    "url", ["http://[::1", "https://news.example:99999/a", "https://n.example:abc/"]
)
def test_a_url_that_does_not_parse_is_kept_as_given_and_has_no_key(url: str) -> None:
    assert canonical_url(f"  {url} ") == url
    assert url_key(url) is None


@pytest.mark.parametrize(
    "url", ["file:///home/a.md", "mailto:ed@news.example", "urn:isbn:123", "a.md"]
)
def test_a_url_without_a_host_gains_none(url: str) -> None:
    assert canonical_url(url) == url


def test_no_url_has_no_key() -> None:
    assert url_key(None) is None
    assert url_key("") is None


# -- articles -------------------------------------------------------------------


def test_normalized_text_is_its_words_compatibility_folded() -> None:
    assert normalized_text("  The  COUNCIL, voted_today!\n\tStraße ﬁne ") == (
        "the council voted today strasse fine"
    )
    assert normalized_text("¡¿ — !") == ""


def test_the_fingerprint_is_the_hash_of_the_paragraphs_words() -> None:
    article = Article(
        "a.md",
        "A headline",
        (Block("heading", "Section"), Block("paragraph", "One."), Block("paragraph", "Two!")),
    )
    assert fingerprint(article) == get_hash({"text": "one two"})
    # headings are not prose: the same paragraphs under other headings are the same text
    assert fingerprint(article) == fingerprint(
        Article("b.md", "Other", (Block("paragraph", "one"), Block("paragraph", "two")))
    )


def test_a_headline_only_article_is_known_by_its_title() -> None:
    headline_only = Article("feed#1", "Council Passes Budget!", ())
    assert fingerprint(headline_only) == get_hash({"text": "council passes budget"})
    assert fingerprint(Article("feed#2", None, ())) == get_hash({"text": ""})


def test_an_article_is_known_by_its_url_then_its_text() -> None:
    article = _article(url="http://www.news.example/a?utm_source=x")
    assert article_keys(article) == (
        "url:https://news.example/a",
        "text:" + fingerprint(article),
    )
    assert article_keys(_article()) == ("text:" + fingerprint(_article()),)


# -- stories and issues -----------------------------------------------------------


def test_a_source_is_known_by_its_article_text_when_the_article_is_given() -> None:
    article = _article(path="a.md", url="https://news.example/a")
    # both the path and the URL must match: another article is not this source
    others = [
        _article("Other text.", path="a.md"),
        _article("Other.", path="b.md", url="https://news.example/a"),
    ]
    source = _source("a.md", "https://news.example/a")
    assert source_identity(source, [*others, article]) == "text:" + fingerprint(article)
    assert source_identity(source, others) == "url:https://news.example/a"
    assert source_identity(source) == "url:https://news.example/a"
    assert source_identity(_source("b.md")) == "path:b.md"
    assert source_identity(_source(None)) == "path:"


def test_a_story_key_is_the_hash_of_its_sources_identities_in_any_order() -> None:
    first, second = _source("a.md"), _source("b.md", "https://news.example/b")
    story = Story("Budget", (), (first, second))
    assert story_key(story) == get_hash({"sources": ["path:a.md", "url:https://news.example/b"]})
    assert story_key(story) == story_key(Story("Other headline", (), (second, first)))
    # with the articles at hand, a source is its article's text
    given = _article(path="a.md")
    assert story_key(story, [given]) == get_hash(
        {"sources": ["text:" + fingerprint(given), "url:https://news.example/b"]}
    )


def test_issue_and_story_ids_are_tag_uris_of_the_date_and_host() -> None:
    day = dt.date(2026, 11, 21)
    assert issue_time(day) == dt.datetime(2026, 11, 21, 0, 0, tzinfo=dt.UTC)
    assert issue_time(day).utcoffset() == dt.timedelta(0)
    assert issue_id(day, "news.example") == "tag:news.example,2026-11-21:issue/2026-11-21"
    key = "0123456789abcdef0123456789"
    assert story_id(day, key, "news.example") == (
        "tag:news.example,2026-11-21:story/0123456789abcdef0123"
    )
