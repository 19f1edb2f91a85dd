"""A story's sentence selection has a bounded cost whatever the story's size.

The solver is exact (checked against brute force) and stops at a node limit
with a feasible set; copies of articles are found by an index that finds the
same pairs as comparing every pair; near-copy sentences take one place among
the candidates; a big story is read from a bounded number of its reports but
cites any of its articles.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import digest.summarize.concepts as concepts
import digest.summarize.solver as solver
from digest.model import Article, Block
from digest.summarize.concepts import READ_ARTICLES, select_sentences
from digest.summarize.sentences import Candidate, candidates
from digest.summarize.solver import (
    MAX_CANDIDATES,
    SOLVER_GAP,
    _near_duplicate,
    _prune,
    _sentence_cost,
    _solve,
)
from digest.summarize.weights import concept_weights, copy_groups


def fake(
    doc: int, position: int, length: int, concepts_: set[str], penalty: float = 0.0
) -> Candidate:
    """A candidate sentence holding exactly ``concepts_`` (as unigram concepts)."""
    # distinct filler words keep made-up sentences from being near-duplicates
    own = tuple(f"own{doc}x{position}x{i}" for i in range(4))
    stems = (*sorted(concepts_), *own)
    return Candidate(
        text=" ".join(sorted(concepts_)) + ".",
        doc=doc,
        position=position,
        tokens=stems,
        stems=stems,
        length=length,
        excluded="",
        penalty=penalty,
        dangling=False,
        figure=False,
        outlook=False,
        unknown=False,
        reaction=False,
        content_stems=frozenset(stems),
        bigrams=frozenset(),
        concepts=frozenset((c, "") for c in concepts_),
    )


def objective(
    cands: list[Candidate], weights: dict[tuple[str, str], float], chosen: list[int]
) -> float:
    covered = set().union(*(cands[i].concepts for i in chosen)) if chosen else set()
    return sum(weights.get(c, 0.0) for c in covered) - sum(_sentence_cost(cands[i]) for i in chosen)


def brute_force(
    cands: list[Candidate], weights: dict[tuple[str, str], float], budget: int
) -> float:
    best = 0.0
    for r in range(len(cands) + 1):
        for subset in itertools.combinations(range(len(cands)), r):
            if sum(cands[i].length for i in subset) > budget:
                continue
            if any(
                _near_duplicate(cands[a], cands[b]) for a, b in itertools.combinations(subset, 2)
            ):
                continue
            best = max(best, objective(cands, weights, list(subset)))
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_the_solver_finds_what_brute_force_finds(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(14)]
    weights = {(w, ""): rng.uniform(0.5, 10.0) for w in vocabulary}
    cands = [
        fake(
            rng.randrange(4),
            i,
            rng.randrange(8, 40),
            set(rng.sample(vocabulary, rng.randrange(1, 6))),
            penalty=rng.choice([0.0, 0.0, 1.0]),
        )
        for i in range(rng.randrange(1, 11))
    ]
    budget = rng.randrange(20, 100)
    best = brute_force(cands, weights, budget)
    chosen = _solve(cands, weights, budget)
    assert sum(cands[i].length for i in chosen) <= budget
    assert best / (1 + SOLVER_GAP) - 1e-9 <= objective(cands, weights, chosen) <= best + 1e-9
    with pytest.MonkeyPatch.context() as patch:  # with no gap: the optimum itself
        patch.setattr(solver, "SOLVER_GAP", 0.0)
        exact = _solve(cands, weights, budget)
    assert objective(cands, weights, exact) == pytest.approx(best)


def test_the_solver_never_takes_two_near_duplicates() -> None:
    shared = {"quake", "chile", "port", "killed"}
    a = fake(0, 0, 20, shared)
    b = fake(1, 0, 20, shared)
    b = Candidate(**{**b.__dict__, "content_stems": a.content_stems})  # the same words
    weights = {(w, ""): 5.0 for w in shared}
    assert _near_duplicate(a, b)
    assert len(_solve([a, b], weights, 100)) == 1


def test_past_the_node_limit_the_best_set_found_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    weights = {(w, ""): rng.uniform(0.5, 10.0) for w in vocabulary}
    cands = [
        fake(i % 5, i, rng.randrange(8, 30), set(rng.sample(vocabulary, 6))) for i in range(30)
    ]
    exact = _solve(cands, weights, 120)
    monkeypatch.setattr(solver, "NODE_LIMIT", 5)
    cut = _solve(cands, weights, 120)
    assert cut, "a feasible set, not nothing"
    assert sum(cands[i].length for i in cut) <= 120
    assert objective(cands, weights, cut) <= objective(cands, weights, exact) + 1e-9
    assert _solve(cands, weights, 120) == cut  # deterministic


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.frozensets(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), max_size=14), max_size=25
    ),
    st.sampled_from([0.5, 0.7, 0.9, 1.0]),
)
def test_copy_groups_finds_exactly_the_pairs_that_comparing_every_pair_finds(
    bags: list[frozenset[str]], threshold: float
) -> None:
    parent = list(range(len(bags)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in itertools.combinations(range(len(bags)), 2):
        union = len(bags[a] | bags[b])
        if union and len(bags[a] & bags[b]) / union >= threshold:
            parent[root(b)] = root(a)
    expected: dict[int, list[int]] = {}
    for i in range(len(bags)):
        expected.setdefault(root(i), []).append(i)
    assert copy_groups(bags, threshold) == sorted(expected.values())


WIRE = (
    "The harbour authority closed the northern channel on Tuesday after a cargo ship ran "
    "aground near the lighthouse, stranding twelve vessels in port."
)


def story_article(i: int, *extra: str, outlet: str | None = None) -> Article:
    return Article(
        path=f"harbour/{i:03d}.md",
        title=None,
        blocks=tuple(Block("paragraph", p) for p in (WIRE, *extra)),
        outlet=outlet or f"Outlet {i % 7}",
        published=dt.datetime(2026, 11, 1 + i % 20, tzinfo=dt.UTC),
    )


def test_near_copies_of_one_sentence_take_one_place_among_the_candidates() -> None:
    # the same wire sentence in every article, and a lightly edited copy of it
    edited = WIRE.replace("on Tuesday", "on Tuesday morning")
    articles = [
        story_article(
            i, edited, f"Officials expect the channel to reopen in {i + 2} days at the earliest."
        )
        for i in range(40)
    ]
    cands = [c for c in candidates(articles) if not c.excluded]
    weights = concept_weights(cands, len(articles))
    kept = _prune(cands, weights)
    assert len(kept) <= MAX_CANDIDATES
    wire = [c for c in kept if "aground" in c.tokens]
    assert len(wire) == 1, [c.text for c in wire]
    assert len({c.tokens for c in kept}) == len(kept)


def test_a_big_story_is_read_from_a_bounded_number_of_reports_and_cites_any_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []
    original = concepts.candidates

    def counting(articles: list[Article]) -> list[Candidate]:
        read.append(len(articles))
        return original(articles)

    monkeypatch.setattr(concepts, "candidates", counting)
    rng = random.Random(3)
    names = [f"berth{n}" for n in range(5000)]  # every report has words of its own
    articles = [
        story_article(
            i,
            " ".join(["The", *rng.sample(names, 5), "said", *rng.sample(names, 4)]) + ".",
            " ".join(["A", *rng.sample(names, 6), "was", *rng.sample(names, 3)]) + ".",
            outlet=f"Outlet {i}",
        )
        for i in range(10 * READ_ARTICLES)
    ]
    chosen = select_sentences(articles, 60)
    assert read == [READ_ARTICLES]
    wire = next(c for c in chosen if "aground" in c.candidate.tokens)
    # every article prints the wire sentence: all of them support it, read or not
    assert wire.sources == tuple(range(len(articles)))
    assert select_sentences(articles, 60) == chosen


def test_the_lead_bonus_never_buys_two_short_sentences_over_one_full_one() -> None:
    # Two 10-word lead sentences say two facts; one 20-word lead sentence says
    # them and one more. Paid whole per sentence, the lead bonus took the pair.
    short_a = fake(0, 0, 10, {"storm"})
    short_b = fake(1, 0, 10, {"coast"})
    full = fake(2, 0, 20, {"storm", "coast", "wind"})
    assert _sentence_cost(short_a) + _sentence_cost(short_b) == pytest.approx(_sentence_cost(full))
    weights = {("storm", ""): 5.0, ("coast", ""): 5.0, ("wind", ""): 1.0}
    assert _solve([short_a, short_b, full], weights, 20) == [2]
