"""A simple, real baseline summarizer: lead sentences, de-duplicated.

Articles are grouped into stories by the overlap of their most frequent
content words (single-link), then each story takes the first sentences of its
sources in turn (first sentence of each article, then the second, ...),
skipping near-duplicates, until the word budget is spent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from digest.model import Article, Sentence, Source, Story
from digest.summarize import Summary, SummaryOptions
from digest.text import content_words, split_sentences, word_count

#: Two articles are about the same event when their top words overlap this much.
_SAME_STORY = 0.2
#: Sentences sharing this share of content words are duplicates.
_DUPLICATE = 0.6
_TOP_WORDS = 25


def _signature(article: Article) -> set[str]:
    counts = Counter(content_words(" ".join([article.title or "", *article.paragraphs])))
    return {w for w, _ in counts.most_common(_TOP_WORDS)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_articles(articles: Sequence[Article]) -> list[list[int]]:
    """Indexes of articles grouped into stories (single-link on top words)."""
    signatures = [_signature(a) for a in articles]
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if _jaccard(signatures[i], signatures[j]) >= _SAME_STORY:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


class LeadSummarizer:
    """Round-robin lead sentences within a word budget."""

    def __call__(self, articles: Sequence[Article], options: SummaryOptions) -> Summary:
        stories = [
            self._story([articles[i] for i in group], options) for group in group_articles(articles)
        ]
        if options.max_stories is not None:
            stories = stories[: options.max_stories]
        return Summary(stories=tuple(stories))

    def _story(self, articles: list[Article], options: SummaryOptions) -> Story:
        per_article = [[s for p in a.paragraphs for s in split_sentences(p)] for a in articles]
        chosen: list[tuple[str, set[str], int]] = []
        used = 0
        depth = 0
        while used < options.words and any(depth < len(s) for s in per_article):
            for index, sentences in enumerate(per_article):
                if depth >= len(sentences) or used >= options.words:
                    continue
                text = sentences[depth]
                bag = set(content_words(text))
                if any(_jaccard(bag, other) >= _DUPLICATE for _, other, _ in chosen):
                    continue
                chosen.append((text, bag, index))
                used += word_count(text)
            depth += 1
        headline = next((a.title for a in articles if a.title), None) or (
            chosen[0][0] if chosen else "Untitled"
        )
        return Story(
            headline=headline,
            sentences=tuple(Sentence(text=t, sources=(i,)) for t, _, i in chosen),
            sources=tuple(Source.from_article(a) for a in articles),
        )
