"""The email edition: MJML (from a Jinja template) compiled to HTML, plus plain text."""

from __future__ import annotations

import re
from pathlib import Path

import mjml

from digest.config import Settings
from digest.errors import RenderError
from digest.model import Digest
from digest.render import render_template

_LEFTOVER_MJML = re.compile(r"</?mj-[a-z-]+")


def render_mjml(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The email's MJML source, with every piece of article text escaped."""
    return render_template("email.mjml.j2", override, **_context(digest, settings))


def render_html(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The email as HTML. No remote fonts: ``fonts={}`` stops mjml-python adding Google's."""
    source = render_mjml(digest, settings, override)
    html = mjml.mjml2html(source, disable_comments=True, fonts={})
    leftover = _LEFTOVER_MJML.search(html)
    if leftover:
        raise RenderError(f"MJML tag {leftover.group(0)!r} was not compiled; check the template")
    return html


def render_text(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The plain-text edition."""
    text = render_template("email.txt.j2", override, **_context(digest, settings))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _context(digest: Digest, settings: Settings) -> dict[str, object]:
    return {
        "digest": digest,
        "settings": settings,
        "intro": digest.intro,
        "issue_url": settings.issue_url(digest.date.isoformat()),
    }
