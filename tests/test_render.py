"""Renderers: the email, its plain text, the MIME message and both feeds."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import feedparser
import pytest

from digest.archive import issue_id
from digest.config import Settings
from digest.model import Digest, Sentence, Source, Story
from digest.publish import render_outputs

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)> \"quoted\" 'single'"


def make_digest(
    headline: str = "Council passes budget", text: str = "The council voted."
) -> Digest:
    sources = (
        Source(
            "Budget passed",
            "https://a.example/1?x=1&y=2",
            "Springfield Times",
            dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
            "a.txt",
        ),
        Source("Vote on budget", None, None, None, "b.md"),
    )
    story = Story(headline, (Sentence(text, (0, 1)), Sentence("Parks get money.", (1,))), sources)
    other = Story("Stadium opens", (Sentence("The stadium opened.", (0,)),), sources[:1])
    return Digest(
        title="Springfield this week",
        date=dt.date(2026, 11, 21),
        stories=(story, other),
        intro="2 stories from 3 articles.",
        article_count=3,
    )


def test_email_has_every_headline_and_no_mjml_left() -> None:
    html = render_outputs(make_digest(), Settings())["email.html"].decode()
    assert "Council passes budget" in html and "Stadium opens" in html
    assert not re.search(r"</?mj-", html)
    assert re.search(r'<html lang="en"', html)
    assert "fonts.googleapis" not in html and "<link" not in html
    assert html.count("<h1") == 1 and html.count("<h2") == 2


def test_email_links_sources_by_name_and_escapes_urls() -> None:
    html = render_outputs(make_digest(), Settings())["email.html"].decode()
    assert 'href="https://a.example/1?x=1&amp;y=2"' in html
    assert "Springfield Times: Budget passed</a>" in html


def test_plain_text_has_every_sentence_and_source_link() -> None:
    text = render_outputs(make_digest(), Settings())["email.txt"].decode()
    for needle in (
        "Council passes budget",
        "The council voted. [1][2]",
        "Parks get money. [2]",
        "Stadium opens",
        "https://a.example/1?x=1&y=2",
        "b.md",
    ):
        assert needle in text
    assert "<" not in text.replace("<https", "")


@pytest.mark.parametrize("field", ["headline", "text"])
def test_untrusted_text_never_becomes_markup(field: str) -> None:
    digest = make_digest(**{field: HOSTILE})
    files = render_outputs(digest, Settings())
    html = files["email.html"].decode()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert HOSTILE in " ".join(files["email.txt"].decode().split())
    for feed in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse(files[feed])
        content = parsed.entries[0].content[0].value
        assert "<script" not in content and "<img" not in content
        assert "&lt;script&gt;" in content


def test_eml_parses_into_text_then_html() -> None:
    raw = render_outputs(make_digest(), Settings())["digest.eml"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert "The council voted." in parts[0].get_content()
    assert "<h2" in parts[1].get_content()
    for header in ("Subject", "From", "To", "Date", "Message-ID"):
        assert msg[header], header
    assert msg["Subject"] == "Digest: Springfield this week (2026-11-21)"
    assert msg["Message-ID"] == "<issue-2026-11-21@digest.invalid>"


def test_a_newline_in_a_title_cannot_add_a_header() -> None:
    digest = make_digest()
    digest = Digest(**{**digest.__dict__, "title": "Hello\nBcc: victim@example.com"})
    raw = render_outputs(digest, Settings())["digest.eml"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Bcc"] is None
    assert "victim" in msg["Subject"]


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feeds_parse_with_one_entry_and_a_stable_id(name: str) -> None:
    settings = Settings(site_url="https://news.example/alita/")
    first = feedparser.parse(render_outputs(make_digest(), settings)[name])
    second = feedparser.parse(render_outputs(make_digest(text="Changed text."), settings)[name])
    assert not first.bozo, first.get("bozo_exception")
    assert len(first.entries) == 1
    entry = first.entries[0]
    assert entry.id == second.entries[0].id == issue_id(make_digest().date, settings)
    assert entry.id == "tag:news.example,2026-11-21:issue/2026-11-21"
    assert entry.published_parsed[:3] == (2026, 11, 21)
    assert entry.link == "https://news.example/alita/issues/2026-11-21.html"
    assert "<table" not in entry.content[0].value
    assert "Council passes budget" in entry.content[0].value
