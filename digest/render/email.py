"""The email edition: MJML (from a Jinja template) compiled to HTML, plus plain text.

The template does the design; this module gives it a small, documented context
and checks that mjml-python compiled everything. Article text is untrusted and
reaches the template as plain strings that Jinja autoescapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import mjml

from digest.config import Site
from digest.errors import RenderError
from digest.mail import unsubscribe_mailto_url, unsubscribe_url
from digest.model import Digest
from digest.render import render_template
from digest.render.context import EmailContext
from digest.render.palette import DARK, LIGHT
from digest.render.stories import lay_out_issue
from digest.text import fold_space

_LEFTOVER_MJML = re.compile(r"</?mj-[a-z-]+")
#: The email's colours, inline on every element. Every text block sets both
#: its colour and its background, so clients that invert colours in dark mode
#: (Gmail's apps, Outlook) invert them as a pair and keep the contrast.
PALETTE: dict[str, str] = LIGHT
#: What clients that honour ``prefers-color-scheme: dark`` show instead (Apple
#: Mail, iOS Mail, Outlook.com), through ``dk-*`` classes and ``!important``.
DARK_PALETTE: dict[str, str] = DARK


def render_mjml(digest: Digest, settings: Site, override: Path | None = None) -> str:
    """The email's MJML source, with every piece of article text escaped and no
    character mjml cannot parse (:func:`digest.render.renderable`)."""
    return render_template("email.mjml.j2", override, email_context(digest, settings))


def render_html(digest: Digest, settings: Site, override: Path | None = None) -> str:
    """The email as HTML. No remote fonts: ``fonts={}`` stops mjml-python adding Google's."""
    source = render_mjml(digest, settings, override)
    try:
        html = mjml.mjml2html(source, disable_comments=True, fonts={})
    except ValueError as exc:  # what mjml-python raises for MJML it cannot parse
        raise RenderError(
            f"mjml could not compile the email ({fold_space(str(exc))})",
            fix="check the email template (--templates), or report it as a bug in digest",
        ) from None
    leftover = _LEFTOVER_MJML.search(html)
    if leftover:
        raise RenderError(f"MJML tag {leftover.group(0)!r} was not compiled; check the template")
    return html


def render_text(digest: Digest, settings: Site, override: Path | None = None) -> str:
    """The plain-text edition."""
    text = render_template("email.txt.j2", override, email_context(digest, settings))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def email_context(digest: Digest, settings: Site) -> EmailContext:
    """What ``email.mjml.j2`` and ``email.txt.j2`` are rendered with."""
    return EmailContext(
        digest=digest,
        settings=settings,
        intro=fold_space(digest.intro),
        issue_url=settings.issue_url(digest.date.isoformat()),
        unsubscribe_href=unsubscribe_url(digest, settings) or unsubscribe_mailto_url(settings),
        stories=lay_out_issue(digest, short=True),
        palette=PALETTE,
        dark=DARK_PALETTE,
    )
