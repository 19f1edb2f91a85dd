"""Big piles make a good issue by default.

A story that a hundred outlets covered shows its most useful sources in the
email, its text and the feeds (the cited ones, then other outlets) and says
how many more covered it; the issue page and digest.json list every source.
Only the articles of the stories published are marked used in the archive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from digest.archive import Archive
from digest.cli import app
from digest.keys import article_keys
from digest.model import Sentence, Source, Story
from digest.render.stories import SHOWN_CITES, SHOWN_SOURCES, lay_out

#: Four news items; every outlet writes its own version of each.
EVENTS = [
    (
        "Harbour channel closed",
        "The harbour authority closed the northern channel on Tuesday after the cargo ship "
        "Marisol ran aground near the lighthouse, stranding twelve vessels in port.",
        "Divers from the coast guard inspected the hull of the Marisol for leaks.",
    ),
    (
        "Library opens on Sundays",
        "The central library will open on Sundays from January after a petition signed by "
        "four thousand readers, the city council decided on Monday.",
        "Librarians said the extra hours would be paid from the reading-room budget.",
    ),
    (
        "Orchestra names conductor",
        "The municipal orchestra named the Estonian conductor Kadri Tamm its music director "
        "on Wednesday, the first woman to hold the post in its ninety-year history.",
        "Tamm will lead the orchestra's winter tour through six cities.",
    ),
    (
        "Tram line reaches airport",
        "The new tram line to the airport opened on Thursday, cutting the journey from the "
        "central station to eighteen minutes for about nine thousand daily riders.",
        "Transport officials said trams will run every six minutes at peak hours.",
    ),
]


def write_pile(folder: Path, outlets: int) -> None:
    """``outlets`` versions of each event, one per outlet (a wire text, lightly edited)."""
    folder.mkdir(parents=True, exist_ok=True)
    for e, (title, lead, more) in enumerate(EVENTS):
        for n in range(outlets):
            detail = f"Reporter {n} of Outlet {n} added that it was day {n % 5} of the story."
            (folder / f"{e}-{n:03d}.md").write_text(
                f"---\ntitle: {title} (report {n})\noutlet: Outlet {n}\n"
                f"url: https://outlet{n}.example/{e}\n---\n\n{lead}\n\n{more} {detail}\n",
                encoding="utf-8",
            )


def build(*args: str) -> str:
    result = CliRunner().invoke(app, ["build", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_story_a_hundred_outlets_covered_lists_a_few_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    write_pile(tmp_path / "in", 100)
    out = tmp_path / "out"
    build(str(tmp_path / "in"), "--out", str(out), "--date", "2026-11-21")
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert len(data["stories"]) == 4
    for story in data["stories"]:
        assert len(story["sources"]) == 100  # digest.json has every source
    html = (out / "email.html").read_text(encoding="utf-8")
    text = (out / "email.txt").read_text(encoding="utf-8")
    assert len(html.encode()) < 80 * 1024
    counts = [int(n) for n in re.findall(r"And (\d+) more from \d+ outlets", html)]
    assert len(counts) == 4, "each story says how many more covered it"
    listed = [100 - n for n in counts]
    assert all(1 <= n <= SHOWN_SOURCES for n in listed), listed
    assert len(re.findall(r"And \d+ more from \d+ outlets; every source:", text)) == 4
    # a listed source's link is in the email; an unlisted outlet is only counted
    linked = set(re.findall(r"https://outlet\d+\.example/\d", html))
    assert len(linked) == sum(listed)
    page = (out / "issues" / "2026-11-21.html").read_text(encoding="utf-8")
    assert "more from" not in page
    for e in range(4):
        for n in range(100):
            assert f"https://outlet{n}.example/{e}" in page  # the page lists every source
    feed = (out / "atom.xml").read_text(encoding="utf-8")
    assert feed.count("more from") == 4


def source(n: int, outlet: str) -> Source:
    return Source(f"Title {n}", f"https://s{n}.example/", outlet, None, None)


def test_a_sentence_shows_a_few_citations_from_distinct_outlets() -> None:
    sources = tuple(source(n, "Wire" if n < 5 else f"Paper {n}") for n in range(40))
    story = Story("H", (Sentence("Everyone printed this.", tuple(range(40))),), sources)
    short = lay_out(story, short=True)
    (sentence,) = short.paragraphs[0]
    assert len(sentence.cites) == SHOWN_CITES
    assert [s.outlet for s in sentence.cites] == ["Wire", "Paper 5", "Paper 6"][:SHOWN_CITES]
    assert len(short.sources) == SHOWN_SOURCES
    assert short.more == 40 - SHOWN_SOURCES
    assert [s.outlet for s in short.also] == [
        f"Paper {n}" for n in range(4 + SHOWN_CITES, 4 + SHOWN_SOURCES)
    ]
    # the rest: the other Wire copies and papers
    outlets = {s.outlet for s in sources} - {s.outlet for s in short.sources if s.outlet != "Wire"}
    assert short.more_label == f"and {40 - SHOWN_SOURCES} more from {len(outlets)} outlets"
    # uncited sources: outlets not listed yet come first (not a second Wire copy)
    assert "Wire" not in {s.outlet for s in short.also}
    full = lay_out(story)
    assert len(full.sources) == 40 and full.more == 0 and full.more_label == ""


def test_more_names_no_outlet_count_when_some_sources_have_none() -> None:
    sources = tuple(Source(f"T{n}", None, None, None, f"in/{n}.md") for n in range(10))
    layout = lay_out(Story("H", (Sentence("A sentence.", (0,)),), sources), short=True)
    assert layout.more_label == f"and {10 - SHOWN_SOURCES} more"


OTHER_STORY = (
    "Bakery wins national prize\n\n"
    "The corner bakery on Mill Street won the national bread prize on Friday for its rye "
    "loaf, beating three hundred entries from across the country.\n"
)
LEAD_STORY = "Harbour channel closed\n\n{lead} {more}\n"


def test_articles_of_stories_past_the_story_limit_stay_new(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _, lead, more = EVENTS[0]
    for n in range(3):  # three outlets: the lead story
        (inputs / f"lead-{n}.md").write_text(
            f"---\noutlet: Outlet {n}\n---\n\n{lead}\n\n{more} Day {n}.\n", encoding="utf-8"
        )
    (inputs / "bakery.txt").write_text(OTHER_STORY, encoding="utf-8")
    out = ["--out", str(tmp_path / "out")]
    line = build(str(inputs), *out, "--date", "2026-11-21", "--max-stories", "1")
    assert "1 in stories past the story limit; made 1 story from 3 articles" in line
    used = Archive(tmp_path / "out" / "archive.sqlite3").used_keys()
    from digest.build import read_articles

    articles, _ = read_articles([inputs])
    bakery = next(a for a in articles if a.path.endswith("bakery.txt"))
    assert not set(article_keys(bakery)) & set(used), "the cut story's article is not used"
    line = build(str(inputs), *out, "--date", "2026-11-22", "--max-stories", "1")
    assert line.startswith("Read 4 articles: 3 already in earlier issues; made 1 story from 1")
