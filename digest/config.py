"""Settings: what the newsletter is called, where it lives, who sends it.

A plain frozen dataclass with defaults. The CLI fills it from options; no
business logic lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

#: Used when no site URL is set. ``.invalid`` never resolves (RFC 2606).
DEFAULT_SITE_URL = "https://digest.invalid/"


@dataclass(frozen=True)
class Settings:
    """Everything about the newsletter that is not the news itself."""

    #: The newsletter's name, shown in the email header and the feeds.
    name: str = "Digest"
    #: Where the web archive and feeds are published; feed ids derive from it.
    site_url: str = DEFAULT_SITE_URL
    #: Language of the digest (BCP 47), for ``<html lang>`` and the feeds.
    language: str = "en"
    #: Author named in the feeds.
    author: str = "Digest editors"
    #: Sender of the email.
    email_from: str = "Digest <digest@example.com>"
    #: Recipients of the email, comma-separated.
    email_to: str = "Subscribers <subscribers@example.com>"
    #: One-click unsubscribe URL (https), if any.
    unsubscribe_url: str | None = None
    #: Unsubscribe mailto address, if any.
    unsubscribe_mailto: str | None = None

    @property
    def site_host(self) -> str:
        return urlsplit(self.site_url).hostname or "digest.invalid"

    @property
    def base_url(self) -> str:
        """The site URL, always ending in a slash."""
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def issue_url(self, date_iso: str) -> str:
        """The web page of one issue (the "view in browser" target)."""
        return f"{self.base_url}issues/{date_iso}.html"
