"""The email as a MIME message: multipart/alternative, text then HTML.

Headers follow RFC 5322 with the list headers a newsletter needs: ``List-Id``
(RFC 2919), ``List-Unsubscribe`` (RFC 2369) and, when an HTTPS unsubscribe URL
is set, ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
Every header value built from text passes through :func:`one_line`, so a line
break in a title or setting can never start a header of its own. Non-ASCII
text is RFC 2047-encoded in headers and quoted-printable in the bodies, so the
message is 7-bit clean.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from urllib.parse import urlsplit

from digest.config import Settings
from digest.errors import ConfigError
from digest.model import Digest
from digest.render.email import unsubscribe_mailto_url

_UNSAFE_IN_URL = re.compile(r"[\s<>\"]")


def one_line(value: str) -> str:
    """``value`` with every run of whitespace (line breaks included) as one space."""
    return " ".join(value.split())


def subject(digest: Digest, settings: Settings) -> str:
    """Distinct per issue: the newsletter, the issue's title and its date."""
    return f"{one_line(settings.name)}: {one_line(digest.title)} ({digest.date.isoformat()})"


def message_id(digest: Digest, settings: Settings) -> str:
    """Stable for an issue: derived from the site and the issue date only."""
    return f"<issue-{digest.date.isoformat()}@{settings.site_host}>"


def list_id(settings: Settings) -> str:
    """``Name <id>``: the configured id, else the newsletter's name as a label on the site host."""
    identifier = settings.list_id
    if not identifier:
        label = re.sub(r"[^a-z0-9-]+", "-", settings.name.lower()).strip("-") or "digest"
        identifier = f"{label}.{settings.site_host}"
    identifier = identifier.strip().removeprefix("<").removesuffix(">")
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+", identifier) or "." not in identifier:
        raise ConfigError(
            f"list_id {identifier!r} is not a list identifier",
            fix="write it as a dotted name such as news.example.org (RFC 2919)",
        )
    name = one_line(settings.name).replace("\\", "").replace('"', "")
    return f'"{name}" <{identifier}>' if name else f"<{identifier}>"


def list_unsubscribe(settings: Settings) -> str | None:
    """The ``List-Unsubscribe`` value: the HTTPS URL first, then the mailto, or None."""
    targets = []
    if settings.unsubscribe_url:
        url = settings.unsubscribe_url.strip()
        if urlsplit(url).scheme != "https" or _UNSAFE_IN_URL.search(url):
            raise ConfigError(
                f"unsubscribe URL {url!r} is not an https URL",
                fix="give an https:// URL without spaces (RFC 8058 one-click needs HTTPS)",
            )
        targets.append(url)
    mailto = unsubscribe_mailto_url(settings)
    if mailto:
        if _UNSAFE_IN_URL.search(mailto):
            raise ConfigError(
                f"unsubscribe mailto {settings.unsubscribe_mailto!r} is not an address",
                fix="write it as user@host",
            )
        targets.append(mailto)
    return ", ".join(f"<{t}>" for t in targets) or None


def build_message(digest: Digest, settings: Settings, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message whose parts are ``text`` and ``html``."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject(digest, settings)
    msg["From"] = addresses(settings.email_from, "email_from")
    msg["To"] = addresses(settings.email_to, "email_to")
    msg["Date"] = format_datetime(dt.datetime.combine(digest.date, dt.time(0, 0), tzinfo=dt.UTC))
    msg["Message-ID"] = message_id(digest, settings)
    msg["List-Id"] = list_id(settings)
    unsubscribe = list_unsubscribe(settings)
    if unsubscribe:
        msg["List-Unsubscribe"] = unsubscribe
        if settings.unsubscribe_url:
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # a boundary derived from the content keeps the file byte-identical across builds
    digest_hash = hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24]
    msg.set_boundary(f"=_digest_{digest_hash}")
    return msg


def addresses(value: str, setting: str) -> tuple[Address, ...]:
    """Parse ``"Name <a@b>, c@d"``; a line break can never reach a header."""
    if "\n" in value or "\r" in value:
        raise ConfigError(f"{setting} contains a line break", fix=f"give {setting} on one line")
    parsed = [(name, addr) for name, addr in getaddresses([value]) if addr]
    if not parsed or any(addr.count("@") != 1 for _, addr in parsed):
        raise ConfigError(
            f"{setting} {value!r} is not an email address", fix="write it as Name <user@host>"
        )
    out = []
    for name, addr in parsed:
        user, _, domain = addr.rpartition("@")
        if not user or not domain:
            raise ConfigError(
                f"{setting} {value!r} is not an email address", fix="write it as Name <user@host>"
            )
        out.append(Address(display_name=name, username=user, domain=domain))
    return tuple(out)
