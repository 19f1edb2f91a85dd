"""Incremental reads: a file whose articles are all in earlier issues is not read again.

The archive records every file (and fetched body) a build read: its path,
size, modification time and SHA-256, and the keys of the articles it gave.
The next build looks a file up by path, size and time (without reading it),
else by its bytes' hash (a copy, a touched or moved file), and parses and
cleans only what is new. Known files count as "already in earlier issues";
``--force`` still rebuilds an issue from all of its articles.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import digest.build
from digest.archive import SCHEMA_VERSION, Archive
from digest.cli import app
from digest.model import Article, ArticleData
from tests.webserver import Site, article_html, serve

STORIES = [
    (
        "Harbour bridge to be rebuilt",
        "The council voted on Tuesday to rebuild the harbour bridge from next spring. "
        "Engineers found cracks in two piers last year. The work will take three years.",
    ),
    (
        "Library opens on Sundays",
        "The central library will open on Sundays from January, the city said on Monday. "
        "The change follows a petition signed by four thousand readers.",
    ),
    (
        "Orchestra names a new conductor",
        "The municipal orchestra named Kadri Tamm its music director on Wednesday. "
        "She is the first woman to hold the post in the orchestra's ninety-year history.",
    ),
    (
        "Tram line reaches the airport",
        "The new tram line to the airport opened on Thursday, cutting the journey from the "
        "central station to eighteen minutes. Trams will run every six minutes at peak hours.",
    ),
]


def write(folder: Path, n: int, name: str | None = None) -> Path:
    title, body = STORIES[n]
    path = folder / (name or f"{n}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def cleaned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The path of every article the builds parse and clean."""
    seen: list[str] = []
    original = digest.build.clean

    def spy(data: ArticleData) -> Article:
        seen.append(Path(data.path).name)
        return original(data)

    monkeypatch.setattr(digest.build, "clean", spy)
    yield seen


def build(*args: str) -> str:
    result = CliRunner().invoke(app, ["build", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_known_files_are_not_read_again(tmp_path: Path, cleaned: list[str]) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    write(inputs, 0)
    write(inputs, 1)
    build(str(inputs), *out, "--date", "2026-11-21")
    assert sorted(cleaned) == ["0.txt", "1.txt"]
    cleaned.clear()
    write(inputs, 2)
    line = build(str(inputs), *out, "--date", "2026-11-22")
    assert cleaned == ["2.txt"], "only the new file is parsed and cleaned"
    assert line.startswith("Read 3 articles: 2 already in earlier issues; made 1 story from 1")
    cleaned.clear()
    line = build(str(inputs), *out, "--date", "2026-11-23")
    assert cleaned == []
    assert line == "Nothing new since the issue of 2026-11-22; nothing written."


def test_a_copy_a_touched_file_and_a_moved_file_are_known_by_their_bytes(
    tmp_path: Path, cleaned: list[str]
) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    first = write(inputs, 0)
    write(inputs, 1)
    build(str(inputs), *out, "--date", "2026-11-21")
    cleaned.clear()
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))  # touched
    (inputs / "moved").mkdir()
    (inputs / "1.txt").rename(inputs / "moved" / "one.txt")  # moved
    write(inputs, 1, "zz-copy-of-1.txt")  # the same bytes under another name
    write(inputs, 3)
    line = build(str(inputs), *out, "--date", "2026-11-22")
    assert cleaned == ["3.txt"]
    # the copy of a known file in the same batch is a duplicate, as reading it would find
    assert line.startswith(
        "Read 4 articles: 1 duplicate within the input, 2 already in earlier issues; "
        "made 1 story from 1 article"
    ), line
    # the touched and the moved file were recorded again: now known by their place and time
    records = {
        Path(r.source).name: r for r in Archive(tmp_path / "out" / "archive.sqlite3").files()
    }
    assert records["0.txt"].mtime_ns == first.stat().st_mtime_ns
    assert "one.txt" in records


def test_a_changed_file_is_read_again(tmp_path: Path, cleaned: list[str]) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    write(inputs, 0)
    build(str(inputs), *out, "--date", "2026-11-21")
    cleaned.clear()
    title, body = STORIES[1]
    (inputs / "0.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")  # new text, old name
    line = build(str(inputs), *out, "--date", "2026-11-22")
    assert cleaned == ["0.txt"]
    assert "made 1 story from 1 article" in line


def test_files_of_stories_past_the_story_limit_are_read_again(
    tmp_path: Path, cleaned: list[str]
) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    for n in range(3):
        write(inputs, n)
    build(str(inputs), *out, "--date", "2026-11-21", "--max-stories", "1")
    cleaned.clear()
    line = build(str(inputs), *out, "--date", "2026-11-22", "--max-stories", "1")
    assert len(cleaned) == 2, "the two files whose stories were cut are still new"
    assert line.startswith("Read 3 articles: 1 already in earlier issues, 1 in stories past")


def test_force_rebuilds_an_issue_from_its_known_files(tmp_path: Path, cleaned: list[str]) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write(inputs, 0)
    write(inputs, 1)
    build(str(inputs), "--out", str(out), "--date", "2026-11-21")
    first = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and "sqlite" not in p.name
    }
    write(inputs, 2)
    build(str(inputs), "--out", str(out), "--date", "2026-11-22")
    cleaned.clear()
    line = build(str(inputs), "--out", str(out), "--date", "2026-11-21", "--force")
    # the issue's own files are read (a rebuild needs them); the other issue's are not
    assert sorted(cleaned) == ["0.txt", "1.txt"]
    assert "1 already in earlier issues; made 2 stories from 2 articles; rebuilt" in line
    digest_json = (out / "digest.json").read_bytes()
    assert digest_json == first["digest.json"], "the same issue, byte for byte"


def test_an_archive_of_schema_1_gains_the_record_of_files(
    tmp_path: Path, cleaned: list[str]
) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    write(inputs, 0)
    build(str(inputs), *out, "--date", "2026-11-21")
    path = tmp_path / "out" / "archive.sqlite3"
    with sqlite3.connect(path) as con:  # as a digest of schema 1 left it
        con.execute("DROP TABLE files")
        con.execute("PRAGMA user_version = 1")
    assert Archive(path).files() == []
    cleaned.clear()
    write(inputs, 1)
    line = build(str(inputs), *out, "--date", "2026-11-22")
    assert sorted(cleaned) == ["0.txt", "1.txt"], "no record yet: both are read"
    assert line.startswith("Read 2 articles: 1 already in earlier issues; made 1 story")
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert sorted(Path(r.source).name for r in Archive(path).files()) == ["0.txt", "1.txt"]


def test_a_fetched_body_already_used_is_not_parsed_again(
    tmp_path: Path, cleaned: list[str]
) -> None:
    site = Site()
    site.static("/budget", article_html(), "text/html; charset=utf-8")
    with serve(site):
        url = site.url("/budget")
        out = ["--out", str(tmp_path / "out")]
        build(url, *out, "--date", "2026-11-21")
        assert len(cleaned) == 1
        cleaned.clear()
        line = build(url, *out, "--date", "2026-11-22")
    assert cleaned == []
    assert line == "Nothing new since the issue of 2026-11-21; nothing written."


def test_a_file_of_old_news_is_not_read_again_and_counts_as_older(
    tmp_path: Path, cleaned: list[str]
) -> None:
    inputs, out = tmp_path / "in", ["--out", str(tmp_path / "out")]
    for n in range(2):
        title, body = STORIES[n]
        (inputs / f"{n}.md").parent.mkdir(parents=True, exist_ok=True)
        (inputs / f"{n}.md").write_text(
            f"---\ntitle: {title}\npublished: 2026-11-20\n---\n\n{body}\n", encoding="utf-8"
        )
    build(str(inputs), *out, "--date", "2026-11-21", "--max-stories", "1")
    write(inputs, 2)
    line = build(str(inputs), *out, "--date", "2026-11-22")
    # the story cut on the 21st is older than that issue now: old news
    assert "1 already in earlier issues, 1 older than the last issue" in line, line
    cleaned.clear()
    write(inputs, 3)
    line = build(str(inputs), *out, "--date", "2026-11-23")
    assert cleaned == ["3.txt"], "neither the used files nor the old news are read again"
    assert line.startswith(
        "Read 4 articles: 2 already in earlier issues, 1 older than the last issue; made 1 story"
    ), line
