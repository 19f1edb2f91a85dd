"""The summarizer stage: cleaned articles in, stories out.

A summarizer is any callable matching :class:`Summarizer`. Implementations are
registered by name in :func:`_registry`; ``build`` picks one by name with
:func:`get_summarizer`. The default, ``"concepts"``
(:mod:`digest.summarize.concepts`), groups articles into stories
(:mod:`digest.summarize.stories`) and chooses each story's sentences by concept
coverage. :func:`make_intro` writes the
digest's one-line introduction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from digest.model import Story
from digest.summarize.contract import (
    Summarizer,
    Summary,
    SummaryOptions,
    outlet_key,
    rank_key,
    rank_stories,
)
from digest.text import fold_space


def _registry() -> dict[str, Callable[[], Summarizer]]:
    from digest.summarize.concepts import ConceptSummarizer

    return {"concepts": ConceptSummarizer}


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


DEFAULT = "concepts"


def make_intro(
    stories: Sequence[Story],
    article_count: int,
    topic: str | None = None,
    title: str | None = None,
) -> str:
    """The digest's one-line introduction: how much was read, from whom, about what.

    For example "12 articles from 5 outlets on climate, in 4 stories, led by:
    Floods close the port." ``article_count`` is the number of articles the
    stories were made from (the build passes the articles actually used, not
    those read and left out). Outlets are counted by :func:`outlet_key`.
    Without a topic, the lead story says what it is about, unless the issue's
    ``title`` already is that story's headline.
    """
    outlets = {outlet_key(s) for st in stories for s in st.sources}
    named = all(s.outlet for st in stories for s in st.sources)
    noun = "outlet" if named else "source"
    parts = [f"{article_count} article{'' if article_count == 1 else 's'}"]
    if outlets:
        parts.append(f"from {len(outlets)} {noun}{'' if len(outlets) == 1 else 's'}")
    if topic:
        parts.append(f"on {topic.strip()}")
    count = len(stories)
    line = " ".join(parts)
    line = f"{line[0].upper()}{line[1:]}, in {count} {'story' if count == 1 else 'stories'}"
    if stories and not topic and title != stories[0].headline:
        lead = fold_space(stories[0].headline).rstrip(".")
        line += f", led by: {lead}" if count > 1 else f": {lead}"
    return line + "."


__all__ = [
    "DEFAULT",
    "Summarizer",
    "Summary",
    "SummaryOptions",
    "get_summarizer",
    "make_intro",
    "outlet_key",
    "rank_key",
    "rank_stories",
]
