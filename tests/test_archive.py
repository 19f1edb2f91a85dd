"""The archive: stable hashes, the pure decider, transactions, and builds over time."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from digest import publish as publish_module
from digest.archive import (
    Archive,
    ArchiveError,
    article_keys,
    canonical_url,
    decide,
    fingerprint,
    get_hash,
    make_record,
)
from digest.cli import app
from digest.config import Settings
from digest.model import Article, Block

from .conftest import SEEDS

runner = CliRunner()
D1, D2 = dt.date(2026, 11, 21), dt.date(2026, 11, 22)
SITE = "https://news.example/alita/"


def article(text: str, path: str = "a.txt", url: str | None = None) -> Article:
    return Article(path=path, title="Title", blocks=(Block("paragraph", text),), url=url)


NEW_ARTICLE = """---
title: Rodriguez shares first Alita 2 concept art
url: https://news.example/alita-2-concept-art?utm_source=newsletter
outlet: Example News
published: 2026-11-22T08:00:00Z
---
Robert Rodriguez shared the first concept art for Alita 2 on Monday, showing the cyborg heroine
in a new armoured body.

The director said the sequel would start filming next year in Austin, with Rosa Salazar returning
in the lead role.
"""


def build(inputs: Path, out: Path, date: dt.date, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app,
        [
            "build",
            str(inputs),
            "--out",
            str(out),
            "--date",
            date.isoformat(),
            "--site-url",
            SITE,
            *extra,
        ],
    )
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


# -- identities -----------------------------------------------------------------


def test_hash_ignores_key_order_and_empty_fields() -> None:
    assert get_hash({"a": 1, "b": "x"}) == get_hash({"b": "x", "a": 1, "c": None, "d": ""})
    assert get_hash({"a": 1}) != get_hash({"a": 2})
    assert len(get_hash({})) == 64


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    same = [
        "https://News.Example/story/?utm_source=x&b=2&a=1#top",
        "http://www.news.example:80/story?a=1&b=2&fbclid=abc",
        "https://news.example:443/story?b=2&a=1",
    ]
    assert {canonical_url(u) for u in same} == {"https://news.example/story?a=1&b=2"}
    assert canonical_url("https://news.example/other") != canonical_url(same[0])


def test_fingerprint_is_the_text_not_the_file_or_date() -> None:
    a = article("The council voted on Monday.", path="a.txt")
    b = Article(
        path="elsewhere/b.md",
        title="Another title",
        blocks=(Block("paragraph", "  the COUNCIL voted on monday!! "),),
        published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(article("The council voted on Tuesday."))
    assert article_keys(article("x", url="https://n.example/1?utm_medium=y"))[0] == (
        "url:https://n.example/1"
    )


# -- the decider ----------------------------------------------------------------


def dated(text: str, day: dt.date, path: str) -> Article:
    when = dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    return replace(article(text, path=path), published=when)


def test_unused_articles_published_before_the_last_issue_are_old_news() -> None:
    D0, D3 = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    covered = article("Covered news.", path="c.txt")
    used = dict.fromkeys(article_keys(covered), D2)
    back = dated("Back catalogue.", D0, "back.txt")  # 2026-11-21 04:30 UTC: before D2
    same_day = dated("Same day as the last issue.", D2, "same.txt")
    undated = article("No date at all.", path="undated.txt")
    plan = decide(used, [covered, back, same_day, undated], D3, issue_exists=False)
    assert (plan.action, plan.articles) == ("new", (same_day, undated))
    assert (plan.used, plan.stale) == (1, 1)
    # with no earlier issue there is no cutoff: the back catalogue is news
    assert decide({}, [back], D1, issue_exists=False).articles == (back,)
    # only issues before the one being built set the cutoff
    assert decide(used, [back], D1, issue_exists=False).articles == (back,)
    assert decide(used, [back], D3, issue_exists=False).action == "nothing"


def test_decider_new_nothing_update_rebuild() -> None:
    old, new = article("Old news."), article("New news.", path="b.txt")
    empty: dict[str, dt.date] = {}
    assert decide(empty, [old], D1, issue_exists=False).action == "new"
    used = dict.fromkeys(article_keys(old), D1)
    nothing = decide(used, [old], D1, issue_exists=True)
    assert (nothing.action, nothing.articles, nothing.latest) == ("nothing", (), D1)
    later = decide(used, [old, new], D2, issue_exists=False)
    assert (later.action, later.articles, later.used) == ("new", (new,), 1)
    update = decide(used, [old, new], D1, issue_exists=True)
    assert (update.action, update.articles, update.new, update.used) == ("update", (new,), 1, 1)
    rebuild = decide(used, [old], D1, issue_exists=True, force=True)
    assert (rebuild.action, rebuild.articles) == ("rebuild", (old,))
    # --force never brings back an article another issue used
    assert decide(used, [old], D2, issue_exists=True, force=True).articles == ()


def test_decider_counts_a_duplicate_in_the_batch_once() -> None:
    a = article("Same text.", path="a.txt")
    b = article("same   TEXT", path="copy/b.txt")
    c = article("Different.", path="c.txt", url="https://n.example/x")
    d = article("Other text, same page.", path="d.txt", url="https://n.example/x?utm_source=y")
    plan = decide({}, [a, b, c, d], D1, issue_exists=False)
    assert plan.articles == (a, c) and plan.duplicates == 2
    # a first build into an empty archive has nothing "already in earlier issues"
    assert plan.used == 0


texts = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "Alpha!"]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(first=texts, second=texts, force=st.booleans())
def test_decider_never_reuses_and_is_idempotent(
    first: list[str], second: list[str], force: bool
) -> None:
    batch1 = [article(t, path=f"1/{i}.txt") for i, t in enumerate(first)]
    batch2 = [article(t, path=f"2/{i}.txt") for i, t in enumerate(second)]
    plan1 = decide({}, batch1, D1, issue_exists=False)
    used = {k: D1 for a in plan1.articles for k in article_keys(a)}
    plan2 = decide(used, batch2, D2, issue_exists=False, force=force)
    assert not {k for a in plan2.articles for k in article_keys(a)} & set(used)
    used.update({k: D2 for a in plan2.articles for k in article_keys(a)})
    # running the same build again finds nothing new
    assert decide(used, batch2, D2, issue_exists=bool(plan2.articles)).action == "nothing"


# -- the archive ----------------------------------------------------------------


def test_reading_a_missing_archive_creates_nothing(tmp_path: Path) -> None:
    store = Archive(tmp_path / "no" / "archive.sqlite3")
    assert store.used_keys() == {} and store.issues() == [] and store.issue(D1) is None
    assert not (tmp_path / "no").exists()


def test_a_record_round_trips_and_a_rebuild_keeps_ids(tmp_path: Path) -> None:
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    settings = Settings(site_url=SITE)
    digest = make_digest()
    record = make_record(digest, settings, [article("x")])
    store.save(record)
    loaded = store.issue(digest.date)
    assert loaded is not None
    assert loaded.id == "tag:news.example,2026-11-21:issue/2026-11-21"
    assert (loaded.digest, loaded.stories, loaded.published) == (
        digest,
        record.stories,
        record.published,
    )
    assert loaded.article_keys == record.article_keys
    # a new site URL later does not change what was published
    again = make_record(digest, Settings(site_url="https://moved.example/"), [], loaded)
    assert again.id == loaded.id and again.stories == loaded.stories
    assert set(again.article_keys) == set(loaded.article_keys)


def test_a_failed_transaction_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    first = make_record(make_digest(), Settings(site_url=SITE), [article("x")])
    with pytest.raises(RuntimeError), store.saving(first):
        raise RuntimeError("crash")
    assert not store.path.exists(), "no empty archive is left behind"
    store.save(first)
    before = store.path.read_bytes()
    second = make_record(make_digest(headline="Other"), Settings(site_url=SITE), [article("y")])
    with pytest.raises(RuntimeError), store.saving(second):
        raise RuntimeError("crash")
    assert store.path.read_bytes() == before
    assert store.issue(D1) == first


def test_an_article_taken_meanwhile_by_another_build_is_refused(tmp_path: Path) -> None:
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    shared = article("Both builds saw this.")
    store.save(make_record(make_digest(), Settings(site_url=SITE), [shared]))
    other = make_digest()
    other = type(other)(**{**other.__dict__, "date": D2})
    with pytest.raises(ArchiveError, match="published meanwhile in the issue of 2026-11-21"):
        store.save(make_record(other, Settings(site_url=SITE), [shared]))
    assert [r.date for r in store.issues()] == [D1]


def test_a_newer_archive_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA user_version = 99")
    with pytest.raises(ArchiveError, match="newer"):
        Archive(path).used_keys()


# -- builds over time (through the CLI) -------------------------------------------


def test_rerunning_the_same_build_adds_and_changes_nothing(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = build(inputs, out, D1)
    assert code == 0, err
    before = snapshot(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    code, stdout, err = build(inputs, out, D1)
    assert code == 0, err
    assert stdout.strip() == "Nothing new since the issue of 2026-11-21; nothing written."
    assert snapshot(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes
    # a later date with the same articles: still nothing new
    code, stdout, _ = build(inputs, out, D2)
    assert code == 0 and stdout.startswith("Nothing new since the issue of 2026-11-21")
    assert snapshot(out) == before


def test_force_rebuilds_in_place_with_the_same_ids_and_bytes(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    before = snapshot(out)
    ids = [(r.id, r.stories) for r in Archive(out / "archive.sqlite3").issues()]
    code, stdout, err = build(inputs, out, D1, "--force")
    assert code == 0, err
    assert "rebuilt the issue of 2026-11-21" in stdout
    after = snapshot(out)
    del before["archive.sqlite3"], after["archive.sqlite3"]
    assert after == before
    assert [(r.id, r.stories) for r in Archive(out / "archive.sqlite3").issues()] == ids


def test_only_new_articles_make_the_next_issue(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    # the same text under another name, and the same page with tracking parameters
    (inputs / "zz_copy.txt").write_text((SEEDS / sorted(os.listdir(SEEDS))[0]).read_text())
    code, stdout, err = build(inputs, out, D2)
    assert code == 0, err
    # the copy of an old seed is counted once, as a duplicate of it
    assert stdout.startswith(
        "Read 4 articles: 1 duplicate within the input, 2 already in earlier issues; "
        "made 1 story from 1 article;"
    )
    store = Archive(out / "archive.sqlite3")
    assert [r.date for r in store.issues()] == [D2, D1]
    newest = store.issues()[0]
    assert [s.url for story in newest.digest.stories for s in story.sources] == [
        "https://news.example/alita-2-concept-art?utm_source=newsletter"
    ]
    assert "url:https://news.example/alita-2-concept-art" in newest.article_keys


def test_new_articles_on_the_same_date_join_that_issue(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    first = Archive(out / "archive.sqlite3").issue(D1)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    code, stdout, err = build(inputs, out, D1)
    assert code == 0, err
    assert stdout.startswith(
        "Read 3 articles: 2 already in earlier issues; made 1 story from 1 article; "
    )
    assert "added to the issue of 2026-11-21" in stdout
    updated = Archive(out / "archive.sqlite3").issue(D1)
    assert first is not None and updated is not None
    assert (updated.id, updated.published) == (first.id, first.published)
    assert updated.digest.article_count == 3
    # the published stories stay as they were, the new one follows
    kept = len(first.stories)
    assert updated.stories[:kept] == first.stories
    assert updated.digest.stories[:kept] == first.digest.stories
    assert len(updated.stories) == kept + 1
    assert set(first.article_keys) < set(updated.article_keys)
    # and running it again adds nothing
    code, stdout, _ = build(inputs, out, D1)
    assert code == 0 and stdout.startswith("Nothing new since the issue of 2026-11-21")


def test_a_crash_while_rendering_changes_nothing(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    before = snapshot(out)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(publish_module, "render_outputs", broken)
    result = runner.invoke(app, ["build", str(inputs), "--out", str(out), "--date", "2026-11-22"])
    assert isinstance(result.exception, RuntimeError)
    assert snapshot(out) == before


@pytest.mark.parametrize("fail_at", [1, 5, 12])
def test_a_crash_while_publishing_puts_everything_back(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    before = snapshot(out)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str | Path, dst: str | Path) -> None:
        if str(src).endswith(".tmp"):  # a staged output moving into place
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError("disk gone")
        real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", flaky_replace)
    result = runner.invoke(app, ["build", str(inputs), "--out", str(out), "--date", "2026-11-22"])
    assert isinstance(result.exception, OSError)
    assert calls["n"] == fail_at
    assert snapshot(out) == before, "files and archive are as they were"
    assert not list(out.rglob(".*")), "no temporary file is left behind"
    monkeypatch.undo()
    code, stdout, err = build(inputs, out, D2)
    assert code == 0 and "made 1 story from 1 article" in stdout, err


def test_a_failed_commit_puts_the_files_back(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    before = snapshot(out)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    real = publish_module.StagedFiles.replace

    def replace_then_break_the_archive(self: publish_module.StagedFiles) -> None:
        real(self)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(publish_module.StagedFiles, "replace", replace_then_break_the_archive)
    code, _, err = build(inputs, out, D2)
    assert code == 1 and "cannot write the archive" in err
    assert snapshot(out) == before


def test_an_atomic_write_that_fails_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "sent.json"
    target.write_bytes(b"old")

    def refuse(src: str | Path, dst: str | Path) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(publish_module.os, "replace", refuse)
    with pytest.raises(OSError, match="disk gone"):
        publish_module.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sent.json"], "no temporary file is left"
    monkeypatch.undo()
    publish_module.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["sent.json"]


def test_the_archive_path_is_settable(inputs: Path, tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "state" / "digest.sqlite3"
    assert build(inputs, out, D1, "--archive", str(store))[0] == 0
    assert store.exists() and not (out / "archive.sqlite3").exists()
    code, stdout, _ = build(inputs, tmp_path / "elsewhere", D1, "--archive", str(store))
    assert code == 0 and stdout.startswith("Nothing new")
