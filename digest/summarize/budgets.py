"""Word budgets and the topic: how long a story may be, and which articles are on the topic.

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

from collections import Counter

from digest.model import Article
from digest.summarize.sentences import (
    stem,
)
from digest.text import content_words, words

#: A story told by several outlets may use this much more than the word budget.
MULTI_SOURCE_SCALE = 1.5


#: ... but never more than this many extra words.
MULTI_SOURCE_EXTRA = 50


#: An article is on the topic when it holds this share of the topic's words ...
TOPIC_MATCH = 0.5


#: ... in its title or its first this many words ...
TOPIC_LEAD_WORDS = 60


#: ... or each of them this many times in its text.
TOPIC_REPEATS = 2


#: A story is on the topic when this share of its articles are.
TOPIC_STORY_SHARE = 0.5


def story_budget(words: int, n_sources: int) -> int:
    """Word budget of a story: ``words``, raised for multi-source stories.

    A story several outlets cover carries more agreed facts (and the reader gets
    one story instead of several), so it may use up to 1.5 x the budget, at most
    50 words more: 100 -> 150 words for two or more sources.
    """
    if n_sources < 2:
        return words
    return min(round(words * MULTI_SOURCE_SCALE), words + MULTI_SOURCE_EXTRA)


def topic_stems(topic: str | None) -> frozenset[str]:
    """Stemmed content words of a topic (empty without a topic)."""
    if not topic:
        return frozenset()
    return frozenset(stem(w) for w in content_words(topic)) or frozenset(
        stem(w) for w in words(topic)
    )


def on_topic(article: Article, stems: frozenset[str]) -> bool:
    """Whether an article is about the topic, not merely mentioning it.

    It is when :data:`TOPIC_MATCH` of the topic's stems are in its title or
    lead (the first :data:`TOPIC_LEAD_WORDS` words), or each of them occurs at
    least :data:`TOPIC_REPEATS` times in the whole text. One mention deep in
    the body ("... unlike Google's Stadia, ...") is in passing.
    """
    if not stems:
        return True
    body = [stem(w) for w in words(" ".join(article.paragraphs))]
    head = {stem(w) for w in words(article.title or "")} | set(body[:TOPIC_LEAD_WORDS])
    counts = Counter(t for t in body if t in stems)
    present = {t for t in stems if t in head or counts[t] >= TOPIC_REPEATS}
    return len(present) / len(stems) >= TOPIC_MATCH
