"""The web archive: ``index.html`` lists the issues, ``issues/<date>.html`` shows one.

The pages come from the same template family as the feeds (their stories use
the macros of ``_stories.html.j2``), so an issue reads the same in a browser,
in a feed reader and in the email. Links between pages are relative, so the
archive works from any folder (``digest serve``) as well as from the site URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from digest.config import Site
from digest.names import issue_page
from digest.records import IssueRecord
from digest.render import render_template
from digest.render.context import IndexContext, IndexEntry, IssuePageContext
from digest.render.palette import DARK, LIGHT
from digest.render.stories import lay_out_issue


def render_issue_page(record: IssueRecord, settings: Site, override: Path | None = None) -> str:
    """One issue as a web page; each story has a stable fragment id."""
    digest = record.digest
    context = IssuePageContext(
        digest=digest,
        settings=settings,
        intro=digest.intro,
        issue_url=settings.issue_url(digest.date.isoformat()),
        stories=[
            (layout, meta.anchor)
            for layout, meta in zip(lay_out_issue(digest), record.stories, strict=True)
        ],
        root="../",
        palette=LIGHT,
        dark=DARK,
    )
    return render_template("issue.html.j2", override, context)


def render_index(
    issues: Sequence[IssueRecord], settings: Site, override: Path | None = None
) -> str:
    """The list of every issue, newest first."""
    ordered = sorted(issues, key=lambda r: r.date, reverse=True)
    context = IndexContext(
        settings=settings,
        issues=[IndexEntry(r.digest, issue_page(r.date)) for r in ordered],
        root="",
        palette=LIGHT,
        dark=DARK,
    )
    return render_template("index.html.j2", override, context)
