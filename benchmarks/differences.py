"""Differences check: print every "Sources differ" line the summarizer finds, for judging by hand.

Usage::

    python benchmarks/differences.py [--seeds DIR] [--duc FILE] [--pages DIR] [PILE ...]

* ``--seeds DIR``: the folder built as ``digest build DIR`` would;
* ``--duc FILE``: every DUC 2004 cluster as one story, its documents dated
  and named by outlet as a build would see them;
* ``--pages DIR`` and each ``PILE`` (inputs joined by ``+``): read through the
  real ingest and clean, grouped into stories as a build groups them.

Each line found is printed with its story and, for each side, the source
sentences that hold the two values, so that a reader can judge whether the
sources really disagree. The last line counts the lines and the stories of
two or more sources they came from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.build import read_articles
from digest.model import Article, Block
from digest.summarize.differences import find_differences
from digest.summarize.stories import group_articles
from digest.text import split_sentences


def duc_stories(path: Path) -> list[tuple[str, list[Article]]]:
    stories = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles = [
            Article(
                path=f"{record['id']}/{n}",
                title=None,
                blocks=(Block("paragraph", d["text"]),),
                outlet=d.get("outlet"),
                published=dt.datetime.fromisoformat(d["published"]).replace(tzinfo=dt.UTC)
                if d.get("published")
                else None,
            )
            for n, d in enumerate(record["documents"])
        ]
        stories.append((record["id"], articles))
    return stories


def grouped(inputs: Sequence[Path]) -> list[tuple[str, list[Article]]]:
    articles, _ = read_articles(list(inputs))
    out = []
    for group in group_articles(articles):
        if len(group) > 1:
            members = [articles[i] for i in group]
            out.append((members[0].title or members[0].path, members))
    return out


def evidence(article: Article, text: str) -> list[str]:
    """The sentences of ``article`` that hold a value quoted or named in ``text``."""
    values = re.findall(r"“([^”]+)”|with ([A-Z][\w ]+?)[,.]|as (\d+)", text)
    needles = [v for group in values for v in group if v]
    # an age: the sentence must also name the person, or open with an epithet ("The
    # 48-year-old Australian ...") that means them
    person = re.search(r"gives? (.+?)’s age", text)
    out = []
    for paragraph in article.paragraphs:
        for sentence in split_sentences(paragraph):
            if not any(n in sentence for n in needles):
                continue
            epithet = re.match(r"The \d+-year-old\b", sentence)
            if person and person.group(1) not in sentence and not epithet:
                continue
            out.append(sentence)
    return out[:2]


def report(name: str, stories: list[tuple[str, list[Article]]]) -> tuple[int, int]:
    lines = 0
    multi = 0
    print(f"== {name}: {len(stories)} stories")
    for title, articles in stories:
        if len(articles) < 2:
            continue
        multi += 1
        for difference in find_differences(articles):
            lines += 1
            print(f"  [{title[:70]}] {difference.text}")
            for i in difference.sources:
                for sentence in evidence(articles[i], difference.text):
                    print(f"      {i + 1}: {sentence[:220]}")
    return lines, multi


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print every difference found between sources")
    parser.add_argument("piles", nargs="*", help="inputs, several joined by '+' into one pile")
    parser.add_argument("--seeds", type=Path)
    parser.add_argument("--duc", type=Path)
    parser.add_argument("--pages", type=Path)
    args = parser.parse_args(argv)
    total = stories = 0
    sets: list[tuple[str, list[tuple[str, list[Article]]]]] = []
    if args.seeds:
        articles, _ = read_articles([args.seeds])
        sets.append(
            ("seeds", [(a.title or a.path, [a]) for a in articles[:0]] + [("seeds", articles)])
        )
    if args.duc:
        sets.append(("DUC", duc_stories(args.duc)))
    if args.pages:
        sets.append(("pages", grouped([args.pages])))
    for spec in args.piles:
        sets.append((spec, grouped([Path(p) for p in spec.split("+")])))
    for name, found in sets:
        lines, multi = report(name, found)
        print(f"   {lines} lines from {multi} stories of two or more sources")
        total += lines
        stories += multi
    print(f"{total} lines in all, from {stories} multi-source stories")


if __name__ == "__main__":
    main()
