"""The renderer registry: every output of an issue, by name, in the order written.

A renderer is a function of the issue (:class:`Edition`: its digest, its
archive record and the issues the feeds and index list) and a small typed
:class:`RenderContext` (the site, the template overrides, how many issues the
feeds carry), never of all the settings. It returns its files' bytes keyed by
path relative to the output folder, and may read the files rendered before it
(``done``): the ``.eml`` wraps the email's HTML and text. Each renderer is
registered with the files it writes, so the list of outputs
(:func:`output_files`: what a build reports, what a killed build's leftovers
are recognised by) comes from here too. Adding an output is a renderer in its
own module and one :func:`register_renderer` line here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from digest.config import Site
from digest.errors import RenderError
from digest.mail import build_message
from digest.model import Digest, digest_to_dict
from digest.names import FEEDS, INDEX_PAGE, issue_page
from digest.records import IssueRecord
from digest.render.email import render_html, render_text
from digest.render.feeds import render_feeds
from digest.render.web import render_index, render_issue_page


@dataclass(frozen=True)
class Edition:
    """The issue being rendered."""

    #: The issue's digest.
    digest: Digest
    #: Its archive record (ids, first-published times).
    record: IssueRecord
    #: Every issue in the archive with this one in place of any earlier
    #: edition of its date, newest first: what the feeds and the index list.
    issues: tuple[IssueRecord, ...]


@dataclass(frozen=True)
class RenderContext:
    """What a renderer knows besides the issue."""

    #: The newsletter's name, site and mail identity.
    site: Site
    #: Folder of templates that override the packaged ones.
    templates: Path | None = None
    #: How many recent issues the feeds carry (at least one).
    feed_issues: int = 20


class Renderer(Protocol):
    """Render some of an issue's files: their bytes keyed by path in the output folder."""

    def __call__(
        self, edition: Edition, context: RenderContext, done: Mapping[str, bytes]
    ) -> Mapping[str, bytes]: ...


@dataclass(frozen=True)
class Output:
    """A registered output: its renderer, and the files it writes."""

    render: Renderer
    #: The file names it writes, in order; None when they depend on the issue
    #: (the issue's own page).
    files: tuple[str, ...] | None


#: Output name -> output, in the order the files are written and reported.
RENDERERS: dict[str, Output] = {}


def register_renderer(name: str, renderer: Renderer, files: tuple[str, ...] | None) -> None:
    """Add ``renderer`` as the output ``name``, writing ``files``, after those
    already registered."""
    if name in RENDERERS:
        raise ValueError(f"an output named {name!r} is already registered")
    RENDERERS[name] = Output(renderer, files)


def output_files() -> tuple[str, ...]:
    """Every fixed output file name, in the order written."""
    return tuple(f for output in RENDERERS.values() for f in output.files or ())


def render_edition(edition: Edition, context: RenderContext) -> dict[str, bytes]:
    """Every output file's bytes, keyed by path relative to the output folder. Pure.

    Raises :class:`~digest.errors.RenderError` when a renderer writes other
    files than it was registered with.
    """
    files: dict[str, bytes] = {}
    for name, output in RENDERERS.items():
        made = output.render(edition, context, files)
        if output.files is not None and tuple(made) != output.files:
            raise RenderError(
                f"the {name!r} output wrote {sorted(made)}, not its files {list(output.files)}"
            )
        files.update(made)
    return files


# -- the built-in outputs -------------------------------------------------------


def _json(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
    data = json.dumps(digest_to_dict(edition.digest), ensure_ascii=False, indent=2) + "\n"
    return {"digest.json": data.encode("utf-8")}


def _email(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
    html = render_html(edition.digest, context.site, context.templates)
    text = render_text(edition.digest, context.site, context.templates)
    return {"email.html": html.encode("utf-8"), "email.txt": text.encode("utf-8")}


def _eml(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
    text, html = done["email.txt"].decode("utf-8"), done["email.html"].decode("utf-8")
    return {"digest.eml": build_message(edition.digest, context.site, text, html).as_bytes()}


def _feeds(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
    recent = edition.issues[: max(context.feed_issues, 1)]
    return render_feeds(recent, context.site, context.templates)


def _index(edition: Edition, context: RenderContext, done: Mapping[str, bytes]) -> dict[str, bytes]:
    page = render_index(edition.issues, context.site, context.templates)
    return {INDEX_PAGE: page.encode("utf-8")}


def _issue_page(
    edition: Edition, context: RenderContext, done: Mapping[str, bytes]
) -> dict[str, bytes]:
    page = render_issue_page(edition.record, context.site, context.templates)
    return {issue_page(edition.digest.date): page.encode("utf-8")}


register_renderer("json", _json, ("digest.json",))
register_renderer("email", _email, ("email.html", "email.txt"))
register_renderer("eml", _eml, ("digest.eml",))
register_renderer("feeds", _feeds, FEEDS)
register_renderer("index", _index, (INDEX_PAGE,))
register_renderer("issue-page", _issue_page, None)
