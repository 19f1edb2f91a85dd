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
    #: "View in browser" URL of an issue; ``{date}`` is replaced by the issue date.
    #: Default: the issue's page in the web archive under ``site_url``.
    view_url: str | None = None
    #: ``List-Id`` of the mailing list (RFC 2919); default derived from the site's host.
    list_id: str | None = None

    # -- sending (digest send) --
    smtp_host: str = "localhost"
    smtp_port: int = 587
    #: "starttls", "tls" (implicit TLS) or "none".
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    #: Name of the environment variable holding the SMTP password (never argv).
    smtp_password_env: str = "DIGEST_SMTP_PASSWORD"

    # -- archive and feeds --
    #: The SQLite archive of past issues; default ``<out>/archive.sqlite3``.
    archive_path: str | None = None
    #: How many recent issues the feeds carry.
    feed_issues: int = 20

    # -- content --
    #: Paths, feed URLs, article URLs or OPML files to read (``digest.toml`` ``sources``).
    sources: tuple[str, ...] = ()
    #: Focus the digest on this topic.
    topic: str | None = None
    #: Word budget per story.
    words: int = 100
    #: At most this many stories per issue (None: no limit).
    max_stories: int | None = None

    @property
    def site_host(self) -> str:
        return urlsplit(self.site_url).hostname or "digest.invalid"

    @property
    def base_url(self) -> str:
        """The site URL, always ending in a slash."""
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def issue_url(self, date_iso: str) -> str:
        """The web page of one issue (the "view in browser" target)."""
        if self.view_url:
            return self.view_url.replace("{date}", date_iso)
        return f"{self.base_url}issues/{date_iso}.html"
