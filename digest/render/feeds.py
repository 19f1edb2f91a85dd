"""Atom 1.0 and RSS 2.0 feeds (feedgen): one entry per digest issue.

Entry ids are tag URIs built only from the site's host and the issue date,
so a rebuild never makes a reader show an issue twice. Dates are the issue
date at midnight UTC, never the build time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from feedgen.feed import FeedGenerator

from digest.config import Settings
from digest.model import Digest
from digest.render import render_template


def issue_id(digest: Digest, settings: Settings) -> str:
    """The entry id of an issue (RFC 4151 tag URI); never changes once published."""
    day = digest.date.isoformat()
    return f"tag:{settings.site_host},{day}:issue/{day}"


def issue_time(digest: Digest) -> dt.datetime:
    return dt.datetime.combine(digest.date, dt.time(0, 0), tzinfo=dt.UTC)


def entry_html(digest: Digest, settings: Settings, override: Path | None = None) -> str:
    """The full issue as feed-safe HTML (its own template, not the email's tables)."""
    return render_template("entry.html.j2", override, digest=digest, intro=digest.intro)


def _generator(issues: Sequence[Digest], settings: Settings, feed_name: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(settings.base_url)
    fg.title(settings.name)
    fg.subtitle(f"{settings.name}: the news, digested.")
    # feedgen's RSS <link> is the last link added: self first, then the site
    fg.link(href=f"{settings.base_url}{feed_name}", rel="self")
    fg.link(href=settings.base_url, rel="alternate")
    fg.language(settings.language)
    fg.author({"name": settings.author})
    fg.generator("digest")
    newest = max((issue_time(d) for d in issues), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for digest in sorted(issues, key=lambda d: d.date):
        entry = fg.add_entry()
        entry.id(issue_id(digest, settings))
        entry.guid(issue_id(digest, settings), permalink=False)
        entry.title(digest.title)
        entry.link(href=settings.issue_url(digest.date.isoformat()), rel="alternate")
        entry.published(issue_time(digest))
        entry.updated(issue_time(digest))
        entry.description(digest.intro or digest.title)
        entry.content(entry_html(digest, settings), type="html")
    return fg


def render_atom(issues: Sequence[Digest], settings: Settings) -> bytes:
    return bytes(_generator(issues, settings, "atom.xml").atom_str(pretty=True))


def render_rss(issues: Sequence[Digest], settings: Settings) -> bytes:
    return bytes(_generator(issues, settings, "rss.xml").rss_str(pretty=True))
