"""Renderers: the email, its plain text, the MIME message, the feeds and the pages,
and how every one of them shows a story (digest/render/stories.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from dataclasses import replace
from urllib.parse import urlsplit

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.config import Settings
from digest.keys import issue_id
from digest.model import Digest, Sentence, Source, Story
from digest.publish import render_outputs
from digest.records import make_record
from digest.render.palette import DARK, LIGHT
from digest.render.stories import lay_out, paragraphs, plain_paragraph, web_url
from digest.render.web import render_index, render_issue_page

from .emailkit import contrast, media_blocks, read_html, sample_digest

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
    assert ">Springfield Times</b> &middot; <a href=" in html and ">Budget passed</a>" in html


def test_plain_text_has_every_sentence_and_source_link() -> None:
    text = render_outputs(make_digest(), Settings())["email.txt"].decode()
    for needle in (
        "Council passes budget",
        "The council voted. [1, 2] Parks get money. [2]",
        "Stadium opens",
        "1. Springfield Times: Budget passed (20 November 2026)\n   https://a.example/1?x=1&y=2",
        "2. Vote on budget\n",
    ):
        assert needle in text
    assert "b.md" not in text, "a local file is named, never located"
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
    assert entry.id == second.entries[0].id == issue_id(make_digest().date, settings.site_host)
    assert entry.id == "tag:news.example,2026-11-21:issue/2026-11-21"
    assert entry.published_parsed[:3] == (2026, 11, 21)
    assert entry.link == "https://news.example/alita/issues/2026-11-21.html"
    assert "<table" not in entry.content[0].value
    assert "Council passes budget" in entry.content[0].value


# -- how every edition shows a story (digest/render/stories.py) ------------------

SITE = Settings(site_url="https://news.example/")
DAY = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def source(n: int, url: str | None = "", outlet: str | None = "Outlet") -> Source:
    link = f"https://news{n}.example/a" if url == "" else url
    return Source(f"Title {n}", link, f"{outlet} {n}" if outlet else None, DAY, f"in/{n}.md")


def story_with(cites: list[tuple[int, ...]], count: int, first: int = 0, **kw: object) -> Story:
    """A story of ``count`` sources (numbered from ``first``), a sentence per ``cites``."""
    sources = tuple(source(first + n, **kw) for n in range(count))  # type: ignore[arg-type]
    sentences = tuple(Sentence(f"Sentence {i} is here.", c) for i, c in enumerate(cites))
    return Story("A headline", sentences, sources)


def test_sources_are_numbered_as_the_text_first_cites_them() -> None:
    layout = lay_out(story_with([(2,), (0, 2), (2, 0)], 4))
    assert [s.marker for p in layout.paragraphs for s in p] == ["[1]", "[1, 2]", "[1, 2]"]
    assert [s.title for s in layout.cited] == ["Title 2", "Title 0"]
    assert [s.number for s in layout.cited] == [1, 2]
    # the sources no sentence cites are set apart, in the story's order, unnumbered
    assert [(s.title, s.number) for s in layout.also] == [("Title 1", None), ("Title 3", None)]


def test_a_source_index_out_of_range_is_ignored_not_a_crash() -> None:
    layout = lay_out(story_with([(0, 7), (-1,)], 1))
    assert [s.marker for p in layout.paragraphs for s in p] == ["[1]", ""]
    assert render_outputs(replace(make_digest(), stories=(story_with([(5,)], 1),)), SITE)


def test_story_text_is_one_or_two_paragraphs_of_prose() -> None:
    short = lay_out(story_with([(0,), (0,)], 1))
    assert [len(p) for p in short.paragraphs] == [2]
    long = lay_out(replace(sample_digest(1, sentences=7).stories[0]))
    assert len(long.paragraphs) == 2 and sum(len(p) for p in long.paragraphs) == 7
    first, second = (sum(len(s.text) for s in p) for p in long.paragraphs)
    assert abs(first - second) < max(first, second) / 2, "the split is balanced"
    assert paragraphs([]) == ()


def test_plain_text_keeps_a_marker_with_its_sentence() -> None:
    layout = lay_out(story_with([(0, 1)], 2))
    for width in range(10, 40):
        text = plain_paragraph(layout.paragraphs[0], width)
        assert "[1, 2]" in text, width  # never broken across lines
        assert "here. [1, 2]" in text.replace("\n", " ")


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60),
            st.lists(st.integers(0, 11), max_size=4),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(10, 90),
)
def test_plain_paragraphs_keep_every_word_and_marker_in_order(
    sentences: list[tuple[str, list[int]]], width: int
) -> None:
    story = Story(
        "H", tuple(Sentence(t, tuple(sorted(set(c)))) for t, c in sentences), (source(0),) * 12
    )
    layout = lay_out(story)
    assert 1 <= len(layout.paragraphs) <= 2
    for paragraph in layout.paragraphs:
        text = plain_paragraph(paragraph, width)
        expected = " ".join(f"{s.text} {s.marker}".strip() for s in paragraph)
        assert " ".join(text.split()) == " ".join(expected.split())
        for line in text.splitlines():  # a line runs over only for one word (and its marker)
            word = re.sub(r" ?\[\d+(?:, \d+)*\]", "", line)
            assert len(line) <= width or " " not in word, (line, width)


def test_only_http_urls_are_web_urls() -> None:
    assert web_url(" https://a.example/x ") == "https://a.example/x"
    assert web_url("http://a.example/a b") == "http://a.example/a%20b"
    for bad in (
        None,
        "",
        "a.md",
        "/home/ed/a.md",
        "file:///etc/passwd",
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "https://",
        "https://a.example/\nBcc: x",
        "//a.example/x",
    ):
        assert web_url(bad) is None, bad


def every_edition(digest: Digest, settings: Settings = SITE) -> dict[str, str]:
    """What readers see of ``digest``: each output as text, the .eml's parts decoded."""
    files = render_outputs(digest, settings)
    shown = {n: d.decode() for n, d in files.items() if n != "digest.json"}
    msg = email.message_from_bytes(files["digest.eml"], policy=email.policy.default)
    for part in msg.iter_parts():  # type: ignore[attr-defined]
        shown[f"digest.eml:{part.get_content_type()}"] = part.get_content()
    del shown["digest.eml"]
    return shown


@pytest.mark.parametrize(
    "url",
    [
        None,
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///home/editor/secret/draft.md",
        "/home/editor/secret/draft.md",
    ],
)
def test_a_source_without_an_http_url_is_named_never_located(url: str | None) -> None:
    local = Source("The draft", url, "Home Paper", DAY, "/home/editor/secret/draft.md")
    story = Story("Stadium opens", (Sentence("The stadium opened.", (0,)),), (local,))
    for name, text in every_edition(replace(make_digest(), stories=(story,))).items():
        assert "secret" not in text and "draft.md" not in text, name
        for bad in ("javascript:", "vbscript:", "data:text", "file:"):
            assert bad not in text.lower(), (name, bad)
        if name != "index.html":
            assert "The draft" in text and "Home Paper" in text, name
    shown = every_edition(replace(make_digest(), stories=(story,)))
    assert "1. Home Paper: The draft (20 November 2026)\n" in shown["email.txt"]


def test_uncited_sources_are_shown_apart_in_every_edition() -> None:
    story = story_with([(0,), (2,)], 3)  # nobody cites "Title 1"
    shown = every_edition(replace(make_digest(), stories=(story,)))
    for name in ("email.html", "email.txt", "atom.xml", "rss.xml", "feed.json"):
        text = " ".join(shown[name].split())
        also = re.search(r"also covered by", text, re.I)
        assert also, name
        assert "Title 1" in text[also.start() :] and "Title 1" not in text[: also.start()], name
        assert text.index("Title 0") < text.index("Title 2") < also.start(), name
    for name in ("stories.atom.xml", "stories.rss.xml", "stories.json", "issues/2026-11-21.html"):
        assert re.search(r"also covered by", shown[name], re.I), name


def test_the_title_is_printed_once_when_it_is_the_lead_headline() -> None:
    digest = replace(make_digest(), title="Council passes budget")  # the lead's headline
    headline = "Council passes budget"
    shown = every_edition(digest)
    html = read_html(shown["email.html"])
    assert html.visible_text().count(headline) == 1
    assert [h.tag for h in html.elements if h.tag in ("h1", "h2")] == ["h1", "h2"]
    assert shown["email.txt"].count(headline) == 1
    page = shown["issues/2026-11-21.html"]
    main = page[page.index("<main>") :]
    assert main.count(headline) == 1 and re.search(f"<h1>{headline}</h1>\\s*<div id=", main)
    entry = feedparser.parse(shown["atom.xml"]).entries[0]
    assert entry.title == headline and headline not in entry.content[0].value
    stories = feedparser.parse(shown["stories.atom.xml"]).entries
    assert [e.title for e in stories] == [headline, "Stadium opens"]
    # a title of its own: every story keeps its headline
    other = every_edition(make_digest())
    assert read_html(other["email.html"]).visible_text().count(headline) == 1
    assert len(read_html(other["email.html"]).find("h2")) == 2


def test_feed_entries_read_well_once_sanitized() -> None:
    """feedparser's sanitized HTML: prose with plain markers, sources as lists."""
    digest = replace(
        make_digest(),
        stories=(story_with([(0, 1), (1,)], 3), story_with([(1,), (0, 1)], 2, 10, outlet=None)),
    )
    shown = every_edition(digest)
    for name in ("atom.xml", "rss.xml"):
        content = feedparser.parse(shown[name]).entries[0].content[0].value
        content = content.replace("&nbsp;", " ")
        assert "[1, 2]" in content and "][" not in content
        assert "<a" not in "".join(re.findall(r"<p>(.*?)</p>", content)), "markers are text"
        # numbered across the entry (linked sources), as a text reader numbers links
        assert (
            '<ol start="4">' in content
            and "Sentence 0 is here. [4] Sentence 1 is here. [4, 5]" in content
        )
        items = re.findall(r"<li>(.*?)</li>", content)
        assert items[0] == (
            '<strong>Outlet 0</strong> · <a href="https://news0.example/a">Title 0</a>'
            " · 20 November 2026"
        )
        assert items[3] == '<a href="https://news11.example/a">Title 11</a> · 20 November 2026'


def page_colours(html: str) -> tuple[dict[str, str], dict[str, str], list[str], list[str]]:
    """A page's light and dark custom properties and the ones text and backgrounds use."""
    css = "".join(read_html(html).styles)
    light = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css.split("@media")[0]))
    dark_block = media_blocks(css, "prefers-color-scheme:dark")
    assert len(dark_block) == 1
    dark = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", dark_block[0]))
    rules = re.sub(r"--[\w-]+:\s*#[0-9a-fA-F]{3,6};?", "", css)
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", rules), "every colour is a custom property"
    colours = re.findall(r"(?<![\w-])color:\s*var\(--([\w-]+)\)", rules)
    backgrounds = re.findall(r"background(?:-color)?:\s*var\(--([\w-]+)\)", rules)
    return light, dark, colours, backgrounds


@pytest.mark.parametrize("name", ["issues/2026-11-21.html", "index.html"])
def test_pages_have_aa_contrast_in_light_and_dark(name: str) -> None:
    html = render_outputs(make_digest(), SITE)[name].decode()
    light, dark, colours, backgrounds = page_colours(html)
    assert light == {k.removeprefix("--"): v for k, v in LIGHT.items()}
    assert dark == DARK and set(colours) >= {"ink", "muted", "accent"}
    assert set(backgrounds) >= {"card", "chip"}
    for palette in (light, dark):
        for colour in set(colours):
            for background in set(backgrounds):
                ratio = contrast(palette[colour], palette[background])
                assert ratio >= 4.5, (name, colour, background, ratio)


def test_issue_page_reads_like_the_email() -> None:
    digest = replace(make_digest(), stories=(story_with([(0, 1), (1,)], 3), *make_digest().stories))
    record = make_record(digest, SITE.site_host)
    page = read_html(render_issue_page(record, SITE.site))
    main = page.text_of(page.find("main")[0])
    assert main.startswith("2 stories from 3 articles. Springfield this week A headline")
    assert "Sentence 0 is here. 1 2 Sentence 1 is here. 2" in main
    assert "Sources 1 Outlet 0 · Title 0 · 20 November 2026" in main
    assert "Also covered by Outlet 2 · Title 2 · 20 November 2026" in main
    chips = [a for a in page.find("a") if a.attrs.get("class") == "chip"]
    assert [urlsplit(a.attrs["href"]).netloc for a in chips] == [
        "news0.example",
        "news1.example",
        "news1.example",
        "a.example",
        "a.example",
    ]
    assert all(a.attrs["aria-label"].startswith("source ") for a in chips)
    assert '<time datetime="2026-11-20">20 November 2026</time>' in render_issue_page(
        record, SITE.site
    )


def test_index_lists_every_issue_with_date_title_and_story_count() -> None:
    first = make_record(make_digest(), SITE.site_host)
    second = make_record(
        replace(
            make_digest(),
            date=dt.date(2026, 11, 28),
            title="Next week",
            stories=(story_with([(0,)], 1),),
        ),
        SITE.site_host,
    )
    html = render_index([first, second], SITE.site)
    page = read_html(html)
    items = [page.text_of(li) for li in page.find("li")]
    assert items == [
        "28 November 2026 · 1 story Next week 2 stories from 3 articles.",
        "21 November 2026 · 2 stories Springfield this week 2 stories from 3 articles.",
    ]
    footer = page.text_of(page.find("footer")[0])
    assert footer.startswith("Subscribe in your feed reader")
    assert "https://news.example/atom.xml" in footer
    hrefs = {a.attrs["href"] for a in page.find("a")}
    assert {"atom.xml", "rss.xml", "feed.json", "stories.atom.xml"} <= hrefs
    assert "issues/2026-11-28.html" in hrefs


def test_a_story_without_a_cited_sentence_lists_its_sources_as_covered_by() -> None:
    story = Story("Headline only", (), (source(0),))
    shown = every_edition(replace(make_digest(), stories=(story,)))
    assert "Covered by:\n- Outlet 0: Title 0 (20 November 2026)" in shown["email.txt"]
    assert ">COVERED BY</p>" in shown["email.html"] and "ALSO COVERED" not in shown["email.html"]
    assert "<strong>Covered by</strong>" in shown["issues/2026-11-21.html"]
