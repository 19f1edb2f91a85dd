"""The email as a MIME message: multipart/alternative, text then HTML."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from digest.config import Settings
from digest.errors import ConfigError
from digest.model import Digest


def subject(digest: Digest, settings: Settings) -> str:
    """Distinct per issue: the newsletter, the issue's title and its date."""
    title = " ".join(digest.title.split())
    return f"{settings.name}: {title} ({digest.date.isoformat()})"


def message_id(digest: Digest, settings: Settings) -> str:
    """Stable for an issue: derived from the site and the issue date only."""
    return f"<issue-{digest.date.isoformat()}@{settings.site_host}>"


def build_message(digest: Digest, settings: Settings, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message whose parts are ``text`` and ``html``."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject(digest, settings)
    msg["From"] = _addresses(settings.email_from, "email_from")
    msg["To"] = _addresses(settings.email_to, "email_to")
    msg["Date"] = format_datetime(dt.datetime.combine(digest.date, dt.time(0, 0), tzinfo=dt.UTC))
    msg["Message-ID"] = message_id(digest, settings)
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # a boundary derived from the content keeps the file byte-identical across builds
    digest_hash = hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24]
    msg.set_boundary(f"=_digest_{digest_hash}")
    return msg


def _addresses(value: str, setting: str) -> tuple[Address, ...]:
    """Parse "Name <a@b>, c@d"; a newline can never reach a header."""
    if "\n" in value or "\r" in value:
        raise ConfigError(f"{setting} contains a line break", fix=f"give {setting} on one line")
    parsed = [(name, addr) for name, addr in getaddresses([value]) if addr]
    if not parsed or any("@" not in addr for _, addr in parsed):
        raise ConfigError(
            f"{setting} {value!r} is not an email address", fix="write it as Name <user@host>"
        )
    out = []
    for name, addr in parsed:
        user, _, domain = addr.rpartition("@")
        out.append(Address(display_name=name, username=user, domain=domain))
    return tuple(out)
