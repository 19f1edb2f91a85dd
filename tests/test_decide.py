"""The decider (:mod:`digest.decide`): every count of a plan, each boundary of
"old news", and the record of files judged the same way. Pure functions, so
plain values in and whole plans out."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from digest.decide import FileIndex, Plan, decide
from digest.keys import article_keys
from digest.model import Article, Block
from digest.records import FileRecord, KnownFile, RecordedArticle

D0, D1, D2, D3 = (dt.date(2026, 11, d) for d in (19, 20, 21, 22))


def article(text: str, published: dt.datetime | None = None, url: str | None = None) -> Article:
    return Article(
        f"{text[:8]}.md", "Title", (Block("paragraph", text),), url=url, published=published
    )


def at(day: dt.date, hour: int = 12, offset: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=offset)))


def used_by(day: dt.date, *articles: Article) -> dict[str, dt.date]:
    return {k: day for a in articles for k in article_keys(a)}


# -- decide ---------------------------------------------------------------------


def test_a_plan_counts_every_candidate_once() -> None:
    taken = article("Taken by the issue of D1.")
    ours = article("Ours already: the issue of D3.")
    stale = article("Published before the last issue.", at(D0))
    fresh = article("Fresh news.", at(D2))
    undated = article("No date.")
    copy = article("fresh   NEWS!", at(D2))  # the same text as ``fresh``
    also_taken = article("Also taken, by the issue of D0.")
    used = used_by(D1, taken) | used_by(D3, ours) | used_by(D0, also_taken)
    # duplicates before and after the others: each is counted, and the rest judged
    candidates = [taken, ours, stale, fresh, copy, undated, also_taken, copy]
    # a new issue: its own article counts as used, not as news
    assert decide(used, candidates, D3, issue_exists=False) == Plan(
        "new", (fresh, undated), new=2, used=3, latest=D3, stale=1, duplicates=2
    )
    assert decide(used, candidates, D3, issue_exists=True) == Plan(
        "update", (fresh, undated), new=2, used=3, latest=D3, stale=1, duplicates=2
    )
    # a rebuild takes the issue's own article again, in input order
    assert decide(used, candidates, D3, issue_exists=True, force=True) == Plan(
        "rebuild", (ours, fresh, undated), new=2, used=2, latest=D3, stale=1, duplicates=2
    )
    # --force without an issue of that date is a new issue
    assert decide(used, candidates, D3, issue_exists=False, force=True) == Plan(
        "new", (fresh, undated), new=2, used=3, latest=D3, stale=1, duplicates=2
    )
    assert decide(used, [taken, ours, stale, taken], D3, issue_exists=True) == Plan(
        "nothing", (), new=0, used=2, latest=D3, stale=1, duplicates=1
    )
    # a rebuild with only the issue's own articles rebuilds them
    assert decide(used, [taken, ours], D3, issue_exists=True, force=True) == Plan(
        "rebuild", (ours,), new=0, used=1, latest=D3, stale=0, duplicates=0
    )


def test_an_empty_archive_and_no_candidates() -> None:
    assert decide({}, [], D1, issue_exists=False) == Plan("nothing", (), 0, 0, None, 0, 0)
    assert decide({}, [], D1, issue_exists=True, force=True) == Plan(
        "nothing", (), 0, 0, None, 0, 0
    )


def test_old_news_is_judged_in_utc_whatever_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used = used_by(D1, article("one"))
    # 20:00 UTC on D0: already D1 in Tokyo, still D0 in UTC
    evening = article("Evening news.", at(D0, 20))
    try:
        for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert decide(used, [evening], D2, issue_exists=False).stale == 1, zone
            index = FileIndex([record("e.md", "e", evening)], used, D2)
            assert index.known("e") == KnownFile(recorded(evening), 0, 1), zone
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_latest_issue_is_the_newest_of_any_date() -> None:
    used = used_by(D2, article("b")) | used_by(D0, article("a")) | used_by(D3, article("c"))
    assert decide(used, [], D1, issue_exists=False).latest == D3


def test_an_article_an_earlier_issue_used_is_used_even_if_this_issue_has_it_too() -> None:
    # one key in this date's issue, the other (the same URL) in an earlier one
    first = article("Text one.", url="https://news.example/a")
    again = article("Text two.", url="https://news.example/a")
    used = used_by(D1, first) | used_by(D2, article("Text two."))
    plan = decide(used, [again], D2, issue_exists=True, force=True)
    assert (plan.action, plan.used) == ("nothing", 1)


def test_old_news_is_what_was_published_before_the_last_earlier_issue() -> None:
    # issues of D0 and D2; building D3, the cutoff is D2 (the latest before D3)
    used = used_by(D0, article("zero")) | used_by(D2, article("two"))
    between = article("Published on D1.", at(D1))
    on_cutoff = article("Published on D2.", at(D2, 0))
    assert decide(used, [between, on_cutoff], D3, issue_exists=False) == Plan(
        "new", (on_cutoff,), new=1, used=0, latest=D2, stale=1, duplicates=0
    )
    # times are judged in UTC: 23:00 at UTC-5 on D1 is D2 in UTC, 01:00 at UTC+5 on D2 is D1
    late = article("Late on D1 west of Greenwich.", at(D1, 23, -5))
    early = article("Early on D2 east of Greenwich.", at(D2, 1, 5))
    assert decide(used, [late, early], D3, issue_exists=False).articles == (late,)
    # the issue being built (of D2 again) sets no cutoff of its own: D0 does
    assert decide(used, [between], D2, issue_exists=True).articles == (between,)


def test_an_article_its_editor_held_back_from_the_last_issue_is_news_once() -> None:
    used = used_by(D2, article("two"))
    held_back = article("Left out of the D2 draft.", at(D0))
    older_hold = article("Left out of the D1 draft.", at(D0))
    held = used_by(D2, held_back) | used_by(D1, older_hold)
    plan = decide(used, [held_back, older_hold], D3, issue_exists=False, held=held)
    assert (plan.articles, plan.stale) == ((held_back,), 1)
    # without the hold both are old news
    assert decide(used, [held_back, older_hold], D3, issue_exists=False).stale == 2
    # a hold of a later issue than the cutoff counts too
    assert (
        decide(used, [older_hold], D3, issue_exists=False, held=used_by(D3, older_hold)).stale == 0
    )


# -- FileIndex ------------------------------------------------------------------


def recorded(*articles: Article) -> tuple[RecordedArticle, ...]:
    return tuple(
        (article_keys(a), a.published.isoformat() if a.published else None) for a in articles
    )


def record(source: str, digest: str, *articles: Article) -> FileRecord:
    return FileRecord(source, 100, 5, digest, recorded(*articles))


def test_a_file_is_recorded_by_its_source_size_and_time() -> None:
    index = FileIndex([record("a.md", "d1"), record("b.md", "d2")], {}, D1)
    assert index.recorded("a.md", 100, 5) == "d1"
    assert index.recorded("b.md", 100, 5) == "d2"
    assert index.recorded("a.md", 101, 5) is None
    assert index.recorded("a.md", 100, 6) is None
    assert index.recorded("c.md", 100, 5) is None


def test_a_file_is_known_when_each_article_is_used_or_old_news() -> None:
    used_one, old, fresh = article("Used."), article("Old.", at(D0)), article("Fresh.", at(D2))
    used_too, older = article("Used too."), article("Older.", at(D0, 1))
    used = used_by(D1, used_one, used_too)
    records = [
        record("all-used.md", "u", used_one, used_too),
        record("mixed.md", "m", used_one, old, older),
        record("fresh.md", "f", used_one, fresh),
        record("empty.md", "e"),
        record("undated.md", "n", article("Undated.")),
    ]
    index = FileIndex(records, used, D2)
    assert index.known("u") == KnownFile(recorded(used_one, used_too), used=2, stale=0)
    assert index.known("m") == KnownFile(recorded(used_one, old, older), used=1, stale=2)
    assert index.known("f") is None
    assert index.known("e") is None  # a file that gave nothing is read again
    assert index.known("n") is None
    assert index.known("missing") is None
    # an article published on the cutoff day is not old news
    on_cutoff = article("On the day.", at(D1, 0))
    assert FileIndex([record("c.md", "c", on_cutoff)], used, D2).known("c") is None
    # judged in UTC: 23:00 at UTC-5 on D0 is D1 in UTC
    late = article("Late.", at(D0, 23, -5))
    assert FileIndex([record("l.md", "l", late)], used, D2).known("l") is None
    # no earlier issue: nothing is old news
    assert FileIndex([record("o.md", "o", old)], used, D1).known("o") is None


def test_a_rebuild_reads_again_the_files_of_its_own_issue() -> None:
    own, earlier = article("Own."), article("Earlier.")
    used = used_by(D2, own) | used_by(D1, earlier)
    records = [record("own.md", "o", own), record("earlier.md", "e", earlier)]
    assert FileIndex(records, used, D2).known("o") == KnownFile(recorded(own), 1, 0)
    forced = FileIndex(records, used, D2, force=True)
    assert forced.known("o") is None
    assert forced.known("e") == KnownFile(recorded(earlier), 1, 0)


def test_a_held_back_article_makes_its_file_read_again() -> None:
    used = used_by(D1, article("one"))
    old = article("Old but held.", at(D0))
    records = [record("h.md", "h", old)]
    assert FileIndex(records, used, D2).known("h") == KnownFile(recorded(old), 0, 1)
    assert FileIndex(records, used, D2, held=used_by(D1, old)).known("h") is None
    assert FileIndex(records, used, D2, held=used_by(D0, old)).known("h") == KnownFile(
        recorded(old), 0, 1
    )


def test_of_two_records_with_the_same_bytes_the_first_is_judged() -> None:
    used_one = article("Used.")
    records = [record("a.md", "same", used_one), record("copy.md", "same", article("New."))]
    index = FileIndex(records, used_by(D1, used_one), D2)
    assert index.known("same") == KnownFile(recorded(used_one), 1, 0)
