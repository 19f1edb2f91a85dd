"""Headlines: a story's title, from its sources' headlines and its sentences.

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from digest.model import Article
from digest.summarize.citations import Chosen
from digest.summarize.sentences import (
    opinion_piece,
    stem,
)
from digest.summarize.stories import background_frequency
from digest.text import content_words, normalize_space

#: A title is the headline only when the chosen sentences hold this share of its words.
HEADLINE_COVERAGE = 0.5


#: A word in capitals of five letters or more ...
_CAPITALS = re.compile(r"(?<![\w'’-])[A-Z]{5,}(?![\w'’-])")
#: ... that English uses at least this often (once in 100,000 words: "surrender",
#: "shock", "breaking") is shouted; an acronym is rarer ("UNESCO", "NASDAQ", "COVID")
#: or shorter ("NATO", "FIFA").
SHOUT_FREQUENCY = 1e-5


def _shouted(word: str) -> bool:
    return background_frequency(word.lower()) >= SHOUT_FREQUENCY


def shouts(title: str) -> bool:
    """Whether a title shouts a word in capitals, as tabloids do: "China deploys troops
    and warns SURRENDER is only option"."""
    return any(map(_shouted, _CAPITALS.findall(title)))


_TITLE_TAIL = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def clean_title(title: str) -> str:
    """A source title without a trailing " - Outlet" / " | Site" and extra spaces."""
    title = normalize_space(title)
    trimmed = _TITLE_TAIL.sub("", title)
    return trimmed if len(trimmed.split()) >= 3 else title


def shorten(text: str, limit: int = 14) -> str:
    """A sentence cut to a headline: its first clause, or its first ``limit`` words."""
    text = text.rstrip(".!… ")
    for mark in (", ", "; ", " — ", ": "):
        head = text.split(mark, 1)[0]
        if 5 <= len(head.split()) <= limit:
            return head
    tokens = text.split()
    return text if len(tokens) <= limit else " ".join(tokens[:limit]) + "…"


def quieted(title: str) -> str:
    """``title`` with the words it shouts (:func:`shouts`) in lower case: "China deploys
    troops and warns surrender is only option". A title all in capitals stays as it is:
    its names could not be told from its words."""
    words = [w for w in _LETTERS.findall(title) if len(w) > 1]
    if not words or all(w.isupper() for w in words):
        return title

    def lower(match: re.Match[str]) -> str:
        word = match.group(0)
        if not _shouted(word):
            return word
        opens = not title[: match.start()].strip() or title[: match.start()].rstrip()[-1] in ":.!?"
        return word.capitalize() if opens else word.lower()

    return _CAPITALS.sub(lower, title)


_LETTERS = re.compile(r"[^\W\d_]+")


def make_headline(articles: Sequence[Article], chosen: Sequence[Chosen]) -> str:
    """The story's headline (:func:`headline`), its shouted words quieted (:func:`quieted`)."""
    return quieted(headline(articles, chosen))


def headline(articles: Sequence[Article], chosen: Sequence[Chosen]) -> str:
    """The story's headline: it names what the chosen sentences are about.

    A cleaned title of an article whose sentences were chosen, when the chosen
    sentences hold at least :data:`HEADLINE_COVERAGE` of its content words;
    among those, the one whose words occur most often in the chosen sentences
    (summed over its words: the story's subject, not the detail of one
    sentence), then the best covered, then the earlier article; a title that shouts a
    word in capitals (:func:`shouts`) only when no other will do. Failing that,
    the title of another of the story's articles that the chosen sentences
    bear out just as well. A title the sentences do not bear out would promise
    what the story does not tell -- unless every chosen sentence comes from
    that one article: like a story of one article, it keeps that article's own
    headline. Failing that, the title of the first chosen sentence's article
    when the chosen sentences share at least one of its words; otherwise the
    story's first chosen sentence, shortened, is the headline.
    """
    if len(articles) == 1 and articles[0].title and content_words(articles[0].title):
        # One article: its own headline names what it tells, whichever of its
        # sentences fit the budget.
        return clean_title(articles[0].title)
    held = Counter(s for c in chosen for s in c.candidate.content_stems)
    told = {c.candidate.doc for c in chosen} if chosen else set(range(len(articles)))
    # a title of an article told, then any title of the story the sentences bear out --
    # never an opinion piece's: its headline is its writer's claim ("Why Beijing will
    # bring slaughter to Hong Kong"), though the news sentences may share its words
    untold = {i for i in range(len(articles)) if i not in told and not opinion_piece(articles[i])}
    titles = _titles(articles)
    # a title that shouts comes after every other the sentences bear out
    best = next(
        (
            title
            for loud in (False, True)
            for among, require in ((told, bool(chosen)), (untold, True))
            if (title := _best_title(titles, among, held, require=require, loud=loud))
        ),
        None,
    )
    if best is not None:
        return best
    if len(told) == 1:
        # Every sentence is one article's: as for a story of one article, its
        # own headline names what they tell.
        only = articles[next(iter(told))]
        if only.title and content_words(only.title):
            return clean_title(only.title)
    if chosen:
        # The lead sentence's own article, when the sentences share a word of its
        # title: feed summaries are short, and a headline is better than the lead
        # sentence told twice.
        lead = articles[chosen[0].candidate.doc]
        if lead.title and any(held[stem(w)] for w in content_words(clean_title(lead.title))):
            return clean_title(lead.title)
        return shorten(chosen[0].candidate.text)
    for article in articles:
        for paragraph in article.paragraphs:
            if paragraph.strip():
                return shorten(paragraph.strip())
    return "Untitled story"


@dataclass(frozen=True)
class _Title:
    """A source's title as a headline candidate."""

    #: The title, cleaned (:func:`clean_title`).
    text: str
    #: Stems of its content words.
    stems: frozenset[str]
    #: Whether it shouts a word (:func:`shouts`).
    loud: bool


def _titles(articles: Sequence[Article]) -> dict[int, _Title]:
    """Each article's title with content words, by article index."""
    out: dict[int, _Title] = {}
    for i, article in enumerate(articles):
        if not article.title or not article.title.strip():
            continue
        text = clean_title(article.title)
        stems = frozenset(stem(w) for w in content_words(text))
        if stems:
            out[i] = _Title(text, stems, shouts(text))
    return out


def _best_title(
    titles: dict[int, _Title],
    among: set[int],
    held: Counter[str],
    *,
    require: bool,
    loud: bool,
) -> str | None:
    """The title, of the articles ``among``, whose words the chosen sentences
    (``held``: their stems, counted) hold most often; with ``require``, only one
    they hold at least :data:`HEADLINE_COVERAGE` of; one that shouts only with
    ``loud``."""
    best: tuple[float, float, int, str] | None = None
    for i in sorted(among & titles.keys()):
        title = titles[i]
        if title.loud != loud:
            continue
        coverage = sum(1 for t in title.stems if held[t]) / len(title.stems)
        if require and coverage < HEADLINE_COVERAGE:
            continue
        centrality = float(sum(held[t] for t in title.stems))
        key = (-centrality, -coverage, i, title.text)
        if best is None or key < best:
            best = key
    return best[3] if best is not None else None
