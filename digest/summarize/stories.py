"""Grouping articles into stories: one story per news item, however many outlets.

Precision first: an editor forgives one event told as two stories, never two
events told as one. Two articles are one story only when they share enough
*distinctive* words -- names, rare terms, figures -- in their titles and
leads, close in time.

Method:

1. **Terms.** Each article is a bag of stemmed content words from its title
   (counted :data:`TITLE_WEIGHT` times: a headline names the news item) and its
   lead (the first :data:`LEAD_WORDS` words of the body: the news is told
   first; past that, a long wire story drifts into background that other
   stories share).
2. **Rarity that holds on any input size.** A term's weight is its
   information, ``-ln p``, where ``p`` is the chance that an article holds it.
   ``p`` comes from a background frequency list of English (the ``wordfreq``
   package, data inside its wheel) blended with this input's own share:
   ``p = (df + PRIOR_ARTICLES * p_english) / (n + PRIOR_ARTICLES)``. With 2 or
   30 articles the background decides -- "said" still weighs nothing and
   "Stadia" a lot; with thousands the input does (a newsletter on Google:
   "Google" is in every article, it tells nothing).
   Weights are ``(1 + ln tf) * -ln p``; vectors are L2-normalised.
3. **Similarity** of two articles is the cosine of their vectors, times
   :func:`date_factor` (articles days apart are rarely one news item; weeks
   apart almost never -- a soft factor, since one event's coverage can run
   for weeks with strong shared evidence), times :data:`SAME_OUTLET` when
   both come from one outlet within :data:`SAME_OUTLET_DAYS` (an outlet
   rarely tells one news item twice in one news cycle; over the following
   days its follow-ups are the norm, as a wire service files one a day; a
   news agency, :data:`NEWS_AGENCIES`, is never marked down: it files one
   item many times),
   and times :func:`headline_factor` when both have headlines and neither
   headline's words are in the other article (two pieces on one subject:
   "Alibaba's Hong Kong listing" and "Hong Kong chaos").
4. **Candidates** come from blocking on each article's :data:`INDEX_TERMS`
   heaviest terms: two articles are compared only when they share one. A term
   listed by more than :data:`FULL_POSTING` articles only pairs each with its
   :data:`WINDOW` nearest in time, so work grows with articles x terms x
   window -- near-linear -- never with all pairs.
5. **Clustering** is average-linkage agglomeration over that sparse graph:
   the two groups with the highest mean pairwise similarity merge while that
   mean is at least ``SAME_STORY + PAIR_DOUBT / pairs ** PAIR_EXPONENT``
   (pairs never compared count as 0; at most :data:`EVIDENCE_PAIRS` pairs
   count). One pair of articles is weak evidence and must be clearly similar
   (0.22); the mean over many pairs is strong evidence, so a late article
   that shares the story's vocabulary with all of its nine articles joins at
   a lower mean (0.083). Average linkage resists chaining: one bridging article does not
   glue two events together.
6. **Fragments** of a story too big for every pair to be compared are joined
   by :func:`merge_fragments`: the same rule on the groups, with their exact
   mean similarity (the dot product of two groups' summed vectors is the sum
   of all their pairwise cosines), so a story of hundreds of articles is not
   cut into pieces by the bounded comparisons.

Stories come out largest first; ties break on the earliest article, so output
never depends on hash order. The thresholds are absolute (weights do not
depend on the input's size), so they hold from 2 articles to 10,000; see
``benchmarks/stories.py`` for the figures.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix

from digest.model import Article
from digest.summarize.sentences import stem_all
from digest.text import stopwords

#: Mean similarity above which two groups of articles are one story ...
SAME_STORY = 0.04
#: ... plus this over the number of pairs across them to the power ...
PAIR_DOUBT = 0.18
#: ... this: the doubt falls a little faster than the square root, since the
#: pairs are not independent draws but one article's likeness to each of a
#: story's. (At 0.5, a wire service's follow-ups of a story running for weeks,
#: each sharing the story's vocabulary with all of it at a mean of 0.085-0.095,
#: stayed out as stories of their own: DUC dev ARI 0.938 against 0.957 at 0.6;
#: the labelled pages unchanged, the BBC + Guardian pile's recall 0.61 against
#: 0.70. At 0.65 and above, pages on one subject but different news began
#: to join.)
PAIR_EXPONENT = 0.6
#: ... counting at most this many pairs as evidence: copies of one report (a
#: wire story in many papers) add pairs, not evidence. (Uncapped, two stories
#: of 150 articles on one country merged at a mean of 0.04.) At 50, the mean
#: two large stories need is 0.057, about where it was with the square root
#: of 100 pairs.
EVIDENCE_PAIRS = 50
#: Title terms count this many times: a headline names the news item.
TITLE_WEIGHT = 3
#: Without a headline, the first sentence stands in for it.
NO_TITLE_LEAD = True
#: Words of the body that count: the lead tells the news.
#: (At 300, late wire follow-ups whose news sits in the second half of a long
#: story were left out of it: DUC dev ARI 0.81 against 0.94 at 1,000, with the
#: pages and feeds unchanged.)
LEAD_WORDS = 1000
#: A typical article's length in words, for the chance that it holds a word.
ARTICLE_WORDS = 300
#: Rarest chance an article holds a word: unknown words (names, typos) weigh this.
RAREST = 1e-4
#: How many articles the English background counts as, against this input's own.
PRIOR_ARTICLES = 20.0
#: Similarity is multiplied by this when both articles come from one outlet.
SAME_OUTLET = 0.85
#: ... when they are at most this many days apart (or undated).
SAME_OUTLET_DAYS = 3.0
#: News agencies (wire services) are not marked down as one outlet: an agency
#: tells one news item many times -- the first take, the write-throughs that
#: update it through the day, a follow-up each day it runs -- for the papers
#: that print it. (Marked down, an agency's daily follow-ups of a running
#: story fell out of it: DUC dev ARI 0.926 against 0.938, with the pages and
#: feeds unchanged.) Names as :func:`outlet_code` folds them.
NEWS_AGENCIES = frozenset(
    {
        "aap",
        "afp",
        "agence france presse",
        "agencia efe",
        "anadolu agency",
        "ansa",
        "ap",
        "ap news",
        "associated press",
        "australian associated press",
        "canadian press",
        "deutsche presse agentur",
        "dpa",
        "efe",
        "interfax",
        "kyodo",
        "kyodo news",
        "pa media",
        "press association",
        "press trust of india",
        "pti",
        "reuters",
        "ria novosti",
        "tass",
        "thomson reuters",
        "united press international",
        "upi",
        "xinhua",
        "xinhua news agency",
        "yonhap",
        "yonhap news agency",
    }
)
#: Two headlines must share this much (see :func:`headline_factor`); 0: headlines not used.
HEADLINE_SHARED = 0.4
#: Days apart that cost nothing (time zones, a late edition, next-day coverage).
DATE_GRACE = 2.0
#: Past the grace, similarity halves every this many days: a month apart costs
#: a fifth, three months a half, a year 94 %, so only strong shared evidence
#: joins far-apart articles. (At 30 days with a floor of 0.5, weeks of one
#: event's coverage fell apart while press releases a year apart were joined;
#: at 150 days, two stories on one country ran together in piles of thousands.)
DATE_HALF_LIFE = 90.0
#: How many of its heaviest terms index an article.
INDEX_TERMS = 30
#: Posting lists up to this long pair every two articles in them ...
FULL_POSTING = 32
#: ... longer ones pair each article with this many neighbours in time.
WINDOW = 12
#: Whether groups are joined once more on their exact mean similarity.
MERGE_FRAGMENTS = True
#: Pairs less similar than this are dropped before clustering (they count as 0).
MIN_PAIR = 0.03


@lru_cache(maxsize=1)
def _background() -> dict[str, float]:
    """English word frequencies (per word of text), from wordfreq's data."""
    from wordfreq import get_frequency_dict

    frequencies: dict[str, float] = get_frequency_dict("en", wordlist="best")
    return frequencies


def background_frequency(word: str) -> float:
    """How often English uses a lower-cased word (per word of text; 0 when unknown)."""
    return _background().get(word, 0.0)


def rarity(word: str) -> float:
    """Information of a lower-cased word, ``-ln p``: ``p`` the chance an English article holds it.

    Unknown words (names, coinages) weigh as the rarest.
    """
    frequency = background_frequency(word)
    return -math.log(max(1.0 - math.exp(-ARTICLE_WORDS * frequency), RAREST))


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _word_counts(text: str) -> Counter[str]:
    """Counts of the content words of ``text`` (as :func:`digest.text.content_words`)."""
    stop = stopwords()
    counts = Counter(_WORD.findall(text.lower().replace("’", "'")))
    return Counter(
        {w: c for w, c in counts.items() if len(w) > 1 and w not in stop and not w.isdigit()}
    )


def article_bag(article: Article) -> Counter[str]:
    """Content-word counts of the title (x :data:`TITLE_WEIGHT`) and of the lead."""
    paragraphs = article.paragraphs
    lead: list[str] = []
    for paragraph in paragraphs:
        lead.extend(paragraph.split()[: LEAD_WORDS - len(lead)])
        if len(lead) >= LEAD_WORDS:
            break
    bag = _word_counts(" ".join(lead))
    if article.title:
        title = article.title
    elif NO_TITLE_LEAD and paragraphs:
        # No headline: the first sentence, which names the news, stands in for it.
        match = _FIRST_SENTENCE.match(" ".join(paragraphs[0].split()[:FIRST_SENTENCE_WORDS]))
        title = match.group(0) if match else ""
    else:
        title = ""
    for word, count in _word_counts(title).items():
        bag[word] += TITLE_WEIGHT * count
    return bag


#: A stand-in headline is at most this many words long.
FIRST_SENTENCE_WORDS = 40
_FIRST_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[\"“‘(]?[A-Z])|$)")


def outlet_code(outlet: str | None) -> str | None:
    """The outlet as the same-outlet factor compares it, or None: no outlet, or a news agency.

    Case, punctuation and a leading "The" do not count ("The Associated
    Press", "associated press"). See :data:`NEWS_AGENCIES`.
    """
    name = re.sub(r"[\W_]+", " ", (outlet or "").casefold()).strip()
    name = name.removeprefix("the ")
    return name if name and name not in NEWS_AGENCIES else None


def date_factor(days: float) -> float:
    """How much a gap of ``days`` between two articles lowers their similarity."""
    return float(date_factors(np.array([days]))[0])


def date_factors(gaps: np.ndarray) -> np.ndarray:
    """:func:`date_factor` of each gap in days (NaN, an undated article: 1)."""
    excess = np.maximum(np.abs(np.nan_to_num(gaps, nan=0.0)) - DATE_GRACE, 0.0)
    return np.asarray(0.5 ** (excess / DATE_HALF_LIFE))


def term_matrix(articles: Sequence[Article]) -> csr_matrix:
    """Row-normalised weight matrix of the articles (rows) over their stemmed terms."""
    return term_matrices(articles)[0]


def term_matrices(articles: Sequence[Article]) -> tuple[csr_matrix, csr_matrix]:
    """:func:`term_matrix`, and the weight of each article's headline terms
    (a row of zeros for an article without a headline)."""
    word_bags = [article_bag(a) for a in articles]
    vocabulary = sorted({w for bag in word_bags for w in bag})
    stems = stem_all(vocabulary)
    terms = sorted(set(stems))
    column = {t: i for i, t in enumerate(terms)}
    term_of = np.array([column[s] for s in stems], dtype=np.int64)
    # A stem's frequency in English: the summed frequencies of its forms seen here.
    background = _background()
    frequency = np.zeros(len(terms))
    np.add.at(frequency, term_of, [background.get(w, 0.0) for w in vocabulary])
    word_index = {w: i for i, w in enumerate(vocabulary)}
    sizes = [len(bag) for bag in word_bags]
    words = [word_index[w] for bag in word_bags for w in bag]
    counts = [c for bag in word_bags for c in bag.values()]
    rows = np.repeat(np.arange(len(word_bags)), sizes)
    n = len(word_bags)
    # Forms of one stem in one article add up (duplicates are summed).
    tf = csr_matrix(
        (np.array(counts, dtype=float), (rows, term_of[np.array(words, dtype=np.int64)])),
        shape=(n, len(terms)),
    )
    tf.sum_duplicates()
    df = np.bincount(tf.indices, minlength=len(terms)).astype(float)
    english = 1.0 - np.exp(-ARTICLE_WORDS * frequency)
    chance = (df + PRIOR_ARTICLES * np.maximum(english, RAREST)) / (n + PRIOR_ARTICLES)
    weight = -np.log(chance)
    matrix = csr_matrix((1.0 + np.log(tf.data), tf.indices, tf.indptr), shape=tf.shape)
    matrix = csr_matrix(matrix.multiply(weight[None, :]))
    matrix.eliminate_zeros()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    title_rows: list[int] = []
    title_cols: list[int] = []
    for r, article in enumerate(articles):
        if article.title:
            found = {word_index[w] for w in _word_counts(article.title)}
            for c in sorted({int(term_of[i]) for i in found}):
                title_rows.append(r)
                title_cols.append(c)
    titles = csr_matrix(
        (weight[title_cols], (title_rows, title_cols)) if title_rows else ([], ([], [])),
        shape=(n, len(terms)),
    )
    return csr_matrix(matrix.multiply(1.0 / norms[:, None])), titles


def _days(articles: Sequence[Article]) -> np.ndarray:
    """Each article's publication time in days (NaN when unknown)."""
    return np.array(
        [a.published.timestamp() / 86400.0 if a.published else math.nan for a in articles]
    )


def candidate_pairs(matrix: csr_matrix, days: np.ndarray) -> np.ndarray:
    """Pairs ``(a, b)``, ``a < b``, that share one of their heaviest terms (near-linear)."""
    n = matrix.shape[0]
    postings: dict[int, list[int]] = {}
    for r in range(n):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        cols, vals = matrix.indices[start:end], matrix.data[start:end]
        top = np.lexsort((cols, -vals))[:INDEX_TERMS]
        for k in top:
            postings.setdefault(int(cols[k]), []).append(r)
    when = np.where(np.isnan(days), np.inf, days)
    chunks: list[np.ndarray] = []
    for docs in postings.values():
        if len(docs) < 2:
            continue
        members = np.array(docs, dtype=np.int64)
        if len(members) <= FULL_POSTING:
            a, b = np.triu_indices(len(members), k=1)
            chunks.append(members[a] * n + members[b])
            continue
        members = members[np.lexsort((members, when[members]))]
        for step in range(1, WINDOW + 1):
            left, right = members[:-step], members[step:]
            low, high = np.minimum(left, right), np.maximum(left, right)
            chunks.append(low * n + high)
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(chunks))
    return np.stack([codes // n, codes % n], axis=1)


def _rowwise_dots(left: csr_matrix, right: csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """``left[a] . right[b]`` for each pair ``(a, b)``, in chunks."""
    out = np.zeros(len(pairs))
    step = 1 << 16
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        rows = left[chunk[:, 0]].multiply(right[chunk[:, 1]])
        out[start : start + step] = np.asarray(rows.sum(axis=1)).ravel()
    return out


def headline_factor(matrix: csr_matrix, titles: csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """How much two articles' headlines lower their similarity (1: not at all).

    A headline names the news item: when two articles both have one and the
    better of the two holds under :data:`HEADLINE_SHARED` of its weight in the
    other article's terms, they likely tell different items (two pieces on
    one subject); the similarity is scaled by the share found over
    :data:`HEADLINE_SHARED`. Articles without a headline are not affected.
    """
    if not len(pairs):
        return np.zeros(0)
    present = csr_matrix(matrix, copy=True)
    present.data[:] = 1.0
    total = np.asarray(titles.sum(axis=1)).ravel()
    forward = _rowwise_dots(titles, present, pairs)
    backward = _rowwise_dots(titles, present, pairs[:, ::-1])
    a, b = pairs[:, 0], pairs[:, 1]
    both = (total[a] > 0) & (total[b] > 0)
    share = np.maximum(
        forward / np.where(total[a] > 0, total[a], 1.0),
        backward / np.where(total[b] > 0, total[b], 1.0),
    )
    return np.where(both, np.minimum(1.0, share / HEADLINE_SHARED), 1.0)


def pair_similarities(
    articles: Sequence[Article],
    matrix: csr_matrix,
    pairs: np.ndarray,
    titles: csr_matrix | None = None,
) -> np.ndarray:
    """Similarity of each pair: cosine x date factor x same-outlet factor
    (x :func:`headline_factor`, given the headline terms)."""
    similarity = np.zeros(len(pairs))
    step = 1 << 16
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        left, right = matrix[chunk[:, 0]], matrix[chunk[:, 1]]
        similarity[start : start + step] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    days = _days(articles)
    gap = np.abs(days[pairs[:, 0]] - days[pairs[:, 1]]) if len(pairs) else np.zeros(0)
    similarity *= date_factors(gap)
    codes: dict[str, int] = {}
    outlet = np.array(
        [codes.setdefault(o, len(codes)) if (o := outlet_code(a.outlet)) else -1 for a in articles]
    )
    if len(pairs):
        left, right = outlet[pairs[:, 0]], outlet[pairs[:, 1]]
        same = (left >= 0) & (left == right) & (np.nan_to_num(gap, nan=0.0) <= SAME_OUTLET_DAYS)
        similarity[same] *= SAME_OUTLET
    if titles is not None and HEADLINE_SHARED > 0:
        similarity *= headline_factor(matrix, titles, pairs)
    return similarity


def similar_pairs(
    articles: Sequence[Article], matrices: tuple[csr_matrix, csr_matrix] | None = None
) -> dict[tuple[int, int], float]:
    """The candidate pairs of the articles with their similarity (weak ones dropped).

    ``matrices`` are the articles' :func:`term_matrices`, when already made.
    """
    matrix, titles = term_matrices(articles) if matrices is None else matrices
    pairs = candidate_pairs(matrix, _days(articles))
    similarity = pair_similarities(articles, matrix, pairs, titles)
    keep = similarity >= MIN_PAIR
    return {
        (int(a), int(b)): float(s)
        for (a, b), s in zip(pairs[keep].tolist(), similarity[keep].tolist(), strict=True)
    }


def average_linkage(
    n: int,
    pairs: dict[tuple[int, int], float],
    threshold: float,
    doubt: float = 0.0,
    sizes: Sequence[int] | None = None,
) -> list[list[int]]:
    """Average-linkage clusters over a sparse similarity graph (missing pairs are 0).

    Two groups of ``a`` and ``b`` articles merge while their mean pairwise
    similarity is at least ``threshold + doubt / (a * b) ** PAIR_EXPONENT``
    (at most :data:`EVIDENCE_PAIRS` pairs count) -- one pair is
    weak evidence, the mean of many is strong. ``pairs`` hold *summed*
    similarities; with ``sizes``, item ``i`` stands for ``sizes[i]`` articles
    (a story already formed) and its sums are over all their pairs.
    """

    def enough(mean: float, pairs_count: int) -> bool:
        return mean >= threshold + doubt / math.pow(min(pairs_count, EVIDENCE_PAIRS), PAIR_EXPONENT)

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    weight = dict(enumerate(sizes)) if sizes is not None else dict.fromkeys(range(n), 1)
    # links[a][b]: summed similarity between clusters a and b (both ways).
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    heap: list[tuple[float, int, int]] = []
    for (a, b), s in sorted(pairs.items()):
        links[a][b] = links[b][a] = s
        count = weight[a] * weight[b]
        if enough(s / count, count):
            heap.append((-s / count, a, b))
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members or b not in links[a]:
            continue
        count = weight[a] * weight[b]
        mean = links[a][b] / count
        if mean != -negative:
            # Stale: a group grew since this entry was pushed. Queue its current mean.
            if enough(mean, count):
                heapq.heappush(heap, (-mean, a, b))
            continue
        # Merge the group with fewer links into the other (small into large).
        keep, gone = (a, b) if (len(links[a]), b) >= (len(links[b]), a) else (b, a)
        members[keep] = sorted(members[keep] + members.pop(gone))
        weight[keep] += weight.pop(gone)
        moved = links.pop(gone)
        mine = links[keep]
        mine.pop(gone, None)
        for other, total in moved.items():
            if other == keep:
                continue
            theirs = links[other]
            theirs.pop(gone)
            mine[other] = theirs[keep] = theirs.get(keep, 0.0) + total
        size = weight[keep]
        # Means with the groups the merged one took over links from changed; the
        # others only fell (same sum, more pairs) and are re-checked when popped.
        for other in sorted(moved):
            if other == keep or other not in mine:
                continue
            count = size * weight[other]
            mean = mine[other] / count
            if enough(mean, count):
                heapq.heappush(heap, (-mean, min(keep, other), max(keep, other)))
    return sorted(members.values(), key=lambda group: (-len(group), group[0]))


def merge_fragments(
    articles: Sequence[Article],
    matrix: csr_matrix,
    groups: list[list[int]],
    threshold: float,
    doubt: float,
) -> list[list[int]]:
    """Groups joined where their exact mean similarity says they are one story.

    The first pass counts pairs it never compared as 0. Within a story longer
    than :data:`FULL_POSTING` articles most pairs are never compared, so it can
    come out in pieces. Here each group is the sum of its articles' vectors:
    the dot product of two sums is the sum of *all* their pairwise cosines,
    compared or not, so the mean is exact -- times the date factor between the
    groups' median dates and, for groups at most :data:`SAME_OUTLET_DAYS`
    apart, the same-outlet factor for the share of same-outlet pairs. The
    groups are then merged by :func:`average_linkage` with the same rule as
    articles -- only groups that together hold more than :data:`FULL_POSTING`
    articles, the only ones the first pass may have cut.
    """
    if len(groups) < 2:
        return groups
    n = len(articles)
    group_of = np.empty(n, dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    indicator = csr_matrix((np.ones(n), (group_of, np.arange(n))), shape=(len(groups), n))
    sums = csr_matrix(indicator @ matrix)
    days = _days(articles)
    middle = np.array(
        [
            np.median(known) if len(known := days[m][~np.isnan(days[m])]) else math.nan
            for m in groups
        ]
    )
    pairs = candidate_pairs(sums, middle)
    if not len(pairs):
        return groups
    totals = np.zeros(len(pairs))
    step = 1 << 16
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        left, right = sums[chunk[:, 0]], sums[chunk[:, 1]]
        totals[start : start + step] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    gap = np.nan_to_num(np.abs(middle[pairs[:, 0]] - middle[pairs[:, 1]]), nan=0.0)
    totals *= date_factors(gap)
    outlets = [Counter(o for i in m if (o := outlet_code(articles[i].outlet))) for m in groups]
    sizes = [len(m) for m in groups]
    for k, (a, b) in enumerate(pairs.tolist()):
        if gap[k] > SAME_OUTLET_DAYS:
            continue
        shared = sum(c * outlets[b][o] for o, c in outlets[a].items())
        totals[k] *= 1.0 - (1.0 - SAME_OUTLET) * shared / (sizes[a] * sizes[b])
    found = {
        (int(a), int(b)): float(t)
        for (a, b), t in zip(pairs.tolist(), totals.tolist(), strict=True)
        if t >= MIN_PAIR * sizes[a] * sizes[b] and sizes[a] + sizes[b] > FULL_POSTING
    }
    merged = average_linkage(len(groups), found, threshold, doubt, sizes)
    stories = [sorted(i for g in parts for i in groups[g]) for parts in merged]
    return sorted(stories, key=lambda group: (-len(group), group[0]))


def group_articles(articles: Sequence[Article], threshold: float | None = None) -> list[list[int]]:
    """Indexes of the articles grouped into stories, largest story first."""
    if not articles:
        return []
    threshold = SAME_STORY if threshold is None else threshold
    matrices = term_matrices(articles)
    groups = average_linkage(
        len(articles), similar_pairs(articles, matrices), threshold, PAIR_DOUBT
    )
    if not MERGE_FRAGMENTS:
        return groups
    return merge_fragments(articles, matrices[0], groups, threshold, PAIR_DOUBT)
