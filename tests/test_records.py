"""Records (:mod:`digest.records`): the ids feed readers know an issue and its
stories by, as a build and a rebuild make them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import feedparser

from digest.config import Settings
from digest.keys import article_keys
from digest.model import Article, Block, Sentence, Source, Story
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
    # the new story is an entry of its own, of the issue's date and host, first
    # published with the issue
    new = moved.stories[2]
    assert new.id.startswith("tag:moved.example,2026-11-21:story/")
    assert new.id not in {s.id for s in record.stories}
    assert new.published == record.published


def test_the_ids_of_repeated_stories_are_the_ids_they_were_first_published_with() -> None:
    # feed readers know entries by these ids: a new version of digest must
    # give a repeated story the id it had, so the values themselves are pinned
    digest = make_digest()
    twice = replace(digest, stories=(digest.stories[0],) * 2)
    assert [s.id for s in make_record(twice, HOST).stories] == [
        "tag:news.example,2026-11-21:story/b8d73dada84d6d3a9d43",
        "tag:news.example,2026-11-21:story/0e36b752530ecda27cb4",
    ]
    # a third copy is an entry of its own too
    thrice = replace(digest, stories=(digest.stories[0],) * 3)
    ids = [s.id for s in make_record(thrice, HOST).stories]
    assert len(set(ids)) == 3
    assert ids[2] == "tag:news.example,2026-11-21:story/47993f1ec7874c089dbe"


def test_a_rebuild_keeps_the_issue_time_it_was_first_published_with() -> None:
    digest = make_digest()
    first = make_record(digest, HOST)
    assert first.published == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    # an issue first published at another time (an archive of an older version)
    earlier = replace(first, published=dt.datetime(2026, 11, 21, 6, 30, tzinfo=dt.UTC))
    rebuilt = make_record(digest, HOST, previous=earlier)
    assert rebuilt.published == earlier.published
    assert rebuilt.id == earlier.id


def test_without_kept_no_story_of_the_previous_record_is_taken_as_it_was() -> None:
    digest = make_digest()
    previous = make_record(digest, HOST)
    # the issue of that date rebuilt from other stories: none is the old first one
    other = replace(digest, stories=(digest.stories[1], digest.stories[0]))
    rebuilt = make_record(other, HOST, previous=previous)
    assert [s.key for s in rebuilt.stories] == [
        previous.stories[1].key,
        previous.stories[0].key,
    ]
    assert rebuilt.stories == (previous.stories[1], previous.stories[0])


def _article(path: str, text: str, url: str | None = None) -> Article:
    return Article(path, "Budget passed", (Block("paragraph", text),), url=url)


def test_a_story_is_known_by_its_articles_text_when_they_are_given() -> None:
    # the same article moved to another file (it has no URL): its story keeps its id
    digest = make_digest()

    def built(path: str) -> tuple[str, ...]:
        article = _article(path, "The council voted for the budget on Friday.")
        source = Source.from_article(article)
        story = Story("Council passes budget", (Sentence("The council voted.", (0,)),), (source,))
        record = make_record(replace(digest, stories=(story,)), HOST, [article])
        return tuple(s.id for s in record.stories)

    assert built("inbox/budget.md") == built("archive/2026/budget.md")
    # and the record keeps the keys of every article it was made from
    article = _article("a.md", "Some text.", "https://a.example/1")
    record = make_record(digest, HOST, [article])
    assert record.article_keys == article_keys(article)
