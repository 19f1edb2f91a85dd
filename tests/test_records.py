"""Records (:mod:`digest.records`): the ids feed readers know an issue and its
stories by, as a build and a rebuild make them."""

from __future__ import annotations

from dataclasses import replace

import feedparser

from digest.config import Settings
from digest.records import make_record
from digest.render.outputs import Edition, RenderContext, render_edition

from .test_archive import SITE
from .test_render import make_digest

HOST = Settings(site_url=SITE).site_host


def test_two_stories_from_the_same_articles_are_two_entries_with_lasting_ids() -> None:
    digest = make_digest()
    twice = replace(digest, stories=(digest.stories[0], digest.stories[0]))
    record = make_record(twice, HOST)
    first, second = record.stories
    assert first.id != second.id and first.anchor != second.anchor
    # a feed reader shows both, each once
    feed = render_edition(
        Edition(twice, record, (record,)), RenderContext(Settings(site_url=SITE), None, 10)
    )["stories.atom.xml"]
    assert sorted(e.id for e in feedparser.parse(feed).entries) == sorted([first.id, second.id])
    # a rebuild of the same issue gives each the id it had
    assert make_record(twice, HOST, previous=record).stories == record.stories
    assert make_record(twice, HOST).stories == record.stories


def test_an_update_keeps_the_published_stories_as_they_were() -> None:
    digest = make_digest()
    record = make_record(digest, HOST)
    updated = replace(digest, stories=(*digest.stories, replace(digest.stories[0], headline="New")))
    moved = make_record(updated, "moved.example", previous=record, kept=len(digest.stories))
    assert moved.id == record.id and moved.published == record.published
    assert moved.stories[:2] == record.stories
    # the new story is an entry of its own, of the date and host, first
    # published with the issue
    new = moved.stories[2]
    assert new.id.startswith("tag:moved.example,2026-11-21:story/")
    assert new.id not in {s.id for s in record.stories}
    assert new.published == record.published
