"""Standalone check: build digests of real piles, print every sentence that leans on unseen context.

Usage::

    python benchmarks/standalone.py PILE [PILE ...] [--date YYYY-MM-DD] [--counts]
    python benchmarks/standalone.py --realworld ../shared/eval/realworld

A PILE is one input or several joined by ``+`` (``bbc.rss+theguardian.rss``):
all of them are read into one digest, the way ``digest build A B`` would
(ingest -> clean -> summarize, no archive, every story kept). With
``--realworld DIR`` the piles are the real feeds in sensible groups -- the
BBC and Guardian of May 2019, NYT World + NYT Science + CNN of 1 January
2020, Guardian US of January 2018, HuffPost -- and the dev pages folder.

Every digest sentence is checked by the *flag rules* below and each flagged
one is printed with its rules, so that a reader can judge it:

* ``opener``: it opens with a pronoun or a connective that points back at a
  sentence the reader has not seen ("He said ...", "But ...", "This ...",
  "In each case, ...", "By then, ..."); a pronoun is fine when the sentence
  before it in the story names someone;
* ``first person``: I / me / my / we / our / us outside quotation marks;
* ``reader``: you / your outside quotes, or an imperative to the reader;
* ``no speaker``: a quotation whose speaker is a bare pronoun or missing;
* ``question/teaser``: a question outside quotes, or a teaser's shape
  ("Here's what ...", "Find out ...", a trailing "…").

The rules are broad on purpose (they point at sentences to read; a flag is a
question, not a verdict). The last lines give the flags per rule, in all,
and per 100 sentences.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.build import make_digest, read_articles
from digest.errors import DigestError
from digest.summarize import SummaryOptions

#: The real piles under ``--realworld``: (name, inputs relative to it, build date).
REALWORLD_PILES = (
    ("BBC + Guardian 2019", ("feeds/bbc.rss", "feeds/theguardian.rss"), "2019-05-08"),
    (
        "NYT World + Science + CNN 2020",
        ("feeds/nytimes.rss", "feeds/nytimes-science.rss", "feeds/cnn.rss"),
        "2020-01-01",
    ),
    ("Guardian US 2018", ("feeds/guardian2018.rss",), "2018-01-31"),
    ("HuffPost", ("feeds/huffpost.rss",), "2020-01-01"),
    ("pages (dev)", ("pages",), "2019-11-30"),
)

_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|‘[^‘’]*’(?=\W|$)")
_PRONOUNS = r"he|she|they|it|him|her|his|hers|its|their|them|this|these|those"
_CONNECTIVES = (
    r"but|and|or|so|yet|also|however|meanwhile|still|then|thus|hence|moreover|furthermore"
    r"|nevertheless|nonetheless|instead|otherwise|besides|indeed|likewise|similarly"
    r"|additionally|that's|there's|here's|such"
)
_OPENER = re.compile(rf"^[\"“‘]?(?:{_PRONOUNS}|{_CONNECTIVES})\b(?!-)", re.I)
#: A pronoun just after a short opening phrase that names nobody ("For many
#: residents, he represents ...", "At 16, she moved ..."): it points back too.
_PHRASE_OPENER = re.compile(r"^[^,;:\"“”]{2,60},\s+(?:he|she|they|his|her|their)\b")
_FIRST_PERSON = re.compile(
    r"(?<![\w’'-])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|me|my|we|our|us)(?![\w’'-])"
)
_READER = re.compile(
    r"(?<![\w’'-])(?:you|your|you're|you’re|you've|you’ve|yourself)(?![\w’'-])"
    r"|^(?:check out|click|tap|sign up|find out|learn|read|watch|listen|see|don't miss|join)\b",
    re.I,
)
_SPEECH = r"said|says|added|adds|told|explained|wrote|continued|asked|insisted|noted"
_PRONOUN_SPEAKER = re.compile(
    rf"(?:^|[,”\"’]\s*|\s)(?:he|she|they)\s+(?:{_SPEECH})\b|\b(?:{_SPEECH})\s+(?:he|she|they)\b",
    re.I,
)
_TEASER = re.compile(
    r"^here(?:['’]s| is| are)\b|^(?:find out|learn|discover)\b"
    r"|(?:…|\.\.\.|\[…\]|read more\.?)$",
    re.I,
)
#: An opening phrase that points back: "In each case, ...", "By then, ...", "After that, ...".
_BACK_PHRASE = re.compile(
    r"^(?:in|at|on|for|by|from|of|under|with|during) "
    r"(?:each|both|that|those|such|the same|the latter|the former)\s+\w+,"
    r"|^(?:by|since|until|even|back|before) then,"
    r"|^(?:after|before|since|aside from) (?:that|this|those),",
    re.I,
)
_NAME = re.compile(r"\b[A-Z][a-z]+")
_SPEAKER_WORD = re.compile(
    r"\b(?:official|spokes\w+|minister|president|police|company|statement|report|"
    r"said|says|told|according)\b",
    re.I,
)


def outside_quotes(text: str) -> str:
    return _QUOTED.sub(" ", text)


def flags(sentence: str, previous: str | None) -> list[str]:
    """The flag rules ``sentence`` trips; ``previous`` is the sentence before it in the story."""
    found: list[str] = []
    bare = outside_quotes(sentence)
    opener = _OPENER.match(sentence.strip())
    if opener:
        word = opener.group(0).lstrip('"“‘').lower()
        named_before = previous is not None and len(_NAME.findall(previous)) > 1
        if not (word in ("he", "she", "his", "her", "they", "their") and named_before):
            found.append("opener")
    phrase = _PHRASE_OPENER.match(sentence.strip())
    if (phrase and not opener and not _NAME.search(phrase.group(0), 1)) or (
        not opener and _BACK_PHRASE.match(sentence.strip())
    ):
        found.append("opener")
    if _FIRST_PERSON.search(bare):
        found.append("first person")
    if _READER.search(bare.strip()):
        found.append("reader")
    has_quote = bool(re.search(r"[\"“][^\"”]{12,}[\"”]", sentence))
    if has_quote:
        names = [
            n for n in _NAME.findall(bare) if n.lower() not in ("the", "a", "an", "in", "on", "but")
        ]
        pronoun = bool(_PRONOUN_SPEAKER.search(bare)) and not (previous and _NAME.search(previous))
        unnamed = not names and not _SPEAKER_WORD.search(bare)
        if pronoun or unnamed:
            found.append("no speaker")
    if "?" in bare or _TEASER.search(sentence.strip()):
        found.append("question/teaser")
    return found


def piles_from(args: argparse.Namespace) -> list[tuple[str, list[Path], str | None]]:
    piles: list[tuple[str, list[Path], str | None]] = []
    if args.realworld:
        root: Path = args.realworld
        for name, inputs, date in REALWORLD_PILES:
            piles.append((name, [root / p for p in inputs], args.date or date))
    for spec in args.piles:
        piles.append((spec, [Path(p) for p in spec.split("+")], args.date))
    return piles


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Flag digest sentences that do not stand alone")
    parser.add_argument("piles", nargs="*", help="inputs, several joined by '+' into one digest")
    parser.add_argument("--realworld", type=Path, help="the realworld eval folder: its piles")
    parser.add_argument("--date", default=None, help="build date (default: the pile's own)")
    parser.add_argument("--counts", action="store_true", help="print only the counts")
    args = parser.parse_args(argv)
    per_rule: Counter[str] = Counter()
    sentences = flagged = 0
    for name, inputs, date in piles_from(args):
        day = dt.date.fromisoformat(date) if date else dt.date.today()
        try:
            articles, _ = read_articles(inputs)
        except DigestError as exc:
            print(f"== {name}: {exc}")
            continue
        digest = make_digest(articles, date=day, options=SummaryOptions()).digest
        pile_sentences = pile_flagged = 0
        lines: list[str] = []
        for story in digest.stories:
            previous: str | None = None
            for sentence in story.sentences:
                pile_sentences += 1
                names = flags(sentence.text, previous)
                previous = sentence.text
                if not names:
                    continue
                pile_flagged += 1
                per_rule.update(names)
                lines.append(f"  [{', '.join(names)}] {sentence.text}")
        sentences += pile_sentences
        flagged += pile_flagged
        print(
            f"== {name}: {len(articles)} articles, {len(digest.stories)} stories, "
            f"{pile_sentences} sentences, {pile_flagged} flagged"
        )
        if not args.counts:
            print("\n".join(lines))
    print(", ".join(f"{rule} {count}" for rule, count in sorted(per_rule.items())) or "no flags")
    rate = 100 * flagged / sentences if sentences else 0.0
    print(f"{flagged} flagged of {sentences} sentences: {rate:.1f} per 100")


if __name__ == "__main__":
    main()
