"""The email edition against what mail clients do to HTML, checked with the standard library.

The shared checkers (Nu Html Checker, caniemail, a browser) are not available
in CI, so the rules they enforce by hand are encoded here: structure, size,
no remote or embedded images, readable with ``<style>`` removed, colours that
survive inversion, untrusted text kept as text, and the MIME headers.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import feedparser
import pytest

from digest.config import Settings
from digest.errors import ConfigError
from digest.mail import build_message
from digest.model import Digest, Sentence, Source, Story
from digest.publish import render_outputs
from digest.records import make_record
from digest.render.email import DARK_PALETTE, PALETTE, render_html, render_text
from digest.render.feeds import issue_items, render_atom, render_rss, story_items

from .emailkit import (
    Rule,
    contrast,
    media_blocks,
    parse_rules,
    read_html,
    sample_digest,
    strip_styles,
)

SETTINGS = Settings(
    name="Springfield Digest",
    site_url="https://news.example/",
    unsubscribe_url="https://news.example/unsubscribe?list=1",
    unsubscribe_mailto="leave@news.example",
)
TEN = sample_digest(10)


@pytest.fixture(scope="module")
def ten_html() -> str:
    return render_html(TEN, SETTINGS.site)


def message(digest: Digest, settings: Settings) -> EmailMessage:
    raw = build_message(
        digest,
        settings.site,
        render_text(digest, settings.site),
        render_html(digest, settings.site),
    ).as_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


# -- size ---------------------------------------------------------------------


def test_a_ten_story_email_is_well_under_gmails_clipping(ten_html: str) -> None:
    size = len(ten_html.encode("utf-8"))
    assert size < 80 * 1024, f"ten-story email is {size} bytes"
    style = sum(len(s.encode("utf-8")) for s in read_html(ten_html).styles)
    assert style < 16 * 1024, f"<style> is {style} bytes"


# -- structure ----------------------------------------------------------------


def test_headings_language_and_layout_tables(ten_html: str) -> None:
    page = read_html(ten_html)
    assert len(page.find("h1")) == 1
    assert len(page.find("h2")) == len(TEN.stories)
    html = page.find("html")[0]
    assert html.attrs.get("lang") == "en"
    assert any(d.attrs.get("lang") == "en" for d in page.find("div")), "no wrapper with lang"
    tables = page.find("table")
    assert tables and all(t.attrs.get("role") == "presentation" for t in tables)


def test_no_images_svg_or_remote_resources(ten_html: str) -> None:
    page = read_html(ten_html)
    for tag in ("img", "svg", "link", "script", "iframe", "object", "picture"):
        assert not page.find(tag), tag
    for node in page.elements:
        for name, value in node.attrs.items():
            assert not value.lower().startswith("data:"), (node.tag, name)
            assert "url(" not in value.lower(), (node.tag, name)
    assert "url(" not in "".join(page.styles) and "@import" not in "".join(page.styles)


def dark_rules(html: str) -> list[Rule]:
    """The rules a client that prefers dark applies on top of the inline styles."""
    blocks = [
        b for css in read_html(html).styles for b in media_blocks(css, "prefers-color-scheme:dark")
    ]
    assert len(blocks) == 1, "one dark-mode block"
    return parse_rules(blocks[0])


def test_color_scheme_meta_and_classes_only_hook_dark_mode(ten_html: str) -> None:
    page = read_html(ten_html)
    metas = {m.attrs.get("name"): m.attrs.get("content") for m in page.find("meta")}
    assert metas.get("color-scheme") == "light dark"
    assert metas.get("supported-color-schemes") == "light dark"
    hooks = {c for rule in dark_rules(ten_html) for _, classes in rule.compounds for c in classes}
    for node in page.elements:
        for name in node.attrs.get("class", "").split():
            # MJML's own layout classes, or a dark-mode hook that a dark rule uses
            assert name.startswith("mj-") or name in hooks, f"<{node.tag} class={name}>"
            if name in ("dk-ink", "dk-mut", "dk-acc"):
                assert "color" in node.style, f"<{node.tag} class={name}> has no inline colour"


def test_every_text_sets_its_colour_on_an_explicit_background(ten_html: str) -> None:
    """Inverting clients flip colour and background together; neither may be left to them."""
    page = read_html(strip_styles(ten_html))
    for text in page.texts:
        if text.hidden:
            continue
        colour, background = text.resolved("color"), text.resolved("background")
        assert colour in (PALETTE["ink"], PALETTE["muted"], PALETTE["accent"]), (text.text, colour)
        assert background in (PALETTE["card"], PALETTE["page"], PALETTE["chip"]), (
            text.text,
            background,
        )


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("digest", [TEN, sample_digest(2, sources=4)], ids=["ten", "two"])
def test_every_text_has_aa_contrast_in_both_modes(mode: str, digest: Digest) -> None:
    """WCAG AA (4.5:1) for every shown text, from the colours the client would draw.

    Light: the inline styles alone (as where ``<style>`` is dropped). Dark: the
    dark block's ``!important`` rules over them, as Apple Mail and Outlook.com
    apply it; every text must then be in the dark palette, none left light.
    """
    html = render_html(replace(digest, stories=(*digest.stories, unlinked_story())), SETTINGS.site)
    rules = dark_rules(html) if mode == "dark" else []
    palette = DARK_PALETTE if mode == "dark" else PALETTE
    page = read_html(strip_styles(html) if mode == "light" else html)
    worst = 21.0
    for text in page.texts:
        if text.hidden:
            continue
        colour, background = text.resolved("color", rules), text.resolved("background", rules)
        assert colour in palette.values() and background in palette.values(), (text.text, mode)
        ratio = contrast(colour, background)
        assert ratio >= 4.5, (text.text, colour, background, ratio)
        worst = min(worst, ratio)
    assert worst < 21.0


def unlinked_story() -> Story:
    """A story whose source has no URL: its citation is a plain (unlinked) number."""
    source = Source("A local report", None, "Local Paper", None, "notes/local.md")
    return Story("Local news", (Sentence("The hall reopened on Monday.", (0,)),), (source,))


def test_readable_with_every_style_element_removed(ten_html: str) -> None:
    page = read_html(strip_styles(ten_html))
    shown = page.visible_text()
    for story in TEN.stories:
        assert story.headline in shown
        for sentence in story.sentences:
            assert sentence.text in shown
    for node in page.elements:
        width = node.style.get("width", "")
        assert not re.fullmatch(r"([7-9]\d\d|\d{4,})px", width), f"fixed {width} on <{node.tag}>"
    hidden = [t.text.strip() for t in page.texts if t.hidden]
    assert hidden == [TEN.intro], "only the preheader may be hidden"


def test_header_preheader_stories_and_footer(ten_html: str) -> None:
    page = read_html(ten_html)
    shown = page.visible_text()
    assert "SPRINGFIELD DIGEST" in shown and "21 November 2026" in shown
    assert page.find("h1") and TEN.title in shown
    links = {a.attrs["href"]: a for a in page.find("a")}
    assert "https://news.example/issues/2026-11-21.html" in links
    assert "https://news.example/unsubscribe?list=1" in links
    assert "because you subscribed" in shown


def test_sources_are_listed_with_outlet_title_and_date_and_cited_by_number() -> None:
    digest = sample_digest(1)
    story = digest.stories[0]
    page = read_html(render_html(digest, SETTINGS.site))
    rows = {page.text_of(p) for p in page.find("p")}
    for number, source in enumerate(story.sources, 1):  # the sample cites them in order
        assert f"{number} {source.outlet} · {source.title} · 20 November 2026" in rows
    links = [(a, page.text_of(a)) for a in page.find("a")]
    labels = [label for _, label in links]
    assert not any(label.lower() in {"read more", "here", "link", "more"} for label in labels)
    chips = [(a.attrs["href"], label) for a, label in links if label.isdigit()]
    assert len(chips) == sum(len(s.sources) for s in story.sentences)
    for href, label in chips:  # a number links to the source listed under that number
        assert href == story.sources[int(label) - 1].url


def test_citations_follow_their_sentence_in_flowing_paragraphs() -> None:
    digest = sample_digest(1, sentences=5)
    page = read_html(render_html(digest, SETTINGS.site))
    story = digest.stories[0]
    prose = [
        page.text_of(p) for p in page.find("p") if story.sentences[0].text[:30] in page.text_of(p)
    ]
    prose += [
        page.text_of(p) for p in page.find("p") if story.sentences[-1].text[:30] in page.text_of(p)
    ]
    assert 1 <= len(set(prose)) <= 2, "one or two paragraphs, not one per sentence"
    text = " ".join(dict.fromkeys(prose))
    for sentence in story.sentences:
        numbers = " ".join(str(i + 1) for i in sentence.sources)
        assert f"{sentence.text} {numbers}" in text


@pytest.mark.parametrize(
    ("unsubscribe_url", "mailto", "needle"),
    [
        (None, None, "reply to this email"),
        (None, "leave@news.example", 'href="mailto:leave@news.example?subject=unsubscribe"'),
        ("https://news.example/u", "leave@news.example", 'href="https://news.example/u"'),
    ],
)
def test_footer_unsubscribe_comes_from_settings(
    unsubscribe_url: str | None, mailto: str | None, needle: str
) -> None:
    settings = replace(SETTINGS, unsubscribe_url=unsubscribe_url, unsubscribe_mailto=mailto)
    digest = sample_digest(1)
    assert needle in render_html(digest, settings.site)
    text = render_text(digest, settings.site)
    assert ("reply to this email" in text) == (needle == "reply to this email")


def test_same_inputs_give_the_same_bytes() -> None:
    assert render_outputs(TEN, SETTINGS) == render_outputs(TEN, SETTINGS)


# -- untrusted text -----------------------------------------------------------

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror=alert(2)> Tom & Jerry\'s "show" '
    "مرحبا بالعالم שלום 🎉👩‍👩‍👧"
)


def hostile_digest() -> Digest:
    source = Source(
        title=f"Title {HOSTILE}",
        url="javascript:alert(3)",
        outlet=f"Outlet {HOSTILE}",
        published=None,
        path="a.md",
    )
    linked = replace(source, url='https://x.example/?a=1&b="2"<x>')
    story = Story(HOSTILE, (Sentence(HOSTILE, (0, 1)),), (source, linked))
    return Digest(
        title=f"Issue {HOSTILE}",
        date=TEN.date,
        stories=(story,),
        intro=f"Intro {HOSTILE}",
        article_count=1,
    )


def test_hostile_text_is_text_in_the_html() -> None:
    html = render_html(hostile_digest(), SETTINGS.site)
    page = read_html(html)
    for tag in ("script", "img"):
        assert not page.find(tag), tag
    assert not any(name.startswith("on") for node in page.elements for name in node.attrs), (
        "an event handler attribute got through"
    )
    assert not any("javascript:" in a.attrs.get("href", "") for a in page.find("a"))
    assert [h.attrs.get("dir") for h in page.find("h2")] == ["auto"]  # right-to-left text flows
    shown = page.visible_text()
    assert " ".join(HOSTILE.split()) in shown  # &, quotes, RTL and emoji survive as text
    flat = " ".join(HOSTILE.split())
    assert any(page.text_of(p).endswith(f"Outlet {flat} · Title {flat}") for p in page.find("p"))
    hrefs = [a.attrs["href"] for a in page.find("a")]
    assert 'https://x.example/?a=1&b="2"<x>' in hrefs  # escaped in the attribute, intact parsed


def test_hostile_text_is_plain_in_the_text_edition() -> None:
    text = render_text(hostile_digest(), SETTINGS.site)
    flat = " ".join(text.split())
    assert f"Issue {HOSTILE}" in flat and f"Outlet {HOSTILE}: Title {HOSTILE}" in flat
    assert "&lt;" not in text and "&amp;" not in text  # not HTML-escaped either


@pytest.mark.parametrize("render", [render_atom, render_rss])
@pytest.mark.parametrize("items", [issue_items, story_items])
def test_hostile_text_is_text_in_the_feeds(render: Any, items: Any) -> None:
    record = make_record(hostile_digest(), SETTINGS.site_host)
    raw = render(items([record], SETTINGS), SETTINGS)
    # feedparser sanitizes hrefs, so look at the raw feed for a javascript: link
    assert b"javascript:" not in raw
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    # RSS titles are HTML to readers: the text is what they show once it is unescaped
    title = html.unescape(entry.title) if entry.title_detail.type == "text/html" else entry.title
    assert " ".join(HOSTILE.split()) in title
    content = read_html(entry.content[0].value if "content" in entry else entry.summary)
    assert not content.find("script") and not content.find("img")
    assert not any(name.startswith("on") for node in content.elements for name in node.attrs)
    assert " ".join(HOSTILE.split()) in content.visible_text()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028"])
def test_a_line_break_in_a_title_or_name_cannot_add_a_header(newline: str) -> None:
    injected = f"Hello{newline}Bcc: victim@example.com{newline}{newline}<b>body</b>"
    digest = replace(sample_digest(1), title=injected)
    msg = message(digest, replace(SETTINGS, name=f"Digest{newline}X-Evil: 1"))
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert "victim@example.com" in msg["Subject"] and "X-Evil" in msg["Subject"]
    assert msg.get_content_type() == "multipart/alternative"


def test_a_line_break_in_an_address_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="line break"):
        message(sample_digest(1), replace(SETTINGS, email_to="a@x.example\nBcc: b@x.example"))


# -- the MIME message ---------------------------------------------------------


def test_headers_and_parts() -> None:
    msg = message(TEN, SETTINGS)
    assert msg["MIME-Version"] == "1.0"
    assert msg["Subject"] == "Springfield Digest: Springfield this week (2026-11-21)"
    assert msg["Message-ID"] == "<issue-2026-11-21@news.example>"
    assert msg["Date"] == "Sat, 21 Nov 2026 00:00:00 +0000"
    assert msg["List-Id"] == '"Springfield Digest" <springfield-digest.news.example>'
    assert msg["List-Unsubscribe"] == (
        "<https://news.example/unsubscribe?list=1>, <mailto:leave@news.example?subject=unsubscribe>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = msg.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content().replace("\r\n", "\n") == render_text(TEN, SETTINGS.site)
    assert html.get_content().replace("\r\n", "\n").rstrip("\n") == render_html(TEN, SETTINGS.site)


def test_no_unsubscribe_url_means_no_one_click_header() -> None:
    msg = message(TEN, replace(SETTINGS, unsubscribe_url=None, unsubscribe_mailto=None))
    assert msg["List-Unsubscribe"] is None and msg["List-Unsubscribe-Post"] is None
    msg = message(TEN, replace(SETTINGS, unsubscribe_url=None))
    assert msg["List-Unsubscribe"] == "<mailto:leave@news.example?subject=unsubscribe>"
    assert msg["List-Unsubscribe-Post"] is None


def test_one_click_unsubscribe_must_be_https() -> None:
    with pytest.raises(ConfigError, match="https"):
        message(TEN, replace(SETTINGS, unsubscribe_url="http://news.example/u"))


def test_message_id_is_stable_and_subject_distinct_per_issue() -> None:
    other_text = replace(TEN, stories=TEN.stories[:2])
    assert message(TEN, SETTINGS)["Message-ID"] == message(other_text, SETTINGS)["Message-ID"]
    next_week = replace(TEN, date=TEN.date.replace(day=28))
    assert message(next_week, SETTINGS)["Subject"] != message(TEN, SETTINGS)["Subject"]
    assert message(next_week, SETTINGS)["Message-ID"] != message(TEN, SETTINGS)["Message-ID"]


def test_non_ascii_is_encoded_in_headers_and_bodies() -> None:
    digest = replace(sample_digest(1), title="Café 🎉 مرحبا — «news»")
    settings = replace(SETTINGS, name="Zürich Digest", email_from="Zürich Ñews <d@news.example>")
    raw = build_message(
        digest,
        settings.site,
        render_text(digest, settings.site),
        render_html(digest, settings.site),
    ).as_bytes()
    assert raw.isascii(), "the message must be 7-bit clean"
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Zürich Digest: Café 🎉 مرحبا — «news» (2026-11-21)"
    assert msg["From"].addresses[0].display_name == "Zürich Ñews"
    assert isinstance(msg, EmailMessage)
    text, html = msg.iter_parts()
    assert "Café 🎉 مرحبا — «news»" in text.get_content()
    assert "Café 🎉 مرحبا — «news»" in html.get_content()
