"""Headlines: a story's title, from its sources' headlines and its sentences.

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from digest.model import Article
from digest.summarize.citations import Chosen
from digest.summarize.sentences import (
    opinion_piece,
    stem,
)
from digest.text import content_words, normalize_space

#: A title is the headline only when the chosen sentences hold this share of its words.
HEADLINE_COVERAGE = 0.5


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


def make_headline(articles: Sequence[Article], chosen: Sequence[Chosen]) -> str:
    """The story's headline: it names what the chosen sentences are about.

    A cleaned title of an article whose sentences were chosen, when the chosen
    sentences hold at least :data:`HEADLINE_COVERAGE` of its content words;
    among those, the one whose words occur most often in the chosen sentences
    (summed over its words: the story's subject, not the detail of one
    sentence), then the best covered, then the earlier article. Failing that,
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
    best = _best_title(articles, told, held, require=bool(chosen)) or _best_title(
        articles, untold, held, require=True
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


def _best_title(
    articles: Sequence[Article], among: set[int], held: Counter[str], *, require: bool
) -> str | None:
    """The cleaned title, of the articles ``among``, whose words the chosen
    sentences (``held``: their stems, counted) hold most often; with
    ``require``, only one they hold at least :data:`HEADLINE_COVERAGE` of."""
    best: tuple[float, float, int, str] | None = None
    for i in sorted(among):
        article = articles[i]
        if not article.title or not article.title.strip():
            continue
        title = clean_title(article.title)
        stems = {stem(w) for w in content_words(title)}
        if not stems:
            continue
        coverage = sum(1 for t in stems if held[t]) / len(stems)
        if require and coverage < HEADLINE_COVERAGE:
            continue
        centrality = float(sum(held[t] for t in stems))
        key = (-centrality, -coverage, i, title)
        if best is None or key < best:
            best = key
    return best[3] if best is not None else None
