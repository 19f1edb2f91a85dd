"""The summarizer stage: cleaned articles in, stories out.

A summarizer is any callable matching :class:`Summarizer`. Implementations are
registered by name in :data:`SUMMARIZERS`; ``build`` picks one by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from digest.model import Article, Story


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
    #: Articles left out because they were off the topic.
    off_topic: int = 0


class Summarizer(Protocol):
    """Group articles into stories and choose each story's sentences."""

    def __call__(self, articles: Sequence[Article], options: SummaryOptions) -> Summary: ...


def _registry() -> dict[str, Callable[[], Summarizer]]:
    from digest.summarize.lead import LeadSummarizer

    return {"lead": LeadSummarizer}


def get_summarizer(name: str = "default") -> Summarizer:
    """The summarizer registered as ``name`` ("default" is the best one)."""
    registry = _registry()
    if name == "default":
        name = DEFAULT
    try:
        factory = registry[name]
    except KeyError:
        raise ValueError(f"unknown summarizer {name!r}; choose one of {sorted(registry)}") from None
    return factory()


DEFAULT = "lead"

__all__ = ["Summarizer", "SummaryOptions", "Summary", "get_summarizer"]
