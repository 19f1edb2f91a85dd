"""The template machinery (digest/render/__init__.py): which template wins, what is
escaped, the filters and globals templates may use, and how a broken override is reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import digest
from digest.config import Settings
from digest.errors import RenderError, TemplateNotFoundError
from digest.model import Source
from digest.render import (
    environment,
    long_date,
    render_template,
    renderable,
    source_label,
    templates_dir,
)
from digest.render.context import CONTEXTS, EntryContext
from digest.render.email import email_context

from .test_render import make_digest

ENTRY = EntryContext(intro="<b>Intro</b>", stories=())


def entry_override(folder: Path, text: str, name: str = "entry.html.j2") -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_renderable_drops_exactly_the_characters_no_file_may_hold() -> None:
    dropped = "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f\ufffe\uffff\ud800\udfff"
    kept = "\t\n\r ~\xa0\xff\ud7ff\ue000\ufffd é—"
    assert renderable(f"a{dropped}b{kept}c") == f"ab{kept}c"


def test_the_packaged_templates_are_found() -> None:
    folder = templates_dir()
    # from a checkout: the templates/ beside the package being run, no other
    package = Path(digest.__file__).resolve().parent
    assert folder in (package / "templates", package.parent / "templates")
    assert folder.is_dir() and (folder / "email.mjml.j2").is_file()
    assert {name for name in CONTEXTS} <= {p.name for p in folder.glob("*.j2")}


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("a.html.j2", True),
        ("a.mjml.j2", True),
        ("a.xml.j2", True),
        ("a.html", True),
        ("a.mjml", True),
        ("a.xml", True),
        ("email.txt.j2", False),
        ("a.j2", False),
        ("a.htm", False),
        (None, False),
    ],
)
def test_markup_templates_are_autoescaped_and_text_ones_not(
    name: str | None, escaped: bool
) -> None:
    autoescape = environment(None).autoescape
    assert callable(autoescape) and autoescape(name) is escaped


def test_an_override_wins_and_untrusted_text_is_escaped_in_it(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, "<p>{{ intro }}</p>\n")
    assert render_template("entry.html.j2", folder, ENTRY) == "<p>&lt;b&gt;Intro&lt;/b&gt;</p>\n"
    assert render_template("entry.html.j2", None, ENTRY).startswith("<p>&lt;b&gt;Intro")


def test_an_override_can_extend_the_packaged_template_of_its_name(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, '{% extends "default:entry.html.j2" %}\n')
    assert render_template("entry.html.j2", folder, ENTRY) == render_template(
        "entry.html.j2", None, ENTRY
    )


def test_whitespace_control_keeps_block_tags_off_the_output(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, "  {% if intro %}\nA\n  {% endif %}\nB\n")
    assert render_template("entry.html.j2", folder, ENTRY) == "A\nB\n"


def test_the_filters_and_globals_templates_may_use(tmp_path: Path) -> None:
    story = make_digest().stories[0]
    text = (
        "{{ 0|markers }}{{ 2|markers }}|{{ stories[0].cited[0].date|longdate }}|"
        "{{ web_url('javascript:x') }} {{ web_url('https://a.example/b c') }}|"
        "{{ lay_out(story).headline }}|{{ lay_out_issue(digest)|length }}|"
        "{{ stories[0].paragraphs[0]|plain_paragraph }}|"
        "{{ 'one two three'|hanging('* ', '  ', 9) }}|{{ source|source_label }}\n"
    )
    folder = entry_override(tmp_path, text, "email.txt.j2")
    context = email_context(make_digest(), Settings().site)
    env = environment(folder)
    out = env.get_template("email.txt.j2").render(
        **context.as_dict(), story=story, source=story.sources[0]
    )
    assert out == (
        "[1][3]|20 November 2026|None https://a.example/b%20c|Council passes budget|2|"
        "The council voted. [1, 2] Parks get money. [2]|* one two\n  three|"
        "Springfield Times: Budget passed\n"
    )


def test_long_date_and_source_label() -> None:
    assert long_date(dt.date(2026, 3, 5)) == "5 March 2026"
    assert source_label(Source("Title", None, "Outlet", None, "/home/me/a.md")) == "Outlet: Title"
    assert source_label(Source(None, "https://x.example/a", None, None, None)) == "x.example"


def test_a_template_given_another_templates_context_is_refused() -> None:
    with pytest.raises(TypeError) as caught:
        render_template("index.html.j2", None, ENTRY)
    message = str(caught.value)
    assert message.startswith("index.html.j2 is rendered with a <class ")
    assert "IndexContext" in message and message.endswith("EntryContext'>")


@pytest.fixture
def unshipped() -> Iterator[str]:
    """A template a context names that no folder holds."""
    name = "missing.html.j2"
    CONTEXTS[name] = EntryContext
    yield name
    del CONTEXTS[name]


def test_a_missing_template_names_every_folder_searched(unshipped: str, tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFoundError) as caught:
        render_template(unshipped, tmp_path, ENTRY)
    assert str(caught.value) == (
        f"template 'missing.html.j2' not found; searched {tmp_path}, {templates_dir()}"
    )
    with pytest.raises(TemplateNotFoundError) as caught:
        render_template(unshipped, None, ENTRY)
    assert str(caught.value) == f"template 'missing.html.j2' not found; searched {templates_dir()}"


def test_an_override_including_a_missing_template_names_it(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, '<p>x</p>\n{% include "_gone.html.j2" %}\n')
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", folder, ENTRY)
    assert not isinstance(caught.value, TemplateNotFoundError)
    assert caught.value.message == (
        f"{tmp_path / 'entry.html.j2'}: line 2: "
        "the template '_gone.html.j2' it extends or includes is not found"
    )
    assert caught.value.fix == "fix the template, or leave it out of --templates"


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, "<p>\n{% if intro %}\n<p>never closed</p>\n")
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", folder, ENTRY)
    message = caught.value.message
    assert message.startswith(f"{tmp_path / 'entry.html.j2'}: line 3: "), message
    assert "\n" not in message and "endif" in message


def test_an_unknown_name_names_the_file_and_line(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, "<p>ok</p>\n<p>{{ nothing_here }}</p>\n")
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", folder, ENTRY)
    assert caught.value.message == (
        f"{tmp_path / 'entry.html.j2'}: line 2: 'nothing_here' is undefined"
    )


def test_control_characters_from_a_template_never_reach_the_output(tmp_path: Path) -> None:
    folder = entry_override(tmp_path, "<p>a\x01b\x7fc</p>\n")
    assert render_template("entry.html.j2", folder, ENTRY) == "<p>abc</p>\n"


@pytest.mark.parametrize("suffix", [".html", ".xml", ".mjml", ".txt", ".j2"])
def test_an_error_in_an_included_file_names_that_file(tmp_path: Path, suffix: str) -> None:
    partial = f"_part{suffix}"
    (tmp_path / partial).write_text("ok\n{{ nowhere }}\n", encoding="utf-8")
    folder = entry_override(tmp_path, f'<p>x</p>\n{{% include "{partial}" %}}\n')
    with pytest.raises(RenderError) as caught:
        render_template("entry.html.j2", folder, ENTRY)
    assert caught.value.message == f"{tmp_path / partial}: line 2: 'nowhere' is undefined"
