"""The renderer registry and the web pages: which files an issue makes, in what order,
and what each holds (read back with json, email, feedparser and html.parser)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from digest.config import Settings
from digest.errors import RenderError
from digest.model import Digest, Sentence, Source, Story
from digest.records import IssueRecord, make_record
from digest.render import palette
from digest.render.outputs import (
    RENDERERS,
    Edition,
    RenderContext,
    output_files,
    register_renderer,
    render_edition,
)
from digest.render.web import render_index, render_issue_page

from .test_render import make_digest

SITE_URL = "https://news.example/alita/"
SETTINGS = Settings(site_url=SITE_URL, name="Alita Weekly")
SITE = SETTINGS.site


def record(day: int = 21, **changes: object) -> IssueRecord:
    digest = replace(make_digest(), date=dt.date(2026, 11, day), **changes)
    return make_record(digest, SITE.site_host)


def edition(*records: IssueRecord) -> Edition:
    return Edition(records[0].digest, records[0], tuple(records))


class Page(HTMLParser):
    """The links, headings and times of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str | None, str | None]] = []
        self.anchors: list[str] = []
        self.ids: list[str] = []
        self.times: list[str] = []
        self.headings: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link":
            self.links.append((a.get("rel"), a.get("href")))
        if tag == "a" and a.get("href"):
            self.anchors.append(a["href"] or "")
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "time":
            self.times.append(a.get("datetime") or "")
        if tag in ("h1", "h2"):
            self._in = tag
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings[-1] += data


# -- the registry ----------------------------------------------------------------------


def test_an_edition_renders_every_output_and_its_page() -> None:
    files = render_edition(edition(record()), RenderContext(SITE))
    assert list(files) == [*output_files(), "issues/2026-11-21.html"]
    assert all(isinstance(data, bytes) and data for data in files.values())


@pytest.fixture
def extra_output() -> Iterator[list[Mapping[str, bytes]]]:
    """Room for one more output, removed again after the test."""
    seen: list[Mapping[str, bytes]] = []
    before = dict(RENDERERS)
    yield seen
    RENDERERS.clear()
    RENDERERS.update(before)


def test_a_registered_renderer_runs_last_and_sees_the_files_before_it(
    extra_output: list[Mapping[str, bytes]],
) -> None:
    def sizes(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict:
        extra_output.append(dict(done))
        return {"sizes.txt": str(len(done["digest.eml"])).encode()}

    register_renderer("sizes", sizes, ("sizes.txt",))
    assert output_files()[-1] == "sizes.txt"
    files = render_edition(edition(record()), RenderContext(SITE))
    assert list(files)[-1] == "sizes.txt"
    assert files["sizes.txt"] == str(len(files["digest.eml"])).encode()
    assert set(extra_output[0]) == set(files) - {"sizes.txt"}


def test_a_name_is_registered_once(extra_output: list[Mapping[str, bytes]]) -> None:
    before = dict(RENDERERS)
    with pytest.raises(ValueError, match="an output named 'json' is already registered"):
        register_renderer("json", before["feeds"].render, ("x.json",))
    assert before == RENDERERS


def test_a_renderer_writing_other_files_than_registered_is_an_error(
    extra_output: list[Mapping[str, bytes]],
) -> None:
    def stray(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict:
        return {"b.txt": b"b", "a.txt": b"a"}

    register_renderer("stray", stray, ("a.txt", "b.txt"))
    with pytest.raises(RenderError) as caught:
        render_edition(edition(record()), RenderContext(SITE))
    assert str(caught.value).startswith(
        "the 'stray' output wrote ['a.txt', 'b.txt'], not its files ['a.txt', 'b.txt']"
    )


# -- the built-in outputs ---------------------------------------------------------------


def test_digest_json_is_the_digest_in_readable_utf8() -> None:
    digest = replace(make_digest(headline="Año nuevo"), title="Crónica")
    files = render_edition(edition(make_record(digest, SITE.site_host)), RenderContext(SITE))
    data = files["digest.json"]
    assert data.endswith(b"}\n") and b'\n  "title": "Cr\xc3\xb3nica"' in data
    parsed = json.loads(data)
    assert parsed["title"] == "Crónica" and parsed["stories"][0]["headline"] == "Año nuevo"


def test_the_eml_wraps_the_email_files_rendered_before_it() -> None:
    files = render_edition(edition(record()), RenderContext(SITE))
    msg = email.message_from_bytes(files["digest.eml"], policy=email.policy.default)
    text, html = (part.get_content() for part in msg.iter_parts())  # type: ignore[attr-defined]
    assert text.replace("\r\n", "\n") == files["email.txt"].decode("utf-8")
    assert html.replace("\r\n", "\n").rstrip("\n") == files["email.html"].decode("utf-8")


def test_templates_from_the_context_reach_the_email(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "email.txt.j2").write_text("TEXT {{ digest.title }}\n", encoding="utf-8")
    (folder / "email.mjml.j2").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>HTML {{ digest.title }}</mj-text>"
        "</mj-column></mj-section></mj-body></mjml>\n",
        encoding="utf-8",
    )
    files = render_edition(edition(record()), RenderContext(SITE, templates=folder))
    assert files["email.txt"] == b"TEXT Springfield this week\n"
    html = files["email.html"].decode()
    assert "HTML Springfield this week" in html and "Stadium opens" not in html


def test_templates_from_the_context_reach_the_feeds_and_pages(tmp_path: Path) -> None:
    (tmp_path / "entry.html.j2").write_text("<p>ENTRY {{ intro }}</p>\n", encoding="utf-8")
    (tmp_path / "index.html.j2").write_text("INDEX {{ issues|length }}\n", encoding="utf-8")
    (tmp_path / "issue.html.j2").write_text("ISSUE {{ digest.title }}\n", encoding="utf-8")
    files = render_edition(edition(record()), RenderContext(SITE, templates=tmp_path))
    entry = feedparser.parse(files["atom.xml"]).entries[0]
    assert entry.content[0].value.strip() == "<p>ENTRY 2 stories from 3 articles.</p>"
    assert files["index.html"] == b"INDEX 1\n"
    assert files["issues/2026-11-21.html"] == b"ISSUE Springfield this week\n"


@pytest.mark.parametrize(("feed_issues", "expected"), [(0, 1), (1, 1), (2, 2), (5, 3)])
def test_the_feeds_carry_the_newest_issues_at_least_one(feed_issues: int, expected: int) -> None:
    issues = (record(23), record(22), record(21))
    files = render_edition(edition(*issues), RenderContext(SITE, feed_issues=feed_issues))
    ids = [e.id for e in feedparser.parse(files["atom.xml"]).entries]
    assert ids == [r.id for r in issues[:expected]]
    # the index lists every issue, whatever the feeds carry
    assert len(Page(files["index.html"].decode()).times) == 3


# -- the web pages --------------------------------------------------------------------


def test_the_index_lists_issues_newest_first_with_relative_links() -> None:
    html = render_index([record(21), record(23), record(22, intro="")], SITE)
    page = Page(html)
    assert page.times == ["2026-11-23", "2026-11-22", "2026-11-21"]
    issue_links = [a for a in page.anchors if a.startswith("issues/")]
    assert issue_links == [
        "issues/2026-11-23.html",
        "issues/2026-11-22.html",
        "issues/2026-11-21.html",
    ]
    assert ("canonical", SITE_URL) in page.links
    assert ("alternate", "atom.xml") in page.links, "links from the root are relative"
    assert "index.html" in page.anchors and "../index.html" not in page.anchors
    assert "3 issues of Alita Weekly" in html
    assert html.count("2 stories from 3 articles.") == 2, "each intro, none for an empty one"
    assert palette.LIGHT["page"] in html and palette.DARK["page"] in html


def test_the_issue_page_links_up_and_anchors_each_story() -> None:
    rec = record()
    html = render_issue_page(rec, SITE)
    page = Page(html)
    assert ("canonical", f"{SITE_URL}issues/2026-11-21.html") in page.links
    assert ("alternate", "../atom.xml") in page.links
    assert "../index.html" in page.anchors
    assert [s.anchor for s in rec.stories] == [i for i in page.ids if i.startswith("s-")]
    assert "Council passes budget" in page.headings and "Stadium opens" in page.headings
    assert "2 stories from 3 articles." in html
    assert palette.LIGHT["page"] in html and palette.DARK["page"] in html


def test_the_issue_page_lists_every_source_not_the_short_selection() -> None:
    sources = tuple(
        Source(f"Title {n}", f"https://o{n}.example/a", f"Outlet {n}", None, None) for n in range(7)
    )
    story = Story("Many", (Sentence("One sentence.", (0,)),), sources)
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(story,), intro="")
    html = render_issue_page(make_record(digest, SITE.site_host), SITE)
    assert all(f"https://o{n}.example/a" in html for n in range(7))
    assert "more from" not in html


def test_a_view_url_is_the_issue_pages_canonical_url() -> None:
    site = replace(SITE, view_url="https://view.example/{date}")
    page = Page(render_issue_page(record(), site))
    assert ("canonical", "https://view.example/2026-11-21") in page.links


def test_page_overrides_come_from_the_given_folder(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "index.html.j2").write_text("INDEX {{ issues|length }} {{ root }}|\n")
    (folder / "issue.html.j2").write_text("ISSUE {{ digest.title }} {{ root }}|\n")
    assert render_index([record()], SITE, folder) == "INDEX 1 |\n"
    assert render_issue_page(record(), SITE, folder) == "ISSUE Springfield this week ../|\n"


def test_the_issue_page_leaves_out_a_lead_headline_that_is_the_title() -> None:
    rec = record(stories=make_digest(headline="Springfield this week").stories)
    page = Page(render_issue_page(rec, SITE))
    assert page.headings.count("Springfield this week") == 1, "the title, once"
    assert "Stadium opens" in page.headings


def test_an_issue_page_refuses_a_record_of_another_story_count() -> None:
    rec = record()
    short = replace(rec, stories=rec.stories[:1])
    with pytest.raises(ValueError, match="zip"):
        render_issue_page(short, SITE)
