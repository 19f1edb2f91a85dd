"""Junk check: build digests from real feeds and pages, print every sentence that looks like junk.

Usage::

    python benchmarks/junk.py FEED_OR_FOLDER [...] [--date YYYY-MM-DD] [--counts]

Each argument is built into its own digest (ingest -> clean -> summarize, no
archive, every story kept), the way ``digest build ARG`` would. Every sentence
of every story is then checked by the *flag rules* below, and each one a rule
flags is printed with the rule's name and its outlet, so that a reader can
judge it; a story without any sentence is flagged too. The last lines count
the flags per rule and in all.

The flag rules are deliberately broader than the cleaner's (key words and
shapes, not grammar): they point a reader at sentences to look at, and some
of what they flag is real news ("a sponsor of the bill"). A flag here is a
question, not a verdict. For feeds, a sentence that is one of the feed's own
media captions or credits (``media:description``, ``media:credit``, ...) is
flagged as a caption; the feed is re-read with lxml for that (no entities, no
network).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.build import make_digest, read_articles
from digest.errors import DigestError
from digest.summarize import SummaryOptions

MEDIA_NS = "http://search.yahoo.com/mrss/"

#: Rule name -> pattern. Broad on purpose: see the module docstring.
FLAGS: dict[str, re.Pattern[str]] = {
    "sponsored": re.compile(
        r"\b(?:sponsor(?:ed|ship)?|compensated|affiliate|commission|paid (?:post|partnership)|"
        r"advertis(?:er|ement|ing)|partner content|#ad\b)",
        re.I,
    ),
    "own promo": re.compile(
        r"\b(?:podcast|newsletter|subscri(?:be|ption)|sign up|our app|the app|download|"
        r"follow us|inbox|each morning|every morning|listen (?:to|on|now)|hear)\b",
        re.I,
    ),
    "teaser": re.compile(
        r"^[\"“‘']?(?:watch|listen|read|see|look|photos?|video|gallery|opinion|quiz|live)\s*[:|]|"
        r"^here['’]s (?:how|why|what|where|when|who)\b|^(?:click|tap|find out|learn)\b|"
        r"(?:…|\.\.\.|\[…\]|read more\.?)$",
        re.I,
    ),
    "live chatter": re.compile(
        r"\b(?:live (?:updates|blog|coverage)|stay tuned|refresh|we['’]ll (?:bring|have|be back)|"
        r"follow (?:along|our)|bear with us|delay|as it happens|good (?:morning|afternoon|evening)|"
        r"(?:am|pm) (?:GMT|BST|ET|EST)|minute by minute)\b",
        re.I,
    ),
    "bullet": re.compile(r"^\s*(?:[-•*·▪►]|\d{1,2}[.)])\s"),
    "run together": re.compile(r"[a-z]{2}[.!?][\"”’)]?[A-Z][a-z]"),
    "caption-like": re.compile(
        r"\b(?:getty images|reuters/|/reuters|ap photo|afp/|pictured|photograph(?:ed)?:|"
        r"credit:|photo:|image:|illustration by)\b",
        re.I,
    ),
}


def media_texts(path: Path) -> set[str]:
    """Every ``media:*`` text of a feed file (captions, credits, titles), whitespace-normalised."""
    if path.is_dir() or path.suffix.lower() not in (".rss", ".xml", ".atom"):
        return set()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except etree.XMLSyntaxError:
        return set()
    if root is None:
        return set()
    out = set()
    for element in root.iter(f"{{{MEDIA_NS}}}*"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            out.add(text)
    return out


def flags(sentence: str, captions: set[str]) -> list[str]:
    found = [name for name, pattern in FLAGS.items() if pattern.search(sentence)]
    if any(sentence in caption or caption in sentence for caption in captions if len(caption) > 20):
        found.append("caption")
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Flag digest sentences that look like junk")
    parser.add_argument("inputs", nargs="+", type=Path, help="feed files or folders of pages")
    parser.add_argument("--date", default=None, help="build date (default: today)")
    parser.add_argument("--counts", action="store_true", help="print only the counts")
    args = parser.parse_args(argv)
    date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    per_rule: Counter[str] = Counter()
    sentences = flagged = 0
    for source in args.inputs:
        try:
            articles, _ = read_articles([source])
        except DigestError as exc:
            print(f"== {source}: {exc}")
            continue
        digest = make_digest(articles, date=date, options=SummaryOptions()).digest
        captions = media_texts(source)
        if not args.counts:
            print(f"== {source}: {len(articles)} articles, {len(digest.stories)} stories")
        for story in digest.stories:
            if not story.sentences:
                per_rule["no sentence"] += 1
                flagged += 1
                if not args.counts:
                    print(f"  [no sentence] {story.headline}")
            for sentence in story.sentences:
                sentences += 1
                names = flags(sentence.text, captions)
                if not names:
                    continue
                flagged += 1
                per_rule.update(names)
                if not args.counts:
                    outlet = story.sources[sentence.sources[0]].outlet if sentence.sources else None
                    print(f"  [{', '.join(names)}] ({outlet or '?'}) {sentence.text}")
    print(", ".join(f"{name} {count}" for name, count in sorted(per_rule.items())) or "no flags")
    print(f"{flagged} flagged of {sentences} sentences")


if __name__ == "__main__":
    main()
