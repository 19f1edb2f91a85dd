"""The archive's own records (:mod:`digest.archive`) on a real SQLite file: what it
keeps of the files a build read, and what it cannot keep."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from digest import publish as publish_module
from digest.archive import Archive, ArchiveError
from digest.config import Settings
from digest.model import digest_to_dict
from digest.records import IssueRecord, make_record

from .test_archive import D1, D2, SITE, article, topic_folder


def test_a_file_name_that_is_not_utf8_is_read_every_time_not_recorded(tmp_path: Path) -> None:
    inputs = topic_folder(tmp_path, "b")
    body = (
        "---\ntitle: Cafe reopens on the quay\nurl: https://quay.example/cafe\n---\n"
        "The harbour cafe reopened on Friday after a year of repairs to its roof, and the "
        "owners said the menu of fish soup and rye bread would stay as it was.\n"
    )
    with open(os.path.join(os.fsencode(inputs), b"caf\xe9.md"), "wb") as handle:
        handle.write(body.encode("utf-8"))
    out, settings = tmp_path / "out", Settings(site_url=SITE)
    result = publish_module.publish([inputs], out=out, date=D1, settings=settings)
    assert result.plan.action == "new" and result.plan.new == 3
    store = Archive(out / "archive.sqlite3")
    assert sorted(Path(f.source).name for f in store.files()) == ["0.md", "1.md"]
    for record in store.files():  # what the next build compares without reading the file
        stat = Path(record.source).stat()
        assert (record.size, record.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    # the next build reads that file again and finds its article used
    again = publish_module.publish([inputs], out=out, date=D1, settings=settings)
    assert (again.plan.action, again.known, again.plan.used) == ("nothing", 2, 1)


def test_an_article_taken_meanwhile_is_found_among_any_number_of_keys(tmp_path: Path) -> None:
    """The check that no other build published one of an issue's articles since it
    decided runs over every key, however many, and says what to do."""
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    host = Settings(site_url=SITE).site_host
    first = make_record(make_digest(), host, [article("Taken by the first build.")])
    store.save(first)
    taken = first.article_keys[-1]
    later = make_digest()
    later = type(later)(**{**later.__dict__, "date": D2})
    others = [f"url:https://many.example/{n}" for n in range(1200)]
    for position in (0, 499, 500, 999, 1000, 1200):
        keys = (*others[:position], taken, *others[position:])
        record = replace(make_record(later, host), article_keys=keys)
        with pytest.raises(ArchiveError) as caught:
            store.save(record)
        message = str(caught.value)
        assert message.startswith(f"{store.path}: an article of this issue was published "
                                  "meanwhile in the issue of 2026-11-21"), position  # fmt: skip
        assert message.endswith("run the build again")
        assert [r.date for r in store.issues()] == [D1]
    # without the taken key, the same many keys are saved
    store.save(replace(make_record(later, host), article_keys=tuple(others)))
    assert len(store.used_keys()) == len(first.article_keys) + 1200


def test_an_archive_that_cannot_be_opened_names_it_and_the_fix(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database " * 100)
    with pytest.raises(ArchiveError) as caught:
        Archive(garbage).used_keys()
    assert str(caught.value) == (
        f"{garbage}: cannot open the archive: file is not a database; "
        "check the path given to --archive"
    )
    newer = tmp_path / "newer.sqlite3"
    with contextlib.closing(sqlite3.connect(newer)) as con:
        con.execute("PRAGMA user_version = 3")
    for read in (Archive(newer).issues, lambda: Archive(newer).save(record_of(D1))):
        with pytest.raises(ArchiveError) as caught:
            read()
        assert str(caught.value) == (
            f"{newer}: the archive has schema 3, newer than this digest understands; upgrade digest"
        )


def record_of(day: dt.date) -> IssueRecord:
    from .test_render import make_digest

    digest = make_digest(headline=f"News of {day}")
    digest = type(digest)(**{**digest.__dict__, "date": day})
    return make_record(digest, Settings(site_url=SITE).site_host, [article(f"Text of {day}.")])


def test_issues_are_found_by_date_newest_first_in_a_new_folder(tmp_path: Path) -> None:
    store = Archive(tmp_path / "new" / "nested" / "archive.sqlite3")  # folders made by save
    days = [D1 + dt.timedelta(days=n) for n in range(4)]
    for day in days:
        store.save(record_of(day))
    assert store.dates() == days[::-1]
    assert [r.date for r in store.issues(dates=[days[0], days[2]])] == [days[2], days[0]]
    assert [r.date for r in store.issues(dates=[days[3]])] == [days[3]]
    assert [r.date for r in store.issues(limit=2)] == days[:1:-1]
    assert store.issue(days[1]) == record_of(days[1])


def test_the_stored_digest_is_canonical_json(tmp_path: Path) -> None:
    """One digest is stored as one text: keys sorted, non-ASCII text kept as it is
    (readable with the sqlite3 shell, and no bigger than it need be)."""
    from .test_render import make_digest

    digest = make_digest("Café on the quay reopens — “at last”", "The café reopened.")
    path = tmp_path / "archive.sqlite3"
    Archive(path).save(make_record(digest, Settings(site_url=SITE).site_host))
    with contextlib.closing(sqlite3.connect(path)) as con:
        (stored,) = con.execute("SELECT digest FROM issues").fetchone()
    assert "Café on the quay reopens — “at last”" in stored
    assert stored == json.dumps(digest_to_dict(digest), ensure_ascii=False, sort_keys=True)
    assert list(json.loads(stored)) == sorted(json.loads(stored))


def test_the_file_index_of_the_issue_just_built_knows_its_files_unless_forced(
    tmp_path: Path,
) -> None:
    inputs = topic_folder(tmp_path, "b")
    out, settings = tmp_path / "out", Settings(site_url=SITE)
    publish_module.publish([inputs], out=out, date=D1, settings=settings)
    store = Archive(out / "archive.sqlite3")
    digests = [f.digest for f in store.files()]
    assert len(digests) == 2
    # a build of the same day need read none of them again ...
    assert all(store.file_index(D1).known(d) is not None for d in digests)
    # ... but a forced rebuild of that issue needs its articles, so reads them
    assert all(store.file_index(D1, force=True).known(d) is None for d in digests)
