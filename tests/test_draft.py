"""Draft, edit, publish, through the real CLI: ``digest build --draft`` then ``digest publish``.

Five articles make three stories (a tram line, floods at a port, a bakery's
prize); the tests build a draft of them, edit its digest.json as an editor
would (drop, reorder, rewrite, remove a citation, or break it), publish, and
read what came out: the archive (real SQLite), the feeds (feedparser), the
email (the .eml parsed), and what the next build chooses.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from typer.testing import CliRunner, Result

from digest.archive import Archive
from digest.cli import app
from digest.draft import DRAFT_OUTPUTS, STATE_FILE, read_draft

runner = CliRunner()

ARTICLES = {
    "a1.md": """---
title: Floods close the port of Halden for a week
url: https://north.example/halden-port-floods
outlet: North Courier
published: 2026-11-20T07:00:00Z
---
Severe floods closed the port of Halden on Thursday, and the harbour master said ships would not
dock for at least a week.

Water rose two metres above the quay overnight, flooding the warehouses along the eastern basin.

The harbour master said the cranes were undamaged but the power supply to the terminal had failed.
""",
    "a2.md": """---
title: Halden harbour shut as floodwater swamps warehouses
url: https://coast.example/news/halden-harbour-shut
outlet: Coast Daily
published: 2026-11-20T09:30:00Z
---
The port of Halden was shut on Thursday after floodwater swamped the warehouses of the eastern
basin.

Shipping companies diverted at least twelve freighters to Fredrikstad while the harbour stays
closed.

Port officials expect the terminal to reopen next week once the power supply is restored.
""",
    "b1.md": """---
title: Council approves a new tram line to the university
url: https://north.example/tram-line-approved
outlet: North Courier
published: 2026-11-20T12:00:00Z
---
The city council approved a new tram line to the university campus on Wednesday by a vote of 31 to
20.

The six kilometre line will have nine stops and should carry its first passengers in 2029.

Opponents on the council said the project would cost far more than the budget of 240 million kroner.
""",
    "b2.md": """---
title: Tram to the campus wins council vote
url: https://metro.example/tram-campus-vote
outlet: Metro Post
published: 2026-11-20T14:00:00Z
---
Councillors voted 31 to 20 on Wednesday to build a tram line from the central station to the
university campus.

Construction of the line and its nine stops is due to begin in the spring of 2027.

Students' groups welcomed the vote, saying buses to the campus are overcrowded every morning.
""",
    "c1.md": """---
title: Village bakery wins the national rye bread prize
url: https://food.example/rye-bread-prize
outlet: Food Weekly
published: 2026-11-19T10:00:00Z
---
A family bakery in the village of Skjeberg won the national rye bread prize on Tuesday, beating
ninety other entries.

The judges praised the loaf's dark crust and said its sourdough had been kept alive for forty years.

The baker said she would use the prize money to buy a second stone oven for the shop.
""",
}

DAY, NEXT = "2026-11-21", "2026-11-28"
SITE = ["--site-url", "https://news.example/digest/"]
#: Every file a publication writes (the issue page last).
PUBLISHED = [
    "digest.json",
    "email.html",
    "email.txt",
    "digest.eml",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "stories.atom.xml",
    "stories.rss.xml",
    "stories.json",
    "index.html",
    f"issues/{DAY}.html",
]


def unwrap(article: str) -> str:
    """An article with each paragraph of its body on one line (wrapped here to fit)."""
    _, front, body = article.split("---\n", 2)
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n")]
    return f"---\n{front}---\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(unwrap(text), encoding="utf-8")
    return folder


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def build(inputs: Path, out: Path, date: str = DAY, *extra: str) -> Result:
    result = run("build", str(inputs), "--out", str(out), "--date", date, *SITE, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def draft(inputs: Path, out: Path, date: str = DAY) -> dict[str, Any]:
    build(inputs, out, date, "--draft")
    data: dict[str, Any] = json.loads((out / "draft" / "digest.json").read_text(encoding="utf-8"))
    return data


def save(out: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (out / "draft" / "digest.json").write_text(text, encoding="utf-8")


def story(data: dict[str, Any], word: str) -> dict[str, Any]:
    """The drafted story whose headline has ``word``."""
    found = [s for s in data["stories"] if word in s["headline"].lower()]
    assert len(found) == 1, [s["headline"] for s in data["stories"]]
    return found[0]


def listing(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` but the locks, with its bytes."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def used_articles(out: Path) -> dict[str, str]:
    con = sqlite3.connect(out / "archive.sqlite3")
    try:
        rows = con.execute("SELECT key, issue_date FROM articles WHERE key LIKE 'url:%'")
        return dict(rows.fetchall())
    finally:
        con.close()


# -- 1. the draft ---------------------------------------------------------------------------


def test_a_draft_is_the_issue_as_published_and_changes_nothing_public(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = build(inputs, out, DAY, "--draft")
    assert sorted(listing(out)) == sorted(f"draft/{name}" for name in DRAFT_OUTPUTS)
    assert not (out / "archive.sqlite3").exists(), "no archive record"
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("Draft only, nothing published. Read 5 articles; made 3 stories")
    assert line.endswith(f"edit {out / 'draft' / 'digest.json'}, then run: digest publish {out}")

    # the same digest built the usual way, in another folder: the draft is its bytes
    plain = tmp_path / "plain"
    build(inputs, plain)
    for name in ("digest.json", "email.html", "email.txt", "digest.eml"):
        assert (out / "draft" / name).read_bytes() == (plain / name).read_bytes(), name
    page = (out / "draft" / "index.html").read_bytes()
    assert page == (plain / "issues" / f"{DAY}.html").read_bytes()

    # published unedited, it gives every file and record the plain build gave
    result = run("publish", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Published the issue of {DAY}: 3 stories from 5 articles;")
    for name in PUBLISHED:
        assert (out / name).read_bytes() == (plain / name).read_bytes(), name
    ours, theirs = Archive(out / "archive.sqlite3"), Archive(plain / "archive.sqlite3")
    assert ours.issues() == theirs.issues()
    assert ours.used_keys() == theirs.used_keys()
    assert ours.files() == theirs.files()


def test_a_draft_over_a_published_issue_leaves_it_alone(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(inputs, out)
    before = listing(out)
    result = run("build", str(inputs), "--out", str(out), "--date", DAY, "--draft", *SITE)
    assert result.stdout.startswith(f"Nothing new since the issue of {DAY}")
    assert listing(out) == before
    # --force makes a draft of the issue rebuilt; nothing public changes until published
    build(inputs, out, DAY, "--draft", "--force")
    assert {k: v for k, v in listing(out).items() if not k.startswith("draft/")} == before


# -- 2. edit, check, publish ----------------------------------------------------------------


def edited(data: dict[str, Any]) -> dict[str, Any]:
    """The editor's work: drop the bakery, floods first, rewrite (with markup), cut."""
    tram, floods = story(data, "tram"), story(data, "floods")
    tram["headline"] = 'Trams <b>win</b> & "buses" lose'
    tram["sentences"][0]["text"] = "The council said yes <script>alert(1)</script> to trams."
    tram["sentences"][0]["sources"] = [1]  # a citation removed
    kept = [x for x in tram["sentences"] if not x["text"].startswith("Opponents")]
    assert len(kept) == len(tram["sentences"]) - 1
    tram["sentences"] = kept
    floods["sentences"] = floods["sentences"][:2]
    data["stories"] = [floods, tram]
    data["title"] = "Floods & trams: <i>the week</i>"
    data["intro"] = "Two stories this week."
    return data


def test_an_edited_draft_is_published_as_edited_and_escaped(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = edited(draft(inputs, out))
    save(out, data)
    drafted_ids = [s["id"] for s in json.loads((out / "draft" / STATE_FILE).read_text())["stories"]]
    result = run("publish", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        f"Published the issue of {DAY}: 2 stories from 4 articles; 1 left for a later issue;"
    )
    assert json.loads((out / "digest.json").read_text()) == data

    # the archive: the stories kept keep their drafted ids; only their articles are used
    (issue,) = Archive(out / "archive.sqlite3").issues()
    assert issue.id == f"tag:news.example,{DAY}:issue/{DAY}"
    assert [s.headline for s in issue.digest.stories] == [
        data["stories"][0]["headline"],
        data["stories"][1]["headline"],
    ]
    assert {s.id for s in issue.stories} < set(drafted_ids)
    assert sorted(used_articles(out)) == [
        "url:https://coast.example/news/halden-harbour-shut",
        "url:https://metro.example/tram-campus-vote",
        "url:https://north.example/halden-port-floods",
        "url:https://north.example/tram-line-approved",
    ]

    # the feeds, as a reader parses them
    issues = feedparser.parse((out / "atom.xml").read_bytes())
    assert [e.title for e in issues.entries] == ["Floods & trams: <i>the week</i>"]
    stories = feedparser.parse((out / "stories.atom.xml").read_bytes())
    assert [e.title for e in stories.entries] == [s["headline"] for s in data["stories"]]
    content = issues.entries[0].content[0].value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content and "<script" not in content

    # the email: the edited subject and text; the markup shown, never obeyed
    message = email.message_from_bytes(
        (out / "digest.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == f"Digest: Floods & trams: <i>the week</i> ({DAY})"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    plain, markup = text.get_content(), html.get_content()
    assert "<script>alert(1)</script>" in plain  # plain text is text
    assert "Opponents on the council" not in plain, "the deleted sentence is gone"
    assert "rye bread" not in plain, "the dropped story is gone"
    for page in (
        markup,
        (out / "issues" / f"{DAY}.html").read_text(),
        (out / "index.html").read_text(),
    ):
        assert "<script" not in page and "<b>win</b>" not in page and "<i>the week</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Trams &lt;b&gt;win&lt;/b&gt; &amp; " in markup


# -- 3. articles accounted for --------------------------------------------------------------


def test_a_dropped_story_comes_back_in_the_next_issue(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    save(out, edited(draft(inputs, out)))
    assert run("publish", str(out)).exit_code == 0
    # a week later, the same folder: only the bakery, published before the last issue, is new
    result = build(inputs, out, NEXT)
    assert "4 already in earlier issues" in result.stdout
    assert "made 1 story from 1 article" in result.stdout
    (bakery,) = json.loads((out / "digest.json").read_text())["stories"]
    assert [s["url"] for s in bakery["sources"]] == ["https://food.example/rye-bread-prize"]
    assert used_articles(out)["url:https://food.example/rye-bread-prize"] == NEXT
    # once: if the next issue leaves it out too, it is old news after that
    assert build(inputs, out, "2026-12-05").stdout.startswith("Nothing new since the issue of")


def test_without_the_hold_a_dropped_article_would_be_old_news(inputs: Path, tmp_path: Path) -> None:
    """The guard above, removed on purpose: an article left out of a draft and
    published before the issue is stale for the next build unless it is held."""
    out = tmp_path / "out"
    save(out, edited(draft(inputs, out)))
    assert run("publish", str(out)).exit_code == 0
    con = sqlite3.connect(out / "archive.sqlite3")
    with con:
        held = con.execute("SELECT count(*) FROM held").fetchone()[0]
        con.execute("DELETE FROM held")
    con.close()
    assert held == 2  # the bakery's URL and text keys
    result = build(inputs, out, NEXT)
    assert result.stdout.startswith(f"Nothing new since the issue of {DAY} (1 older than it)")


def test_publishing_twice_does_nothing_the_second_time(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    save(out, edited(draft(inputs, out)))
    assert run("publish", str(out)).exit_code == 0
    before = listing(out)
    result = run("publish", str(out))
    assert result.exit_code == 0
    assert result.stdout == f"The draft of {DAY} is published already; nothing written.\n"
    assert listing(out) == before


def test_a_draft_older_than_the_last_issue_is_refused(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    draft(inputs, out)
    build(inputs, out, NEXT)  # published meanwhile, from the same articles
    before = listing(out)
    result = run("publish", str(out))
    assert result.exit_code == 2
    assert (
        f"this draft of {DAY} is older than the issue of {NEXT}, published since" in result.stderr
    )
    assert "make a new draft with digest build --draft" in result.stderr
    assert listing(out) == before


def test_a_draft_overtaken_by_a_build_of_its_date_is_refused(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = draft(inputs, out)
    build(inputs, out)  # the same date, published without the draft
    data["title"] = "Another title"
    save(out, data)
    before = listing(out)
    result = run("publish", str(out))
    assert result.exit_code == 2
    assert f"the issue of {DAY} was published since this draft was made" in result.stderr
    assert listing(out) == before


# -- 2. a broken draft: one line per problem, exit 2, nothing written --------------------------


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        *parts, last = json.loads(path)
        for part in parts:
            target = target[part]
        target[last] = value

    return edit


def _bakery(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """Put the bakery (one source) last, as stories[2], then edit."""

    def both(data: dict[str, Any]) -> None:
        data["stories"].sort(key=lambda s: "bakery" in s["headline"].lower())
        edit(data)

    return both


def _words(count: int) -> str:
    return " ".join(["word"] * (count - 1) + ["end."])


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], None], list[str]]] = {
    "unknown key": (_set('["stories", 0, "subtitle"]', "x"), ["stories[0].subtitle: unknown key"]),
    "wrong type": (
        _set('["stories", 1, "headline"]', 5),
        ["stories[1].headline: must be a string, not an integer"],
    ),
    "citation past the sources": (
        _bakery(_set('["stories", 2, "sentences", 0, "sources"]', [0, 3])),
        [
            "stories[2].sentences[0].sources[1]: no such source; the story has 1 "
            "(indexes count from 0, so at most 0)"
        ],
    ),
    "empty story": (
        _set('["stories", 0, "sentences"]', []),
        ["stories[0].sentences: an empty story; keep a sentence, or delete the story"],
    ),
    "no stories": (_set('["stories"]', []), ["stories: must not be empty"]),
    "headline over the limit": (
        _set('["stories", 0, "headline"]', "x" * 301),
        ["stories[0].headline: is 301 characters; at most 300"],
    ),
    "sentence over the limit": (
        _set('["stories", 0, "sentences", 0, "text"]', _words(56)),
        ["stories[0].sentences[0].text: 56 words; at most 55"],
    ),
    "missing key": (
        lambda data: data["stories"][0].pop("headline"),
        ["stories[0].headline: missing"],
    ),
    "a line break": (
        _set('["title"]', "Two\nlines"),
        ["title: must be one line of text, without control characters or line breaks"],
    ),
    "changed date": (
        _set('["date"]', "2026-11-22"),
        ['date: cannot be changed in a draft (it is "2026-11-21")'],
    ),
    "changed source": (
        _set('["stories", 0, "sources", 0, "outlet"]', "Somebody Else"),
        [
            "stories[0].sources[0]: not a source of this draft (a source can be removed, "
            "reordered or moved to another story, never changed or added)"
        ],
    ),
    "uncited sentence": (
        _set('["stories", 0, "sentences", 0, "sources"]', []),
        ["stories[0].sentences[0].sources: must not be empty"],
    ),
    "several at once": (
        lambda data: (
            _set('["stories", 0, "extra"]', 1)(data),
            _set('["title"]', None)(data),
            _set('["stories", 1, "sentences", 0, "sources"]', [1, 0])(data),
        ),
        [
            "title: must be a string, not null",
            "stories[0].extra: unknown key",
            "stories[1].sentences[0].sources: must be ascending, each source once",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_draft_names_each_problem_and_writes_nothing(
    case: str, inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    data = draft(inputs, out)
    edit, expected = BROKEN[case]
    edit(data)
    save(out, data)
    before = listing(out)
    for command in (["publish", str(out)], ["publish", str(out), "--check"]):
        result = run(*command)
        assert result.exit_code == 2, result.stdout
        where = str(out / "draft" / "digest.json")
        lines = result.stderr.splitlines()
        assert sorted(lines[:-1]) == sorted(f"{where}: {line}" for line in expected)
        count = len(expected)
        assert lines[-1] == (
            f"error: {where}: {count} problem{'s' if count != 1 else ''}; nothing written; "
            "fix them and run digest publish again"
        )
    assert listing(out) == before
    assert not (out / "archive.sqlite3").exists()


def test_a_draft_that_is_not_json_names_the_line(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    draft(inputs, out)
    (out / "draft" / "digest.json").write_text('{\n  "title": "x",\n  oops\n}\n')
    result = run("publish", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].endswith(
        "digest.json: line 3, column 3: not JSON "
        "(Expecting property name enclosed in double quotes)"
    )


def test_no_draft_or_a_damaged_one_is_one_line(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("publish", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {out / 'draft'}: no draft here; make one with: digest build --draft --out {out}\n"
    )
    draft(inputs, out)
    (out / "draft" / STATE_FILE).write_text("{}")
    result = run("publish", str(out))
    assert result.exit_code == 2
    assert "the draft's state is damaged" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_check_only_says_whether_it_can_be_published(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    save(out, edited(draft(inputs, out)))
    before = listing(out)
    result = run("publish", str(out), "--check")
    assert result.exit_code == 0
    assert result.stdout == (
        f"The draft of {DAY} can be published: 2 stories; run: digest publish {out}\n"
    )
    assert listing(out) == before
    data, state = read_draft(out)
    assert state.date == dt.date(2026, 11, 21) and isinstance(data, dict)


# -- 1. digest serve shows the draft ----------------------------------------------------------


def test_serve_shows_the_draft_but_never_its_message_or_state(inputs: Path, tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    from digest.serve import serving

    out = tmp_path / "out"
    draft(inputs, out)

    def get(base: str, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""

    with serving(out) as base:
        assert get(base, "draft/") == (200, (out / "draft" / "index.html").read_bytes())
        assert get(base, "draft/index.html")[0] == 200
        assert get(base, "draft/digest.json") == (200, (out / "draft" / "digest.json").read_bytes())
        for private in ("digest.eml", STATE_FILE, "email.html", "email.txt", "nope.html"):
            assert get(base, f"draft/{private}")[0] == 404, private
        assert get(base, "index.html")[0] == 404, "nothing published yet"


def test_a_draft_that_adds_to_an_issue_publishes_what_a_build_would(
    inputs: Path, tmp_path: Path
) -> None:
    """New articles on a date that has an issue: the draft holds its stories and the new
    one, and publishes the bytes and ids the plain build gives."""
    bakery = inputs / "c1.md"
    text = bakery.read_text(encoding="utf-8")
    bakery.unlink()
    out, plain = tmp_path / "out", tmp_path / "plain"
    build(inputs, out)
    build(inputs, plain)
    first = {s.id for s in Archive(out / "archive.sqlite3").issues()[0].stories}
    bakery.write_text(text, encoding="utf-8")
    assert "added to the issue of" in build(inputs, out, DAY, "--draft").stdout
    build(inputs, plain)
    assert run("publish", str(out)).exit_code == 0
    for name in PUBLISHED:
        assert (out / name).read_bytes() == (plain / name).read_bytes(), name
    (ours,), (theirs,) = (
        Archive(out / "archive.sqlite3").issues(),
        Archive(plain / "archive.sqlite3").issues(),
    )
    assert ours.stories == theirs.stories and first < {s.id for s in ours.stories}
    assert set(ours.article_keys) == set(theirs.article_keys)


def test_json_nested_too_deep_is_one_problem(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    draft(inputs, out)
    where = out / "draft" / "digest.json"
    for depth, problem in ((900, "must be an object, not a list"), (100_000, "nested too deep")):
        where.write_text("[" * depth + "]" * depth)
        result = run("publish", str(out))
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == f"{where}: (the whole file): {problem}"


def test_a_story_split_in_two_gets_ids_of_its_own(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = draft(inputs, out)
    tram = story(data, "tram")
    first, second = tram["sources"]
    half = {
        "headline": "Students welcome the tram",
        "sentences": [
            {"text": s["text"], "sources": [0]} for s in tram["sentences"] if s["sources"] == [1]
        ],
        "sources": [second],
        "differences": [],
    }
    tram["sources"] = [first]
    tram["sentences"] = [
        {"text": s["text"], "sources": [0]} for s in tram["sentences"] if 0 in s["sources"]
    ]
    data["stories"].append(half)
    save(out, data)
    drafted = {s["id"] for s in json.loads((out / "draft" / STATE_FILE).read_text())["stories"]}
    result = run("publish", str(out))
    assert result.exit_code == 0, result.stderr
    (issue,) = Archive(out / "archive.sqlite3").issues()
    ids = [s.id for s in issue.stories]
    assert len(set(ids)) == 4
    assert len(set(ids) - drafted) == 2, "the two halves are new stories; the others keep theirs"
    assert len(used_articles(out)) == 5
    stories = feedparser.parse((out / "stories.atom.xml").read_bytes())
    assert len({e.id for e in stories.entries}) == 4
