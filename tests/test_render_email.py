"""The email renderer's own duties: what its templates are given, how MJML is compiled
and checked, and how the plain text is tidied (read back with the stdlib)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from digest.config import Settings
from digest.errors import RenderError
from digest.mail import personal_marks
from digest.model import Digest, Sentence, Source, Story
from digest.render.email import (
    DARK_PALETTE,
    PALETTE,
    email_context,
    render_html,
    render_mjml,
    render_text,
)
from digest.render.palette import DARK, LIGHT

from .test_render import make_digest

SITE = Settings(site_url="https://news.example/alita/").site
BODY = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>{}</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>\n"
)


def override(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_context_carries_the_issue_its_page_and_the_colours() -> None:
    digest = replace(make_digest(), intro="  Two stories\n  this week. ")
    context = email_context(digest, SITE)
    assert context.digest is digest and context.settings is SITE
    assert context.intro == "Two stories this week."
    assert context.issue_url == "https://news.example/alita/issues/2026-11-21.html"
    assert (context.palette, context.dark) == (LIGHT, DARK)
    assert (PALETTE, DARK_PALETTE) == (LIGHT, DARK)
    assert [s.headline for s in context.stories] == ["Council passes budget", "Stadium opens"]
    assert context.unsubscribe_href is None


def test_the_unsubscribe_link_is_the_url_else_the_mailto() -> None:
    both = replace(SITE, unsubscribe_url="https://u.example/x", unsubscribe_mailto="out@u.example")
    assert email_context(make_digest(), both).unsubscribe_href == "https://u.example/x"
    mailto = replace(SITE, unsubscribe_mailto="out@u.example")
    assert (
        email_context(make_digest(), mailto).unsubscribe_href
        == "mailto:out@u.example?subject=unsubscribe"
    )


def test_the_email_lays_out_stories_short() -> None:
    sources = tuple(
        Source(f"Title {n}", f"https://o{n}.example/a", f"Outlet {n}", None, None) for n in range(7)
    )
    story = Story("Many outlets", (Sentence("One sentence.", (0,)),), sources)
    digest = Digest(title="T", date=dt.date(2026, 11, 21), stories=(story,), intro="")
    (layout,) = email_context(digest, SITE).stories
    assert len(layout.sources) == 4 and layout.more == 3
    assert "And 3 more from 3 outlets" in render_text(digest, SITE)


def test_the_lead_headline_that_is_the_title_is_not_repeated() -> None:
    digest = replace(make_digest(headline="Springfield this week"))
    shown = [s.show_headline for s in email_context(digest, SITE).stories]
    assert shown == [False, True]


def test_template_comments_never_reach_the_html(tmp_path: Path) -> None:
    folder = override(tmp_path, "email.mjml.j2", BODY.format("Hello<!-- editor's note -->"))
    html = render_html(make_digest(), SITE, folder)
    assert "Hello" in html and "editor's note" not in html


def test_no_web_font_is_added_even_for_a_font_mjml_knows(tmp_path: Path) -> None:
    text = BODY.format("Hello").replace("<mj-text>", '<mj-text font-family="Ubuntu">')
    html = render_html(make_digest(), SITE, override(tmp_path, "email.mjml.j2", text))
    assert "Hello" in html and "googleapis" not in html and "<link" not in html


def test_mjml_that_does_not_parse_is_a_render_error(tmp_path: Path) -> None:
    folder = override(tmp_path, "email.mjml.j2", "<mjml><mj-body><mj-section>\n")
    with pytest.raises(RenderError) as caught:
        render_html(make_digest(), SITE, folder)
    message = caught.value.message
    assert message.startswith("mjml could not compile the email (") and message.endswith(")")
    assert "end of stream" in message, "what mjml said"
    assert caught.value.fix == (
        "check the email template (--templates), or report it as a bug in digest"
    )


def test_an_mjml_tag_left_uncompiled_is_a_render_error(tmp_path: Path) -> None:
    text = "<mjml><mj-body><mj-bogus-tag>x</mj-bogus-tag></mj-body></mjml>\n"
    with pytest.raises(RenderError, match="MJML tag '<mj-bogus-tag' was not compiled"):
        render_html(make_digest(), SITE, override(tmp_path, "email.mjml.j2", text))


def test_render_mjml_is_the_template_rendered(tmp_path: Path) -> None:
    folder = override(tmp_path, "email.mjml.j2", "{{ digest.title }} {{ issue_url }}\n")
    assert render_mjml(make_digest(), SITE, folder) == (
        "Springfield this week https://news.example/alita/issues/2026-11-21.html\n"
    )


def test_the_text_edition_has_no_run_of_blank_lines_and_ends_in_one_newline(
    tmp_path: Path,
) -> None:
    folder = override(tmp_path, "email.txt.j2", "\n\n  {{ digest.title }}\n\n\n\n\nEnd\n\n\n")
    assert render_text(make_digest(), SITE, folder) == "Springfield this week\n\nEnd\n"
    folder = override(tmp_path, "email.txt.j2", "A\n\nB\nC")
    assert render_text(make_digest(), SITE, folder) == "A\n\nB\nC\n"


def test_a_personal_unsubscribe_link_carries_the_issues_marks() -> None:
    """{email} and {token} become marks made from the issue, replaced per recipient."""
    site = replace(SITE, unsubscribe_url="https://u.example/out?e={email}&t={token}")
    href = email_context(make_digest(), site).unsubscribe_href
    marks = personal_marks(make_digest())
    assert href == f"https://u.example/out?e={marks['{email}']}&t={marks['{token}']}"
    assert href is not None and "{email}" not in href and "{token}" not in href
