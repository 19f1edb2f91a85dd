"""Concepts and their weights: what a story's articles agree on, and how much.

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from digest.summarize.sentences import (
    Candidate,
    sentence_bigrams,
    stem,
)
from digest.text import words

#: A stemmed bigram, or ``(stem, "")`` for a single content word.
Concept = tuple[str, str]


#: A concept seen in the first sentences of an article gets up to this extra vote.
POSITION_BONUS = 1.0


#: Sentence positions over which that bonus decays (exponentially).
POSITION_DECAY = 3.0


#: Extra vote for an article that repeats a concept (scaled by log of repeats).
REPEAT_BONUS = 0.25


#: Content words count only in stories of at least this many articles ...
UNIGRAM_MIN_DOCS = 3


#: ... and only when at least this share of the articles use them.
UNIGRAM_SHARE = 0.5


#: Extra votes for a concept per source headline that holds it.
TITLE_BONUS = 2.0


#: Weight multiplier for concepts holding a topic word.
TOPIC_BOOST = 2.0


#: Articles whose content words overlap this much (Jaccard) are copies of one report.
DOC_DUPLICATE = 0.9


def sentence_concepts(cand: Candidate) -> frozenset[Concept]:
    """The concepts a sentence holds: its stemmed bigrams (stop-word pairs left out)
    and its content-word stems, as ``(stem, "")``."""
    return cand.concepts


def min_document_frequency(n_docs: int) -> int:
    """Articles a concept must appear in to count: noise filter for big stories."""
    if n_docs >= 6:
        return 3
    if n_docs >= 3:
        return 2
    return 1


def report_shares(by_doc: dict[int, list[Candidate]]) -> dict[int, float]:
    """Each article's share of one report: 1 / the number of its copies.

    Wire stories often reach a story twice (an update, another paper's copy
    of the same AP text). Copies -- articles whose content words overlap by
    :data:`DOC_DUPLICATE` (Jaccard), transitively -- count as one report, so
    that agreement means independent outlets, not reprints.
    """
    docs = sorted(by_doc)
    bags = [frozenset().union(*(c.content_stems for c in by_doc[d])) for d in docs]
    groups = copy_groups(bags)
    size = {i: len(group) for group in groups for i in group}
    return {d: 1.0 / size[i] for i, d in enumerate(docs)}


def copy_groups(
    bags: Sequence[frozenset[str]], threshold: float = DOC_DUPLICATE
) -> list[list[int]]:
    """Indexes of ``bags`` grouped into copies: Jaccard >= ``threshold``, transitively.

    Each group is ascending; groups come in the order of their first member.
    Comparing every pair cost 3.1 of 8.0 s on an 800-article story, so pairs
    are found by prefix filtering (Chaudhuri et al. 2006; Bayardo et al.
    2007), which finds exactly the same pairs: with every bag's words sorted
    rarest first, two bags with Jaccard >= t must share one of the first
    ``|x| - ceil(t |x|) + 1`` words of each, and their sizes differ by at
    most the ratio t. Only bags that share such a word are compared, and
    a 90 % threshold leaves each bag a prefix of a tenth of its words.
    """
    n = len(bags)
    frequency: Counter[str] = Counter(chain.from_iterable(bags))
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[str, list[int]] = {}
    # Smaller bags first: a bag only looks for partners among those already indexed.
    for i in sorted(range(n), key=lambda i: (len(bags[i]), i)):
        bag = bags[i]
        if not bag:
            continue
        ordered = sorted(bag, key=lambda w: (frequency[w], w))
        prefix = ordered[: len(bag) - math.ceil(threshold * len(bag) - 1e-9) + 1]
        seen: set[int] = set()
        for word in prefix:
            for j in index.get(word, ()):
                if j in seen:
                    continue
                seen.add(j)
                other = bags[j]
                if len(other) < threshold * len(bag) - 1e-9:
                    continue
                shared = len(bag & other)
                if shared / (len(bag) + len(other) - shared) >= threshold:
                    parent[root(j)] = root(i)
            index.setdefault(word, []).append(i)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values())


def concept_weights(
    cands: Sequence[Candidate],
    n_docs: int,
    topic_stems: frozenset[str] = frozenset(),
    titles: Sequence[str] = (),
) -> dict[Concept, float]:
    """Weight of every concept kept: position-weighted document frequency.

    Frequencies count reports, not articles: copies of one text (see
    :func:`report_shares`) share one vote.

    A concept in a source's headline gets :data:`TITLE_BONUS` extra votes per
    headline: headlines name the news.
    """
    by_doc: dict[int, list[Candidate]] = {}
    for cand in cands:
        by_doc.setdefault(cand.doc, []).append(cand)
    share = report_shares(by_doc)
    # Thresholds count reports, not copies (an article without sentences has no copy).
    n_docs = round(math.fsum(share.values())) + n_docs - len(share)
    articles, reports = _per_article(by_doc, share)
    threshold = min_document_frequency(n_docs)
    unigrams = n_docs >= UNIGRAM_MIN_DOCS
    # Votes only for the concepts kept: the frequency filters need no votes.
    votes: dict[Concept, float] = {}
    unigram_bar = UNIGRAM_SHARE * n_docs if unigrams else math.inf
    kept = [c for c, n in reports.items() if n >= threshold and (c[1] or n >= unigram_bar)]
    for concept in kept:
        total = 0.0
        for part, first, holding, lead in articles:
            position = first.get(concept)
            if position is None:
                continue
            vote = lead[position]
            count = holding[concept]
            if count > 1:
                vote += REPEAT_BONUS * math.log(count)
            total += vote * part
        votes[concept] = total
    _add_title_bonus(votes, titles)
    weights: dict[Concept, float] = {}
    for concept, vote in votes.items():
        if topic_stems and any(part in topic_stems for part in concept):
            vote *= TOPIC_BOOST
        weights[concept] = vote
    return weights


#: One article as :func:`concept_weights` counts it: its share of a report,
#: concept -> first position, concept -> sentences holding it, and the vote of
#: each position.
_ArticleVotes = tuple[float, dict[Concept, int], Counter[Concept], list[float]]


def _per_article(
    by_doc: dict[int, list[Candidate]], share: dict[int, float]
) -> tuple[list[_ArticleVotes], dict[Concept, float]]:
    """Each article's concepts and votes, and how many reports hold each concept."""
    articles: list[_ArticleVotes] = []
    whole: Counter[Concept] = Counter()  # reports, from articles without copies
    partial: dict[Concept, float] = {}  # reports, from copies' shares
    for doc in sorted(by_doc):
        ordered = sorted(by_doc[doc], key=lambda c: c.position)
        first: dict[Concept, int] = {}
        for cand in reversed(ordered):
            first.update(dict.fromkeys(sentence_concepts(cand), cand.position))
        holding = Counter(chain.from_iterable(sentence_concepts(c) for c in ordered))
        lead = [
            1.0 + POSITION_BONUS * math.exp(-p / POSITION_DECAY)
            for p in range(ordered[-1].position + 1)
        ]
        articles.append((share[doc], first, holding, lead))
        if share[doc] == 1.0:
            whole.update(first.keys())
        else:
            for concept in first:
                partial[concept] = partial.get(concept, 0.0) + share[doc]
    reports: dict[Concept, float] = dict(whole)
    for concept, part in partial.items():
        reports[concept] = reports.get(concept, 0) + part
    return articles, reports


def _add_title_bonus(votes: dict[Concept, float], titles: Sequence[str]) -> None:
    """:data:`TITLE_BONUS` more votes for a kept concept, per headline that holds it."""
    for title in titles:
        tokens = words(title)
        stems = [stem(t) for t in tokens]
        in_title = set(sentence_bigrams(tokens, stems))
        for concept in sorted(in_title):
            if concept in votes:
                votes[concept] += TITLE_BONUS
