"""The names of the files a build writes, and where the archive lives.

Low-level on purpose: ``digest send`` and ``digest serve`` need the names
without loading the renderers that make the files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

#: File name of the archive inside the output folder, when no path is given.
DEFAULT_ARCHIVE_NAME = "archive.sqlite3"

FeedKind = Literal["issues", "stories"]

#: File names of each feed, by kind and format.
FEED_FILES: dict[FeedKind, dict[str, str]] = {
    "issues": {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"},
    "stories": {"atom": "stories.atom.xml", "rss": "stories.rss.xml", "json": "stories.json"},
}

#: Feed file names: issues (Atom, RSS, JSON Feed), then stories.
FEEDS = tuple(FEED_FILES["issues"].values()) + tuple(FEED_FILES["stories"].values())

#: The web archive's front page.
INDEX_PAGE = "index.html"

#: The fetcher's cache of bodies and validators, in the output folder.
FETCH_CACHE = ".fetch-cache.json"

#: The folder of the issue pages, relative to the output folder.
ISSUES_FOLDER = "issues"


def issue_page(date: dt.date) -> str:
    """The file name of an issue's page, relative to the output folder."""
    return f"{ISSUES_FOLDER}/{date.isoformat()}.html"


def default_archive(out: Path) -> Path:
    """Where the archive lives when no path is given: beside the outputs."""
    return out / DEFAULT_ARCHIVE_NAME
