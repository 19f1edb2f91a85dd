"""The summarizer's contract: its options, its result, its protocol, and how
stories are ranked.

Below every summarizer and the registry (:mod:`digest.summarize`), so an
implementation imports its contract without importing the registry that
imports it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from digest.model import Article, Source, Story


@dataclass(frozen=True)
class SummaryOptions:
    """Knobs every summarizer understands."""

    #: Word budget for each story's sentences.
    words: int = 100
    #: Focus the digest on this topic, if given.
    topic: str | None = None
    #: At most this many stories (None: no limit).
    max_stories: int | None = None


@dataclass(frozen=True)
class Summary:
    """What a summarizer returns."""

    stories: tuple[Story, ...]
    #: Articles left out because their story was off the topic.
    off_topic: int = 0


class Summarizer(Protocol):
    """Group articles into stories and choose each story's sentences."""

    def __call__(self, articles: Sequence[Article], options: SummaryOptions) -> Summary: ...


def outlet_key(source: Source | Article) -> str:
    """Who published a source: its outlet by name, else its own URL or path.

    A source without an outlet counts as one of its own, so counts of outlets
    are never a guess from paths.
    """
    if source.outlet and source.outlet.strip():
        return source.outlet.strip().casefold()
    return source.url or source.path or ""


def rank_key(sources: Sequence[Source | Article]) -> tuple[int, float]:
    """Sort key putting the most important story first.

    Most distinct outlets first (five outlets covering a story outweigh one
    outlet's review), then the most recent (by its newest dated source;
    undated stories after dated ones with as many outlets).
    """
    outlets = len({outlet_key(s) for s in sources})
    dates = [s.published.timestamp() for s in sources if s.published is not None]
    return (-outlets, -max(dates) if dates else math.inf)


def rank_stories(stories: Sequence[Story]) -> tuple[Story, ...]:
    """Stories most important first (see :func:`rank_key`); ties keep their order."""
    return tuple(sorted(stories, key=lambda story: rank_key(story.sources)))
