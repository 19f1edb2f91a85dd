"""A real feed reader: newsboat subscribes to the served feeds across three builds.

1. the first build: newsboat shows its items;
2. a build with one new article: exactly one new item in each feed;
3. a rebuild of the same issue (``--force``), and a plain re-run: no new item.

newsboat is a Debian package; ``.ci/run`` installs it. Without it this test is
skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.render.feeds import FEED_FILES
from digest.serve import serving

from .conftest import SEEDS
from .test_archive import NEW_ARTICLE

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat; .ci/run does)"
)

#: The feeds newsboat reads (it does not read JSON Feed), as two subscribers.
#: An Atom feed and its RSS twin carry the same ids, and newsboat keeps one
#: item per id across its whole cache, so each subscriber takes one of each.
SUBSCRIBERS = [
    [FEED_FILES["issues"]["atom"], FEED_FILES["stories"]["rss"]],
    [FEED_FILES["issues"]["rss"], FEED_FILES["stories"]["atom"]],
]
SUBSCRIBED = [name for names in SUBSCRIBERS for name in names]

runner = CliRunner()


class Newsboat:
    """newsboat with its own config, cache and HOME, run non-interactively."""

    def __init__(self, home: Path, urls: list[str]) -> None:
        self.home = home
        self.urls = urls
        home.mkdir()
        (home / "urls").write_text("".join(u + "\n" for u in urls))
        (home / "config").write_text("reload-threads 1\ndownload-timeout 15\n")
        self.cache = home / "cache.db"
        self.log = home / "newsboat.log"

    def reload(self) -> str:
        """Fetch every feed; return newsboat's output (``N unread articles``)."""
        assert NEWSBOAT is not None
        env = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "XDG_CONFIG_HOME": str(self.home / "config.d"),
            "XDG_DATA_HOME": str(self.home / "data.d"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        command = [NEWSBOAT, "-q", "-u", str(self.home / "urls"), "-c", str(self.cache)]
        command += ["-C", str(self.home / "config"), "-l", "4", "-d", str(self.log)]
        command += ["-x", "reload", "print-unread"]
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=90
        )
        output = (done.stdout + done.stderr).strip()
        assert done.returncode == 0, output
        errors = [
            line for line in self.log.read_text(errors="replace").splitlines() if "ERROR" in line
        ]
        assert not errors, errors
        return output

    def guids(self) -> dict[str, set[str]]:
        """The items newsboat stored, per subscribed feed URL."""
        found: dict[str, set[str]] = {url: set() for url in self.urls}
        con = sqlite3.connect(self.cache)
        try:
            rows = con.execute("SELECT feedurl, guid FROM rss_item WHERE deleted = 0").fetchall()
        finally:
            con.close()
        for url, guid in rows:
            found.setdefault(url, set()).add(guid)
        return found


def test_newsboat_sees_new_items_once_and_rebuilds_never(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(SEEDS, inputs)
    out.mkdir()

    def build(date: str, *extra: str) -> str:
        result = runner.invoke(
            app,
            ["build", str(inputs), "--out", str(out), "--date", date, *extra],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        return result.stdout

    with serving(out) as base:
        site = ["--site-url", base]
        readers = [
            Newsboat(tmp_path / f"newsboat{i}", [base + name for name in names])
            for i, names in enumerate(SUBSCRIBERS)
        ]

        def reload_all() -> tuple[list[str], dict[str, set[str]]]:
            outputs = [reader.reload() for reader in readers]
            seen: dict[str, set[str]] = {}
            for reader in readers:
                seen.update({u.removeprefix(base): g for u, g in reader.guids().items()})
            return outputs, seen

        # 1. the first build: every item shows
        build("2026-11-21", *site)
        outputs, first = reload_all()
        stories = sum(len(r.stories) for r in Archive(out / "archive.sqlite3").issues())
        assert stories >= 1
        expected = {"atom.xml": 1, "rss.xml": 1, "stories.atom.xml": stories}
        expected["stories.rss.xml"] = stories
        assert {name: len(g) for name, g in first.items()} == expected
        assert outputs == [f"{1 + stories} unread articles"] * 2

        # 2. one new article: exactly one new item in each feed
        (inputs / "zz_new.md").write_text(NEW_ARTICLE, encoding="utf-8")
        assert "made 1 story from 1 article" in build("2026-11-22", *site)
        outputs, second = reload_all()
        new = {name: len(second[name] - first[name]) for name in second}
        assert new == dict.fromkeys(SUBSCRIBED, 1)
        assert all(first[name] <= second[name] for name in first), "nothing disappears"

        # 3. a rebuild of the same issue, then the same build again: nothing new
        assert "rebuilt the issue of 2026-11-22" in build("2026-11-22", "--force", *site)
        assert reload_all()[1] == second
        assert build("2026-11-22", *site).startswith("Nothing new since the issue of 2026-11-22")
        outputs, third = reload_all()
        assert third == second
        assert outputs == [f"{2 + 2 * stories} unread articles"] * 2, "the same items, no more"
