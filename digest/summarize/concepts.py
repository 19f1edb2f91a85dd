"""The default summarizer: concept coverage chosen by integer linear programming.

Method (after Gillick & Favre 2009, "A scalable global model for summarization",
the ICSISumm system), per story:

1. **Concepts** are stemmed word bigrams (pairs of two stop-words left out) and,
   in stories of three or more articles, the content words that at least half
   of the articles use. A concept's weight is the number of the story's
   articles that contain it, so facts that several outlets agree on weigh
   most; each article's vote grows when the concept comes early in it (news
   puts the key facts first) or recurs in it, and a concept in a source's
   headline gets extra votes. In stories of six or more articles, bigrams
   found in fewer than three are dropped as noise (two of three to five).
   Articles count as reports: copies of one text (an update re-sent, one
   wire story in two papers; content words 90 % the same) share one vote,
   so that agreement means independent outlets, not reprints.
2. **Selection** is exact up to a small optimality gap: maximise the summed
   weight of the distinct concepts covered plus sentence-level priors, such
   that the chosen sentences fit the word budget. A concept counts once
   however many chosen sentences hold it, so redundancy is avoided by
   construction; near-duplicate sentences also exclude each other outright.
   The priors: a lead bonus decaying with the sentence's position among its
   article's usable sentences, a bonus for saying what is still open or what
   comes next ("remain unconfirmed", "is set to begin", "plans to"), for
   stating a figure and for telling how people took it (campaigns,
   protests); costs for long sentences and for asides. Sentences that do not
   stand alone never compete (see :mod:`digest.summarize.sentences`);
   shorter variants of sentences do. Solved by a branch and bound with a
   node limit (:func:`_solve`) on the best few dozen sentences by value and
   by value per word, near-copies merged first (:func:`_prune`). A story of
   more than :data:`READ_ARTICLES` articles is read from that many of its
   reports (:func:`reading_set`), so one story's cost is bounded.
3. **Sources**: each chosen sentence cites its own article plus every other
   article that says the same (:func:`_supporters`): for a quotation, only
   articles that print the quoted words; otherwise one where one sentence,
   or two adjacent ones, hold half of its content words weighted by rarity
   (three or more) and every figure it states.
4. **Order** (:func:`reading_order`): what happened first -- the leads, by
   article (by publication time when known, else input order); then detail
   and context by article and position, with the steps whose time is stated
   put in the order of those times; last, what comes next and what is still
   unknown. An attribution repeated from the sentence before is dropped.
5. **Differences**: where the sources disagree, one line each
   (:mod:`digest.summarize.differences`).

With a topic, concepts that contain a topic word weigh double. Articles are
grouped before the topic is considered, and a story is kept when most of its
articles are on the topic (:func:`on_topic`), so a topic never splits a story.

Why not a trained model: everything here runs offline in plain Python with no
data to download, takes ~30 ms for ten articles (median), and every choice can be
explained. On the DUC 2004 dev split it beats ICSISumm's published output on
ROUGE-1 and ROUGE-2 (see ``benchmarks/duc.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain, pairwise

from digest.model import Article, Sentence, Source, Story
from digest.summarize.contract import Summary, SummaryOptions, outlet_key, rank_key
from digest.summarize.differences import find_differences
from digest.summarize.sentences import (
    Candidate,
    article_sentences,
    candidates,
    compressed,
    repeated_attribution,
    sentence_bigrams,
    stated_time,
    stem,
    stem_all,
    tidy,
)
from digest.summarize.stories import group_articles, rarity
from digest.text import content_words, normalize_space, stopwords, words

#: A stemmed bigram, or ``(stem, "")`` for a single content word.
Concept = tuple[str, str]

#: A concept seen in the first sentences of an article gets up to this extra vote.
POSITION_BONUS = 1.0
#: Sentence positions over which that bonus decays (exponentially).
POSITION_DECAY = 3.0
#: Extra vote for an article that repeats a concept (scaled by log of repeats).
REPEAT_BONUS = 0.25
#: Weight of a content-word concept relative to a bigram with the same votes.
UNIGRAM_WEIGHT = 1.0
#: Content words count only in stories of at least this many articles ...
UNIGRAM_MIN_DOCS = 3
#: ... and only when at least this share of the articles use them.
UNIGRAM_SHARE = 0.5
#: Extra votes for a concept per source headline that holds it.
TITLE_BONUS = 2.0
#: Weight multiplier for concepts holding a topic word.
TOPIC_BOOST = 2.0
#: Objective cost of a doubtful sentence, per unit penalty, in concept-weight units.
PENALTY_COST = 3.0
#: Cost of a sentence that opens with a dangling word ("He said ...", "But ..."):
#: one full unit of doubt, as a flagged sentence pays. (At 0.5, a near-exact
#: solve let outlook/figure bonuses buy such openers over self-contained facts.)
DANGLING_COST = 3.0
#: A source supports a sentence when one of its sentences (or two adjacent ones)
#: holds this share of the sentence's content stems, each weighted by its rarity
#: (:func:`digest.summarize.stories.rarity`), so that the shared part must carry
#: the sentence's names and rare terms, not only its common words ...
SUPPORT_OVERLAP = 0.4
#: ... and at least this many of them.
SUPPORT_MIN_WORDS = 3
#: Objective bonus for a sentence, per unit of its article-position prior.
LEAD_BONUS = 12.0
#: A story of more articles is read from this many of its reports (:func:`reading_set`).
READ_ARTICLES = 40
#: The solver sees at most this many sentences: the best by value and by density.
MAX_CANDIDATES = 30
#: Objective bonus for a sentence saying what comes next or what it waits on ...
OUTLOOK_BONUS = 12.0
#: ... and for one saying what is still unknown or unconfirmed.
UNKNOWN_BONUS = 12.0
#: ... and for one telling how people took it (fans' campaigns, protests, outcry).
REACTION_BONUS = 4.0
#: Sentences longer than this are hard to read in a digest ...
LONG_SENTENCE = 35
#: ... and cost this much per extra word.
LONG_COST = 0.5
#: Objective bonus for a sentence that states a figure.
FIGURE_BONUS = 10.0
#: Sentences sharing this share of content words are near-duplicates.
DUPLICATE = 0.6
#: Articles whose content words overlap this much (Jaccard) are copies of one report.
DOC_DUPLICATE = 0.9
#: Whether stories say where their sources disagree (:mod:`digest.summarize.differences`).
FIND_DIFFERENCES = True
#: Whether shorter variants of sentences (asides dropped) compete for the budget.
COMPRESS_VARIANTS = True
#: Branch-and-bound nodes the solver may visit (deterministic, unlike a time
#: limit); past it the best set found is kept. Every DUC dev cluster's answer
#: is final within 1,000 (at a few microseconds a node, this bounds the solve).
NODE_LIMIT = 2_000
#: A set must beat the best one found by more than this to replace it, so
#: that rounding never decides between two equally good sets.
EPSILON = 1e-9
#: The search stops looking where no set can beat the best one found by more
#: than this share: near-exact, as the ILP solver's 1 % gap was (on DUC dev,
#: 0.2 % and 0.5 % score a little above both 0 and 1 %, by noise either way).
SOLVER_GAP = 0.005


@dataclass(frozen=True)
class Chosen:
    """A selected sentence with its origin and supporting articles."""

    candidate: Candidate
    #: Indexes of the articles that support it, ascending (origin included).
    sources: tuple[int, ...]
    #: The sentence as the story prints it, when that differs from the
    #: candidate's (an attribution repeated from the sentence before dropped).
    edited: str | None = None

    @property
    def text(self) -> str:
        return self.edited if self.edited is not None else self.candidate.text

    def to_sentence(self) -> Sentence:
        return Sentence(text=self.text, sources=self.sources)


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
    # Per article: concept -> first position, concept -> sentences holding it,
    # and the vote of each position.
    articles: list[tuple[float, dict[Concept, int], Counter[Concept], list[float]]] = []
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
    threshold = min_document_frequency(n_docs)
    unigrams = n_docs >= UNIGRAM_MIN_DOCS
    # Votes only for the concepts kept: the frequency filters need no votes.
    votes: dict[Concept, float] = {}
    for concept, n in reports.items():
        if n < threshold or not (concept[1] or (unigrams and n >= UNIGRAM_SHARE * n_docs)):
            continue
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
    for title in titles:
        tokens = words(title)
        stems = [stem(t) for t in tokens]
        in_title = set(sentence_bigrams(tokens, stems))
        for concept in sorted(in_title):
            if concept in votes:
                votes[concept] += TITLE_BONUS
    weights: dict[Concept, float] = {}
    for concept, vote in votes.items():
        if not concept[1]:
            vote *= UNIGRAM_WEIGHT
        if topic_stems and any(part in topic_stems for part in concept):
            vote *= TOPIC_BOOST
        weights[concept] = vote
    return weights


def _sentence_cost(cand: Candidate) -> float:
    """Objective cost of choosing a sentence, apart from its concepts (may be negative)."""
    return (
        PENALTY_COST * cand.penalty
        + (DANGLING_COST if cand.dangling else 0.0)
        - LEAD_BONUS * math.exp(-cand.position / POSITION_DECAY)
        - (OUTLOOK_BONUS if cand.outlook else 0.0)
        - (UNKNOWN_BONUS if cand.unknown else 0.0)
        - (REACTION_BONUS if cand.reaction else 0.0)
        - (FIGURE_BONUS if cand.figure else 0.0)
        + LONG_COST * max(0, cand.length - LONG_SENTENCE)
    )


def _prune(cands: Sequence[Candidate], weights: dict[Concept, float]) -> list[Candidate]:
    """Keep the sentences most worth solving for: top by value and by value per word.

    A sentence's value is the summed weight of its concepts minus its cost; the
    exact solver then runs on a few dozen sentences instead of hundreds.
    Near-copies are merged first: of the sentences that say nearly the same
    words (:func:`_near_duplicate`), only the most valuable one (the earliest
    on a tie) takes a place, so that copies of one wire sentence cannot fill
    the places (one story of copies got 114 of its 150 words from them).
    """
    if len(cands) <= MAX_CANDIDATES:
        return list(cands)
    value = [
        # fsum is exact, so the set order (hash seed) cannot change the sum.
        math.fsum([weights[c] for c in weights.keys() & sentence_concepts(cand)])
        - _sentence_cost(cand)
        for cand in cands
    ]
    by_value = sorted(range(len(cands)), key=lambda i: (-value[i], i))
    # Each sentence stands for its near-copies of lower value: the first of
    # them in value order. Only the sentences taken are compared with, and at
    # most MAX_CANDIDATES are taken, so this costs O(n * MAX_CANDIDATES).
    merged: set[int] = set()
    exact: set[tuple[str, ...]] = set()
    kept: list[int] = []
    # the kept ones' content stems, their sizes and lengths
    bags: list[tuple[frozenset[str], int, int]] = []
    for i in by_value:
        cand = cands[i]
        mine = cand.content_stems
        size = len(mine)
        # _near_duplicate(), inlined: the same tokens, or content-word Jaccard >=
        # DUPLICATE -- with a kept sentence no shorter: a shorter near-copy is
        # another choice (fewer words for much the same), not a copy
        if cand.tokens in exact or any(
            (shared := len(mine & bag)) / (size + n - shared) >= DUPLICATE
            for bag, n, length in bags
            if length <= cand.length and min(size, n) >= (DUPLICATE - 1e-9) * max(size, n)
        ):
            merged.add(i)
            continue
        exact.add(cand.tokens)
        if len(kept) < MAX_CANDIDATES:
            kept.append(i)
            bags.append((mine, size, cand.length))
    by_density = sorted(
        (i for i in range(len(cands)) if i not in merged),
        key=lambda i: (-value[i] / cands[i].length, i),
    )
    keep = set(kept[: MAX_CANDIDATES // 2])
    for i in by_density:
        if len(keep) >= MAX_CANDIDATES:
            break
        keep.add(i)
    return [cands[i] for i in sorted(keep)]


def _near_duplicate(a: Candidate, b: Candidate) -> bool:
    """Whether two sentences say nearly the same words (content-word Jaccard >= 0.6)."""
    if a.tokens == b.tokens:
        return True
    union = len(a.content_stems | b.content_stems)
    return union > 0 and len(a.content_stems & b.content_stems) / union >= DUPLICATE


def _solve(cands: Sequence[Candidate], weights: dict[Concept, float], budget: int) -> list[int]:
    """Indexes (into ``cands``) of the best sentence set, by branch and bound.

    Maximise the summed weight of the concepts covered plus each chosen
    sentence's value (:func:`_sentence_cost`, negated) such that the chosen
    sentences fit ``budget`` words and no two are near-duplicates. The
    search is near-exact: it returns a set within :data:`SOLVER_GAP` of the
    optimum unless it visits more than :data:`NODE_LIMIT` nodes, in which
    case it keeps the best set found (a deterministic limit: the same input
    gives the same answer on any machine, unlike a time limit).

    Reductions first: concepts held by the same sentences merge (weights add)
    and a concept held by one sentence folds into that sentence's value. The
    search goes depth first, taking each sentence before leaving it out, in
    order of upper value per word; a node is cut when its value plus the
    fractional-knapsack bound of what is left -- each remaining sentence's
    marginal gain over the concepts already covered, which overestimates
    what any set of them adds since coverage is submodular -- cannot beat
    the best set found by more than :data:`SOLVER_GAP`. Ties keep the set
    found first, so the answer never depends on float noise. On 30
    sentences this takes a few hundred nodes, where an ILP solver's root
    node alone cost 5-300 ms.
    """
    n = len(cands)
    if n == 0:
        return []
    holders: dict[Concept, list[int]] = {}
    for s, cand in enumerate(cands):
        # Sorted: float sums below must not depend on set order (hash seed).
        for concept in sorted(sentence_concepts(cand)):
            if concept in weights:
                holders.setdefault(concept, []).append(s)
    value = [-_sentence_cost(c) for c in cands]
    shared: dict[tuple[int, ...], float] = {}
    for concept, held in holders.items():
        if len(held) == 1:
            value[held[0]] += weights[concept]
        else:
            key = tuple(held)
            shared[key] = shared.get(key, 0.0) + weights[concept]
    groups = sorted(shared.items())
    group_weight = [w for _, w in groups]
    group_holders = [members for members, _ in groups]
    of_item: list[list[int]] = [[] for _ in range(n)]
    for g, members in enumerate(group_holders):
        for s in members:
            of_item[s].append(g)
    lengths = [c.length for c in cands]
    clash = [0] * n
    for a in range(n):
        for b in range(a + 1, n):
            if _near_duplicate(cands[a], cands[b]):
                clash[a] |= 1 << b
                clash[b] |= 1 << a
    # gain[s]: what taking s adds now (its value plus the weight of its concepts
    # not yet covered); kept up to date as sentences are taken and put back.
    gain = [value[s] + math.fsum(group_weight[g] for g in of_item[s]) for s in range(n)]
    order = sorted(
        (s for s in range(n) if lengths[s] <= budget and gain[s] > 0),
        key=lambda s: (-gain[s] / lengths[s], s),
    )
    covered = [0] * len(groups)  # how many taken sentences hold each group
    best_value = 0.0
    best: list[int] = []
    taken: list[int] = []
    nodes = 0

    def bound(i: int, room: int, banned: int) -> float:
        """The fractional-knapsack bound of what sentences ``order[i:]`` can add."""
        items = sorted(
            (-gain[s] / lengths[s], s)
            for s in order[i:]
            if gain[s] > 0 and lengths[s] <= room and not banned >> s & 1
        )
        total = 0.0
        for density, s in items:
            if lengths[s] <= room:
                total += gain[s]
                room -= lengths[s]
            else:
                return total - density * room
        return total

    def take(s: int, sign: int) -> None:
        """Mark ``s``'s groups covered (+1) or uncovered (-1), updating the gains."""
        for g in of_item[s]:
            before = covered[g]
            covered[g] += sign
            if (before == 0) != (covered[g] == 0):  # the group changed state
                for other in group_holders[g]:
                    if other != s:
                        gain[other] -= sign * group_weight[g]

    def search(i: int, room: int, total: float, banned: int) -> None:
        nonlocal nodes, best_value, best
        nodes += 1
        if total > best_value + EPSILON:
            best_value, best = total, list(taken)
        if i == len(order) or nodes > NODE_LIMIT:
            return
        if total + bound(i, room, banned) <= best_value * (1 + SOLVER_GAP) + EPSILON:
            return
        s = order[i]
        if lengths[s] <= room and not banned >> s & 1 and gain[s] > 0:
            added = gain[s]
            take(s, +1)
            taken.append(s)
            search(i + 1, room - lengths[s], total + added, banned | clash[s])
            taken.pop()
            take(s, -1)
        search(i + 1, room, total, banned)

    search(0, budget, 0.0, 0)
    return sorted(best)


_QUOTATION = re.compile(r"[\"“]([^\"“”]+)[\"”]")


def quotations(text: str) -> list[str]:
    """The quoted passages of a sentence, as space-joined lower-case words."""
    return [" ".join(q) for m in _QUOTATION.finditer(text) if (q := words(m.group(1)))]


@dataclass(frozen=True)
class SourceText:
    """What :func:`_supporters` compares a sentence with, for one article."""

    #: Content-stem bags of single sentences, then of adjacent pairs.
    windows: list[frozenset[str]]
    #: The article's words, space-joined with a space at each end.
    text: str
    #: Every content stem of the article.
    stems: frozenset[str]


def source_texts(cands: Sequence[Candidate], n_docs: int) -> dict[int, SourceText]:
    """Each article's :class:`SourceText`, from its candidate sentences."""
    bags: dict[int, list[frozenset[str]]] = {d: [] for d in range(n_docs)}
    tokens: dict[int, list[str]] = {d: [] for d in range(n_docs)}
    for cand in cands:
        bags[cand.doc].append(cand.content_stems)
        tokens[cand.doc].extend(cand.tokens)
    return {
        d: SourceText(
            windows=[*bags[d], *(a | b for a, b in pairwise(bags[d]))],
            text=f" {' '.join(tokens[d])} ",
            stems=frozenset().union(*bags[d]),
        )
        for d in range(n_docs)
    }


def specificity(cands: Sequence[Candidate]) -> dict[str, float]:
    """How specific each content stem is within a story: ``-ln`` of the share of
    its sentences that hold it (smoothed).

    The story's subject ("Stadia" in a Stadia story) is in many sentences of
    every article, so finding it in a source says nothing about whether that
    source states a given fact; the words of the fact itself are in few.
    """
    holding = Counter(chain.from_iterable(c.content_stems for c in cands))
    total = len(cands) + 1
    return {s: math.log(total / (n + 1)) for s, n in holding.items()}


def _stem_weights(cand: Candidate, specific: dict[str, float]) -> dict[str, float]:
    """Weight of each content stem of a sentence: rarity in English (from its
    rarest form in it) times specificity in the story."""
    stop = stopwords()
    weights: dict[str, float] = {}
    for word, s in zip(cand.tokens, cand.stems, strict=True):
        if s in cand.content_stems and word not in stop:
            weights[s] = max(weights.get(s, 0.0), rarity(word) * specific.get(s, 1.0))
    return weights


def _supporters(
    chosen: Candidate, sources: dict[int, SourceText], specific: dict[str, float]
) -> tuple[int, ...]:
    """Articles that say what the chosen sentence says (its own article always).

    A sentence with a quotation is supported only by articles whose text holds
    every quoted passage, word for word (case and punctuation aside): a quote
    is never credited to an outlet that did not print it. Any other sentence
    is supported by an article where one sentence, or two adjacent ones, hold
    at least :data:`SUPPORT_OVERLAP` of its content stems *weighted* by rarity
    in English and specificity in the story (:func:`specificity`): names, rare
    terms and figures count, "said" and the story's own subject hardly do; at
    least :data:`SUPPORT_MIN_WORDS` of them -- and only when the article states
    every figure the sentence states (a "$400 million" is not credited to an
    outlet that never gave the sum).
    """
    support = {chosen.doc}
    quoted = quotations(chosen.text)
    mine = chosen.content_stems
    weights = _stem_weights(chosen, specific) if not quoted else {}
    total = math.fsum(weights.values())
    figures = {s for s in mine if any(ch.isdigit() for ch in s)}
    for doc, source in sorted(sources.items()):
        if doc in support:
            continue
        if quoted:
            if all(f" {q} " in source.text for q in quoted):
                support.add(doc)
            continue
        if not mine or total <= 0 or not figures <= source.stems:
            continue
        for bag in source.windows:
            shared = mine & bag
            if (
                len(shared) >= SUPPORT_MIN_WORDS
                and math.fsum(weights[s] for s in sorted(shared)) >= SUPPORT_OVERLAP * total
            ):
                support.add(doc)
                break
    return tuple(sorted(support))


def reading_order(
    chosen: Sequence[Chosen],
    doc_rank: Sequence[int],
    published: Sequence[dt.datetime | None] = (),
) -> list[Chosen]:
    """The chosen sentences as a reader needs them.

    What happened first: the articles' leads, by article rank (publication
    time). Then detail and context, by article rank and position -- except
    that sentences stating when their step happened ("on Monday", "Oct. 3")
    are put in the order of those times among themselves, so an earlier step
    never follows its outcome. Last, what comes next and what is still
    unknown: a sentence saying so closes the story, unless its article goes
    on to a chosen sentence that does not (the sources' own order is kept
    within each article). No dangling opener first if avoidable.
    """
    dates = list(published) + [None] * (len(doc_rank) - len(published))

    def next_steps() -> set[int]:
        out: set[int] = set()
        by_doc: dict[int, list[int]] = {}
        for i, c in enumerate(chosen):
            by_doc.setdefault(c.candidate.doc, []).append(i)
        for items in by_doc.values():
            for i in sorted(items, key=lambda i: -chosen[i].candidate.position):
                cand = chosen[i].candidate
                if cand.position == 0 or not (cand.outlook or cand.unknown):
                    break
                out.add(i)
        return out

    later = next_steps()

    def key(i: int) -> tuple[int, int, int, str]:
        cand = chosen[i].candidate
        band = 0 if cand.position == 0 else 2 if i in later else 1
        return (band, doc_rank[cand.doc], cand.position, cand.text)

    order = sorted(range(len(chosen)), key=key)
    # Among the details, steps whose time is stated go in the order of those times.
    detail = [i for i in order if key(i)[0] == 1]
    timed = [
        (t, n, i)
        for n, i in enumerate(detail)
        if (t := stated_time(chosen[i].candidate.text, dates[chosen[i].candidate.doc])) is not None
    ]
    slots = [n for _, n, _ in timed]
    for slot, (_, _, i) in zip(slots, sorted(timed), strict=True):
        detail[slot] = i
    details = iter(detail)
    order = [next(details) if key(i)[0] == 1 else i for i in order]
    ordered = [chosen[i] for i in order]
    for i, item in enumerate(ordered):
        if not item.candidate.dangling:
            if i:
                ordered.insert(0, ordered.pop(i))
            break
    return ordered


def without_repeated_attributions(ordered: Sequence[Chosen]) -> list[Chosen]:
    """The sentences with an attribution dropped where the one before has the same speaker.

    "Smith said the bridge would open in May. It will cost $5 million, Smith
    said." reads as well with "It will cost $5 million." -- but only when
    both sentences cite the same sources (else the attribution tells who
    said it) and the second holds no quotation (see :func:`repeated_attribution`).
    """
    out: list[Chosen] = []
    for item in ordered:
        if out and item.sources == out[-1].sources:
            shorter = repeated_attribution(item.text, out[-1].text)
            if shorter is not None:
                item = Chosen(item.candidate, item.sources, shorter)
        out.append(item)
    return out


def _filler(
    usable: Sequence[Candidate],
    picked: Sequence[Candidate],
    weights: dict[Concept, float],
    room: int,
) -> Candidate | None:
    """The sentence whose first ``room`` words add the most uncovered concept weight.

    Sentences that nearly repeat a chosen one are skipped; ties go to the
    earlier article and position. None when nothing adds weight.
    """
    covered = {c for cand in picked for c in sentence_concepts(cand)}
    chosen = {(c.doc, c.position) for c in picked}
    stop = stopwords()
    ranked: list[tuple[float, int, int, int]] = []
    for i, cand in enumerate(usable):
        if (cand.doc, cand.position) in chosen:
            continue
        tokens = cand.tokens[:room]
        stems = cand.stems[:room]
        head = set(sentence_bigrams(tokens, stems))
        head.update((s, "") for w, s in zip(tokens, stems, strict=True) if w not in stop)
        gain = math.fsum(weights.get(c, 0.0) for c in sorted(head - covered))
        if gain > 0:
            ranked.append((-gain, cand.doc, cand.position, i))
    # Best first; the near-duplicate test runs only until one passes.
    for *_, i in sorted(ranked):
        if not any(_near_duplicate(usable[i], p) for p in picked):
            return usable[i]
    return None


def _source_texts_of(articles: Sequence[Article]) -> list[SourceText]:
    """Each article's :class:`SourceText` without judging its sentences: what
    :func:`source_texts` gives from :func:`candidates`, at a fraction of the
    cost, and a sentence that recurs (copies of one wire text) is read once."""
    stop = stopwords()
    memo: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    out = []
    for article in articles:
        bags: list[frozenset[str]] = []
        tokens: list[str] = []
        for raw in article_sentences(article):
            text = tidy(raw)
            known = memo.get(text)
            if known is None:
                found = tuple(words(text))
                stems = stem_all(found)
                content = frozenset(
                    s for w, s in zip(found, stems, strict=True) if w not in stop and len(w) > 1
                )
                known = memo[text] = (content, found)
            bags.append(known[0])
            tokens.extend(known[1])
        out.append(
            SourceText(
                windows=[*bags, *(a | b for a, b in pairwise(bags))],
                text=f" {' '.join(tokens)} ",
                stems=frozenset().union(*bags),
            )
        )
    return out


def reading_set(
    articles: Sequence[Article], rank: Sequence[int], texts: Sequence[SourceText]
) -> list[int]:
    """The articles a story's sentences are chosen from (indexes, ascending).

    All of them, up to :data:`READ_ARTICLES`; a bigger story is read from that
    many of its reports, so that its cost is bounded whatever its size: copies
    (:func:`copy_groups`) count once, by their first article (``rank``), and
    the first report of each outlet comes before a second one of any outlet,
    earlier reports first. Every article can still be cited
    (:func:`_supporters` looks at all of them).
    """
    if len(articles) <= READ_ARTICLES:
        return list(range(len(articles)))
    groups = copy_groups([t.stems for t in texts])
    reports = sorted(
        (min(g, key=lambda i: (rank[i], i)) for g in groups), key=lambda i: (rank[i], i)
    )
    outlets: set[str] = set()
    first: list[int] = []
    later: list[int] = []
    for i in reports:
        outlet = outlet_key(articles[i])
        (later if outlet in outlets else first).append(i)
        outlets.add(outlet)
    return sorted((first + later)[:READ_ARTICLES])


def select_sentences(
    articles: Sequence[Article],
    budget: int,
    topic_stems: Iterable[str] = (),
    doc_rank: Sequence[int] | None = None,
    *,
    fill: bool = False,
) -> list[Chosen]:
    """Choose sentences for one story within ``budget`` words, in reading order.

    ``doc_rank`` orders the articles for reading (default: as given); the
    benchmark calls this directly with one DUC cluster as the story. A story
    of more than :data:`READ_ARTICLES` articles is read from that many of its
    reports (:func:`reading_set`); its sentences cite any of its articles.

    With ``fill``, when the chosen sentences leave words of the budget unused,
    one more sentence is appended last: the one whose opening words (as many
    as are left) add the most concept weight not yet covered. The result then
    exceeds the budget and is meant to be cut at exactly ``budget`` words --
    the fixed-length setting of DUC-style evaluation, where the words left
    over by whole-sentence selection would otherwise be wasted. The product
    leaves it off: a digest shows whole sentences.
    """
    rank = list(doc_rank) if doc_rank is not None else list(range(len(articles)))
    everyone: list[SourceText] | None = None
    read = list(range(len(articles)))
    if len(articles) > READ_ARTICLES:
        everyone = _source_texts_of(articles)
        read = reading_set(articles, rank, everyone)
    story = [articles[i] for i in read]
    cands = candidates(story)
    usable = [c for c in cands if not c.excluded]
    if COMPRESS_VARIANTS:
        usable += compressed(usable)
    usable = [c for c in usable if c.length <= budget]
    titles = [a.title for a in story if a.title]
    weights = concept_weights(cands, len(story), frozenset(topic_stems), titles)
    usable_all = usable
    usable = _prune(usable, weights)
    picked = [usable[i] for i in _solve(usable, weights, budget)]
    room = budget - sum(c.length for c in picked)
    extra = _filler(usable_all, picked, weights, room) if fill and room > 0 else None
    specific = specificity(cands)
    if everyone is None:
        by_doc = source_texts(cands, len(articles))
    else:
        # back to the story's own article indexes
        picked = [replace(c, doc=read[c.doc]) for c in picked]
        extra = replace(extra, doc=read[extra.doc]) if extra is not None else None
        by_doc = dict(enumerate(everyone))
    chosen = [Chosen(c, _supporters(c, by_doc, specific)) for c in picked]
    ordered = reading_order(chosen, rank, [a.published for a in articles])
    ordered = without_repeated_attributions(ordered)
    if extra is not None:
        ordered.append(Chosen(extra, _supporters(extra, by_doc, specific)))
    return ordered


# -- The summarizer ----------------------------------------------------------

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

#: A title is the headline only when the chosen sentences hold this share of its words.
HEADLINE_COVERAGE = 0.5

_TITLE_TAIL = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


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
    sentence), then the best covered, then the earlier article. A title of an
    article no chosen sentence comes from, or one the sentences do not bear
    out, would promise what the story does not tell: then the story's first
    chosen sentence, shortened, is the headline. A story of one article keeps
    that article's own headline.
    """
    if len(articles) == 1 and articles[0].title and content_words(articles[0].title):
        # One article: its own headline names what it tells, whichever of its
        # sentences fit the budget.
        return clean_title(articles[0].title)
    held = Counter(s for c in chosen for s in c.candidate.content_stems)
    told = {c.candidate.doc for c in chosen} if chosen else set(range(len(articles)))
    best: tuple[float, float, int, str] | None = None
    for i, article in enumerate(articles):
        if i not in told or not article.title or not article.title.strip():
            continue
        title = clean_title(article.title)
        stems = {stem(w) for w in content_words(title)}
        if not stems:
            continue
        coverage = sum(1 for t in stems if held[t]) / len(stems)
        if chosen and coverage < HEADLINE_COVERAGE:
            continue
        centrality = float(sum(held[t] for t in stems))
        key = (-centrality, -coverage, i, title)
        if best is None or key < best:
            best = key
    if best is not None:
        return best[3]
    if chosen:
        return shorten(chosen[0].candidate.text)
    for article in articles:
        for paragraph in article.paragraphs:
            if paragraph.strip():
                return shorten(paragraph.strip())
    return "Untitled story"


def _doc_rank(articles: Sequence[Article]) -> list[int]:
    """Reading rank of each article: by publication time when known, else input order."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    order = sorted(
        range(len(articles)),
        key=lambda i: (articles[i].published or far, i),
    )
    rank = [0] * len(articles)
    for position, i in enumerate(order):
        rank[i] = position
    return rank


def summarize_story(
    articles: Sequence[Article], words_budget: int, topic: frozenset[str] = frozenset()
) -> Story:
    """One story from articles already known to cover the same event."""
    budget = story_budget(words_budget, len(articles))
    chosen = select_sentences(articles, budget, topic, _doc_rank(articles))
    return Story(
        headline=make_headline(articles, chosen),
        sentences=tuple(c.to_sentence() for c in chosen),
        sources=tuple(Source.from_article(a) for a in articles),
        differences=(
            find_differences(articles, [d for c in chosen for d in c.sources])
            if FIND_DIFFERENCES
            else ()
        ),
    )


#: How many stories past the limit may be summarized to replace ones with no sentence.
LOOKAHEAD_STORIES = 10


class ConceptSummarizer:
    """Stories by grouping (:mod:`digest.summarize.stories`); sentences by bigram-concept ILP.

    All articles are grouped first, so a topic never changes which articles
    make a story. With a topic, a story is kept when at least
    :data:`TOPIC_STORY_SHARE` of its articles are on it (:func:`on_topic`: the
    topic in the title or lead, or named repeatedly -- not a passing mention);
    the articles of the others are counted in :attr:`Summary.off_topic`.
    Stories are ranked most important first (:func:`digest.summarize.rank_key`:
    most distinct outlets, then most recent; then, with a topic, the story's
    share of on-topic articles; then first article) and cut to
    ``options.max_stories``, passing over a story with no sentence to tell
    when one of the next :data:`LOOKAHEAD_STORIES` can be told.
    """

    def __call__(self, articles: Sequence[Article], options: SummaryOptions) -> Summary:
        stems = topic_stems(options.topic)
        groups = group_articles(articles)
        off_topic = 0
        kept: list[tuple[list[int], float]] = []
        for group in groups:
            share = sum(on_topic(articles[i], stems) for i in group) / len(group) if stems else 1.0
            if share >= TOPIC_STORY_SHARE:
                kept.append((group, share))
            else:
                off_topic += len(group)
        ranked = sorted(
            kept,
            key=lambda item: (rank_key([articles[i] for i in item[0]]), -item[1], min(item[0])),
        )
        limit = len(ranked) if options.max_stories is None else options.max_stories
        # A story none of whose sentences can be told (a headline-only entry, a
        # column in the writer's own voice) gives its place to the next one that
        # can; it is used only when too few can. Looking ahead is bounded.
        told: list[Story] = []
        untold: list[Story] = []
        for group, _ in ranked[: limit + LOOKAHEAD_STORIES]:
            story = summarize_story([articles[i] for i in group], options.words, stems)
            (told if story.sentences else untold).append(story)
            if len(told) >= limit:
                break
        stories = (*told, *untold[: max(limit - len(told), 0)])
        return Summary(stories=stories, off_topic=off_topic)
