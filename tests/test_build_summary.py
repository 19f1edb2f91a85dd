"""The build's summary line counts every article given exactly once.

Read N articles: skipped (by why), duplicates within the input, already in
earlier issues, older than the last issue, off-topic, in stories past the
limit; made S stories from the rest. The parts add up to N.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from digest.cli import app

STORY = (
    "Harbour bridge to be rebuilt\n\n"
    "The council voted on Tuesday to rebuild the harbour bridge from next spring. "
    "Engineers found cracks in two piers last year. The work will take three years.\n"
)
OTHER = (
    "Library opens on Sundays\n\n"
    "The central library will open on Sundays from January, the city said on Monday. "
    "The change follows a petition signed by four thousand readers.\n"
)


def build(*args: str) -> str:
    result = CliRunner().invoke(app, ["build", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def parts_add_up(line: str) -> None:
    read = int(re.match(r"Read (\d+) articles?", line).group(1))  # type: ignore[union-attr]
    head = re.sub(r"\([^)]*\)", "", line.split("; made ")[0])  # the why of the skipped
    counted = sum(int(n) for n in re.findall(r"(?:skipped |, |: )(\d+)", head))
    made = int(re.search(r"made \d+ stor(?:y|ies) from (\d+)", line).group(1))  # type: ignore[union-attr]
    assert counted + made == read, line


def test_a_first_build_counts_duplicates_as_duplicates_not_as_earlier_issues(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY, encoding="utf-8")
    (inputs / "b-copy.txt").write_text(STORY, encoding="utf-8")
    (inputs / "c.txt").write_text(OTHER, encoding="utf-8")
    (inputs / "d-broken.txt").write_bytes(b"\xff\xfe\x00garbage")
    (inputs / "e-junk.txt").write_text("Leave a comment\n5 min read\n", encoding="utf-8")
    line = build(str(inputs), "--out", str(tmp_path / "out"), "--date", "2026-11-21")
    assert "already in earlier issues" not in line
    assert line.startswith(
        "Read 5 articles: skipped 2 (1 no article, 1 unreadable), 1 duplicate within the input; "
        "made 2 stories from 2 articles;"
    )
    parts_add_up(line)


def test_the_next_build_counts_what_earlier_issues_used(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY, encoding="utf-8")
    out = ["--out", str(tmp_path / "out")]
    build(str(inputs), *out, "--date", "2026-11-21")
    (inputs / "c.txt").write_text(OTHER, encoding="utf-8")
    line = build(str(inputs), *out, "--date", "2026-11-22")
    assert line.startswith("Read 2 articles: 1 already in earlier issues; made 1 story from 1")
    parts_add_up(line)


def test_feed_duplicates_and_advertisements_are_counted(tmp_path: Path) -> None:
    def feed(items: str) -> str:
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>'
            f"<link>https://harbour.example/</link>{items}</channel></rss>"
        )

    def item(title: str, link: str, date: bool = True) -> str:
        pub = "<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate>" if date else ""
        body = "The council voted to rebuild the bridge. Work starts in the spring."
        return (
            f"<item><title>{title}</title><link>{link}</link>{pub}"
            f"<description>{body} {title}.</description></item>"
        )

    (tmp_path / "a.rss").write_text(
        feed(
            item("Bridge", "https://harbour.example/bridge")
            + item("Ad", "https://ads.example/x", False)
        ),
        encoding="utf-8",
    )
    (tmp_path / "b.rss").write_text(
        feed(
            item("Bridge", "https://harbour.example/bridge?utm_source=rss")
            + item("Ferry", "https://harbour.example/ferry")
        ),
        encoding="utf-8",
    )
    line = build(
        str(tmp_path / "a.rss"),
        str(tmp_path / "b.rss"),
        "--out",
        str(tmp_path / "out"),
        "--date",
        "2026-11-21",
    )
    assert line.startswith("Read 4 articles: skipped 1 (sponsored), 1 duplicate within the input;")
    parts_add_up(line)
