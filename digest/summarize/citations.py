"""Citations: which articles say what a chosen sentence says.

Part of the default summarizer (:mod:`digest.summarize.concepts`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise

from digest.model import Article, Sentence
from digest.summarize.resolve import names_in, without_title_words
from digest.summarize.sentences import (
    CALENDAR_WORDS,
    Candidate,
    article_sentences,
    stem_all,
    tidy,
)
from digest.summarize.stories import rarity
from digest.text import stopwords, words


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


#: A source supports a sentence when one of its sentences (or two adjacent ones)
#: holds this share of the sentence's content stems, each weighted by its rarity
#: (:func:`digest.summarize.stories.rarity`), so that the shared part must carry
#: the sentence's names and rare terms, not only its common words ...
SUPPORT_OVERLAP = 0.4


#: ... and at least this many of them (with three, "The promise of Google Stadia: ...
#: rock-solid performance" supported "Stadia's performance is promising at worst, and
#: impressive at best.") ...
SUPPORT_MIN_WORDS = 4

#: ... and none may be missing that alone carries this share of the weight: the
#: one word that makes the fact ("deadliest" in "X is the deadliest strain") is
#: not made up for by the story's other words.
SUPPORT_KEY_SHARE = 0.3


#: In two adjacent sentences that support a sentence opening with a name, the one
#: naming that subject holds at least this share of what the two share with it
#: besides the name: the claim is told of the subject, not of someone beside it.
SUPPORT_NAMED_HALF = 0.5

#: The story's proper names in a sentence that a source never writes may carry at
#: most this share of the sentence's weight: "The Doobie Brothers will ride a potential
#: Rock and Roll Hall of Fame induction into a 2020 tour" is not said by a source that
#: tells of the tour and never of the Hall of Fame.
SUPPORT_MISSING_NAMES = 0.2

#: Words that open a sentence going on about whoever the sentence before named.
_PERSONAL = frozenset(("he", "she", "they", "his", "her", "their"))


_QUOTATION = re.compile(r"[\"“]([^\"“”]+)[\"”]")


def quotations(text: str) -> list[str]:
    """The quoted passages of a sentence, as space-joined lower-case words."""
    return [" ".join(q) for m in _QUOTATION.finditer(text) if (q := words(m.group(1)))]


@dataclass(frozen=True)
class SourceText:
    """What :func:`_supporters` compares a sentence with, for one article."""

    #: Content-stem bags of single sentences, then of adjacent pairs.
    windows: list[frozenset[str]]
    #: Indexes of the sentences that open with a personal pronoun ("He said ..."):
    #: they go on telling of whoever the sentence before named.
    continuing: frozenset[int]
    #: The article's words, space-joined with a space at each end.
    text: str
    #: Every content stem of the article.
    stems: frozenset[str]

    @property
    def sentences(self) -> int:
        """How many of the windows are single sentences: pair ``k`` joins windows
        ``k`` and ``k + 1``, and is window ``sentences + k``."""
        return (len(self.windows) + 1) // 2

    @classmethod
    def of(cls, sentences: Sequence[tuple[frozenset[str], Sequence[str]]]) -> SourceText:
        """One article's, from each sentence's content stems and words, in order."""
        bags = [bag for bag, _ in sentences]
        return cls(
            windows=[*bags, *(a | b for a, b in pairwise(bags))],
            continuing=frozenset(
                i for i, (_, found) in enumerate(sentences) if found[:1] and found[0] in _PERSONAL
            ),
            text=f" {' '.join(chain.from_iterable(found for _, found in sentences))} ",
            stems=frozenset().union(*bags),
        )


def source_texts(cands: Sequence[Candidate], n_docs: int) -> dict[int, SourceText]:
    """Each article's :class:`SourceText`, from its candidate sentences."""
    sentences: dict[int, list[tuple[frozenset[str], Sequence[str]]]] = {
        d: [] for d in range(n_docs)
    }
    for cand in cands:
        sentences[cand.doc].append((cand.content_stems, cand.tokens))
    return {d: SourceText.of(sentences[d]) for d in range(n_docs)}


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


#: A capitalised word inside a sentence (not its first word), and a lower-case word.
_MID_CAPITAL = re.compile(r"(?<=[a-z0-9,]\s)[A-Z][A-Za-z]*[a-z](?:['’-][A-Za-z]+)*")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w’'-])")


def proper_names(cands: Sequence[Candidate]) -> frozenset[str]:
    """The story's proper names, lower-cased: words its sentences capitalise inside a
    sentence and never write in lower case ("Morrison", "Sweden"; not "Health", which
    opens "Health authorities said ..." but is "health" elsewhere). Days and months
    are no names."""
    capital: set[str] = set()
    lower: set[str] = set()
    for cand in cands:
        capital.update(chain.from_iterable(words(w) for w in _MID_CAPITAL.findall(cand.text)))
        lower.update(_LOWER_WORD.findall(cand.text))
    return frozenset(capital - lower - CALENDAR_WORDS)


def named_subject(text: str, names: frozenset[str]) -> frozenset[str]:
    """The stems of the name a sentence opens with, if it is one of ``names`` (its
    subject: "Morrison was the third witness ...", "Port Commissioner Tom Morrison was
    ..."); else empty."""
    found = names_in(text[:80])
    if not found:
        return frozenset()
    start, _, name = found[0]
    if start != 0 and without_title_words(text[:start]):
        return frozenset()
    tokens = [w for w in words(name) if len(w) > 1]
    return frozenset(s for w, s in zip(tokens, stem_all(tokens), strict=True) if w in names)


def _stem_weights(cand: Candidate, specific: dict[str, float]) -> dict[str, float]:
    """Weight of each content stem of a sentence: rarity in English (from its
    rarest form in it) times specificity in the story."""
    stop = stopwords()
    weights: dict[str, float] = {}
    for word, s in zip(cand.tokens, cand.stems, strict=True):
        if s in cand.content_stems and word not in stop:
            weights[s] = max(weights.get(s, 0.0), rarity(word) * specific.get(s, 1.0))
    return weights


def _named_half_holds(
    source: SourceText,
    window: int,
    mine: frozenset[str],
    subject: frozenset[str],
    weights: dict[str, float],
) -> bool:
    """Whether, in a pair of sentences (``window``), one that names the sentence's
    subject also holds :data:`SUPPORT_NAMED_HALF` of the rest the pair shares.

    "Lawmakers asked Vindman about the July 25 call." next to "Later, Volker and
    Morrison testified." holds the name and the call, but does not say "Morrison
    listened in on the July 25 call": the call is told of someone else. A second
    sentence that opens with a personal pronoun goes on about the first one's
    subject, so the two tell of it together.
    """
    first = window - source.sentences
    if first + 1 in source.continuing and not subject.isdisjoint(source.windows[first]):
        return True  # "Okafor voted on Thursday. He was the second ...": both of him
    rest = math.fsum(weights[s] for s in sorted((mine & source.windows[window]) - subject))
    for bag in source.windows[first : first + 2]:
        shared = mine & bag
        if (
            not subject.isdisjoint(shared)
            and math.fsum(weights[s] for s in sorted(shared - subject)) >= SUPPORT_NAMED_HALF * rest
        ):
            return True
    return False


def _supporters(
    chosen: Candidate,
    sources: dict[int, SourceText],
    specific: dict[str, float],
    names: frozenset[str],
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
    outlet that never gave the sum). A sentence that opens with one of the
    story's proper ``names`` (:func:`proper_names`) is about that person or
    place: the shared part must hold the name (the July 25 call told of
    others is not "Morrison listened in on the call"), and in two adjacent
    sentences, the one naming it must hold most of the rest
    (:func:`_named_half_holds`). A sentence that opens with who says it
    ("Analysts warn that ...") is supported only where its source names them
    too (:func:`_speaker`).
    """
    support = {chosen.doc}
    quoted = quotations(chosen.text)
    mine = chosen.content_stems
    weights = _stem_weights(chosen, specific) if not quoted else {}
    total = math.fsum(weights.values())
    figures = {s for s in mine if any(ch.isdigit() for ch in s)}
    key = {s for s, w in weights.items() if w >= SUPPORT_KEY_SHARE * total}
    subject = named_subject(chosen.text, names) if not quoted else frozenset()
    speaker = _speaker(chosen) if not quoted else frozenset()
    named = {s for w, s in zip(chosen.tokens, chosen.stems, strict=True) if w in names} & set(
        weights
    )
    for doc, source in sorted(sources.items()):
        if doc in support:
            continue
        if quoted:
            if all(f" {q} " in source.text for q in quoted):
                support.add(doc)
            continue
        if not mine or total <= 0 or not figures <= source.stems:
            continue
        if (
            named
            and math.fsum(weights[s] for s in sorted(named - source.stems))
            > SUPPORT_MISSING_NAMES * total
        ):
            continue
        for k, bag in enumerate(source.windows):
            shared = mine & bag
            if (
                len(shared) >= SUPPORT_MIN_WORDS
                and key <= shared
                and (not subject or not subject.isdisjoint(shared))
                and (not speaker or not speaker.isdisjoint(bag))
                and math.fsum(weights[s] for s in sorted(shared)) >= SUPPORT_OVERLAP * total
                and (
                    not subject
                    or k < source.sentences
                    or _named_half_holds(source, k, mine, subject, weights)
                )
            ):
                support.add(doc)
                break
    return tuple(sorted(support))


#: A sentence that opens with who says it: "Analysts warn that ...", "Police said ...".
_OPENING_SPEAKER = re.compile(
    r"^((?:[\w’'-]+\s+){1,4}?)(?:warn|warns|warned|say|says|said|fear|fears|feared|"
    r"predict|predicts|predicted|believe|believes|believed|expect|expects|expected)\b"
)


def _speaker(chosen: Candidate) -> frozenset[str]:
    """The content stems of who an opening attribution says holds the view ("Analysts
    warn that Kim may end the moratorium" -> {"analyst"}): a source that never names
    them reports the event, maybe, not that they warned of it."""
    match = _OPENING_SPEAKER.match(chosen.text)
    if match is None:
        return frozenset()
    head = {w.lower().strip("’'") for w in match.group(1).split()}
    return (
        frozenset(s for w, s in zip(chosen.tokens, chosen.stems, strict=True) if w in head)
        & chosen.content_stems
    )


def _source_texts_of(articles: Sequence[Article]) -> list[SourceText]:
    """Each article's :class:`SourceText` without judging its sentences: what
    :func:`source_texts` gives from :func:`candidates`, at a fraction of the
    cost, and a sentence that recurs (copies of one wire text) is read once."""
    stop = stopwords()
    memo: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    out = []
    for article in articles:
        sentences: list[tuple[frozenset[str], Sequence[str]]] = []
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
            sentences.append(known)
        out.append(SourceText.of(sentences))
    return out
