"""The email edition: MJML (from a Jinja template) compiled to HTML, plus plain text.

The template does the design; this module gives it a small, documented context
and checks that mjml-python compiled everything. Article text is untrusted and
reaches the template as plain strings that Jinja autoescapes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

import mjml

from digest.config import Settings, placeholders
from digest.errors import RenderError
from digest.model import Digest, digest_to_dict
from digest.render import render_template
from digest.render.palette import DARK, LIGHT
from digest.render.stories import lay_out_issue

_LEFTOVER_MJML = re.compile(r"</?mj-[a-z-]+")
#: The email's colours, inline on every element. Every text block sets both
#: its colour and its background, so clients that invert colours in dark mode
#: (Gmail's apps, Outlook) invert them as a pair and keep the contrast.
PALETTE: dict[str, str] = LIGHT
#: What clients that honour ``prefers-color-scheme: dark`` show instead (Apple
#: Mail, iOS Mail, Outlook.com), through ``dk-*`` classes and ``!important``.
DARK_PALETTE: dict[str, str] = DARK


def render_mjml(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The email's MJML source, with every piece of article text escaped and no
    character mjml cannot parse (:func:`digest.render.renderable`)."""
    return render_template("email.mjml.j2", override, **email_context(digest, settings))


def render_html(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The email as HTML. No remote fonts: ``fonts={}`` stops mjml-python adding Google's."""
    source = render_mjml(digest, settings, override)
    try:
        html = mjml.mjml2html(source, disable_comments=True, fonts={})
    except ValueError as exc:  # what mjml-python raises for MJML it cannot parse
        raise RenderError(
            f"mjml could not compile the email ({' '.join(str(exc).split())})",
            fix="check the email template (--templates), or report it as a bug in digest",
        ) from None
    leftover = _LEFTOVER_MJML.search(html)
    if leftover:
        raise RenderError(f"MJML tag {leftover.group(0)!r} was not compiled; check the template")
    return html


def render_text(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The plain-text edition."""
    text = render_template("email.txt.j2", override, **email_context(digest, settings))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def unsubscribe_mailto_url(settings: Settings) -> str | None:
    """``mailto:ADDRESS?subject=unsubscribe`` for the configured address, if any."""
    address = settings.unsubscribe_mailto
    if not address:
        return None
    address = address.strip().removeprefix("mailto:")
    if "?" in address:  # already carries its own subject or body
        return f"mailto:{address}"
    return f"mailto:{quote(address, safe='@+.-_')}?subject=unsubscribe"


#: What stands for ``{email}`` and ``{token}`` in a built email: ``digest-email-HASH``,
#: the hash being the issue's own, so no article can hold it (its text is part of
#: what is hashed). ``digest send`` puts each recipient's values in its place.
PERSONAL_MARK = re.compile(r"digest-(email|token)-[0-9a-f]{16}")


def personal_marks(digest: Digest) -> dict[str, str]:
    """The marks that stand for each placeholder in ``digest``'s email."""
    data = json.dumps(digest_to_dict(digest), sort_keys=True, ensure_ascii=False)
    mark = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return {"{email}": f"digest-email-{mark}", "{token}": f"digest-token-{mark}"}


def unsubscribe_url(digest: Digest, settings: Settings) -> str | None:
    """The unsubscribe URL as the built email carries it: placeholders as marks."""
    url = settings.unsubscribe_url
    if url and placeholders(url):
        for placeholder, mark in personal_marks(digest).items():
            url = url.replace(placeholder, mark)
    return url


def email_context(digest: Digest, settings: Settings) -> dict[str, object]:
    """What ``email.mjml.j2`` and ``email.txt.j2`` are rendered with."""
    return {
        "digest": digest,
        "settings": settings,
        "intro": " ".join(digest.intro.split()),
        "issue_url": settings.issue_url(digest.date.isoformat()),
        "unsubscribe_href": unsubscribe_url(digest, settings) or unsubscribe_mailto_url(settings),
        "stories": lay_out_issue(digest, short=True),
        "palette": PALETTE,
        "dark": DARK_PALETTE,
    }
