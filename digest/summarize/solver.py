"""The solver: the sentences that cover the most concept weight within a word budget.

Each sentence has a cost (:func:`_sentence_cost`: doubt, dangling openers, length) and
bonuses (lead position, outlook, figures); near-copies are merged first
(:func:`_prune`), then a branch and bound with a node limit (:func:`_solve`)
chooses, never two sentences that tell one fact (:func:`_near_duplicate`:
nearly the same words, one's words -- or most of its rare words -- inside the
other's, the same figures, or one event of one subject in other words).

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from digest.summarize.citations import _stem_weights
from digest.summarize.sentences import (
    _VERBS,
    _WEEKDAYS,
    MONTH,
    Candidate,
    stem,
    stem_all,
)
from digest.summarize.weights import POSITION_DECAY, Concept, sentence_concepts
from digest.text import words

#: Objective cost of a doubtful sentence, per unit penalty, in concept-weight units.
PENALTY_COST = 3.0


#: Cost of a sentence that opens with a dangling word ("He said ...", "But ..."):
#: one full unit of doubt, as a flagged sentence pays. (At 0.5, a near-exact
#: solve let outlook/figure bonuses buy such openers over self-contained facts.)
DANGLING_COST = 3.0


#: Objective bonus for a sentence, per unit of its article-position prior.
LEAD_BONUS = 12.0


#: The lead bonus is whole for a sentence of at least this many words and pro rata
#: below: it is paid per sentence, so unscaled it buys several short sentences
#: over one full one (on DUC dev, 20 gave R-1/R-2/R-L 40.99/12.16/36.59
#: against 40.74/11.83/36.23 unscaled; 15 changed nothing, 25 gave 40.88/12.15/36.49).
SHORT_WORDS = 20


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


def _sentence_cost(cand: Candidate) -> float:
    """Objective cost of choosing a sentence, apart from its concepts (may be negative)."""
    kinds = (
        (OUTLOOK_BONUS if cand.outlook else 0.0)
        + (UNKNOWN_BONUS if cand.unknown else 0.0)
        + (REACTION_BONUS if cand.reaction else 0.0)
        + (FIGURE_BONUS if cand.figure else 0.0)
    )
    lead = LEAD_BONUS * math.exp(-cand.position / POSITION_DECAY)
    lead *= min(1.0, cand.length / SHORT_WORDS)
    return (
        PENALTY_COST * cand.penalty
        + (DANGLING_COST if cand.dangling else 0.0)
        - lead
        - kinds
        + LONG_COST * max(0, cand.length - LONG_SENTENCE)
    )


def _prune(cands: Sequence[Candidate], weights: dict[Concept, float]) -> list[Candidate]:
    """Keep the sentences most worth solving for: top by value and by value per word.

    A sentence's value is the summed weight of its concepts minus its cost; the
    exact solver then runs on a few dozen sentences instead of hundreds.
    Near-copies are merged first: of the sentences that say nearly the same
    words (the same tokens, or content-word Jaccard >= :data:`DUPLICATE`),
    only the most valuable one (the earliest on a tie) takes a place, so that
    copies of one wire sentence cannot fill the places (one story of copies
    got 114 of its 150 words from them). Sentences that tell one fact in other
    words (the rest of :func:`_near_duplicate`) may both take a place: the
    solver never chooses both.
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
        # _near_duplicate()'s word tests, inlined: the same tokens, or content-word
        # Jaccard >= DUPLICATE -- with a kept sentence no shorter: a shorter near-copy is
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


#: Two sentences that give this many of the same figures tell the same fact, however
#: they word it: "Smith, 55, could face up to 10 years in prison and have to pay
#: $250,000" and "Smith faces a maximum of 10 years in prison and a $250,000 fine."
SAME_FIGURES = 2

#: A figure as written ("10", "250,000", "3.5"); a year (1900-2099) is not one: two
#: sentences about the same year may tell different things.
_FIGURE_TEXT = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")


#: A day of a month ("Dec. 6-20", "Oct. 3", "23 May"): when, not how many.
_DAY_OF_MONTH = re.compile(
    r"\b" + MONTH + r"\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?(?!\d)(?:st|nd|rd|th)?"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+" + MONTH
)


def _figures_in(text: str) -> frozenset[str]:
    return frozenset(f for f in _FIGURE_TEXT.findall(text) if not _YEAR.fullmatch(f))


@lru_cache(maxsize=4096)
def figures(text: str) -> frozenset[str]:
    """The figures a sentence gives, years left out."""
    return _figures_in(text)


@lru_cache(maxsize=4096)
def amounts(text: str) -> frozenset[str]:
    """The figures a sentence gives that are not dates: two sentences dated alike ("the
    Dec. 6-20 games") may tell different things."""
    return _figures_in(_DAY_OF_MONTH.sub(" ", text)) if figures(text) else frozenset()


#: A sentence whose content words, each weighted by its rarity in English, are this
#: share in another's and that gives no figure the other does not, tells nothing
#: more: "The country's Ebola outbreak is the second deadliest in history." beside
#: "More than 1,600 people have died in what is the second-deadliest Ebola outbreak
#: in history."; "Julian Assange had been facing the rape charge in Sweden since
#: 2010." beside "Sweden has dropped its investigation into a 2010 rape allegation
#: against WikiLeaks co-founder Julian Assange." Rare words count most, so a sentence
#: that adds only "last", "went" or "novelist" adds nothing, while one that adds a
#: name does. ("A further 5% said the climate was not changing" beside "13% ...
#: agreed that the climate is changing" is another fact.)
RARE_CONTAINED = 0.7


@lru_cache(maxsize=8192)
def _rarities(cand: Candidate) -> tuple[dict[str, float], float]:
    """Each content stem's rarity in English (as citations weigh it, without the story's
    specificity: :func:`~digest.summarize.citations._stem_weights`), and their sum."""
    weights = _stem_weights(cand, {})
    return weights, math.fsum(weights.values())


def _rarely_contained(small: Candidate, large: Candidate) -> bool:
    """Whether ``small``'s rarity-weighted content words are :data:`RARE_CONTAINED`
    in ``large``'s, with every figure of ``small`` in ``large`` too."""
    shared = small.content_stems & large.content_stems
    if not shared:
        return False
    weights, total = _rarities(small)
    if total <= 0 or not figures(small.text) <= figures(large.text):
        return False
    # fsum is exact, so the set order (hash seed) cannot change the sum
    return math.fsum([weights.get(s, 0.0) for s in shared]) >= RARE_CONTAINED * total


#: Verbs that tell one kind of news event, each group one event told in other words:
#: two outlets' "acquitted" and "cleared", "has flown to" and "has arrived in".
#: (Speech verbs are no event: two sentences may say different things.)
_EVENT_VERB_GROUPS = (
    "acquit acquits acquitted clear clears cleared exonerate exonerates exonerated",
    "arrive arrives arrived reach reaches reached land lands landed fly flies flew flown",
    "kill kills killed slay slays slew slain",
    "resign resigns resigned quit quits",
    "withdraw withdraws withdrew withdrawn pull pulls pulled suspend suspends suspended",
    "arrest arrests arrested detain detains detained",
    "charge charges charged indict indicts indicted",
    "sentence sentences sentenced jail jails jailed",
    "convict convicts convicted",
    "fire fires fired sack sacks sacked dismiss dismisses dismissed oust ousts ousted",
    "hire hires hired appoint appoints appointed",
    "cancel cancels cancelled canceled scrap scraps scrapped",
    "postpone postpones postponed delay delays delayed",
    "drop drops dropped abandon abandons abandoned",
    "launch launches launched unveil unveils unveiled",
    "buy buys bought acquire acquires acquired purchase purchases purchased",
    "ban bans banned bar bars barred",
    "raise raises raised increase increases increased hike hikes hiked",
    "cut cuts reduce reduces reduced lower lowers lowered slash slashes slashed",
    "injure injures injured wound wounds wounded",
    "rescue rescues rescued free frees freed release releases released",
    "die dies died",
    "win wins won",
    "sue sues sued",
    "approve approves approved",
)
_EVENT_VERB: dict[str, int] = {
    word: n for n, group in enumerate(_EVENT_VERB_GROUPS) for word in group.split()
}
#: The event a verb of telling announces by its noun: "Iran has announced its partial
#: withdrawal from the deal" tells what "Iran has suspended ..." does.
_TELLING = frozenset("announce announces announced confirm confirms confirmed".split())  # noqa: SIM905
_EVENT_NOUN: dict[str, int] = {
    noun: _EVENT_VERB[verb]
    for noun, verb in (
        ("acquittal", "acquit"), ("arrival", "arrive"), ("killing", "kill"),
        ("resignation", "resign"), ("withdrawal", "withdraw"), ("suspension", "suspend"),
        ("arrest", "arrest"), ("indictment", "indict"), ("conviction", "convict"),
        ("dismissal", "dismiss"), ("appointment", "appoint"), ("cancellation", "cancel"),
        ("postponement", "postpone"), ("launch", "launch"), ("purchase", "purchase"),
        ("acquisition", "acquire"), ("ban", "ban"), ("increase", "increase"), ("cut", "cut"),
        ("reduction", "reduce"), ("release", "release"), ("rescue", "rescue"),
        ("death", "die"), ("approval", "approve"),
    )
}  # fmt: skip
#: Words between a subject and its verb that are not the verb: auxiliaries, "also".
_AUXILIARIES = frozenset(
    """is are was were be been being am has have had will would can could may might must
    shall should did does do also then later again now""".split()  # noqa: SIM905
)
#: A sentence that opens with one of these opens with a phrase, not its subject.
_PHRASE_OPENERS = frozenset(
    """in on at after before when while as since during despite with without for from by
    if although though because but and or so yet""".split()  # noqa: SIM905
)
_DETERMINERS = frozenset(("the", "a", "an"))
_DAY_WORDS = frozenset(_WEEKDAYS) | {"today", "yesterday", "tomorrow", "tonight"}
#: An aside between commas after the subject: ", a Christian woman who ... ," and
#: ", which ... ,": the verb comes after it.
_SUBJECT_ASIDE = re.compile(r",\s+(?:a|an|the|who|which|whose)\b[^,]*,")


@lru_cache(maxsize=8192)
def _subject_and_event(cand: Candidate) -> tuple[tuple[str, ...], int] | None:
    """The words of a sentence's subject and the group of its main verb, when that verb
    tells an event (:data:`_EVENT_VERB_GROUPS`): "The Yugoslav war crimes tribunal
    Monday acquitted ..." is (("yugoslav", "war", "crimes", "tribunal"), acquit);
    None when the sentence opens with a phrase or its verb is none of them."""
    tokens = words(_SUBJECT_ASIDE.sub(",", cand.text, count=1))
    if not tokens or tokens[0] in _PHRASE_OPENERS:
        return None
    subject: list[str] = []
    i = 0
    while i < len(tokens) and len(subject) <= 6:
        word = tokens[i]
        if word in _AUXILIARIES or word in _EVENT_VERB or word in _VERBS:
            break
        if word not in _DETERMINERS and word not in _DAY_WORDS:
            subject.append(word)
        i += 1
    if not subject or len(subject) > 6:
        return None
    while i < len(tokens) and (tokens[i] in _AUXILIARIES or tokens[i].endswith("ly")):
        i += 1
    group = _EVENT_VERB.get(tokens[i]) if i < len(tokens) else None
    if group is None and i < len(tokens) and tokens[i] in _TELLING:
        # "announced its (partial) withdrawal": the noun's event, within three words
        group = next((_EVENT_NOUN[w] for w in tokens[i + 1 : i + 4] if w in _EVENT_NOUN), None)
    return (tuple(subject), group) if group is not None else None


def _same_event(a: Candidate, b: Candidate) -> bool:
    """Whether two sentences tell one event in other words: the same subject, main
    verbs of one event group, and two more content words in common ("Asia Bibi has
    arrived in Canada ... death row" beside "Asia Bibi, ..., has flown to Canada ...
    death row"). "Police arrested a man in Leeds" and "Police arrested two women in
    York" share no two more words."""
    mine = _subject_and_event(a)
    if mine is None or mine != _subject_and_event(b):
        return False
    told = set(stem_all(mine[0])) | {stem(w) for w in _EVENT_VERB_GROUPS[mine[1]].split()}
    return len((a.content_stems & b.content_stems) - told) >= SAME_EVENT_WORDS


#: Content words two sentences of one event share besides their subject and verb.
SAME_EVENT_WORDS = 2


def _near_duplicate(a: Candidate, b: Candidate) -> bool:
    """Whether two sentences say nearly the same thing: content-word Jaccard >= 0.6,
    most of one's rare words in the other's (:data:`RARE_CONTAINED`),
    :data:`SAME_FIGURES` of the same figures (dates are no figures here), or, from two
    articles, one event told of one subject in other words (:func:`_same_event`)."""
    if a.tokens == b.tokens:
        return True
    if len(amounts(a.text) & amounts(b.text)) >= SAME_FIGURES:
        return True
    mine, theirs = a.content_stems, b.content_stems
    small = min(len(mine), len(theirs))
    if _rarely_contained(a, b) or _rarely_contained(b, a):
        return True
    if a.doc != b.doc and _same_event(a, b):
        return True
    # the Jaccard is at most the ratio of the sizes: most pairs need no intersection
    if small < (DUPLICATE - 1e-9) * max(len(mine), len(theirs)):
        return False
    shared = len(mine & theirs)
    union = len(mine) + len(theirs) - shared
    return union > 0 and shared / union >= DUPLICATE


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
    if not cands:
        return []
    search = _Search(_reduce(cands, weights), budget)
    search.search(0, budget, 0.0, 0)
    return sorted(search.best)


@dataclass(frozen=True)
class _Reduced:
    """The problem :func:`_solve` searches, after its reductions."""

    #: Each sentence's own value: minus its cost, plus the weight of the
    #: concepts only it holds.
    value: list[float]
    #: Concepts held by the same sentences, merged: their summed weight ...
    group_weight: list[float]
    #: ... and the sentences that hold them.
    group_holders: list[tuple[int, ...]]
    #: For each sentence, the groups it holds.
    of_item: list[list[int]]
    lengths: list[int]
    #: For each sentence, a bit mask of its near-duplicates.
    clash: list[int]


def _reduce(cands: Sequence[Candidate], weights: dict[Concept, float]) -> _Reduced:
    """Merge concepts held by the same sentences; fold single-holder ones into values."""
    n = len(cands)
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
    group_holders = [members for members, _ in groups]
    of_item: list[list[int]] = [[] for _ in range(n)]
    for g, members in enumerate(group_holders):
        for s in members:
            of_item[s].append(g)
    clash = [0] * n
    for a in range(n):
        for b in range(a + 1, n):
            if _near_duplicate(cands[a], cands[b]):
                clash[a] |= 1 << b
                clash[b] |= 1 << a
    return _Reduced(
        value, [w for _, w in groups], group_holders, of_item, [c.length for c in cands], clash
    )


class _Search:
    """The depth-first branch and bound of :func:`_solve` over a reduced problem."""

    def __init__(self, problem: _Reduced, budget: int) -> None:
        self.problem = problem
        lengths, n = problem.lengths, len(problem.lengths)
        # gain[s]: what taking s adds now (its value plus the weight of its concepts
        # not yet covered); kept up to date as sentences are taken and put back.
        self.gain = [
            problem.value[s] + math.fsum(problem.group_weight[g] for g in problem.of_item[s])
            for s in range(n)
        ]
        gain = self.gain
        self.order = sorted(
            (s for s in range(n) if lengths[s] <= budget and gain[s] > 0),
            key=lambda s: (-gain[s] / lengths[s], s),
        )
        self.covered = [0] * len(problem.group_weight)  # taken sentences holding each group
        self.best_value = 0.0
        self.best: list[int] = []
        self.taken: list[int] = []
        self.nodes = 0

    def bound(self, i: int, room: int, banned: int) -> float:
        """The fractional-knapsack bound of what sentences ``order[i:]`` can add."""
        gain, lengths = self.gain, self.problem.lengths
        items = [
            (-gain[s] / lengths[s], s)
            for s in self.order[i:]
            if gain[s] > 0 and lengths[s] <= room and not banned >> s & 1
        ]
        items.sort()
        total = 0.0
        for density, s in items:
            if lengths[s] <= room:
                total += gain[s]
                room -= lengths[s]
            else:
                return total - density * room
        return total

    def take(self, s: int, sign: int) -> None:
        """Mark ``s``'s groups covered (+1) or uncovered (-1), updating the gains."""
        problem, covered, gain = self.problem, self.covered, self.gain
        for g in problem.of_item[s]:
            before = covered[g]
            covered[g] += sign
            if (before == 0) != (covered[g] == 0):  # the group changed state
                for other in problem.group_holders[g]:
                    if other != s:
                        gain[other] -= sign * problem.group_weight[g]

    def search(self, i: int, room: int, total: float, banned: int) -> None:
        self.nodes += 1
        if total > self.best_value + EPSILON:
            self.best_value, self.best = total, list(self.taken)
        if i == len(self.order) or self.nodes > NODE_LIMIT:
            return
        if total + self.bound(i, room, banned) <= self.best_value * (1 + SOLVER_GAP) + EPSILON:
            return
        s, lengths, gain = self.order[i], self.problem.lengths, self.gain
        if lengths[s] <= room and not banned >> s & 1 and gain[s] > 0:
            added = gain[s]
            self.take(s, +1)
            self.taken.append(s)
            self.search(i + 1, room - lengths[s], total + added, banned | self.problem.clash[s])
            self.taken.pop()
            self.take(s, -1)
        self.search(i + 1, room, total, banned)
