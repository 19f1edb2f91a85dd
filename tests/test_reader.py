"""A real feed reader: newsboat subscribes to the served feeds across three builds.

1. the first build: newsboat shows its items;
2. a build with one new article: exactly one new item in each feed;
3. a rebuild of the same issue (``--force``), and a plain re-run: no new item.

Then what a newsboat user reads: each item opened on a terminal, through
newsboat's own HTML renderer, with every citation marker shown once and
agreeing with newsboat's numbers for the links.

newsboat is a Debian package; ``.ci/run`` installs it. Without it this test is
skipped with the reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import sqlite3
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.config import Settings
from digest.model import Digest, Sentence, Source, Story
from digest.publish import render_outputs
from digest.render.feeds import FEED_FILES
from digest.render.stories import StoryLayout, lay_out_for_reader
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


# -- what a reader of newsboat sees of an entry ---------------------------------------

#: newsboat's rendering of one item ends here (the pager writes it after each item).
ITEM_END = "<<< end of item >>>"


class NewsboatScreen(Newsboat):
    """newsboat as a person uses it: on a terminal, opening each item in turn.

    Runs on a pseudo-terminal; every item opened goes through newsboat's own
    HTML renderer to the configured ``pager``, a shell command that appends
    the rendered text to a file, so the test reads exactly what the reader
    would see on screen (markers, link numbers, the list of links).
    """

    def __init__(self, home: Path, urls: list[str]) -> None:
        super().__init__(home, urls)
        self.seen = home / "seen.txt"
        seen = shlex.quote(str(self.seen))
        pager = f"cat %f >> {seen}; echo '{ITEM_END}' >> {seen}"
        (home / "config").write_text(
            f'reload-threads 1\ndownload-timeout 15\ntext-width 400\npager "{pager}"\n'
            "bind-key j down articlelist\n"
        )

    def read_all(self, count: int) -> list[str]:
        """Open the first feed and its first ``count`` items; each item's rendered text."""
        assert NEWSBOAT is not None
        self.reload()
        main, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))
        env = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TERM": "vt100",
        }
        command = [NEWSBOAT, "-u", str(self.home / "urls"), "-c", str(self.cache)]
        command += ["-C", str(self.home / "config")]
        process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env)
        os.close(child)
        screen = bytearray()

        def wait_for(done: Callable[[], bool], what: str, seconds: float = 20) -> None:
            end = time.monotonic() + seconds
            while not done():
                assert time.monotonic() < end, (
                    f"newsboat: no {what}; screen: {bytes(screen[-500:])!r}"
                )
                if select.select([main], [], [], 0.05)[0]:
                    with contextlib.suppress(OSError):
                        screen.extend(os.read(main, 65536))

        def items() -> int:
            return self.seen.read_text().count(ITEM_END) if self.seen.exists() else 0

        try:
            wait_for(lambda: b"Your feeds" in screen, "feed list")
            os.write(main, b"\r")
            wait_for(lambda: b"Articles in feed" in screen, "article list")
            for n in range(count):
                os.write(main, b"\r")
                wait_for(lambda n=n: items() > n, f"item {n + 1}")
                os.write(main, b"j")
            os.write(main, b"qq")
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            os.close(main)
        return self.seen.read_text().split(ITEM_END)[:count]


def reading_digest() -> Digest:
    """Three stories: sentences citing several sources, one source nobody cites, one
    source without a link (a local file), and the lead's headline as the title."""
    day = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)

    def src(slug: str, outlet: str | None, url: bool = True) -> Source:
        link = f"https://{slug}.example/2026/11/20/story" if url else None
        return Source(f"{slug.title()} reports on the bridge", link, outlet, day, f"in/{slug}.md")

    bridge = Story(
        "Old bridge reopens after repairs",
        (
            Sentence(
                "The old bridge reopened to traffic on Friday after two years of repairs.", (0, 1)
            ),
            Sentence("Engineers replaced the deck and the railings.", (1,)),
            Sentence("The council said the work came in under budget.", (0, 2)),
        ),
        (
            src("herald", "Shelbyville Herald"),
            src("courier", "Capital City Courier"),
            src("times", "The Springfield Times"),
            src("kbbl", "KBBL News"),
        ),
    )
    festival = Story(
        "Lantern festival returns to the harbour",
        (
            Sentence("The lantern festival returns to the harbour next weekend.", (1,)),
            Sentence("Organisers expect twice as many visitors as last year.", (0, 1)),
        ),
        (src("notes", "Harbour Notes", url=False), src("gazette", "Harbour Gazette")),
    )
    library = Story(
        "Library extends opening hours",
        (Sentence("The central library will open until nine on weekdays.", (0,)),),
        (src("bulletin", None),),
    )
    return Digest(
        title=bridge.headline,
        date=dt.date(2026, 11, 21),
        stories=(bridge, festival, library),
        intro="3 stories from 7 articles.",
        article_count=7,
    )


def check_item(shown: str, layouts: Sequence[StoryLayout]) -> None:
    """One item as newsboat shows it: no doubled or mismatched marker, and every
    number in the text is both its source's place in the list and newsboat's own
    number for that source's link."""
    body, _, link_list = shown.partition("\nLinks: \n")
    links = dict(re.findall(r"^\[(\d+)\]: (\S+) \(link\)$", link_list, re.M))
    flat = " ".join(body.split())
    assert "][" not in flat and "^" not in flat, "a doubled or superscript marker"
    for layout in layouts:
        for paragraph in layout.paragraphs:
            for sentence in paragraph:
                assert f"{sentence.text} {sentence.marker}".strip() in flat
        for listed in layout.sources:
            date = f" · {listed.date.day} November 2026" if listed.date else ""
            name = f"{listed.outlet} · " if listed.outlet else ""
            place = f"{listed.number}. " if listed.number else "* "
            if listed.url:  # newsboat numbers the link: the same number as ours
                assert listed.number is None or links[str(listed.number)] == listed.url
                number = listed.number or next(int(k) for k, v in links.items() if v == listed.url)
                line = f"{place}{name}{listed.title}[{number}]{date}"
            else:
                line = f"{place}{name}{listed.title}{date}"
            assert line in flat, line
    # every number newsboat shows in brackets after text is one of ours
    markers = {int(n) for m in re.findall(r"\[(\d+(?:, \d+)*)\]", flat) for n in m.split(", ")}
    ours = {s.number for layout in layouts for s in layout.sources if s.number}
    assert markers <= ours | {int(k) for k in links}


def test_newsboat_shows_each_marker_once_and_numbers_agree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    digest = reading_digest()
    with serving(out) as base:
        settings = Settings(site_url=base)
        for name, data in render_outputs(digest, settings).items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        issue = NewsboatScreen(tmp_path / "nb-issue", [base + FEED_FILES["issues"]["atom"]])
        (entry,) = issue.read_all(1)
        check_item(entry, lay_out_for_reader(digest.stories, digest.title))
        assert entry.count(digest.title) == 1, "the title, once (the item's own)"
        stories = NewsboatScreen(tmp_path / "nb-stories", [base + FEED_FILES["stories"]["rss"]])
        shown = stories.read_all(len(digest.stories))
        by_title = {re.search(r"^Title: (.*)$", s, re.M).group(1): s for s in shown}
        assert set(by_title) == {s.headline for s in digest.stories}
        for story in digest.stories:
            (layout,) = lay_out_for_reader([story], links_after=1)
            check_item(by_title[story.headline], [layout])
