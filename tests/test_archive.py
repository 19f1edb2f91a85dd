"""The archive: stable hashes, the pure decider, transactions, and builds over time."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from digest import files as files_module
from digest import publish as publish_module
from digest.archive import Archive, ArchiveError
from digest.build import read_articles
from digest.cli import app
from digest.config import Settings
from digest.decide import decide
from digest.keys import article_keys, canonical_url, fingerprint, get_hash
from digest.model import Article, Block
from digest.records import make_record

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
    record = make_record(digest, settings.site_host, [article("x")])
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
    again = make_record(digest, Settings(site_url="https://moved.example/").site_host, [], loaded)
    assert again.id == loaded.id and again.stories == loaded.stories
    assert set(again.article_keys) == set(loaded.article_keys)


def test_a_failed_transaction_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    first = make_record(make_digest(), Settings(site_url=SITE).site_host, [article("x")])
    with pytest.raises(RuntimeError), store.saving(first):
        raise RuntimeError("crash")
    assert not store.path.exists(), "no empty archive is left behind"
    store.save(first)
    before = store.path.read_bytes()
    second = make_record(
        make_digest(headline="Other"), Settings(site_url=SITE).site_host, [article("y")]
    )
    with pytest.raises(RuntimeError), store.saving(second):
        raise RuntimeError("crash")
    assert store.path.read_bytes() == before
    assert store.issue(D1) == first


def test_an_article_taken_meanwhile_by_another_build_is_refused(tmp_path: Path) -> None:
    from .test_render import make_digest

    store = Archive(tmp_path / "archive.sqlite3")
    shared = article("Both builds saw this.")
    store.save(make_record(make_digest(), Settings(site_url=SITE).site_host, [shared]))
    other = make_digest()
    other = type(other)(**{**other.__dict__, "date": D2})
    with pytest.raises(ArchiveError, match="published meanwhile in the issue of 2026-11-21"):
        store.save(make_record(other, Settings(site_url=SITE).site_host, [shared]))
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

    monkeypatch.setattr(files_module.os, "replace", flaky_replace)
    result = runner.invoke(app, ["build", str(inputs), "--out", str(out), "--date", "2026-11-22"])
    # one line naming what could not be written, never a traceback
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: cannot write ") and result.stderr.count("\n") == 1
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
    real = files_module.StagedFiles.replace

    def replace_then_break_the_archive(self: files_module.StagedFiles) -> None:
        real(self)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(files_module.StagedFiles, "replace", replace_then_break_the_archive)
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

    monkeypatch.setattr(files_module.os, "replace", refuse)
    with pytest.raises(OSError, match="disk gone"):
        files_module.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sent.json"], "no temporary file is left"
    monkeypatch.undo()
    files_module.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["sent.json"]


def test_the_archive_path_is_settable(inputs: Path, tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "state" / "digest.sqlite3"
    assert build(inputs, out, D1, "--archive", str(store))[0] == 0
    assert store.exists() and not (out / "archive.sqlite3").exists()
    code, stdout, _ = build(inputs, tmp_path / "elsewhere", D1, "--archive", str(store))
    assert code == 0 and stdout.startswith("Nothing new")


# -- kills (issue 16, items 3 and 8) ----------------------------------------------

KILL_IN_THE_COMMIT = """
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=1")
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE issues SET digest = digest || ?", ("x" * 200000,))
con.execute("UPDATE articles SET key = key || '-changed'")
os.kill(os.getpid(), 9)
"""


def kill_in_a_transaction(archive: Path, *, wal: bool = False) -> None:
    """What a SIGKILL in the middle of the archive's commit leaves behind."""
    if wal:
        with contextlib.closing(sqlite3.connect(archive)) as con:
            con.execute("PRAGMA journal_mode=WAL")
    done = subprocess.run([sys.executable, "-c", KILL_IN_THE_COMMIT, str(archive)], check=False)
    assert done.returncode == -signal.SIGKILL
    leftover = archive.with_name(archive.name + ("-wal" if wal else "-journal"))
    assert leftover.exists() and leftover.stat().st_size > 0, "no journal left to recover"


@pytest.mark.parametrize("wal", [False, True], ids=["hot-journal", "wal"])
def test_a_kill_during_the_archive_commit_never_sticks(
    inputs: Path, tmp_path: Path, wal: bool
) -> None:
    out = tmp_path / "out"
    assert build(inputs, out, D1)[0] == 0
    archive = out / "archive.sqlite3"
    keys = Archive(archive).used_keys()
    kill_in_a_transaction(archive, wal=wal)
    # plain reads see the archive as it was before the killed transaction
    assert Archive(archive).used_keys() == keys
    assert not Archive(archive).issue(D1).digest.title.endswith("x")  # type: ignore[union-attr]
    # and the next build writes as usual
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    code, stdout, err = build(inputs, out, D2)
    assert code == 0 and "made 1 story from 1 article" in stdout, err
    assert set(keys) < set(Archive(archive).used_keys())
    with contextlib.closing(sqlite3.connect(archive)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# -- two builds at once (issue 16, item 4) ---------------------------------------

TOPICS = {
    "a": [
        ("Harbour board approves ferry terminal", "harbour.example/ferry",
         "The harbour board voted on Monday to approve the new ferry terminal after a long "
         "debate about traffic in the old town. Residents said it would bring more cars."),
        ("Library extends opening hours", "city.example/library",
         "The city library will stay open until nine in the evening from next month, the "
         "council said, after a survey found that students wanted more time to study."),
    ],
    "b": [
        ("Orchestra names new conductor", "music.example/conductor",
         "The regional orchestra named a new principal conductor on Tuesday, a violinist who "
         "has led the youth orchestra for six years and plans a season of new music."),
        ("Bakery wins national bread prize", "food.example/bread",
         "A family bakery in the market square won the national bread prize for its rye "
         "loaf, beating two hundred entries from across the country in the final tasting."),
    ],
}  # fmt: skip


def topic_folder(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for number, (title, url, body) in enumerate(TOPICS[name]):
        (folder / f"{number}.md").write_text(
            f"---\ntitle: {title}\nurl: https://{url}\n---\n{body}\n", encoding="utf-8"
        )
    return folder


def keys_of(folder: Path) -> set[str]:
    articles, _ = read_articles([folder])
    return {key for a in articles for key in article_keys(a)}


@pytest.mark.slow
def test_two_builds_at_once_keep_both_builds_stories_and_keys(tmp_path: Path) -> None:
    a, b = topic_folder(tmp_path, "a"), topic_folder(tmp_path, "b")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "digest", "build", "--out", str(out), "--date", "2026-11-21"]
    procs = [
        subprocess.Popen([*command, str(src)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for src in (a, b)
    ]
    outputs = [
        (p.wait(timeout=120), *(s.read().decode() for s in (p.stdout, p.stderr) if s))
        for p in procs
    ]
    assert [code for code, *_ in outputs] == [0, 0], outputs
    record = Archive(out / "archive.sqlite3").issue(D1)
    assert record is not None
    assert set(record.article_keys) == keys_of(a) | keys_of(b)
    assert len(record.stories) == len(record.digest.stories) == 4
    sources = {s.path for story in record.digest.stories for s in story.sources}
    assert sources == {str(p) for p in [*a.iterdir(), *b.iterdir()]}


def test_a_build_that_reads_the_archive_while_another_renders_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race, made certain: the second build starts once the first has
    read the archive and while it renders."""
    a, b = topic_folder(tmp_path, "a"), topic_folder(tmp_path, "b")
    out, settings_ = tmp_path / "out", Settings(site_url=SITE)
    rendering = threading.Event()
    real = publish_module.render_outputs

    def slow_first(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        if not rendering.is_set():
            rendering.set()
            time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(publish_module, "render_outputs", slow_first)
    errors: list[BaseException] = []

    def run(source: Path) -> None:
        try:
            publish_module.publish([source], out=out, date=D1, settings=settings_)
        except BaseException as exc:
            errors.append(exc)

    first = threading.Thread(target=run, args=(a,))
    first.start()
    assert rendering.wait(30)
    run(b)
    first.join(30)
    assert errors == []
    record = Archive(out / "archive.sqlite3").issue(D1)
    assert record is not None
    assert set(record.article_keys) == keys_of(a) | keys_of(b)
    assert len(record.stories) == 4


def test_a_build_waits_for_another_then_goes_on(tmp_path: Path) -> None:
    a, b = topic_folder(tmp_path, "a"), topic_folder(tmp_path, "b")
    out = tmp_path / "out"
    settings_ = Settings(site_url=SITE)
    lock = out / "archive.sqlite3.lock"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with files_module.file_lock(lock, timeout=5, holder="test"):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    # the lock is held, not merely its file created (a busy machine can run
    # the build between the two)
    assert held.wait(5)
    # a bounded wait, then one clear line
    with pytest.raises(files_module.LockedError, match="another build is still running"):
        publish_module.publish([a], out=out, date=D1, settings=settings_, lock_timeout=0.3)
    threading.Timer(0.3, release.set).start()
    result = publish_module.publish([b], out=out, date=D1, settings=settings_, lock_timeout=10)
    holder.join()
    assert result.plan.action == "new" and result.written


def test_a_build_that_cannot_get_its_lock_says_so_in_one_line(tmp_path: Path) -> None:
    a = topic_folder(tmp_path, "a")
    out = tmp_path / "out"
    (out / "archive.sqlite3.lock").mkdir(parents=True)  # not a file: never lockable
    code, stdout, err = build(a, out, D1)
    assert code == 1 and "archive.sqlite3.lock: cannot open the lock file" in err
    assert "Traceback" not in stdout + err and len(err.strip().splitlines()) == 1


# -- kills while publishing (issue 16, item 8) ------------------------------------


def _kill_at(point: int) -> None:
    """In this (child) process: SIGKILL at the ``point``-th step of publishing."""
    steps = {"n": 0}

    def step() -> None:
        steps["n"] += 1
        if steps["n"] == point:
            os.kill(os.getpid(), signal.SIGKILL)

    def counted(function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            step()
            result = function(*args, **kwargs)
            step()
            return result

        return wrapper

    files_module._stage = counted(files_module._stage)  # type: ignore[attr-defined]
    files_module._backup = counted(files_module._backup)  # type: ignore[attr-defined]
    files_module.os.replace = counted(os.replace)
    files_module.StagedFiles.finish = counted(files_module.StagedFiles.finish)  # type: ignore[method-assign]


def publish_killed_at(point: int, inputs: Path, out: Path, settings_: Settings) -> bool:
    """Run a build of D2 in a forked child killed at ``point``; True if it was killed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            _kill_at(point)
            publish_module.publish([inputs], out=out, date=D2, settings=settings_)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def staged_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*") if p.name.endswith((".tmp", ".bak")))


def state(folder: Path) -> tuple[dict[str, bytes], list[Any]]:
    files = {
        name: data
        for name, data in snapshot(folder).items()
        if not name.startswith("archive.sqlite3")
    }
    return files, Archive(folder / "archive.sqlite3").issues()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_build_killed_at_any_point_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    inputs = topic_folder(tmp_path, "a")
    settings_ = Settings(site_url=SITE)
    first = tmp_path / "first"
    publish_module.publish([inputs], out=first, date=D1, settings=settings_)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(first, reference)
    publish_module.publish([inputs], out=reference, date=D2, settings=settings_)
    expected = state(reference)
    kills = 0
    for point in range(1, 200, 3):  # every third step: staging, backups, moves, the end
        out = tmp_path / f"killed-{point}"
        shutil.copytree(first, out)
        if not publish_killed_at(point, inputs, out, settings_):
            break  # the build finished before this point: every point was tried
        kills += 1
        Archive(out / "archive.sqlite3").issues()  # the archive still reads
        result = publish_module.publish([inputs], out=out, date=D2, settings=settings_)
        assert result.written or result.plan.action == "nothing"
        assert staged_leftovers(out) == [], f"killed at step {point}"
        assert state(out) == expected, f"killed at step {point}"
        shutil.rmtree(out)
    assert kills >= 12, "the build was not killed at enough points"


def test_leftovers_are_only_our_own_staging_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "issues").mkdir(parents=True)
    ours = [
        ".rss.xml.abcd1234.tmp",
        ".atom.xml.a_b_c_d_.bak",
        "issues/.2026-11-21.html.zz9_zz9z.tmp",
    ]
    theirs = [
        ".sent.json.abcd1234.tmp",  # digest send's, which may be writing it now
        ".fetch-cache.json.abcd1234.tmp",
        ".rss.xml.tmp",
        ".notes.abcd1234.tmp",
        "rss.xml.abcd1234.tmp",
        "issues/.notes.txt.abcd1234.tmp",
        ".rss.xml.ABCD1234.tmp",
    ]
    for name in ours + theirs:
        (out / name).write_bytes(b"x")
    (out / ".rss.xml.link1234.tmp").symlink_to(tmp_path / "elsewhere")
    removed = publish_module.remove_leftovers(out, publish_module.OUTPUTS)
    assert sorted(str(p.relative_to(out)) for p in removed) == sorted(ours)
    assert all((out / name).exists() for name in theirs)


# -- kills in the archive's transaction and while files move (issue 11, item 2) ----------


def assert_whole(folder: Path) -> None:
    """What a reader or the next build finds right after a kill: every output that
    exists is whole (the feeds parse, not bozo; the JSON parses; the pages are
    complete), and the archive opens and passes SQLite's integrity check."""
    for name in ("atom.xml", "rss.xml", "stories.atom.xml", "stories.rss.xml"):
        if (folder / name).exists():
            parsed = feedparser.parse((folder / name).read_bytes())
            assert not parsed.bozo and parsed.entries, name
    for name in ("digest.json", "feed.json", "stories.json"):
        if (folder / name).exists():
            json.loads((folder / name).read_bytes())
    for page in [folder / "index.html", folder / "email.html", *folder.glob("issues/*.html")]:
        if page.exists():
            assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    Archive(folder / "archive.sqlite3").issues()  # reads (and rolls back a hot journal)
    with contextlib.closing(sqlite3.connect(folder / "archive.sqlite3")) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _kill_in_sql(point: int | None, counts: list[int]) -> None:
    """In this process: every write connection of the archive spills to disk at once
    (so a transaction leaves a hot journal) and is killed after ``point`` SQLite
    steps (None: only counted, in ``counts``)."""
    real = Archive._connect

    def connect(self: Archive, *, write: bool) -> sqlite3.Connection:
        con = real(self, write=write)
        if write:
            con.execute("PRAGMA cache_size = 1")
            steps = {"n": 0}

            def step() -> int:
                steps["n"] += 1
                counts[:] = [steps["n"]]
                if steps["n"] == point:
                    os.kill(os.getpid(), signal.SIGKILL)
                return 0

            con.set_progress_handler(step, 1)
        return con

    Archive._connect = connect  # type: ignore[method-assign]


def killed_in_sql(point: int, inputs: Path, out: Path, settings_: Settings) -> bool:
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            _kill_in_sql(point, [])
            publish_module.publish([inputs], out=out, date=D2, settings=settings_)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_build_killed_in_the_archive_transaction_leaves_everything_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real build, SIGKILLed at points spread over its archive transaction (the
    schema, the deletes, the inserts with pages spilled to disk, the files moved in
    while it is open, the commit): right after, the feeds parse and the archive
    passes its integrity check; the next build makes exactly the issue an
    unkilled build makes."""
    inputs = topic_folder(tmp_path, "a")
    settings_ = Settings(site_url=SITE)
    first = tmp_path / "first"
    publish_module.publish([inputs], out=first, date=D1, settings=settings_)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(first, reference)
    counts: list[int] = []
    with monkeypatch.context() as patch:
        patch.setattr(Archive, "_connect", Archive._connect)
        _kill_in_sql(None, counts)
        publish_module.publish([inputs], out=reference, date=D2, settings=settings_)
    total = counts[0]
    assert total > 100, "the transaction was not counted"
    expected = state(reference)
    points = sorted({*range(1, total, max(1, total // 20)), total - 2, total - 1, total})
    journals = 0
    for point in points:
        out = tmp_path / f"killed-{point}"
        shutil.copytree(first, out)
        assert killed_in_sql(point, inputs, out, settings_), f"not killed at {point}"
        journal = out / "archive.sqlite3-journal"
        journals += journal.exists() and journal.stat().st_size > 0
        assert_whole(out)
        result = publish_module.publish([inputs], out=out, date=D2, settings=settings_)
        assert result.written or result.plan.action == "nothing", f"killed at step {point}"
        assert state(out) == expected, f"killed at step {point}"
        assert_whole(out)
        shutil.rmtree(out)
    assert journals >= 3, "no kill left a hot journal to roll back"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_build_killed_while_files_move_leaves_every_feed_whole(tmp_path: Path) -> None:
    """Killed at every step of staging, backing up and moving the feeds and pages:
    at that moment every feed on disk parses and the archive opens."""
    inputs = topic_folder(tmp_path, "a")
    settings_ = Settings(site_url=SITE)
    first = tmp_path / "first"
    publish_module.publish([inputs], out=first, date=D1, settings=settings_)
    (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    kills = 0
    for point in range(1, 300, 2):  # every other step (the test above: the next build)
        out = tmp_path / f"killed-{point}"
        shutil.copytree(first, out)
        if not publish_killed_at(point, inputs, out, settings_):
            break
        kills += 1
        assert_whole(out)
        shutil.rmtree(out)
    assert kills >= 20, "the build was not killed at enough points"
